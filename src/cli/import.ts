import { describeReport, kindFromArg } from "../import/describe.js";
import { IMPORT_KINDS } from "../import/kinds.js";
import { ImportConflict, importRows } from "../import/run.js";
import { fileSource } from "../import/source.js";
import type { CliCommand } from "./types.js";

const USAGE = `tend import <kind> <file> [--dry-run]

  kind       ${IMPORT_KINDS.join(", ")}
  file       .csv (header row, UTF-8), .json (an array of rows) or .ndjson/.jsonl (one row a line)
  --dry-run  check every row and count what would change; write nothing
A file with any bad row writes nothing. Importing the same file again changes nothing.
Column formats: docs/import.md; sample files: examples/.`;

export const importCommand: CliCommand = {
  name: "import",
  summary: "import accounts, contacts, usage, ... from a CSV or JSON file (all rows or none)",
  usage: USAGE,
  async run(args, io, ctx) {
    const unknown = args.find((a) => a.startsWith("--") && a !== "--dry-run");
    const positional = args.filter((a) => !a.startsWith("--"));
    if (unknown || positional.length !== 2) {
      io.err(`${unknown ? `unknown argument "${unknown}"` : "need a kind and a file"}\nusage: ${USAGE}`);
      return 2;
    }
    const [kindArg, file] = positional as [string, string];
    const kind = kindFromArg(kindArg);
    if (!kind) {
      io.err(`unknown kind "${kindArg}": use one of ${IMPORT_KINDS.join(", ")}`);
      return 2;
    }
    let source: Awaited<ReturnType<typeof fileSource>>;
    try {
      source = await fileSource(file);
    } catch (err) {
      const code = (err as { code?: string }).code;
      io.err(code === "ENOENT" ? `no such file: ${file}` : err instanceof Error ? err.message : String(err));
      return 2;
    }
    try {
      const report = await importRows(ctx, kind, source, { dryRun: args.includes("--dry-run"), surface: "cli" });
      const { out, err } = describeReport(report, file);
      for (const l of out) io.out(l);
      for (const l of err) io.err(l);
      return report.ok ? 0 : 1;
    } catch (err) {
      if (err instanceof ImportConflict) {
        io.err(`${file}: ${err.message}`);
        return 1;
      }
      if ((err as { code?: string }).code === "ENOENT") {
        io.err(`no such file: ${file}`);
        return 2;
      }
      throw err;
    }
  },
};
