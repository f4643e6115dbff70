// One planner for "what needs you today": `mine`, App Home and the morning nudge all take their
// items from `planToday`. The nudge then drops what the member marked done or snoozed and what is
// cooling down, and caps the day - it never adds anything, so it never shows work `mine` hides.
// Urgency decides the order (and so what a cap keeps): a usage collapse, a lapsed renewal, a red
// grade or a high-severity cause (a decision maker who left) always before routine cadence reminders.
import { evaluateRules } from "./rules/index.js";
import { type Nudge, RULE_IDS, type RuleContext, type RuleFacts, type RuleId } from "./rules/types.js";

/** The rules of the morning batch (visit prep and renewal reminders have their own messages too). */
export const TODAY_RULES: RuleId[] = RULE_IDS.filter((id) => id !== "visit_prep");

/** A usage drop this deep is a collapse: as urgent as a lapsed renewal. */
export const COLLAPSE_PCT = 60;

/** Routine reminders: the cadence of contact. They fill the day after everything else. */
export const isRoutine = (n: Nudge) => n.rule === "contact_overdue";

/**
 * 0 most urgent, 1-2 the rules' own priorities, 4 routine reminders, 5 nothing to do but know (a
 * ready renewal's "confirm the signing"): it only fills a slot no actionable item wants.
 */
export function urgencyOf(n: Nudge): number {
  if (n.rule === "renewal_passed" || n.rule === "grade_red") return 0;
  if (n.rule === "usage_drop" && Number(n.params.pct) >= COLLAPSE_PCT) return 0;
  if (n.rule === "stakeholder_left" && n.messageKey === "nudge.decision_maker_left") return 0;
  if (n.priority === 3) return 5;
  if (isRoutine(n)) return 4;
  return n.priority;
}

/** Most urgent first, then ARR, then name (stable). */
export function rankByUrgency(nudges: readonly Nudge[]): Nudge[] {
  return [...nudges].sort(
    (a, b) => urgencyOf(a) - urgencyOf(b) || b.arr - a.arr || a.accountName.localeCompare(b.accountName),
  );
}

/** What needs each owner today, ranked; `memberId` narrows it to one member. */
export function planToday(accounts: RuleFacts[], ctx: RuleContext, memberId?: string): Nudge[] {
  const own = memberId ? accounts.filter((a) => a.ownerId === memberId) : accounts;
  return rankByUrgency(evaluateRules(own, ctx, TODAY_RULES));
}

/** Routine reminders beyond this many are one summary line instead of filling the day. */
export const ROUTINE_LINES = 3;

/** Splits a ranked plan into lines to show and routine reminders summed up in one line. */
export function withRoutineSummed(plan: readonly Nudge[], max = ROUTINE_LINES): { lines: Nudge[]; routine: Nudge[] } {
  const routine = plan.filter(isRoutine);
  if (routine.length <= max) return { lines: [...plan], routine: [] };
  const kept = new Set(routine.slice(0, max));
  return { lines: plan.filter((n) => !isRoutine(n) || kept.has(n)), routine: routine.filter((n) => !kept.has(n)) };
}
