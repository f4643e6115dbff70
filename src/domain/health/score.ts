import { daysBetween } from "../dates.js";
import type { Settings } from "./config.js";
import { type Context, type DimensionDraft, SCORERS } from "./dimensions.js";
import type { HealthFacts } from "./facts.js";
import { DIMENSIONS, type DimensionScore, type Grade, type HealthResult, type Level, type Reason } from "./types.js";

// The score: weighted dimensions (no-data dimensions left out, their weight shared by the rest),
// medium risks cost points, an active high-severity risk caps the grade at red, then grade bands,
// the nine-quadrant levels and the top drags and lifts.

export const USAGE_DIMENSIONS = ["activity", "depth", "trend"] as const;
export const VALUE_DIMENSIONS = ["relationship", "sentiment", "value"] as const;

export function gradeOf(score: number, bands: Settings["bands"]): Grade {
  return score >= bands.green ? "green" : score >= bands.yellow ? "yellow" : "red";
}

export function levelOf(score: number | null, q: Settings["quadrants"]): Level {
  if (score === null) return 1;
  return score < q.low ? 0 : score >= q.high ? 2 : 1;
}

/** Days since go-live while within the onboarding window, else null. */
export function onboardingDayOf(f: HealthFacts, s: Settings): number | null {
  if (!f.goLiveDate || f.goLiveDate > f.day) return null;
  const d = daysBetween(f.goLiveDate, f.day);
  return d <= s.onboarding.windowDays ? d : null;
}

function partsScore(draft: DimensionDraft): number | null {
  let sw = 0;
  let sum = 0;
  for (const p of draft.parts)
    if (p.score !== null && p.weight > 0) {
      sw += p.weight;
      sum += p.weight * p.score;
    }
  return sw > 0 ? sum / sw : null;
}

