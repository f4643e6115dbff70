import { pathToFileURL } from "node:url";
import { ConfigError, loadConfig } from "../config/env.js";
import type { AppContext } from "../context.js";
import { configSecrets, createLogger } from "../log.js";
import { openCurrentStore, openStore, StoreNotCurrent } from "../service.js";
import { COMMANDS } from "./registry.js";
import type { CliIO } from "./types.js";

async function help(io: CliIO) {
  io.out("Tend - the Customer Success assistant for Slack and Feishu\n");
  io.out("usage: tend <command> [options]\n");
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  for (const c of await Promise.all(COMMANDS.map((e) => e.load()))) io.out(`  ${c.name.padEnd(width)}  ${c.summary}`);
  io.out("\n`tend <command> --help` shows a command's options.");
  io.out("Configuration comes from the environment (see README): DATABASE_URL, TEND_DATA_DIR, ...");
}

/** Runs one CLI invocation; returns the exit code. `env` overrides the environment (tests). */
export async function runCli(
  argv: string[],
  io: CliIO = { out: (l) => console.log(l), err: (l) => console.error(l), progress: process.stderr },
  opts: { env?: Record<string, string | undefined>; ctx?: AppContext } = {},
): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    await help(io);
    return name ? 0 : 2;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    io.err(`unknown command "${name}". Commands: ${COMMANDS.map((c) => c.name).join(", ")}`);
    return 2;
  }
  const cmd = await entry.load();
  if (args.includes("--help") || args.includes("-h")) {
    io.out(`${cmd.summary}\n\nusage: ${cmd.usage}`);
    return 0;
  }
  if (opts.ctx) return cmd.run(args, io, opts.ctx);
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(opts.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 78;
    }
    throw err;
  }
  // CLI output is for people: keep the structured log quiet unless asked for.
  const log = createLogger(config.logLevel === "info" ? "warn" : config.logLevel, undefined, configSecrets(config));
  if (cmd.store === "none") return cmd.run(args, io, { config, log, db: undefined as never, now: () => new Date() });
  let opened: Awaited<ReturnType<typeof openStore>>;
  try {
    // A person is waiting: a few quick tries, not the service's long wait.
    opened =
      cmd.store === "migrate"
        ? await openStore(config, log, { firstMs: 1_000, maxMs: 4_000, attempts: 4 })
        : await openCurrentStore(config, log);
  } catch (err) {
    if (err instanceof StoreNotCurrent) {
      io.err(err.message);
      return 78;
    }
    throw err;
  }
  const { db, applied } = opened;
  if (applied.length) io.err(`applied migrations: ${applied.join(", ")}`);
  const ctx: AppContext = { config, log, db, now: () => new Date() };
  try {
    return await cmd.run(args, io, ctx);
  } finally {
    await db.close();
  }
}

// `npm run tend -- ...` runs this file directly; `npx tend` goes through bin/tend.js.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await runCli(process.argv.slice(2));
}
