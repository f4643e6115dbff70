import type { z } from "zod";
import type { Problem } from "./source.js";

/** Problems shown at most; the rest are counted ("and N more"). */
export const MAX_SHOWN = 50;

/** Every problem of an import is counted; the first MAX_SHOWN are kept, in file order. */
export class Problems {
  readonly shown: Problem[] = [];
  total = 0;

  constructor(private labels: Map<string, string>) {}

  /** `at` is where the row starts (its line, and its position for JSON). */
  add(at: { line: number; row?: number }, column: string | undefined, reason: string) {
    this.total++;
    if (this.shown.length >= MAX_SHOWN) return;
    this.shown.push({
      line: at.line,
      ...(at.row === undefined ? {} : { row: at.row }),
      ...(column === undefined ? {} : { column: this.label(column) }),
      reason,
    });
  }

  addProblem(p: Problem) {
    this.total++;
    if (this.shown.length < MAX_SHOWN) this.shown.push(p);
  }

  /** One problem per zod issue; a field that is missing says so rather than "expected ...". */
  addIssues(at: { line: number; row?: number }, values: Record<string, unknown>, issues: readonly z.core.$ZodIssue[]) {
    for (const iss of issues) {
      const column = iss.path.length ? String(iss.path[0]) : undefined;
      const missing = column !== undefined && values[column] === undefined && iss.path.length === 1;
      this.add(at, column, missing && iss.code !== "custom" ? "required (missing or blank)" : iss.message);
    }
  }

  label(column: string) {
    return this.labels.get(column) ?? column;
  }

  get any() {
    return this.total > 0;
  }

  get more() {
    return this.total - this.shown.length;
  }
}

/** Problems as lines for people: "line 7, column tier: ..." and "... and N more". */
export function formatProblems(shown: readonly Problem[], more: number): string[] {
  const lines = shown.map((p) => `line ${p.line}${p.column ? `, column ${p.column}` : ""}: ${p.reason}`);
  if (more > 0) lines.push(`... and ${more} more`);
  return lines;
}
