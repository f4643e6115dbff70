// The renewal forecast: the model's call on each renewal (from score, open risks and readiness),
// the CSM's call beside it, where they disagree, and totals per currency per call with the GRR and
// NRR the calls imply. Pure: the store loads the lines (src/store/repos/forecast.ts).
import { addDays, daysBetween } from "./dates.js";
import type { Grade } from "./health/types.js";

export const CALLS = ["commit", "likely", "at_risk", "lost"] as const;
export type Call = (typeof CALLS)[number];

/** A call older than this is asked again. */
export const STALE_CALL_DAYS = 30;

export interface ModelCallInput {
  grade: Grade | null;
  score: number | null;
  openRisks: number;
  highRisk: boolean;
  /** Readiness gaps (src/domain/renewal.ts readinessGaps). */
  gaps: number;
}

/**
 * What the data says about a renewal, kept explainable (each rule is one sentence in docs/renewals.md):
 * - lost: red with a high-severity risk open and a score under 30;
 * - at risk: red, or a high-severity risk open, or four or more readiness gaps;
 * - commit: green, no open risk, at most one readiness gap;
 * - likely: everything else (yellow, green with gaps or a minor risk, not scored yet).
 */
export function modelCall(x: ModelCallInput): Call {
  if (x.grade === "red" && x.highRisk && x.score !== null && x.score < 30) return "lost";
  if (x.grade === "red" || x.highRisk || x.gaps >= 4) return "at_risk";
  if (x.grade === "green" && x.openRisks === 0 && x.gaps <= 1) return "commit";
  return "likely";
}

/** The model's reasons for its call, as message keys (for the "why" beside a disagreement). */
export function modelWhy(x: ModelCallInput): string[] {
  const why: string[] = [];
  if (x.grade === "red") why.push("red");
  else if (x.grade === "yellow") why.push("yellow");
  else if (x.grade === null) why.push("unscored");
  if (x.highRisk) why.push("high_risk");
  else if (x.openRisks > 0) why.push("open_risks");
  if (x.gaps >= 2) why.push("gaps");
  return why;
}

const RANK: Record<Call, number> = { commit: 0, likely: 1, at_risk: 2, lost: 3 };

/** "optimistic": the CSM expects more than the data does (the model doubts it); "cautious": less. */
export type Disagreement = "optimistic" | "cautious";

export function disagreement(csm: Call | null, model: Call): Disagreement | null {
  if (csm === null || csm === model) return null;
  return RANK[csm] < RANK[model] ? "optimistic" : "cautious";
}

export interface CsmCall {
  call: Call;
  note: string | null;
  /** Who made it (member name), when (YYYY-MM-DD). */
  by: string | null;
  on: string;
}

export interface ForecastRenewal extends ModelCallInput {
  accountId: string;
  name: string;
  ownerId: string | null;
  currency: string;
  dueDate: string;
  arr: number;
  status: "upcoming" | "in_progress" | "renewed" | "downsized" | "churned";
  /** The ARR a closed renewal came out at (null: unchanged). */
  outcomeArr: number | null;
  csm: CsmCall | null;
  /** Open upsell and cross-sell expected to close by the end of the period (services are one-off). */
  expansion: number;
}

export interface ForecastLine extends ForecastRenewal {
  model: Call;
  /** The CSM's call when there is one, else the model's: what the totals count. */
  effective: Call;
  disagreement: Disagreement | null;
  /** The CSM's call is older than STALE_CALL_DAYS (or there is none). */
  stale: boolean;
  closed: boolean;
}

export interface ForecastTotals {
  /** ARR up for renewal per currency, by effective call (open renewals only). */
  byCall: Record<Call, number>;
  /** Closed in the period: ARR up, and what it came out at. */
  closedBase: number;
  closedKept: number;
  closedAfter: number;
  base: number;
  /** Forecast GRR: closed actuals plus open renewals called commit or likely, over all ARR up. */
  grr: number | null;
  /** Forecast NRR: as GRR, plus closed expansion and open upsell/cross-sell expected in the period. */
  nrr: number | null;
  /** Floor: only commit counted (and closed actuals). */
  grrCommit: number | null;
}

export interface Forecast {
  lines: ForecastLine[];
  totals: Record<string, ForecastTotals>;
  disagreements: number;
  stale: number;
}

const isClosedStatus = (s: ForecastRenewal["status"]) => s === "renewed" || s === "downsized" || s === "churned";

function outcome(r: ForecastRenewal): number {
  if (r.status === "churned") return 0;
  return Math.max(0, r.outcomeArr ?? r.arr);
}

