import type { ProactiveConfig } from "../../config/proactive.js";
import type { ExpansionInput } from "../../domain/expansion.js";
import type { Call } from "../../domain/forecast.js";
import type { Grade, Level, Reason } from "../../domain/health/types.js";

// What the rules read: plain data about one account as of one day (loaded set-based by
// src/proactive/facts.ts). Rules are pure functions of these, the day and the config.

export type Tier = "strategic" | "key" | "standard" | "long_tail";

export interface DayScore {
  day: string;
  score: number;
  grade: Grade;
  usageLevel: Level;
  valueLevel: Level;
}

export interface RuleFacts {
  id: string;
  name: string;
  tier: Tier;
  stage: string;
  arr: number;
  currency: string;
  ownerId: string | null;
  teamId: string | null;
  goLiveDate: string | null;
  seats: number | null;
  /** Health scores of the last 8 days (ascending by day); empty before the first recompute. */
  scores: DayScore[];
  /** The biggest drag on today's score (the health engine's reason), for "why" in digests. */
  topDrag?: Reason | null;
  usage: {
    /**
     * The health engine's trend figures of the day (HealthScore components and reasons), the ones
     * the account card, `health` and the brief show: average daily active users over the last 4
     * weeks and over the 4 weeks before (the "4-week baseline"), and the "active users down N%"
     * of today's reasons, or the card's change when that reason is not among the top few (null
     * when the health engine does not see usage down).
     */
    baseline: number | null;
    recentAvg: number | null;
    downPct: number | null;
    /** Highest and average daily active users over the last 7 days, and how many days have data. */
    weekMax: number | null;
    weekAvg: number | null;
    weekDays: number;
    /** Latest activated users / seats. */
    activation: number | null;
  };
  /** Last meaningful contact (visit, call, QBR, executive visit, training), YYYY-MM-DD. */
  lastContact: string | null;
  /** successorMet: a successor in the role is recorded and has been met since (optional: older fixtures). */
  stakeholdersLeft: { name: string; role: "champion" | "decision_maker"; leftAt: string; successorMet?: boolean }[];
  decisionMaker: { name: string; attitude: string; lastContact: string | null } | null;
  openFeedback: { id: string; title: string; raisedAt: string }[];
  overduePromises: { id: string; title: string; dueDate: string }[];
  openPromises: number;
  overdueMilestones: { id: string; title: string; dueDate: string }[];
  /** NPS responses of 6 or less (the customer's own words in `comment`, if they left any). */
  detractors: { id: string; score: number; respondent: string | null; comment: string | null; respondedAt: string }[];
  plannedVisits: { id: string; kind: string; day: string; contactName: string | null }[];
  renewals: {
    id: string;
    dueDate: string;
    status: string;
    arr: number;
    termsClear: boolean | null;
    valueReportSent: boolean;
    /** The CSM's latest call on this renewal (absent: not loaded; null: none made). */
    call?: { call: Call; on: string } | null;
  }[];
  /** What the expansion signals read (absent: not loaded). */
  expansion?: ExpansionInput;
}

export const RULE_IDS = [
  "contact_overdue",
  "usage_drop",
  "health_drop",
  "quadrant_down",
  "grade_red",
  "stakeholder_left",
  "onboarding_behind",
  "feedback_open",
  "promise_overdue",
  "nps_detractor",
  "visit_prep",
  "renewal_reminder",
  "renewal_passed",
  "expansion_signal",
  "call_stale",
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export type NudgeAction =
  | { kind: "log"; interaction: "visit" | "call" }
  | { kind: "brief" }
  /** The value report (renewal reminders at 120 and 90 days, while it is not sent). */
  | { kind: "report" }
  | { kind: "snooze"; days: number }
  | { kind: "done" };

/** One thing a member should do something about, and why. */
export interface Nudge {
  rule: RuleId;
  accountId: string;
  accountName: string;
  /** Who it is for (the account owner). */
  memberId: string;
  /** Message catalogue key and its numbers. */
  messageKey: string;
  params: Record<string, string | number>;
  /** What triggered it: a done or snoozed nudge stays silent until this changes. */
  fingerprint: string;
  /** 1 most urgent .. 3; with ARR it orders the daily batch. */
  priority: 1 | 2 | 3;
  arr: number;
  actions: NudgeAction[];
}

export interface RuleContext {
  day: string;
  config: ProactiveConfig;
}

export type Rule = (facts: RuleFacts, ctx: RuleContext) => Nudge[];
