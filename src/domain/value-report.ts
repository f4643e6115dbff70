// The value report of the renewal practice (DESIGN.md): results achieved, help given, our
// improvements, next year's plan - composed from what the store holds, pure. Each section knows when
// it has nothing to say, so the reader is told plainly instead of shown an empty heading.

export interface UsageWindow {
  from: string;
  to: string;
  /** Average daily active users over the window. */
  activeUsers: number;
  activatedUsers: number;
  seats: number;
  coreFeaturesUsed: number;
  coreFeaturesTotal: number;
}

export type HelpKind = "visit" | "exec_visit" | "qbr" | "training" | "call";
export type FeedbackState = "open" | "in_progress" | "delivered" | "declined";
export type OpportunityKindName = "upsell" | "cross_sell" | "services";

export interface ValueReportFacts {
  account: {
    id: string;
    name: string;
    seats: number | null;
    goLiveDate: string | null;
    teamLocale: string | null;
    ownerName: string | null;
  };
  today: string;
  /** The start of the year the report looks back on. */
  since: string;
  usage: { now: UsageWindow | null; then: UsageWindow | null; basis: "go_live" | "year_ago" | null };
  milestonesDone: { title: string; day: string }[];
  milestonesOpen: { title: string; due: string }[];
  /** Answered, held interactions of the year by kind. */
  interactions: Partial<Record<string, { count: number; last: string }>>;
  feedback: { title: string; status: FeedbackState; raised: string; resolved: string | null }[];
  promisesKept: { title: string; day: string }[];
  promisesOpen: { title: string; due: string }[];
  opportunities: { kind: OpportunityKindName; title: string }[];
  renewal: { due: string; valueReportSent: boolean } | null;
}

export interface UsageComparison {
  basis: "go_live" | "year_ago";
  then: UsageWindow;
  now: UsageWindow;
  /** now / then - 1 of active users; null when there were none then. */
  activeChange: number | null;
  activationThen: number | null;
  activationNow: number | null;
  coreThen: number | null;
  coreNow: number | null;
}

export interface ValueReport {
  accountName: string;
  today: string;
  since: string;
  results: {
    usage: UsageComparison | null;
    /** Usage now when there is nothing to compare it with. */
    usageNow: UsageWindow | null;
    milestones: { title: string; day: string }[];
  };
  help: {
    counts: { kind: HelpKind; count: number; last: string }[];
    /** Requests and issues they raised this year, and how many have an answer (in progress, delivered or declined). */
    requests: { raised: number; answered: number };
  };
  improvements: {
    delivered: { title: string; day: string }[];
    promisesKept: { title: string; day: string }[];
    inProgress: { title: string }[];
  };
  plan: {
    milestones: { title: string; due: string }[];
    opportunities: { kind: OpportunityKindName; title: string }[];
    promisesOpen: { title: string; due: string }[];
    renewalDue: string | null;
  };
}

export const HELP_KINDS: HelpKind[] = ["visit", "exec_visit", "qbr", "training", "call"];

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

export function composeValueReport(f: ValueReportFacts): ValueReport {
  const { now, then, basis } = f.usage;
  const usage: UsageComparison | null =
    now && then && basis
      ? {
          basis,
          then,
          now,
          activeChange: then.activeUsers > 0 ? now.activeUsers / then.activeUsers - 1 : null,
          activationThen: ratio(then.activatedUsers, then.seats),
          activationNow: ratio(now.activatedUsers, now.seats),
          coreThen: ratio(then.coreFeaturesUsed, then.coreFeaturesTotal),
          coreNow: ratio(now.coreFeaturesUsed, now.coreFeaturesTotal),
        }
      : null;
  const raisedThisYear = f.feedback.filter((x) => x.raised >= f.since);
  return {
    accountName: f.account.name,
    today: f.today,
    since: f.since,
    results: { usage, usageNow: usage ? null : now, milestones: f.milestonesDone },
    help: {
      counts: HELP_KINDS.flatMap((kind) => {
        const c = f.interactions[kind];
        return c && c.count > 0 ? [{ kind, count: c.count, last: c.last }] : [];
      }),
      requests: { raised: raisedThisYear.length, answered: raisedThisYear.filter((x) => x.status !== "open").length },
    },
    improvements: {
      delivered: f.feedback
        .filter((x) => x.status === "delivered" && x.resolved !== null && x.resolved >= f.since)
        .map((x) => ({ title: x.title, day: x.resolved as string })),
      promisesKept: f.promisesKept,
      inProgress: f.feedback.filter((x) => x.status === "in_progress").map((x) => ({ title: x.title })),
    },
    plan: {
      milestones: f.milestonesOpen,
      opportunities: f.opportunities,
      promisesOpen: f.promisesOpen,
      renewalDue: f.renewal?.due ?? null,
    },
  };
}

export const sectionEmpty = {
  results: (r: ValueReport) => !r.results.usage && !r.results.usageNow && r.results.milestones.length === 0,
  help: (r: ValueReport) => r.help.counts.length === 0 && r.help.requests.raised === 0,
  improvements: (r: ValueReport) =>
    r.improvements.delivered.length + r.improvements.promisesKept.length + r.improvements.inProgress.length === 0,
  plan: (r: ValueReport) => r.plan.milestones.length + r.plan.opportunities.length + r.plan.promisesOpen.length === 0,
};
