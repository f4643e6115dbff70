import type { Tier } from "./config.js";
import type { Grade } from "./types.js";

// Does the score see trouble coming? Each closed renewal against the score its account had N days
// before the due date: AUC (how often a kept account outscored a lost one) and how many churns the
// lowest-scored fifth caught. Pure: the replay that produces the cases is src/health/backtest.ts.

export type Outcome = "renewed" | "downsized" | "churned";

export interface BacktestCase {
  accountId: string;
  dueDate: string;
  scoreDay: string;
  outcome: Outcome;
  score: number;
  grade: Grade;
  /** Whether any usage was on record at scoreDay (older history may predate usage data). */
  hadUsage: boolean;
  /** The account's segment, for figures per tier (absent: counted under "unknown"). */
  tier?: Tier;
  /** "new": not enough data to judge at scoreDay (counts as not green: nobody could call it healthy). */
  state?: string;
}

/** Fewer churns than this and every figure is an anecdote: the report says so. */
export const MIN_CHURNS = 10;

/** Deterministic PRNG (mulberry32): the bootstrap interval is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A 90% interval for the AUC: resample the cases with replacement (seeded, so deterministic), take
 * the 5th and 95th percentiles of the resampled AUCs. Null when there are not both outcomes.
 */
export function aucInterval<T extends { score: number }>(
  cases: readonly T[],
  bad: (c: T) => boolean,
  samples = 1000,
  seed = 13,
): { lo: number; hi: number } | null {
  if (auc(cases, bad) === null) return null;
  const rand = random(seed);
  const values: number[] = [];
  for (let i = 0; i < samples; i++) {
    const sample = Array.from({ length: cases.length }, () => cases[Math.floor(rand() * cases.length)]!);
    const v = auc(sample, bad);
    if (v !== null) values.push(v);
  }
  if (values.length === 0) return null;
  values.sort((x, y) => x - y);
  const at = (p: number) => values[Math.min(values.length - 1, Math.max(0, Math.round(p * (values.length - 1))))]!;
  return { lo: Math.round(at(0.05) * 100) / 100, hi: Math.round(at(0.95) * 100) / 100 };
}

export interface Flagging {
  /** Cases flagged "not green" N days before, of them the ones that ended in the outcome. */
  flagged: number;
  hits: number;
  /** Cases with the outcome, of them the ones flagged. */
  outcomes: number;
  caught: number;
  /** hits / flagged and caught / outcomes (null: nothing to divide by). */
  precision: number | null;
  recall: number | null;
}

const notGreen = (c: BacktestCase) => c.grade !== "green" || c.state === "new";

/** Precision and recall of "not green N days before" as a warning of one outcome. */
export function flagging(cases: readonly BacktestCase[], outcome: Outcome): Flagging {
  const flagged = cases.filter(notGreen);
  const hits = flagged.filter((c) => c.outcome === outcome).length;
  const outcomes = cases.filter((c) => c.outcome === outcome);
  const caught = outcomes.filter(notGreen).length;
  const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 100) / 100);
  return {
    flagged: flagged.length,
    hits,
    outcomes: outcomes.length,
    caught,
    precision: ratio(hits, flagged.length),
    recall: ratio(caught, outcomes.length),
  };
}

export interface SegmentFigures {
  cases: number;
  churned: number;
  downsized: number;
  aucChurn: number | null;
  aucChurnInterval: { lo: number; hi: number } | null;
  churn: Flagging;
  downsell: Flagging;
}

function segmentFigures(cases: readonly BacktestCase[]): SegmentFigures {
  const churn = (c: BacktestCase) => c.outcome === "churned";
  return {
    cases: cases.length,
    churned: cases.filter(churn).length,
    downsized: cases.filter((c) => c.outcome === "downsized").length,
    aucChurn: auc(cases, churn),
    aucChurnInterval: aucInterval(cases, churn),
    churn: flagging(cases, "churned"),
    downsell: flagging(cases, "downsized"),
  };
}

/**
 * Area under the ROC curve for "a lower score means a bad outcome": the chance a random good case
 * scored above a random bad one, ties counting half. Null without both kinds.
 */
