import { z } from "zod";
import { feedUrl } from "../calendar/fetch.js";
import {
  Attitude,
  ContactRole,
  FeedbackStatus,
  ForecastCall,
  InteractionKind,
  MilestoneStatus,
  OpportunityKind,
  OpportunityStatus,
  PromiseStatus,
  RenewalStatus,
  RiskKind,
  Role,
  Severity,
  Stage,
  SurveyKind,
  Tier,
} from "../generated/prisma/enums.js";
import { bool, currency, day, email, int, list, locale, money, oneOf, stamp, text, timezone } from "./fields.js";

// One row schema per import kind, shared by `tend import` and POST /api/v1/<kind>. Keys are the
// column names (snake_case; headers are matched ignoring case, spaces and hyphens). docs/import.md
// documents each column.

function values<T extends Record<string, string>>(e: T) {
  return Object.values(e) as [T[keyof T], ...T[keyof T][]];
}

/** How a child row names its account: external id (preferred) or exact name. */
const accountRef = {
  account_external_id: text(100).optional(),
  account_name: text(200).optional(),
};

const externalId = { external_id: text(100).optional() };

export const teamRow = z.object({
  name: text(100),
  locale: locale.optional(),
  timezone: timezone.optional(),
  slack_channel: text(50).optional(),
  feishu_chat_id: text(100).optional(),
});

/**
 * A calendar's secret address (docs/calendar.md): checked here, sealed before it is stored. The
 * message never repeats the value: the address is a secret.
 */
const calendarUrl = z.string().transform((s, ctx) => {
  const url = feedUrl(s);
  if (url) return url;
  ctx.addIssue({ code: "custom", message: "not a calendar address (an http, https or webcal URL)" });
  return z.NEVER;
});

export const memberRow = z.object({
  email,
  name: text(200),
  role: oneOf(values(Role)).optional(),
  team: text(100).optional(),
  slack_user_id: text(50).optional(),
  feishu_open_id: text(100).optional(),
  locale: locale.optional(),
  timezone: timezone.optional(),
  quiet_start: int(0, 23).optional(),
  quiet_end: int(0, 23).optional(),
  active: bool.optional(),
  calendar_url: calendarUrl.optional(),
});

export const accountRow = z.object({
  ...externalId,
  name: text(200),
  aliases: list.optional(),
  tier: oneOf(values(Tier)).optional(),
  industry: text(100).optional(),
  region: text(100).optional(),
  owner_email: email.optional(),
  team: text(100).optional(),
  arr: money.optional(),
  currency: currency.optional(),
  contract_start: day.optional(),
  renewal_date: day.optional(),
  stage: oneOf(values(Stage)).optional(),
  go_live_date: day.optional(),
  seats: int(0, 10_000_000).optional(),
});

export const contactRow = z.object({
  ...accountRef,
  ...externalId,
  name: text(200),
  email: email.optional(),
  title: text(200).optional(),
  role: oneOf(values(ContactRole)).optional(),
  influence: int(1, 5).optional(),
  attitude: oneOf(values(Attitude)).optional(),
  active: bool.optional(),
  left_at: day.optional(),
  last_contact: day.optional(),
});

const count = int(0, 100_000_000);

export const usageRow = z
  .object({
    ...accountRef,
    day,
    active_users: count,
    activated_users: count,
    seats: count,
    logins: count.optional(),
    core_features_used: int(0, 10_000).optional(),
    core_features_total: int(0, 10_000).optional(),
  })
  .refine((r) => r.core_features_total === undefined || (r.core_features_used ?? 0) <= r.core_features_total, {
    path: ["core_features_used"],
    message: "more than core_features_total",
  });

export const interactionRow = z.object({
  ...accountRef,
  ...externalId,
  kind: oneOf(values(InteractionKind)),
  occurred_at: stamp,
  scheduled: bool.optional(),
  // false: outreach nobody answered (a call not picked up, an email with no reply).
  answered: bool.optional(),
  member_email: email.optional(),
  contact_name: text(200).optional(),
  notes: text(10_000).optional(),
  next_steps: text(2_000).optional(),
});

export const feedbackRow = z.object({
  ...accountRef,
  ...externalId,
  title: text(300),
  detail: text(10_000).optional(),
  status: oneOf(values(FeedbackStatus)).optional(),
  severity: oneOf(values(Severity)).optional(),
  // The request is for a feature of a higher plan than the account's (an expansion signal).
  higher_plan: bool.optional(),
  raised_at: day,
  resolved_at: day.optional(),
});

