// Renewal readiness: the self-check of DESIGN.md (terms clear? expectations met? decision-maker
// relationship? promises open? value report sent?) and the ARR at risk used to sort renewals.
import type { Grade } from "./health/types.js";

export type ReadinessGap = "terms" | "expectations" | "decision_maker" | "promises" | "value_report";

export interface ReadinessInput {
  termsClear: boolean | null;
  grade: Grade | null;
  latestNps: number | null;
  /** An active decision maker, not an opponent, contacted within 90 days. */
  decisionMakerEngaged: boolean;
  openPromises: number;
  valueReportSent: boolean;
}

export function readinessGaps(r: ReadinessInput): ReadinessGap[] {
  const gaps: ReadinessGap[] = [];
  if (r.termsClear !== true) gaps.push("terms");
  // Expectations: a red account or a detractor NPS (0-6) says they are not being met.
  if (r.grade === "red" || (r.latestNps !== null && r.latestNps <= 6)) gaps.push("expectations");
  if (!r.decisionMakerEngaged) gaps.push("decision_maker");
  if (r.openPromises > 0) gaps.push("promises");
  if (!r.valueReportSent) gaps.push("value_report");
  return gaps;
}

/**
 * Share of ARR at risk, kept explainable: red 100%, yellow 50%, unscored 50%, green 0%,
 * plus 10% per readiness gap (capped at 100%).
 */
export function arrAtRisk(arr: number, grade: Grade | null, gapCount: number): number {
  const base = grade === "red" ? 1 : grade === "green" ? 0 : 0.5;
  return Math.round(arr * Math.min(1, base + 0.1 * gapCount));
}

/**
 * Rough US-dollar value of one unit of a currency, for ORDERING lists that mix currencies only (a
 * CN¥224,000 risk must not outrank a €129,500 one). Never shown and never summed: totals stay per
 * currency. Unknown currencies count at par.
 */
export const REFERENCE_USD_RATES = {
  USD: 1,
  EUR: 1.08,
  GBP: 1.27,
  CHF: 1.12,
  CNY: 0.14,
  HKD: 0.13,
  JPY: 0.0067,
  SGD: 0.74,
  AUD: 0.66,
  CAD: 0.73,
  INR: 0.012,
} as const;

/** An amount in rough US dollars, for ranking across currencies (see REFERENCE_USD_RATES). */
export function rankingValue(amount: number, currency: string): number {
  return amount * ((REFERENCE_USD_RATES as Record<string, number>)[currency.toUpperCase()] ?? 1);
}

/** Last day of the calendar quarter containing `day` (YYYY-MM-DD). */
export function quarterEnd(day: string): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  const endMonth = Math.ceil(m / 3) * 3;
  const last = new Date(Date.UTC(y, endMonth, 0));
  return last.toISOString().slice(0, 10);
}

export function quarterStart(day: string): string {
  const y = day.slice(0, 4);
  const m = Number(day.slice(5, 7));
  const startMonth = (Math.ceil(m / 3) - 1) * 3 + 1;
  return `${y}-${String(startMonth).padStart(2, "0")}-01`;
}
