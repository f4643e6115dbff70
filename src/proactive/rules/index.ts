import { callStale, expansionSignal } from "./expansion.js";
import { gradeRed, healthDrop, quadrantDown, usageDrop } from "./health.js";
import { contactOverdue, stakeholderLeft } from "./relationship.js";
import { renewalPassed, renewalReminder } from "./renewal-reminders.js";
import type { Nudge, Rule, RuleContext, RuleFacts, RuleId } from "./types.js";
import { feedbackOpen, npsDetractor, onboardingBehind, promiseOverdue } from "./value.js";
import { visitPrep } from "./visit.js";

/** Every nudge rule by id. */
export const RULES: Record<RuleId, Rule> = {
  contact_overdue: contactOverdue,
  usage_drop: usageDrop,
  health_drop: healthDrop,
  quadrant_down: quadrantDown,
  grade_red: gradeRed,
  stakeholder_left: stakeholderLeft,
  onboarding_behind: onboardingBehind,
  feedback_open: feedbackOpen,
  promise_overdue: promiseOverdue,
  nps_detractor: npsDetractor,
  visit_prep: visitPrep,
  renewal_reminder: renewalReminder,
  renewal_passed: renewalPassed,
  expansion_signal: expansionSignal,
  call_stale: callStale,
};

/** Runs the chosen rules over every account (pure). */
export function evaluateRules(accounts: RuleFacts[], ctx: RuleContext, only?: readonly RuleId[]): Nudge[] {
  const rules = (only ?? (Object.keys(RULES) as RuleId[])).map((id) => RULES[id]);
  const out: Nudge[] = [];
  for (const f of accounts) for (const rule of rules) out.push(...rule(f, ctx));
  return out;
}
