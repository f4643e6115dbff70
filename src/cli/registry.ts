import type { CliCommand } from "./types.js";

/**
 * Every `tend` subcommand, in the order `tend --help` lists them. Each is loaded only when it runs: a
 * one-off `tend ask` should not pay for the demo generator, the import pipeline or the backtest.
 */
export interface CommandEntry {
  name: string;
  load: () => Promise<CliCommand>;
}

export const COMMANDS: CommandEntry[] = [
  { name: "migrate", load: async () => (await import("./migrate.js")).migrateCommand },
  { name: "ask", load: async () => (await import("./ask.js")).askCommand },
  { name: "run", load: async () => (await import("./run.js")).runCommand },
  { name: "outbox", load: async () => (await import("./outbox.js")).outboxCommand },
  { name: "audit", load: async () => (await import("./audit.js")).auditCommand },
  { name: "demo", load: async () => (await import("./demo.js")).demoCommand },
  { name: "import", load: async () => (await import("./import.js")).importCommand },
  { name: "recompute", load: async () => (await import("./recompute.js")).recomputeCommand },
  { name: "backtest", load: async () => (await import("./backtest.js")).backtestCommand },
  { name: "sync", load: async () => (await import("./sync.js")).syncCommand },
  { name: "slack-manifest", load: async () => (await import("./slack.js")).slackManifestCommand },
];
