// Service memory: the real service (`npm start`: src/main.ts in a process of its own) over a book of
// the demo plus 10k accounts, on PostgreSQL and on the embedded store. Resident memory (RSS, read
// from /proc) idle after start, then after each of 6 bursts of 300 signed /tend slash commands over
// HTTP (the soak mix, from a client process of its own), answered through a stand-in Slack. Growth
// shows as the last burst's RSS against the second's (the first burst warms caches and JIT).
// Only with BENCH_SCALE set (large: 10k accounts; small: 1k accounts and 3 bursts of 100).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseConfig } from "../src/config/env.js";
import type { AppContext } from "../src/context.js";
import { DEMO_PEOPLE, demoEmail, demoSlackUserId } from "../src/demo/generate.js";
import { installDemo } from "../src/demo/load.js";
import { silentLogger } from "../src/log.js";
import { type Db, openDb } from "../src/store/db.js";
import { bulkAccounts } from "../test/commands/bulk.js";
import { startSlackApiStandIn } from "../test/slack/api-stand-in.js";
import { TEST_SIGNING_SECRET } from "../test/slack/sign.js";
import { fireSlashCommands } from "../test/soak/slash-load.js";
import type { BenchRow } from "./harness.js";
import { benchStores } from "./stores.js";

const SCALE = process.env.BENCH_SCALE;
const ACCOUNTS = Number(process.env.BENCH_MEMORY_ACCOUNTS ?? (SCALE === "large" ? 10_000 : 1_000));
const BURSTS = SCALE === "large" ? 6 : 3;
const PER_BURST = SCALE === "large" ? 300 : 100;
const TARGET_IDLE_MB: Record<string, number> = { postgres: 300, pglite: 450 };

const log = (msg: string) => console.log(`  memory: ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** The demo book plus ACCOUNTS accounts in the Americas team, written before the service starts. */
async function fill(db: Db, today: string) {
  const ctx: AppContext = {
    config: parseConfig({ TEND_DEMO: "off", TEND_SCHEDULER: "off" }),
    log: silentLogger,
    db,
    now: () => new Date(`${today}T09:00:00Z`),
  };
  if (!(await installDemo(ctx, { today })).loaded) throw new Error("the bench store was not empty");
  const americas = await db.prisma.member.findMany({
    where: { email: { in: [demoEmail("alice.chen"), demoEmail("ben.carter")] } },
    select: { id: true, teamId: true },
  });
  await bulkAccounts(db, {
    n: ACCOUNTS,
    today,
    teamId: americas[0]?.teamId as string,
    ownerIds: americas.map((m) => m.id),
    prefix: "Scale",
  });
}

/** `npm start` in a child process; resolves with it once it logs its port. */
async function startService(env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = "";
    child.stdout?.on("data", (c: Buffer) => {
      buf += c.toString();
      const m = /"port":(\d+)/.exec(buf);
      if (m) resolve(Number(m[1]));
    });
    child.on("exit", (code) => reject(new Error(`the service exited with ${code} before listening`)));
  });
  child.stdout?.resume();
  return { child, port };
}

async function stopService(child: ChildProcess) {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(35_000)]);
}

export async function run(): Promise<BenchRow[]> {
  if (SCALE !== "large" && SCALE !== "small") {
    console.log("  (memory: skipped; BENCH_SCALE=large measures the service's RSS with 10k accounts)");
    return [];
  }
  const out: BenchRow[] = [];
  const today = new Date().toISOString().slice(0, 10);
  const book = `demo book + ${ACCOUNTS.toLocaleString("en")} accounts`;
  const api = await startSlackApiStandIn();
  for (const p of DEMO_PEOPLE) api.users[demoSlackUserId(p.handle)] = { email: demoEmail(p.handle), name: p.name };
  try {
    // BENCH_MEMORY_STORE=pglite|postgres measures one store only (two runs can then go side by side).
    const only = process.env.BENCH_MEMORY_STORE;
    for (const s of (await benchStores()).filter((x) => !only || x.name === only)) {
      // Each store is filled by this process, closed, then opened by the service alone.
      let env: Record<string, string>;
      let cleanup: () => Promise<void>;
      if (s.name === "postgres") {
        const db = await s.open();
        await fill(db, today);
        env = { DATABASE_URL: s.url as string };
        await db.close();
        cleanup = s.drop;
      } else {
        const dir = await mkdtemp(path.join(tmpdir(), "tend-memory-"));
        const db = await openDb({ dataDir: dir });
        await db.migrate();
        await fill(db, today);
        await db.close();
        env = { TEND_DATA_DIR: dir };
        cleanup = () => rm(dir, { recursive: true, force: true });
      }
      const { child, port } = await startService({
        ...env,
        PORT: "0",
        HOST: "127.0.0.1",
        TEND_DEMO: "off",
        TEND_SCHEDULER: "off",
        TEND_PLAYGROUND: "off",
        TEND_LOG_LEVEL: "info", // as `npm start` runs by default; the port is read from its "listening" line
        TEND_LOG_FORMAT: "json",
        SLACK_BOT_TOKEN: "xoxb-test",
        SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
        SLACK_API_URL: api.url,
      }).catch(async (err) => {
        await cleanup();
        throw err;
      });
      try {
        const pid = child.pid as number;
        await sleep(5_000);
        const idle = await rssMb(pid);
        log(`${s.name}: idle ${idle.toFixed(0)} MB`);
        const target = { url: `http://127.0.0.1:${port}/slack/events`, api };
        const after: number[] = [];
        for (let b = 0; b < BURSTS; b++) {
          const r = await fireSlashCommands(target, PER_BURST, {
            now: new Date(),
            clientProcess: true,
            giveUpMs: 1_200_000, // a loaded 2-core machine answers 300 commands over 10k accounts slowly
          });
          const failed = r.outcomes.filter((o) => o.status !== 200).length + r.unanswered;
          if (failed) throw new Error(`${failed} of ${PER_BURST} commands not acknowledged or not answered`);
          await sleep(2_000);
          after.push(await rssMb(pid));
          log(`${s.name}: after burst ${b + 1} ${after.at(-1)?.toFixed(0)} MB`);
        }
        const row = (figure: string, value: number, extra: Partial<BenchRow> = {}): BenchRow => ({
          bench: "memory",
          store: s.name,
          figure,
          value,
          unit: "MB",
          better: "lower",
          ...extra,
        });
        out.push(
          row(`service RSS idle, ${book}`, idle, {
            baseline: { label: "target", value: TARGET_IDLE_MB[s.name] as number },
            target: `< ${TARGET_IDLE_MB[s.name]} MB`,
          }),
          ...after.map((mb, i) =>
            row(
              `  after burst ${i + 1} of ${PER_BURST} concurrent /tend`,
              mb,
              i === after.length - 1 && after.length > 1
                ? {
                    baseline: { label: "after burst 2", value: after[1] as number },
                    target: "<= 1.10x after burst 2",
                  }
                : {},
            ),
          ),
        );
      } finally {
        await stopService(child);
        await cleanup();
      }
    }
  } finally {
    await api.close();
  }
  return out;
}
