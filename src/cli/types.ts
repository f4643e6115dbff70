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
  run(args: string[], io: CliIO, ctx: AppContext): Promise<number>;
}
