import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { AppContext } from "../context.js";
import { localDay } from "../domain/dates.js";
import { type RescoreReport, rescoreAccounts } from "../health/rescore.js";
import { DATE_ORDERS, type DateOrder } from "../import/dates.js";
import { describeBook, describeReport, kindFromArg } from "../import/describe.js";
import { IMPORT_KINDS, type ImportKind } from "../import/kinds.js";
import { type BookPart, ImportConflict, type ImportOptions, importBook } from "../import/run.js";
import { fileSource } from "../import/source.js";
import { busiestOwnerEmail } from "../store/repos/members.js";
import { type Progress, progress } from "./progress.js";
import type { CliCommand, CliIO } from "./types.js";

const USAGE = `tend import <folder> [--dry-run] [--date-format DMY|MDY]
tend import <kind> <file> [--dry-run] [--date-format DMY|MDY]

  folder         every file in it named after its kind (teams.csv, members.json, accounts.csv, ...),
                 imported in dependency order and checked as one book: all files or none
  kind           ${IMPORT_KINDS.join(", ")}
  file           .csv (header row, UTF-8; comma, semicolon or tab), .json (an array of rows) or
                 .ndjson/.jsonl (one row a line)
  --dry-run      check every row and count what would change; write nothing
  --date-format  how to read 03/04/2026: DMY (day first) or MDY (month first); without it such a date
                 is refused. YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, ISO date-times and Excel numbers need none
Anything with a bad row writes nothing. Importing the same files again changes nothing. The accounts
an import touches are scored at once (the first import: the last 30 days).
Column formats: docs/import.md; sample files: examples/.`;

const EXTS = new Set(["csv", "json", "ndjson", "jsonl"]);

interface Args {
  dryRun: boolean;
  dateOrder?: DateOrder;
  positional: string[];
}

function parseArgs(args: string[]): Args | string {
  const out: Args = { dryRun: false, positional: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--dry-run") out.dryRun = true;
    else if (a === "--date-format" || a.startsWith("--date-format=")) {
      const v = (a === "--date-format" ? args[++i] : a.slice("--date-format=".length))?.toUpperCase();
      if (!DATE_ORDERS.includes(v as DateOrder)) return `--date-format must be DMY or MDY, got "${v ?? ""}"`;
      out.dateOrder = v as DateOrder;
    } else if (a.startsWith("--")) return `unknown argument "${a}"`;
    else out.positional.push(a);
  }
  return out;
}

/** The files of a folder that name a kind, in dependency order; the rest are listed as skipped. */
async function folderParts(
  dir: string,
): Promise<{ files: { kind: ImportKind; file: string }[]; skipped: string[] } | string> {
  const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  const byKind = new Map<ImportKind, string>();
  const skipped: string[] = [];
  for (const name of names.sort()) {
    const dot = name.lastIndexOf(".");
    const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
    const kind = EXTS.has(ext) ? kindFromArg(name.slice(0, dot)) : undefined;
    if (!kind) {
      if (!name.startsWith(".")) skipped.push(name);
      continue;
    }
    const other = byKind.get(kind);
    if (other) return `${dir}: both ${other} and ${name} hold ${kind}: keep one`;
    byKind.set(kind, name);
  }
  const files = IMPORT_KINDS.flatMap((k) => (byKind.has(k) ? [{ kind: k, file: path.join(dir, byKind.get(k)!) }] : []));
  return { files, skipped };
}

/** Lines in a file, as the row estimate for "time left" (a terminal only: it reads the file once more). */
async function countLines(file: string): Promise<number> {
  if (!/\.(csv|ndjson|jsonl)$/i.test(file)) return 0;
  let n = 0;
  for await (const chunk of createReadStream(file)) for (const b of chunk as Buffer) if (b === 10) n++;
  return n;
}

export const importCommand: CliCommand = {
  name: "import",
  summary: "import a folder of CRM exports as one book, or one kind from a CSV or JSON file (all rows or none)",
  usage: USAGE,
  async run(args, io, ctx) {
    const a = parseArgs(args);
    if (typeof a === "string" || a.positional.length < 1 || a.positional.length > 2) {
      io.err(`${typeof a === "string" ? a : "need a folder, or a kind and a file"}\nusage: ${USAGE}`);
      return 2;
    }
    const chosen = await filesToImport(a.positional, io);
    if (typeof chosen === "number") return chosen;
    const { files, where } = chosen;
    const parts = await openParts(files, io);
    if (typeof parts === "number") return parts;
    const total = io.progress?.isTTY
      ? (await Promise.all(files.map((f) => countLines(f.file)))).reduce((x, y) => x + y, 0)
      : 0;
    const bar = progress(io.progress, a.dryRun ? "checking" : "importing", "rows");
    try {
      const book = await importBook(ctx, parts, {
        dryRun: a.dryRun,
        surface: "cli",
        ...(a.dateOrder ? { dateOrder: a.dateOrder } : {}),
        onProgress: acrossKinds(bar, total),
      });
      const rows = book.parts.reduce((n, r) => n + r.rows, 0);
      bar.finish(
        `${a.dryRun ? "checked" : "imported"} ${rows} rows from ${parts.length} file${parts.length === 1 ? "" : "s"}`,
      );
      const { out, err } =
        parts.length === 1 && files.length === 1 && a.positional.length === 2
          ? describeReport(book.parts[0]!, where)
          : describeBook(book, where);
      for (const l of out) io.out(l);
      for (const l of err) io.err(l);
      if (!book.ok) return 1;
      if (a.dryRun) {
        io.out(
          `next: tend import ${a.positional.join(" ")}${a.dateOrder ? ` --date-format ${a.dateOrder}` : ""} (without --dry-run) writes it`,
        );
        return 0;
      }
      await scoreAndSuggest(ctx, io, book.touched, book.since);
      return 0;
    } catch (err) {
      bar.finish();
      if (err instanceof ImportConflict) {
        io.err(`${where}: ${err.message}`);
        return 1;
      }
      if ((err as { code?: string }).code === "ENOENT") {
        io.err(`no such file: ${where}`);
        return 2;
      }
      throw err;
    }
  },
};

