import type { AppContext } from "../context.js";
import type { ProgressStream } from "./progress.js";

export interface CliIO {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Where long work draws its progress (stderr of a real run); absent in tests: no progress. */
  progress?: ProgressStream;
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
