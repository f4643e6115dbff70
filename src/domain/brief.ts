// Visit prep, the five points of DESIGN.md: usage, what they raised and where it stands, the
// decision chain and questions to ask (derived from gaps), a good practice from a similar healthy
// account, recent changes - plus promises still open. Pure: facts in, a locale-free brief out.
import { addDays, daysBetween } from "./dates.js";
import type { Reason } from "./health/types.js";

export interface BriefFacts {
  today: string;
  /** Daily usage, oldest first, covering (at least) the last 56 days when available. */
  usage: {
    day: string;
    activeUsers: number;
    activatedUsers: number;
    seats: number;
    coreFeaturesUsed: number;
    coreFeaturesTotal: number;
  }[];
  feedback: { title: string; status: string; raisedAt: string; resolvedAt: string | null }[];
  /** Most recent first. */
  interactions: {
    kind: string;
    occurredAt: string;
    notes: string | null;
    nextSteps: string | null;
    scheduled: boolean;
    contactName?: string | null;
    /** false: outreach nobody answered. */
    answered?: boolean | null;
  }[];
  contacts: {
    name: string;
    role: string;
    title: string | null;
    attitude: string;
    influence: number;
    active: boolean;
    leftAt: string | null;
    lastContact: string | null;
  }[];
  /** Most recent first. */
  nps: { score: number; respondedAt: string }[];
  milestones: { title: string; dueDate: string; status: string }[];
  promises: { title: string; dueDate: string; status: string }[];
  risks: { kind: string; severity: string; raisedAt: string; resolvedAt: string | null }[];
  renewalDate: string | null;
  /** The open renewal's readiness gaps (src/domain/renewal.ts), when a renewal is on record. */
  readinessGaps?: string[];
  /** Days between meetings the account's tier expects (the health settings' cadence). */
  cadenceDays?: number;
  peer: {
    name: string;
    score: number;
    sameIndustry: boolean;
    coreUsed: number | null;
    coreTotal: number | null;
    cadenceDays: number | null;
    /** Its strongest lift ("what works there"), when scored with reasons. */
    strength: Reason | null;
  } | null;
}

export type Question =
  | { key: "no_champion" }
  | { key: "no_dm" }
  | { key: "dm_opponent"; params: { name: string } }
  | { key: "exec_gap" }
  | { key: "usage_drop"; params: { pct: number } }
  | { key: "low_nps"; params: { score: number } }
  | { key: "milestone"; params: { title: string; date: string } }
  | { key: "renewal"; params: { days: number } }
  | { key: "readiness"; params: { gap: string; days: number } }
  | { key: "promise_overdue"; params: { title: string; days: number } }
  | { key: "dm_not_met"; params: { name: string; days: number } }
  | { key: "dm_never_met"; params: { name: string } }
  | { key: "open_risk"; params: { kind: string } }
  | { key: "feedback_unanswered"; params: { title: string; days: number } }
  | { key: "default" };

export type Change =
  | { key: "left"; name: string; role: string; date: string }
  | { key: "nps"; from: number; to: number }
  | { key: "feedback"; count: number }
  | { key: "risk"; kind: string; severity: string }
  | { key: "usage"; changePct: number };

export interface Brief {
  usage: {
    activeAvg: number;
    seats: number;
    activation: number;
    core: number;
    coreTotal: number;
    /** Recent 4 weeks vs the 4 before, as a ratio change (-0.38 = down 38%); null without a baseline. */
    change: number | null;
    /** "rising_low": rising from a low base (activation under the advice threshold): not yet a practice to spread. */
    trend: "stable" | "falling" | "rising" | "rising_low";
    advice: ("activation" | "depth")[];
  } | null;
  raised: { title: string; status: string; raisedAt: string }[];
  lastInteraction: { kind: string; occurredAt: string; notes: string | null } | null;
  contacts: BriefFacts["contacts"];
  questions: Question[];
  practice: BriefFacts["peer"];
  changes: Change[];
  openPromises: { title: string; dueDate: string; overdue: boolean }[];
}

const c0 = (d: string | null) => (d ? d.slice(0, 10) : null);
const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const ROLE_ORDER = ["decision_maker", "executive", "champion", "admin", "finance", "user"];
export const USAGE_CHANGE_THRESHOLD = 0.15;
const RECENT_DAYS = 60;
/** Below this share of seats activated, more users is still onboarding, not a practice worth spreading. */
export const MEANINGFUL_ACTIVATION = 0.6;
/** Feedback open longer than this without an answer is a question to ask. */
const FEEDBACK_UNANSWERED_DAYS = 30;

