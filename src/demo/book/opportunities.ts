// Expansion opportunities (upsell, cross-sell, services) on healthy accounts.
import * as N from "../names.js";
import { type AccountPlan, type BookContext, round100 } from "./context.js";
import type { OpportunityRow } from "./rows.js";

/** About a third of the healthiest live accounts have one. */
export function addOpportunities(ctx: BookContext, p: AccountPlan) {
  const { book, day, nextId } = ctx;
  const { r, row, lang } = p;
  if (row.stage === "churned" || p.story || p.h(0) < 0.72 || !r.chance(0.35)) return;
  const kind = r.weighted<OpportunityRow["kind"]>([
    ["upsell", 0.5],
    ["cross_sell", 0.3],
    ["services", 0.2],
  ]);
  book.opportunities.push({
    id: nextId("opportunity"),
    accountId: row.id,
    kind,
    title: N.OPPORTUNITIES[kind][lang],
    amount: round100(row.arr * r.range(0.1, 0.4)),
    status: r.weighted([
      ["open", 0.7],
      ["won", 0.2],
      ["lost", 0.1],
    ]),
    currency: null,
    stage: null,
    expectedClose: null,
  });
  // Stage and expected close follow the status (no extra draws: the rest of the book stays the same).
  const o = book.opportunities.at(-1)!;
  o.stage = o.status === "open" ? "Proposal" : o.status === "won" ? "Closed won" : "Closed lost";
  o.expectedClose = day(o.status === "open" ? 30 + (book.opportunities.length % 5) * 20 : -30);
}