export function auc<T extends { score: number }>(cases: readonly T[], bad: (c: T) => boolean): number | null {
  const b = cases.filter(bad).map((c) => c.score);
  const g = cases.filter((c) => !bad(c)).map((c) => c.score);
  if (b.length === 0 || g.length === 0) return null;
  let wins = 0;
  for (const x of g) for (const y of b) wins += x > y ? 1 : x === y ? 0.5 : 0;
  return wins / (g.length * b.length);
}

export interface QuintileCatch {
  /** Cases in the lowest-scored fifth, and the highest score among them. */
  size: number;
  maxScore: number | null;
  churned: number;
  churnedTotal: number;
  lost: number;
  lostTotal: number;
}

/** How many churns (and churns + downsizes) fall in the lowest-scored 20% of cases. */
export function lowestQuintile(cases: readonly BacktestCase[]): QuintileCatch {
  const sorted = [...cases].sort(
    (a, b) => a.score - b.score || a.dueDate.localeCompare(b.dueDate) || a.accountId.localeCompare(b.accountId),
  );
  const low = sorted.slice(0, Math.ceil(cases.length / 5));
  const isLost = (c: BacktestCase) => c.outcome !== "renewed";
  return {
    size: low.length,
    maxScore: low.length ? low.at(-1)!.score : null,
    churned: low.filter((c) => c.outcome === "churned").length,
    churnedTotal: cases.filter((c) => c.outcome === "churned").length,
    lost: low.filter(isLost).length,
    lostTotal: cases.filter(isLost).length,
  };
}

export interface BacktestSummary {
  cases: number;
  outcomes: Record<Outcome, number>;
  /** Churned vs renewed or downsized. */
  aucChurn: number | null;
  /** Churned or downsized vs renewed. */
  aucLoss: number | null;
  quintile: QuintileCatch;
  byGrade: Record<Grade, Record<Outcome, number>>;
  withUsage: { cases: number; aucChurn: number | null; aucLoss: number | null; quintile: QuintileCatch };
  /** 90% bootstrap intervals of the two AUCs. */
  aucChurnInterval: { lo: number; hi: number } | null;
  aucLossInterval: { lo: number; hi: number } | null;
  /** "Not green N days before" as a warning of churn and of downsell. */
  churn: Flagging;
  downsell: Flagging;
  /** The same figures per tier. */
  bySegment: Record<string, SegmentFigures>;
  /** "few_churns": fewer than MIN_CHURNS churns, the figures are anecdotes. */
  warnings: "few_churns"[];
}

export function summarizeBacktest(cases: readonly BacktestCase[]): BacktestSummary {
  const outcomes: Record<Outcome, number> = { renewed: 0, downsized: 0, churned: 0 };
  const zero = () => ({ renewed: 0, downsized: 0, churned: 0 });
  const byGrade: Record<Grade, Record<Outcome, number>> = { green: zero(), yellow: zero(), red: zero() };
  for (const c of cases) {
    outcomes[c.outcome]++;
    byGrade[c.grade][c.outcome]++;
  }
  const churn = (c: BacktestCase) => c.outcome === "churned";
  const loss = (c: BacktestCase) => c.outcome !== "renewed";
  const usage = cases.filter((c) => c.hadUsage);
  return {
    cases: cases.length,
    outcomes,
    aucChurn: auc(cases, churn),
    aucLoss: auc(cases, loss),
    quintile: lowestQuintile(cases),
    byGrade,
    withUsage: {
      cases: usage.length,
      aucChurn: auc(usage, churn),
      aucLoss: auc(usage, loss),
      quintile: lowestQuintile(usage),
    },
    aucChurnInterval: aucInterval(cases, churn),
    aucLossInterval: aucInterval(cases, loss),
    churn: flagging(cases, "churned"),
    downsell: flagging(cases, "downsized"),
    bySegment: Object.fromEntries(
      [...new Set(cases.map((c) => c.tier ?? "unknown"))]
        .sort()
        .map((t) => [t, segmentFigures(cases.filter((c) => (c.tier ?? "unknown") === t))]),
    ),
    warnings: outcomes.churned < MIN_CHURNS ? ["few_churns"] : [],
  };
}
