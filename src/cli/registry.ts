import { askCommand } from "./ask.js";
import { auditCommand } from "./audit.js";
import { backtestCommand } from "./backtest.js";
import { demoCommand } from "./demo.js";
import { importCommand } from "./import.js";
import { migrateCommand } from "./migrate.js";
import { outboxCommand } from "./outbox.js";
import { recomputeCommand } from "./recompute.js";
import { runCommand } from "./run.js";
import { slackManifestCommand } from "./slack.js";
import type { CliCommand } from "./types.js";

// Every `tend` subcommand, in the order `tend --help` lists them.
export const COMMANDS: CliCommand[] = [
  migrateCommand,
  askCommand,
  runCommand,
  outboxCommand,
  auditCommand,
  demoCommand,
  importCommand,
  recomputeCommand,
  backtestCommand,
  slackManifestCommand,
];
