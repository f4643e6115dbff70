// Detected risks: what an account's data says is at stake, each with its cause, severity and an
// evidence sentence with numbers. Pure: reads the day's health facts, the health result's reasons
// (all of them, not only the few a card shows) and the next renewal, and returns one risk per cause.
import { daysBetween } from "../dates.js";
import type { HealthFacts } from "../health/facts.js";
import type { Reason } from "../health/types.js";
import { type ReadinessGap, readinessGaps } from "../renewal.js";
import { CAUSE_SEVERITY, type RiskCause, type RiskSeverity, severityRank } from "./register.js";

export interface DetectedRisk {
  cause: RiskCause;
  severity: RiskSeverity;
  /** Sentence key + numbers (src/domain/risk/evidence.ts, else a health reason key). */
  evidence: { key: string; params: Record<string, string | number> };
}

/** The account's next open renewal and its readiness inputs (null: none on record). */
export interface RenewalFacts {
  dueDate: string;
  termsClear: boolean | null;
  valueReportSent: boolean;
  openPromises: number;
  decisionMakerEngaged: boolean;
  latestNps: number | null;
}

export interface DetectInput {
  facts: HealthFacts;
  reasons: readonly Reason[];
  renewal?: RenewalFacts | null;
}

/** Thresholds of detection; the defaults suit any book (none is tuned to one). */
export const DETECT = {
  /** A collapse: the last two weeks' daily-active peaks both at most this share of the two weeks before. */
  collapseShare: 0.4,
  /** ...from a base of at least this many daily active users (3 users becoming 1 is noise). */
  collapseMinBase: 5,
  /** A detractor answer counts for this long. */
  detractorDays: 180,
  npsDetractorMax: 6,
  /** A renewal this close with at least `unreadyGaps` readiness gaps is unready. */
  unreadyDays: 30,
  unreadyGaps: 2,
} as const;

/** Health reason keys that are, by themselves, evidence of a cause. */
const REASON_CAUSES: Record<string, { cause: RiskCause; severity?: RiskSeverity }> = {
  "relationship.decision_maker_left": { cause: "decision_maker_changed" },
  "relationship.champion_left": { cause: "champion_changed" },
  "onboarding.activation_behind": { cause: "slow_go_live" },
  "onboarding.milestones_overdue": { cause: "slow_go_live" },
  "value.feedback_open": { cause: "slow_feedback" },
  "relationship.refusing_contact": { cause: "refusing_contact" },
  "trend.usage_collapse": { cause: "usage_collapse" },
  // A decision maker's detractor answer weighs more than a user's.
  "sentiment.decision_maker_detractor": { cause: "detractor", severity: "high" },
};

export function detectRisks(input: DetectInput): DetectedRisk[] {
  const { facts, reasons } = input;
  const found = new Map<RiskCause, DetectedRisk>();
  const add = (r: DetectedRisk) => {
    const had = found.get(r.cause);
    if (!had || severityRank(r.severity) > severityRank(had.severity)) found.set(r.cause, r);
  };

  for (const r of reasons) {
    if (r.kind !== "drag" || !Object.hasOwn(REASON_CAUSES, r.key)) continue;
    const m = REASON_CAUSES[r.key]!;
    add({
      cause: m.cause,
      severity: m.severity ?? CAUSE_SEVERITY[m.cause],
      evidence: { key: r.key, params: r.params },
    });
  }

  if (!found.has("usage_collapse")) {
    const c = usageCollapse(facts);
    if (c) add({ cause: "usage_collapse", severity: CAUSE_SEVERITY.usage_collapse, evidence: c });
  }

  const nps = facts.nps;
  if (nps && nps.score <= DETECT.npsDetractorMax && daysBetween(nps.day, facts.day) <= DETECT.detractorDays)
    add({
      cause: "detractor",
      severity: CAUSE_SEVERITY.detractor,
      evidence: { key: "risk.evidence.detractor", params: { score: nps.score, days: daysBetween(nps.day, facts.day) } },
    });

  const unready = renewalUnready(facts.day, input.renewal ?? null);
  if (unready) add({ cause: "renewal_unready", severity: CAUSE_SEVERITY.renewal_unready, evidence: unready });

  return [...found.values()].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.cause.localeCompare(b.cause),
  );
}

/**
 * A large, sustained drop in daily active users: both of the last two weeks' peaks far below the
 * two weeks before. Weekly peaks, not averages, so a weekly-use account is read at its rhythm, and
 * two weeks, so one holiday week is not a collapse.
 */
export function usageCollapse(f: HealthFacts): DetectedRisk["evidence"] | null {
  const peaks = f.usage?.weeklyPeaks;
  if (!peaks || peaks.length < 4) return null;
  const [w0, w1, w2, w3] = peaks;
  if (w0 === null || w0 === undefined || w1 === null || w1 === undefined) return null;
  const before = Math.max(w2 ?? -1, w3 ?? -1);
  if (before < DETECT.collapseMinBase) return null;
  const now = Math.max(w0, w1);
  if (now > before * DETECT.collapseShare) return null;
  return {
    key: "risk.evidence.usage_collapse",
    params: { from: before, to: now, pct: Math.round((1 - now / before) * 100) },
  };
}

/** A renewal close at hand with readiness gaps, or past its date with no outcome (lapsed). */
export function renewalUnready(today: string, r: RenewalFacts | null): DetectedRisk["evidence"] | null {
  if (!r) return null;
  const days = daysBetween(today, r.dueDate);
  const gaps = gapsOf(r);
  if (days < 0) return { key: "risk.evidence.renewal_lapsed", params: { days: -days } };
  if (days > DETECT.unreadyDays || gaps.length < DETECT.unreadyGaps) return null;
  return { key: "risk.evidence.renewal_unready", params: { days, count: gaps.length, gaps: gaps.join(",") } };
}

/** Readiness gaps without the grade: the grade is what a risk caps, so it cannot be evidence of one. */
export function gapsOf(r: RenewalFacts): ReadinessGap[] {
  return readinessGaps({
    termsClear: r.termsClear,
    grade: null,
    latestNps: r.latestNps,
    decisionMakerEngaged: r.decisionMakerEngaged,
    openPromises: r.openPromises,
    valueReportSent: r.valueReportSent,
  });
}