export const promiseRow = z.object({
  ...accountRef,
  ...externalId,
  title: text(300),
  made_at: day,
  due_date: day,
  status: oneOf(values(PromiseStatus)).optional(),
  kept_at: day.optional(),
});

export const surveyRow = z
  .object({
    ...accountRef,
    ...externalId,
    kind: oneOf(values(SurveyKind)),
    score: int(0, 10),
    respondent: text(200).optional(),
    comment: text(5_000).optional(),
    responded_at: day,
  })
  .refine((r) => r.kind !== "csat" || (r.score >= 1 && r.score <= 5), {
    path: ["score"],
    message: "a CSAT score is 1 to 5 (NPS is 0 to 10)",
  });

export const milestoneRow = z.object({
  ...accountRef,
  ...externalId,
  title: text(300),
  due_date: day,
  status: oneOf(values(MilestoneStatus)).optional(),
  done_at: day.optional(),
});

export const renewalRow = z.object({
  ...accountRef,
  ...externalId,
  due_date: day,
  arr: money,
  status: oneOf(values(RenewalStatus)).optional(),
  outcome_arr: money.optional(),
  closed_at: day.optional(),
  terms_clear: bool.optional(),
  value_report_sent: bool.optional(),
  notes: text(5_000).optional(),
});

/** A risk a person recorded elsewhere; severity defaults to its cause's (src/domain/risk/register.ts). */
export const riskRow = z
  .object({
    ...accountRef,
    ...externalId,
    kind: oneOf(values(RiskKind)),
    severity: oneOf(values(Severity)).optional(),
    note: text(2_000).optional(),
    next_step: text(1_000).optional(),
    raised_at: day,
    resolved_at: day.optional(),
    close_note: text(2_000).optional(),
  })
  .refine((r) => r.resolved_at === undefined || r.resolved_at >= r.raised_at, {
    path: ["resolved_at"],
    message: "before raised_at",
  });

export const opportunityRow = z.object({
  ...accountRef,
  ...externalId,
  kind: oneOf(values(OpportunityKind)),
  title: text(300),
  amount: money.optional(),
  currency: currency.optional(),
  status: oneOf(values(OpportunityStatus)).optional(),
  // The CRM's sales stage as exported (every CRM names its own).
  stage: text(100).optional(),
  expected_close: day.optional(),
});

/** A CSM's renewal call made elsewhere (a CRM forecast category, a spreadsheet): kept as history. */
export const callRow = z.object({
  ...accountRef,
  ...externalId,
  due_date: day,
  call: oneOf(values(ForecastCall)),
  called_at: stamp,
  member_email: email.optional(),
  note: text(2_000).optional(),
});

export const ROW_SCHEMAS = {
  teams: teamRow,
  members: memberRow,
  accounts: accountRow,
  contacts: contactRow,
  usage: usageRow,
  interactions: interactionRow,
  feedback: feedbackRow,
  promises: promiseRow,
  surveys: surveyRow,
  milestones: milestoneRow,
  renewals: renewalRow,
  risks: riskRow,
  opportunities: opportunityRow,
  calls: callRow,
} as const;

export type ImportKind = keyof typeof ROW_SCHEMAS;
export type RowOf<K extends ImportKind> = z.output<(typeof ROW_SCHEMAS)[K]>;

/** In the order a first import should run: later kinds refer to earlier ones. */
export const IMPORT_KINDS = Object.keys(ROW_SCHEMAS) as ImportKind[];

export function isImportKind(k: string): k is ImportKind {
  return Object.hasOwn(ROW_SCHEMAS, k);
}

/** Kinds whose rows name an account (account_external_id or account_name). */
export const ACCOUNT_CHILDREN: readonly ImportKind[] = [
  "contacts",
  "usage",
  "interactions",
  "feedback",
  "promises",
  "surveys",
  "milestones",
  "renewals",
  "risks",
  "opportunities",
  "calls",
];

/** The columns a kind knows, for the header check and the list of ignored columns. */
export function columnsOf(kind: ImportKind): string[] {
  const s = ROW_SCHEMAS[kind];
  const shape = "shape" in s ? s.shape : (s as unknown as { in: { shape: object } }).in.shape;
  return Object.keys(shape);
}

/** Columns a file must have (each inner list: at least one of them). */
export function requiredColumns(kind: ImportKind): string[][] {
  const s = ROW_SCHEMAS[kind];
  const shape = ("shape" in s ? s.shape : {}) as Record<string, z.ZodType>;
  const req = Object.entries(shape)
    .filter(([, f]) => !f.safeParse(undefined).success)
    .map(([k]) => [k]);
  return ACCOUNT_CHILDREN.includes(kind) ? [["account_external_id", "account_name"], ...req] : req;
}