function weightedMean(components: DimensionScore[], dims: readonly string[]): number | null {
  let sw = 0;
  let sum = 0;
  for (const c of components)
    if (dims.includes(c.dimension) && c.score !== null && c.weight > 0) {
      sw += c.weight;
      sum += c.weight * c.score;
    }
  return sw > 0 ? sum / sw : null;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
/** Reasons that keep an account out of green on their own. */
const CAP_YELLOW = new Set(["sentiment.decision_maker_detractor", "trend.usage_collapse"]);

function newAccountResult(f: HealthFacts, s: Settings, onboardingDay: number | null) {
  const ctx: Context = { facts: f, settings: s, onboardingDay };
  const start = f.startDate ?? f.goLiveDate;
  const days = start && start <= f.day ? daysBetween(start, f.day) : 0;
  const components: DimensionScore[] = DIMENSIONS.map((d) => ({
    dimension: d,
    score: null,
    weight: 0,
    effectiveWeight: 0,
    inputs: SCORERS[d](ctx).inputs,
  }));
  return {
    score: Math.round(s.bands.yellow),
    grade: "yellow" as Grade,
    state: "new" as const,
    components,
    reasons: [
      {
        kind: "drag" as const,
        dimension: "onboarding" as const,
        key: "health.new_account",
        params: { days },
        impact: 0,
      },
    ],
    usageLevel: 1 as Level,
    valueLevel: 1 as Level,
    onboardingDay,
  };
}

/**
 * A young account (started within the onboarding window, or start unknown) with no usage and no
 * contact yet: nothing to judge, so it is neither healthy nor unhealthy - it is new.
 */
export function isNewAccount(f: HealthFacts, s: Settings): boolean {
  const u = f.usage;
  const noUsage = !u || u.recentDays + u.baseDays === 0 || ((u.recentAvg ?? 0) === 0 && (u.baseAvg ?? 0) === 0);
  const noContact = f.lastContact === null && f.lastExecContact === null && !f.unanswered?.attempts;
  const noVoice = f.nps === null && f.csat === null && f.praise.length === 0 && f.complaints.length === 0;
  const start = f.startDate ?? f.goLiveDate;
  const young = !start || start > f.day || daysBetween(start, f.day) <= s.onboarding.windowDays;
  return noUsage && noContact && noVoice && young;
}

export function scoreHealth(facts: HealthFacts, settings: Settings): HealthResult & { onboardingDay: number | null } {
  const onboardingDay = onboardingDayOf(facts, settings);
  if (isNewAccount(facts, settings) && !facts.risks.some((r) => r.raisedAt <= facts.day && r.severity === "high"))
    return newAccountResult(facts, settings, onboardingDay);
  const ctx: Context = { facts, settings, onboardingDay };
  const weights = onboardingDay !== null ? settings.onboarding.weights : settings.weights;
  const drafts = DIMENSIONS.map((d) => SCORERS[d](ctx));
  const scores = drafts.map(partsScore);
  const present = DIMENSIONS.reduce((s, d, i) => s + (scores[i] !== null ? weights[d] : 0), 0);
  const scored: Scored = { drafts, scores, weights, present };
  const components = componentsOf(scored, onboardingDay);
  const { raw, reasons } = weightedScore(scored, settings);
  const { score, cappedBy } = withRisks(raw, reasons, facts, settings);
  return {
    score,
    grade: cappedBy ? "red" : gradeOf(score, settings.bands),
    components,
    reasons: topReasons(reasons, settings),
    usageLevel: levelOf(weightedMean(components, USAGE_DIMENSIONS), settings.quadrants),
    valueLevel: levelOf(weightedMean(components, VALUE_DIMENSIONS), settings.quadrants),
    ...(cappedBy ? { cappedBy } : {}),
    onboardingDay,
  };
}

/** Each dimension's draft and score (null: no data), the weights, and the weight of those with data. */
interface Scored {
  drafts: DimensionDraft[];
  scores: (number | null)[];
  weights: Record<(typeof DIMENSIONS)[number], number>;
  present: number;
}

/** Each dimension's score with its nominal and effective (data-present) weight. */
function componentsOf({ drafts, scores, weights, present }: Scored, onboardingDay: number | null): DimensionScore[] {
  const totalWeight = DIMENSIONS.reduce((s, d) => s + weights[d], 0) || 1;
  return drafts.map((draft, i) => {
    const w = weights[draft.dimension];
    const score = scores[i]!;
    const inputs = { ...draft.inputs };
    if (draft.dimension === "activity" && onboardingDay !== null) inputs.onboarding_day = onboardingDay;
    return {
      dimension: draft.dimension,
      score: score === null ? null : Math.round(score),
      weight: round1((w / totalWeight) * 100) / 100,
      effectiveWeight: score === null || present === 0 ? 0 : Math.round((w / present) * 1000) / 1000,
      inputs,
    };
  });
}

/** The weighted mean of the dimensions with data, and each part's reasons with the points they cost or add. */
function weightedScore({ drafts, scores, weights, present }: Scored, settings: Settings) {
  const reasons: Reason[] = [];
  if (present === 0) {
    // Nothing to judge: neither good nor bad, the lowest yellow ("watch"), and said so.
    reasons.push({ kind: "drag", dimension: "activity", key: "health.no_data", params: {}, impact: 0 });
    return { raw: settings.bands.yellow, reasons };
  }
  const raw = drafts.reduce(
    (s, _d, i) => s + (scores[i] === null ? 0 : (weights[DIMENSIONS[i]!] / present) * scores[i]!),
    0,
  );
  drafts.forEach((draft, i) => {
    if (scores[i] === null) return;
    const eff = weights[draft.dimension] / present;
    const sw = draft.parts.reduce((s, p) => s + (p.score !== null && p.weight > 0 ? p.weight : 0), 0);
    for (const p of draft.parts) {
      if (p.score === null || p.weight <= 0 || eff <= 0) continue;
      const points = eff * (p.weight / sw);
      for (const r of p.reasons) {
        const impact = r.kind === "drag" ? points * (100 - p.score) : points * (p.score - 50);
        if (impact <= 0) continue;
        reasons.push({
          kind: r.kind,
          dimension: r.dimension ?? draft.dimension,
          key: r.key,
          params: r.params,
          impact: round1(impact),
        });
      }
    }
  });
  return { raw, reasons };
}

/**
 * The score after the risk flags and caps: medium risks cost points, a detractor decision maker or a
 * usage collapse keeps it below green, a high risk makes it red. Adds their reasons to `reasons`.
 */
function withRisks(
  raw: number,
  reasons: Reason[],
  facts: HealthFacts,
  settings: Settings,
): { score: number; cappedBy?: string } {
  const active = facts.risks.filter((r) => r.raisedAt <= facts.day);
  const medium = active.filter((r) => r.severity === "medium");
  let score = raw - medium.length * settings.risk.mediumPenalty;
  for (const r of medium) reasons.push(riskReason(r, "risk.medium", settings.risk.mediumPenalty, facts.day));
  score = Math.round(Math.min(100, Math.max(0, score)));
  // The person who signs the renewal saying they would not recommend us is never green, however
  // well the rest reads: the score stops just below the green band.
  const belowGreen = Math.max(0, Math.ceil(settings.bands.green) - 1);
  if (reasons.some((r) => CAP_YELLOW.has(r.key)) && score > belowGreen) {
    const lost = score - belowGreen;
    score = belowGreen;
    for (const r of reasons) if (CAP_YELLOW.has(r.key)) r.impact = Math.max(r.impact, round1(lost));
  }

  const high = active.filter((r) => r.severity === "high").sort((a, b) => a.raisedAt.localeCompare(b.raisedAt));
  if (high.length === 0) return { score };
  const cap = Math.max(0, Math.ceil(settings.bands.yellow) - 1);
  const lost = Math.max(0, score - cap);
  score = Math.min(score, cap);
  // A capping flag explains the grade even when it costs no points: it leads the drags.
  const lead = Math.max(lost, ...reasons.filter((r) => r.kind === "drag").map((r) => r.impact + 1));
  for (const r of high) reasons.push(riskReason(r, "risk.high", round1(lead), facts.day));
  return { score, cappedBy: high[0]!.kind };
}

/** A risk flag as a drag: its kind and how long it has been open. */
function riskReason(r: { kind: string; raisedAt: string }, key: string, impact: number, day: string): Reason {
  return { kind: "drag", dimension: "risk", key, params: { kind: r.kind, days: daysBetween(r.raisedAt, day) }, impact };
}

/** The strongest drags, then the strongest lifts. */
function topReasons(reasons: Reason[], settings: Settings): Reason[] {
  const byImpact = (a: Reason, b: Reason) => b.impact - a.impact || a.key.localeCompare(b.key);
  const drags = reasons
    .filter((r) => r.kind === "drag")
    .sort(byImpact)
    .slice(0, settings.reasons.maxDrags);
  const lifts = reasons
    .filter((r) => r.kind === "lift")
    .sort(byImpact)
    .slice(0, settings.reasons.maxLifts);
  return [...drags, ...lifts];
}