export function forecastLine(r: ForecastRenewal, today: string): ForecastLine {
  const model = modelCall(r);
  const closed = isClosedStatus(r.status);
  const csm = r.csm?.call ?? null;
  return {
    ...r,
    model,
    effective: csm ?? model,
    disagreement: closed ? null : disagreement(csm, model),
    stale: !closed && (r.csm === null || daysBetween(r.csm.on, today) > STALE_CALL_DAYS),
    closed,
  };
}

const emptyTotals = (): ForecastTotals => ({
  byCall: { commit: 0, likely: 0, at_risk: 0, lost: 0 },
  closedBase: 0,
  closedKept: 0,
  closedAfter: 0,
  base: 0,
  grr: null,
  nrr: null,
  grrCommit: null,
});

/** Lines (disagreements first, then biggest ARR) and totals per currency, never summed across. */
export function buildForecast(renewals: readonly ForecastRenewal[], today: string): Forecast {
  const lines = renewals.map((r) => forecastLine(r, today));
  const totals: Record<string, ForecastTotals> = {};
  const expansion: Record<string, number> = {};
  for (const l of lines) {
    totals[l.currency] ??= emptyTotals();
    const t = totals[l.currency]!;
    t.base += l.arr;
    if (l.closed) {
      const out = outcome(l);
      t.closedBase += l.arr;
      t.closedKept += Math.min(out, l.arr);
      t.closedAfter += out;
    } else {
      t.byCall[l.effective] += l.arr;
      expansion[l.currency] = (expansion[l.currency] ?? 0) + l.expansion;
    }
  }
  for (const [c, t] of Object.entries(totals)) {
    if (t.base <= 0) continue;
    const kept = t.closedKept + t.byCall.commit + t.byCall.likely;
    t.grr = kept / t.base;
    t.grrCommit = (t.closedKept + t.byCall.commit) / t.base;
    t.nrr = (t.closedAfter + t.byCall.commit + t.byCall.likely + (expansion[c] ?? 0)) / t.base;
  }
  lines.sort(
    (a, b) =>
      Number(a.closed) - Number(b.closed) ||
      Number(b.disagreement === "optimistic") - Number(a.disagreement === "optimistic") ||
      Number(b.disagreement !== null) - Number(a.disagreement !== null) ||
      b.arr - a.arr ||
      a.dueDate.localeCompare(b.dueDate) ||
      a.name.localeCompare(b.name),
  );
  return {
    lines,
    totals,
    disagreements: lines.filter((l) => l.disagreement !== null).length,
    stale: lines.filter((l) => l.stale && l.csm !== null).length,
  };
}

export interface MonthCallPoint {
  /** YYYY-MM */
  month: string;
  currency: string;
  call: Call | "closed";
  arr: number;
}

/**
 * ARR by due month, currency and call (effective call; closed renewals as "closed" at the ARR they
 * came out at), in month order: the data of the forecast chart.
 */
export function forecastByMonth(lines: readonly ForecastLine[]): MonthCallPoint[] {
  const sums = new Map<string, MonthCallPoint>();
  for (const l of lines) {
    const call = l.closed ? "closed" : l.effective;
    const month = l.dueDate.slice(0, 7);
    const key = `${month}|${l.currency}|${call}`;
    const p = sums.get(key) ?? { month, currency: l.currency, call, arr: 0 };
    p.arr += l.closed ? outcome(l) : l.arr;
    sums.set(key, p);
  }
  const order = ["closed", ...CALLS];
  return [...sums.values()].sort(
    (a, b) =>
      a.month.localeCompare(b.month) ||
      a.currency.localeCompare(b.currency) ||
      order.indexOf(a.call) - order.indexOf(b.call),
  );
}

export type ForecastPeriod = { kind: "quarter" } | { kind: "next_quarter" } | { kind: "month"; month: string };

/** Inclusive days of a forecast period as seen on `today`. */
export function periodRange(p: ForecastPeriod, today: string): { from: string; to: string } {
  if (p.kind === "month") {
    const [y, m] = p.month.split("-").map(Number) as [number, number];
    const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    return { from: `${p.month}-01`, to: last };
  }
  const y = Number(today.slice(0, 4));
  const q = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + (p.kind === "next_quarter" ? 1 : 0);
  const startMonth = (q % 4) * 3 + 1;
  const year = y + Math.floor(q / 4);
  const from = `${year}-${String(startMonth).padStart(2, "0")}-01`;
  const to = addDays(new Date(Date.UTC(year, startMonth + 2, 1)).toISOString().slice(0, 10), -1);
  return { from, to };
}
