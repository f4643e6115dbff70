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
  };
}
