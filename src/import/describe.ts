import { IMPORT_KINDS, type ImportKind } from "./kinds.js";
import { formatProblems } from "./problems.js";
import type { BookReport, ImportReport } from "./run.js";

/** A kind as people type it: "accounts", "account", "usage-snapshots", "NPS" all work. */
export function kindFromArg(arg: string): ImportKind | undefined {
  const s = arg
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  const aliases: Record<string, ImportKind> = {
    usage_snapshots: "usage",
    snapshots: "usage",
    nps: "surveys",
    csat: "surveys",
    team_members: "members",
    customer_promises: "promises",
  };
  if (aliases[s]) return aliases[s];
  return IMPORT_KINDS.find((k) => k === s || k === `${s}s`);
}

/** What happened, for people: one summary line, ignored columns, then every problem shown. */
export function describeReport(r: ImportReport, source: string): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  if (r.ignoredColumns.length) out.push(`ignored columns (not used for ${r.kind}): ${r.ignoredColumns.join(", ")}`);
  const w = r.warnings.length + r.moreWarnings;
  if (w) {
    out.push(`${source}: ${w} warning${w === 1 ? "" : "s"} (imported all the same; worth a look):`);
    out.push(...formatProblems(r.warnings, r.moreWarnings).map((l) => `  ${l}`));
  }
  if (!r.ok) {
    const n = r.problems.length + r.moreProblems;
    err.push(`${source}: ${n} problem${n === 1 ? "" : "s"}, nothing written:`);
    err.push(...formatProblems(r.problems, r.moreProblems).map((l) => `  ${l}`));
    return { out, err };
  }
  if (r.rows === 0) {
    out.push(`${source}: no ${r.kind} rows in it, nothing to import`);
    return { out, err };
  }
  const changes = `${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged`;
  if (r.dryRun)
    out.push(
      `dry run: ${r.rows} ${r.kind} rows are valid; importing would create ${r.created}, update ${r.updated}, leave ${r.unchanged} unchanged. Nothing written.`,
    );
  else if (r.created + r.updated === 0)
    out.push(`${r.rows} ${r.kind} rows read: nothing changed, the store already holds them (${r.unchanged} unchanged)`);
  else out.push(`${r.rows} ${r.kind} rows imported: ${changes}`);
  return { out, err };
}

/** A book: one report per kind (as for a single file), then the totals. */
export function describeBook(b: BookReport, folder: string): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  for (const p of b.parts) {
    const d = describeReport(p, p.label ?? p.kind);
    out.push(...d.out);
    err.push(...d.err);
  }
  const sum = (f: (r: ImportReport) => number) => b.parts.reduce((n, r) => n + f(r), 0);
  const rows = sum((r) => r.rows);
  const warnings = sum((r) => r.warnings.length + r.moreWarnings);
  const tail = warnings ? `; ${warnings} warning${warnings === 1 ? "" : "s"}` : "";
  if (!b.ok) {
    const problems = sum((r) => r.problems.length + r.moreProblems);
    const bad = b.parts.filter((r) => !r.ok).map((r) => r.label ?? r.kind);
    err.push(
      `${folder}: ${b.parts.length} files, ${rows} rows; ${problems} problem${problems === 1 ? "" : "s"} in ${bad.join(", ")}${tail}. Nothing written.`,
    );
  } else {
    const counts = `${sum((r) => r.created)} created, ${sum((r) => r.updated)} updated, ${sum((r) => r.unchanged)} unchanged`;
    const changed = b.parts.some((r) => r.created + r.updated > 0);
    out.push(
      !b.dryRun && !changed
        ? `${folder}: ${b.parts.length} files, ${rows} rows read as one book: nothing changed, the store already holds them${tail}`
        : b.dryRun
          ? `dry run of ${folder}: ${b.parts.length} files, ${rows} rows valid as one book; importing would give ${counts}${tail}. Nothing written.`
          : `${folder}: ${b.parts.length} files, ${rows} rows imported as one book: ${counts}${tail}`,
    );
  }
  return { out, err };
}
