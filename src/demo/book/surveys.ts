// NPS and CSAT answers from an account's contacts, scored from its hidden health with noise.
import * as N from "../names.js";
import { type AccountPlan, type BookContext, clamp, lastDay } from "./context.js";
import type { ContactRow } from "./rows.js";

/** Relationship NPS from the twice-yearly campaigns, and up to three CSAT answers from the last months. */
export function addSurveys(ctx: BookContext, p: AccountPlan, contacts: ContactRow[]) {
  const { book, day, nextId, offsetOf } = ctx;
  const { r, row, lang } = p;
  const start = offsetOf(row.contractStart);
  const end = lastDay(p);
  const people = contacts.filter((c) => c.role !== "user");
  // Relationship NPS runs as a campaign twice a year (the last one closed two to five weeks ago).
  if (start < -90 && r.chance(0.8)) {
    for (const t of [-r.int(15, 35), -r.int(195, 215), -r.int(375, 395)]) {
      if (t > end || t < start + 60) continue;
      const score = clamp(Math.round(2 + 8.5 * p.h(t) + r.normal() * 1.3), 0, 10);
      const bucket = score >= 9 ? "high" : score >= 7 ? "mid" : "low";
      book.surveys.push({
        id: nextId("survey"),
        accountId: row.id,
        kind: "nps",
        score,
        respondent: r.pick(people).name,
        comment: r.chance(0.5) ? r.pick(N.NPS_COMMENTS[bucket][lang]) : null,
        respondedAt: day(t),
      });
    }
  }
  for (let k = r.int(0, 3); k > 0; k--) {
    const t = end - r.int(0, 110);
    if (t < start) continue;
    book.surveys.push({
      id: nextId("survey"),
      accountId: row.id,
      kind: "csat",
      score: clamp(Math.round(1.5 + 3.5 * p.h(t) + r.normal() * 0.6), 1, 5),
      respondent: r.pick(contacts).name,
      comment: null,
      respondedAt: day(t),
    });
  }
}