type ImportFile = { kind: ImportKind; file: string };

/** The files named (a folder's, or one kind's file) and what the report calls them; else the exit code. */
async function filesToImport(
  positional: string[],
  io: CliIO,
): Promise<{ files: ImportFile[]; where: string } | number> {
  if (positional.length === 2) {
    const [kindArg, file] = positional as [string, string];
    const kind = kindFromArg(kindArg);
    if (!kind) {
      io.err(`unknown kind "${kindArg}": use one of ${IMPORT_KINDS.join(", ")}`);
      return 2;
    }
    return { files: [{ kind, file }], where: file };
  }
  const where = positional[0] as string;
  const st = await stat(where).catch(() => undefined);
  if (!st) {
    io.err(`no such folder: ${where}`);
    return 2;
  }
  if (!st.isDirectory()) {
    io.err(`${where} is a file: say its kind (tend import <kind> <file>), or give the folder it is in`);
    return 2;
  }
  const found = await folderParts(where);
  if (typeof found === "string") {
    io.err(found);
    return 2;
  }
  if (found.files.length === 0) {
    io.err(`${where}: no file named after a kind (${IMPORT_KINDS.map((k) => `${k}.csv`).join(", ")}, or .json)`);
    return 2;
  }
  if (found.skipped.length) io.out(`skipped (not named after a kind): ${found.skipped.join(", ")}`);
  return { files: found.files, where };
}

/** Each file opened as a row source; else the exit code. */
async function openParts(files: ImportFile[], io: CliIO): Promise<BookPart[] | number> {
  const parts: BookPart[] = [];
  for (const f of files) {
    try {
      parts.push({ kind: f.kind, source: await fileSource(f.file), label: f.file });
    } catch (err) {
      const code = (err as { code?: string }).code;
      io.err(code === "ENOENT" ? `no such file: ${f.file}` : err instanceof Error ? err.message : String(err));
      return 2;
    }
  }
  return parts;
}

/** One progress bar over every kind of the book: the rows of the kinds done before, plus this one's. */
function acrossKinds(bar: Progress, total: number): NonNullable<ImportOptions["onProgress"]> {
  const doneBefore = new Map<ImportKind, number>();
  let finished = 0;
  let current: ImportKind | undefined;
  return (p) => {
    if (p.kind !== current) {
      if (current) finished += doneBefore.get(current) ?? 0;
      current = p.kind;
    }
    doneBefore.set(p.kind, p.read);
    bar.update(finished + p.read, total, `${p.kind}: ${p.read} read, ${p.validated} valid, ${p.written} written`);
  };
}

/** Scores what the import touched, says so, and ends with the next thing to try. */
export async function scoreAndSuggest(
  ctx: AppContext,
  io: CliIO,
  touched: string[],
  since?: string,
): Promise<RescoreReport | undefined> {
  let scored: RescoreReport | undefined;
  if (touched.length) {
    const bar = progress(io.progress, "scoring", "days");
    scored = await rescoreAccounts(ctx, touched, localDay(ctx.now(), ctx.config.timezone), {
      ...(since ? { since } : {}),
      onDay: (_day, done, total) => bar.update(done, total),
    });
    bar.finish(`scored ${scored.accounts} accounts over ${scored.days} days`);
    if (scored.accounts > 0)
      io.out(
        scored.backfilled
          ? `scored ${scored.accounts} accounts for each of the last ${scored.days} days (${scored.from} to ${scored.to}): their first scores, so trends, sparklines and drops show from now`
          : scored.days > 1
            ? `scored ${scored.accounts} accounts for each day from ${scored.from} to ${scored.to} (the imported usage changed them)`
            : `scored ${scored.accounts} accounts for ${scored.to}`,
      );
  }
  const email = await busiestOwnerEmail(ctx.db, touched);
  io.out(
    email
      ? `next: tend ask mine --as ${email}`
      : "next: import members (and accounts with owner_email), then tend ask mine --as <your email>",
  );
  return scored;
}
