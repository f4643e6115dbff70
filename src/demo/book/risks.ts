// Risks a CSM logged on an account: open ones where health is low or onboarding stalls, and an
// older one, since resolved, on some others. Story accounts get theirs by hand.
import * as N from "../names.js";
import { type AccountPlan, type BookContext, lastDay } from "./context.js";
import type { RiskRow, Severity } from "./rows.js";

/** The account's risks, drawn from its health now (or when it churned) and its onboarding. */
export function addRisks(ctx: BookContext, p: AccountPlan, goLive: number) {
  const { book, day, nextId } = ctx;
  const { r, row, lang } = p;
  const hNow = p.h(lastDay(p));
  const risk = (kind: Exclude<RiskRow["kind"], "other">, severity: Severity, raised: number, resolved: number | null) =>
    book.risks.push({
      id: nextId("risk"),
      accountId: row.id,
      kind,
      severity,
      note: N.RISK_NOTES[kind][lang],
      raisedAt: day(raised),
      resolvedAt: resolved === null ? null : day(resolved),
    });
  if (p.story) return;
  if (hNow < 0.3 && r.chance(0.7)) {
    const kind = r.pick([
      "roi_gap",
      "slow_feedback",
      "wrong_fit",
      "requirement_not_delivered",
      "payment_overdue",
    ] as const);
    risk(kind, hNow < 0.1 ? "high" : "medium", -r.int(5, 60), null);
  }
  if (row.stage === "onboarding" && p.h(0) < 0.4) risk("slow_go_live", "medium", goLive + r.int(0, 20), null);
  if (r.chance(0.1)) {
    const raised = -r.int(60, 200);
    risk(
      r.pick(["decision_maker_changed", "slow_feedback", "requirement_not_delivered"] as const),
      "medium",
      raised,
      raised + r.int(10, 50),
    );
  }
}
