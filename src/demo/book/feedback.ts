// Feature requests and product feedback an account raised, and what became of them: healthier
// accounts get more of theirs answered.
import * as N from "../names.js";
import { type AccountPlan, type BookContext, lastDay } from "./context.js";
import type { Severity } from "./rows.js";

/** Up to four feedback items (one more when the account is unhappy), no title twice. */
export function addFeedback(ctx: BookContext, p: AccountPlan) {
  const { book, day, nextId, offsetOf } = ctx;
  const { r, row, lang } = p;
  const start = offsetOf(row.contractStart);
  const end = lastDay(p);
  let n = r.weighted([
    [0, 0.35],
    [1, 0.3],
    [2, 0.2],
    [3, 0.1],
    [4, 0.05],
  ]);
  if (p.h(0) < 0.35) n++;
  const titles = new Set<string>();
  for (let k = 0; k < n; k++) {
    const raised = Math.max(start + 5, end - r.int(3, 240));
    if (raised > end) continue;
    const title = r.pick(N.FEEDBACK[lang]);
    if (titles.has(title)) continue;
    titles.add(title);
    const age = end - raised;
    // Healthy accounts get answers: most items older than two months are closed one way or another.
    const resolved = r.chance(Math.min(0.95, (age / 45) * (0.3 + p.h(raised))));
    const resolvedAt = resolved ? raised + r.int(Math.min(5, age), age) : null;
    book.feedback.push({
      id: nextId("feedback"),
      accountId: row.id,
      title,
      status: resolved ? (r.chance(0.75) ? "delivered" : "declined") : r.chance(0.5) ? "open" : "in_progress",
      severity: r.weighted<Severity>([
        ["high", 0.15],
        ["medium", 0.55],
        ["low", 0.3],
      ]),
      raisedAt: day(raised),
      resolvedAt: resolvedAt === null ? null : day(resolvedAt),
    });
  }
}
