import type { ImportKind } from "./kinds.js";
import type { DbValues, Refs } from "./specs.js";

// Contradictions in otherwise valid rows. They do not stop an import - the export may be right and the
// world odd - but each is reported with its line, so someone looks before a health score rests on it.

export interface Warning {
  column?: string;
  reason: string;
}

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d));

type Row = Record<string, unknown>;

/** Checks of one row on its own, by kind. */
const ROW_CHECKS: Partial<Record<ImportKind, (r: Row) => Warning[]>> = {
  usage: (r) =>
    typeof r.active_users === "number" && typeof r.seats === "number" && r.active_users > r.seats
      ? [{ column: "active_users", reason: `${r.active_users} active users but only ${r.seats} seats` }]
      : [],
  promises: (r) =>
    r.due_date instanceof Date && r.made_at instanceof Date && r.due_date < r.made_at
      ? [{ column: "due_date", reason: `due ${day(r.due_date)}, before it was made (${day(r.made_at)})` }]
      : [],
  renewals: (r) =>
    r.status === "churned" && typeof r.outcome_arr === "number" && r.outcome_arr > 0
      ? [
          {
            column: "outcome_arr",
            reason: `a churned renewal with an outcome amount (${r.outcome_arr}): churned keeps nothing; downsized keeps part`,
          },
        ]
      : [],
  contacts: (r) =>
    r.left_at instanceof Date && r.active !== false
      ? [{ column: "active", reason: `left on ${day(r.left_at)} but marked active` }]
      : [],
};

export class RowChecks {
  constructor(
    private kind: ImportKind,
    private refs: Refs,
  ) {}

  row(data: unknown): Warning[] {
    return ROW_CHECKS[this.kind]?.(data as Row) ?? [];
  }

  /** Checks across the rows of the file and the store (after every row was read). */
  rows(pending: { at: { line: number; row?: number }; values: DbValues }[]) {
    if (this.kind !== "accounts") return [];
    const out: (Warning & { at: { line: number; row?: number } })[] = [];
    const extOf = new Map<string, string>();
    for (const [ext, id] of this.refs.accountsByExt) extOf.set(id, ext);
    const firstByName = new Map<string, { ext: string; line: number }>();
    for (const p of pending) {
      const name = p.values.name as string;
      const ext = p.values.externalId as string | undefined;
      if (ext === undefined) continue;
      const key = name.toLowerCase();
      const first = firstByName.get(key);
      if (first && first.ext !== ext)
        out.push({
          at: p.at,
          column: "name",
          reason: `"${name}" is also the name of external id ${first.ext} (line ${first.line}): one account under two ids?`,
        });
      else if (!first) {
        firstByName.set(key, { ext, line: p.at.line });
        const stored = (this.refs.accountsByName.get(name) ?? [])
          .map((id) => extOf.get(id))
          .filter((x): x is string => x !== undefined && x !== ext);
        if (stored.length)
          out.push({
            at: p.at,
            column: "name",
            reason: `"${name}" is already stored under external id ${stored.join(", ")}: one account under two ids?`,
          });
      }
    }
    return out;
  }
}