export function buildBrief(f: BriefFacts): Brief {
  const usage = usageSummary(f);
  const recentCut = addDays(f.today, -RECENT_DAYS);
  const raised = f.feedback
    .filter(
      (x) => x.status === "open" || x.status === "in_progress" || (x.resolvedAt !== null && x.resolvedAt >= recentCut),
    )
    .sort((a, b) => b.raisedAt.localeCompare(a.raisedAt))
    .slice(0, 8)
    .map(({ title, status, raisedAt }) => ({ title, status, raisedAt }));

  const past = f.interactions.filter((i) => !i.scheduled && i.occurredAt.slice(0, 10) <= f.today);
  const li = past[0];
  const lastInteraction = li ? { kind: li.kind, occurredAt: li.occurredAt.slice(0, 10), notes: li.notes } : null;

  const active = f.contacts.filter((c) => c.active);
  const contacts = [...active].sort(
    (a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || b.influence - a.influence,
  );

  const openPromises = f.promises
    .filter((p) => p.status === "open")
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate))
    .map((p) => ({ title: p.title, dueDate: p.dueDate, overdue: p.dueDate < f.today }));

  return {
    usage,
    raised,
    lastInteraction,
    contacts,
    questions: questionsFor(f, usage, past, active),
    practice: f.peer,
    changes: changesFor(f, usage, recentCut),
    openPromises,
  };
}

/** The last 4 weeks' use against the 4 before, with what to advise; none without recent usage. */
function usageSummary(f: BriefFacts): Brief["usage"] {
  const recentFrom = addDays(f.today, -28);
  const baseFrom = addDays(f.today, -56);
  const recent = f.usage.filter((u) => u.day > recentFrom && u.day <= f.today);
  const base = f.usage.filter((u) => u.day > baseFrom && u.day <= recentFrom);
  if (recent.length === 0) return null;
  const last = recent[recent.length - 1] as (typeof recent)[number];
  const activeAvg = avg(recent.map((u) => u.activeUsers));
  const baseAvg = avg(base.map((u) => u.activeUsers));
  const change = base.length > 0 && baseAvg > 0 ? activeAvg / baseAvg - 1 : null;
  const activation = last.seats > 0 ? last.activatedUsers / last.seats : 0;
  const advice: ("activation" | "depth")[] = [];
  if (last.seats > 0 && activation < MEANINGFUL_ACTIVATION) advice.push("activation");
  if (last.coreFeaturesTotal > 0 && last.coreFeaturesUsed / last.coreFeaturesTotal < 0.5) advice.push("depth");
  return {
    activeAvg: Math.round(activeAvg),
    seats: last.seats,
    activation,
    core: last.coreFeaturesUsed,
    coreTotal: last.coreFeaturesTotal,
    change,
    trend:
      change === null || Math.abs(change) < USAGE_CHANGE_THRESHOLD
        ? "stable"
        : change < 0
          ? "falling"
          : last.seats > 0 && activation < MEANINGFUL_ACTIVATION
            ? "rising_low"
            : "rising",
    advice,
  };
}

type Interaction = BriefFacts["interactions"][number];
type Contact = BriefFacts["contacts"][number];

