// The rows the demo book is made of, one shape per table it fills. Field names match the Prisma
// models (src/demo/load.ts checks that at compile time).
import type { UsageRow } from "../../store/repos/usage.js";

export type Tier = "strategic" | "key" | "standard" | "long_tail";
export type Stage = "handoff" | "onboarding" | "adoption" | "steady" | "renewal" | "churned";
export type Role = "admin" | "manager" | "csm" | "viewer";
export type ContactRole = "decision_maker" | "champion" | "admin" | "user" | "finance" | "executive";
export type Attitude = "supporter" | "neutral" | "opponent";
export type InteractionKind = "visit" | "call" | "qbr" | "exec_visit" | "training" | "email" | "praise" | "complaint";
export type Severity = "high" | "medium" | "low";

export interface TeamRow {
  id: string;
  name: string;
  locale: string;
  timezone: string;
  slackChannel: string;
  feishuChatId: string;
}
export interface MemberRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  teamId: string | null;
  slackUserId: string;
  feishuOpenId: string;
  locale: string | null;
  timezone: string | null;
  active: boolean;
}
export interface AccountRow {
  id: string;
  externalId: string;
  name: string;
  aliases: string[];
  tier: Tier;
  industry: string;
  region: string;
  ownerId: string;
  teamId: string;
  arr: number;
  currency: string;
  contractStart: Date;
  renewalDate: Date;
  stage: Stage;
  goLiveDate: Date;
  seats: number;
}
export interface ContactRow {
  id: string;
  accountId: string;
  name: string;
  email: string | null;
  title: string;
  role: ContactRole;
  influence: number;
  attitude: Attitude;
  active: boolean;
  leftAt: Date | null;
  lastContact: Date | null;
}
export interface InteractionRow {
  id: string;
  accountId: string;
  kind: InteractionKind;
  occurredAt: Date;
  scheduled: boolean;
  memberId: string;
  contactName: string | null;
  notes: string;
  nextSteps: string | null;
}
export interface FeedbackRow {
  id: string;
  accountId: string;
  title: string;
  status: "open" | "in_progress" | "delivered" | "declined";
  severity: Severity;
  raisedAt: Date;
  resolvedAt: Date | null;
}
export interface PromiseRow {
  id: string;
  accountId: string;
  title: string;
  madeAt: Date;
  dueDate: Date;
  status: "open" | "kept" | "broken" | "cancelled";
  keptAt: Date | null;
}
export interface SurveyRow {
  id: string;
  accountId: string;
  kind: "nps" | "csat";
  score: number;
  respondent: string | null;
  comment: string | null;
  respondedAt: Date;
}
export interface MilestoneRow {
  id: string;
  accountId: string;
  title: string;
  dueDate: Date;
  status: "planned" | "done" | "missed";
  doneAt: Date | null;
}
export interface RiskRow {
  id: string;
  accountId: string;
  kind:
    | "wrong_fit"
    | "roi_gap"
    | "decision_maker_changed"
    | "slow_go_live"
    | "slow_feedback"
    | "champion_changed"
    | "requirement_not_delivered"
    | "payment_overdue"
    | "other";
  severity: Severity;
  note: string;
  raisedAt: Date;
  resolvedAt: Date | null;
}
export interface OpportunityRow {
  id: string;
  accountId: string;
  kind: "upsell" | "cross_sell" | "services";
  title: string;
  amount: number;
  status: "open" | "won" | "lost";
  /** null: the account's currency. */
  currency: string | null;
  stage: string | null;
  expectedClose: Date | null;
}
/** A CSM's renewal call (RenewalCall): who called what, when, on which renewal. */
export interface CallRow {
  id: string;
  accountId: string;
  dueDate: Date;
  call: "commit" | "likely" | "at_risk" | "lost";
  note: string | null;
  memberId: string | null;
  source: string;
  calledAt: Date;
}
export interface RenewalRow {
  id: string;
  accountId: string;
  dueDate: Date;
  arr: number;
  status: "upcoming" | "in_progress" | "renewed" | "downsized" | "churned";
  outcomeArr: number | null;
  closedAt: Date | null;
  termsClear: boolean | null;
  valueReportSent: boolean;
  notes: string | null;
}

export interface DemoBook {
  today: string;
  seed: string;
  teams: TeamRow[];
  members: MemberRow[];
  accounts: AccountRow[];
  contacts: ContactRow[];
  usage: UsageRow[];
  interactions: InteractionRow[];
  feedback: FeedbackRow[];
  promises: PromiseRow[];
  surveys: SurveyRow[];
  milestones: MilestoneRow[];
  risks: RiskRow[];
  opportunities: OpportunityRow[];
  renewals: RenewalRow[];
  calls: CallRow[];
}
