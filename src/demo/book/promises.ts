// Promises the CSM made to an account (a fix, a report, a session) and whether they were kept:
// most are, and a promise past due stays open until it is kept or long overdue.
import * as N from "../names.js";
import { type AccountPlan, type BookContext, lastDay } from "./context.js";
import type { PromiseRow } from "./rows.js";

/** Up to three promises for strategic and key accounts, at most one for the others. */
export function addPromises(ctx: BookContext, p: AccountPlan) {
  const { book, day, nextId, offsetOf } = ctx;
  const { r, row, lang } = p;
  const big = row.tier === "strategic" || row.tier === "key";
  const n = big ? r.int(0, 3) : r.chance(0.35) ? 1 : 0;
  const start = offsetOf(row.contractStart);
  const end = lastDay(p);
  for (let k = 0; k < n; k++) {
    const made = Math.max(start, end - r.int(5, 200));
    const due = made + r.int(14, 60);
    let status: PromiseRow["status"] = "open";
    let kept: number | null = null;
    if (due < end) {
      if (r.chance(0.86 + 0.12 * p.h(due))) {
        status = "kept";
        kept = Math.max(made, due - r.int(0, 10));
      } else if (end - due > 45) status = r.chance(0.5) ? "broken" : "cancelled";
    }
    book.promises.push({
      id: nextId("promise"),
      accountId: row.id,
      title: r.pick(N.PROMISES[lang]),
      madeAt: day(made),
      dueDate: day(due),
      status,
      keptAt: kept === null ? null : day(kept),
    });
  }
}