/** What to ask at the meeting, in order; the default question when there is nothing else. */
function questionsFor(f: BriefFacts, usage: Brief["usage"], past: Interaction[], active: Contact[]): Question[] {
  const questions: Question[] = [];
  if (!active.some((c) => c.role === "champion")) questions.push({ key: "no_champion" });
  const dms = active.filter((c) => c.role === "decision_maker");
  if (dms.length === 0) questions.push({ key: "no_dm" });
  for (const dm of dms.filter((c) => c.attitude === "opponent"))
    questions.push({ key: "dm_opponent", params: { name: dm.name } });
  const execCut = addDays(f.today, -90);
  const execContact =
    past.some((i) => i.kind === "exec_visit" && i.occurredAt.slice(0, 10) >= execCut) ||
    active.some(
      (c) =>
        (c.role === "executive" || c.role === "decision_maker") && c.lastContact !== null && c.lastContact >= execCut,
    );
  if (!execContact) questions.push({ key: "exec_gap" });
  if (usage?.trend === "falling" && usage.change !== null)
    questions.push({ key: "usage_drop", params: { pct: Math.round(-usage.change * 100) } });
  const lastNps = f.nps[0];
  if (lastNps && lastNps.score <= 6) questions.push({ key: "low_nps", params: { score: lastNps.score } });
  for (const m of f.milestones.filter((m) => m.status === "planned" && m.dueDate < f.today).slice(0, 2))
    questions.push({ key: "milestone", params: { title: m.title, date: m.dueDate } });
  // The account's own open ends, each a question: overdue promises, decision makers not met within
  // the tier's cadence, open risks, feedback left unanswered, then the renewal's readiness gaps.
  for (const p of f.promises.filter((p) => p.status === "open" && p.dueDate < f.today).slice(0, 3))
    questions.push({ key: "promise_overdue", params: { title: p.title, days: daysBetween(p.dueDate, f.today) } });
  const dmQuestions = decisionMakersNotMet(f, dms, past);
  questions.push(...dmQuestions);
  for (const r of f.risks.filter((r) => r.resolvedAt === null && r.raisedAt <= f.today))
    questions.push({ key: "open_risk", params: { kind: r.kind } });
  for (const x of f.feedback
    .filter(
      (x) =>
        (x.status === "open" || x.status === "in_progress") &&
        daysBetween(x.raisedAt, f.today) > FEEDBACK_UNANSWERED_DAYS,
    )
    .sort((a, b) => a.raisedAt.localeCompare(b.raisedAt))
    .slice(0, 2))
    questions.push({ key: "feedback_unanswered", params: { title: x.title, days: daysBetween(x.raisedAt, f.today) } });
  questions.push(...renewalQuestions(f, questions, dmQuestions.length > 0));
  if (questions.length === 0) questions.push({ key: "default" });
  return questions;
}

/** Decision makers (not opponents) never met, or not met within the tier's cadence. */
function decisionMakersNotMet(f: BriefFacts, dms: Contact[], past: Interaction[]): Question[] {
  const cadence = f.cadenceDays ?? 30;
  const questions: Question[] = [];
  for (const dm of dms.filter((c) => c.attitude !== "opponent")) {
    const metOn = [
      c0(dm.lastContact),
      ...past.filter((i) => i.contactName === dm.name && i.answered !== false).map((i) => i.occurredAt.slice(0, 10)),
    ]
      .filter((x): x is string => x !== null)
      .sort()
      .at(-1);
    if (!metOn) questions.push({ key: "dm_never_met", params: { name: dm.name } });
    else if (daysBetween(metOn, f.today) > cadence)
      questions.push({ key: "dm_not_met", params: { name: dm.name, days: daysBetween(metOn, f.today) } });
  }
  return questions;
}

/** A renewal within 120 days: its readiness gaps not already asked (or the renewal itself, without readiness). */
function renewalQuestions(f: BriefFacts, asked: Question[], dmAsked: boolean): Question[] {
  if (!f.renewalDate) return [];
  const days = daysBetween(f.today, f.renewalDate);
  if (days < 0 || days > 120) return [];
  // Gaps already asked above (promises, the decision maker) are not asked twice.
  const gaps = (f.readinessGaps ?? []).filter(
    (g) =>
      !(g === "promises" && asked.some((q) => q.key === "promise_overdue")) && !(g === "decision_maker" && dmAsked),
  );
  const questions: Question[] = gaps.map((gap) => ({ key: "readiness", params: { gap, days } }));
  if (!f.readinessGaps) questions.push({ key: "renewal", params: { days } });
  return questions;
}

/** What changed in the last RECENT_DAYS: people who left, the NPS, new feedback and risks, usage. */
function changesFor(f: BriefFacts, usage: Brief["usage"], recentCut: string): Change[] {
  const changes: Change[] = [];
  for (const c of f.contacts.filter((c) => c.leftAt !== null && c.leftAt >= recentCut))
    changes.push({ key: "left", name: c.name, role: c.role, date: c.leftAt as string });
  const lastNps = f.nps[0];
  const prevNps = f.nps.find((n) => n !== lastNps && lastNps && n.respondedAt < lastNps.respondedAt);
  if (lastNps && prevNps && lastNps.respondedAt >= recentCut && lastNps.score !== prevNps.score)
    changes.push({ key: "nps", from: prevNps.score, to: lastNps.score });
  const newFeedback = f.feedback.filter((x) => x.raisedAt >= recentCut).length;
  if (newFeedback > 0) changes.push({ key: "feedback", count: newFeedback });
  for (const r of f.risks.filter((r) => r.resolvedAt === null && r.raisedAt >= recentCut))
    changes.push({ key: "risk", kind: r.kind, severity: r.severity });
  if (usage?.change !== null && usage?.change !== undefined && usage.trend !== "stable")
    changes.push({ key: "usage", changePct: Math.round(usage.change * 100) });
  return changes;
}
