import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type BenchRow, percentile } from "./harness.js";

// Wall time of whole `tend` processes, start to exit, as a user or a script sees them: a CLI call must
// exit as soon as its work is done (no schema engine, no timers left behind). Baseline: `node -e 0`.
const exec = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 5);

async function wall(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const t0 = performance.now();
  // A refusal (exit 3: nobody@ is not a member) is still a whole answer: only the time matters here.
  await exec(process.execPath, args, { cwd: ROOT, env }).catch((err: { code?: unknown }) => {
    if (typeof err.code !== "number") throw err;
  });
  return performance.now() - t0;
}

async function medianOf(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await wall(args, env));
  return percentile(
    times.sort((a, b) => a - b),
    50,
  );
}

export async function run(): Promise<BenchRow[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "tend-bench-cli-"));
  // Always the embedded store: the figure is about an embedded first hour.
  const env: NodeJS.ProcessEnv = { ...process.env, TEND_DATA_DIR: dir };
  delete env.DATABASE_URL;
  try {
    const migrateFirst = await wall(["bin/tend.js", "migrate"], env);
    const baseline = { label: "node -e 0", value: await medianOf(["-e", "0"], env) };
    const help = await medianOf(["bin/tend.js", "ask", "help", "--as", "nobody@example.com"], env);
    const migrated = await medianOf(["bin/tend.js", "migrate"], env);
    const row = (figure: string, value: number, target?: string): BenchRow => ({
      bench: "cli",
      store: "pglite",
      figure,
      value,
      unit: "ms",
      baseline,
      better: "lower",
      ...(target ? { target } : {}),
    });
    return [
      row(`tend ask help, migrated store (median of ${RUNS})`, help, "< 1500 ms on 2 cores"),
      row(`tend migrate, already current (median of ${RUNS})`, migrated),
      row("tend migrate, new store (initdb + migrations)", migrateFirst),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
