import type { AppContext } from "../context.js";

export interface CliIO {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** One `tend <name>` subcommand. `run` returns the process exit code. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /**
   * What the command needs of the store: "check" (default) opens it and refuses when migrations are
   * pending; "migrate" applies them (only `tend migrate`); "none" never opens it.
   */
  store?: "check" | "migrate" | "none";
  run(args: string[], io: CliIO, ctx: AppContext): Promise<number>;
}
