// Expansion signals: where a healthy account is ready to buy more (upsell, cross-sell, services).
// Pure: the store loads one ExpansionInput per account (src/store/repos/expansion.ts). Thresholds
// are the practice's, not fitted to a book: seats at 90% of those bought, usage up a tenth in four
// weeks, users up 15% (and at least 5) in 90 days, any request for a higher plan's feature.
import type { Grade } from "./health/types.js";

export const SIGNALS = ["seat_limit", "higher_plan", "rising_usage", "new_users"] as const;
export type SignalKind = (typeof SIGNALS)[number];

/** Signals that alone make an account worth a nudge to its owner. */
export const STRONG_SIGNALS: readonly SignalKind[] = ["seat_limit", "higher_plan"];

export const SEAT_USE_MIN = 0.9;
export const RISING_USAGE_MIN = 0.1;
export const NEW_USERS_GROWTH_MIN = 0.15;
export const NEW_USERS_MIN = 5;

export interface ExpansionInput {
  grade: Grade | null;
  highRisk: boolean;
  /** Seats bought (the account's, else the latest usage row's). */
  seats: number | null;
  /** Users holding a seat now (latest usage row's activated users). */
  seatsInUse: number | null;
  /** Activated users about 90 days ago (the oldest usage row in days 80-100 back), if any. */
  usersBefore: number | null;
  /** Health engine's 4-week usage change (0.12 = up 12%), null when not known. */
  usageChange: number | null;
  /** Open requests for features of a higher plan. */
  higherPlanRequests: number;
  /** Open upsell / cross-sell / services opportunities. */
  openOpportunities: number;
}

export interface Signal {
  kind: SignalKind;
  /** Numbers for the sentence (percentages as whole numbers). */
  params: Record<string, number>;
}

export function expansionSignals(x: ExpansionInput): Signal[] {
  // An unhappy customer is no expansion candidate: fix the relationship first.
  if (x.grade === "red" || x.highRisk) return [];
  const out: Signal[] = [];
  if (x.seats && x.seats > 0 && x.seatsInUse !== null && x.seatsInUse / x.seats >= SEAT_USE_MIN)
    out.push({
      kind: "seat_limit",
      params: { used: x.seatsInUse, seats: x.seats, pct: Math.round((x.seatsInUse / x.seats) * 100) },
    });
  if (x.higherPlanRequests > 0) out.push({ kind: "higher_plan", params: { count: x.higherPlanRequests } });
  if (x.grade === "green" && x.usageChange !== null && x.usageChange >= RISING_USAGE_MIN)
    out.push({ kind: "rising_usage", params: { pct: Math.round(x.usageChange * 100) } });
  if (
    x.usersBefore !== null &&
    x.usersBefore > 0 &&
    x.seatsInUse !== null &&
    x.seatsInUse - x.usersBefore >= NEW_USERS_MIN &&
    (x.seatsInUse - x.usersBefore) / x.usersBefore >= NEW_USERS_GROWTH_MIN
  )
    out.push({
      kind: "new_users",
      params: {
        added: x.seatsInUse - x.usersBefore,
        pct: Math.round(((x.seatsInUse - x.usersBefore) / x.usersBefore) * 100),
      },
    });
  return out;
}

const WEIGHT: Record<SignalKind, number> = { seat_limit: 3, higher_plan: 3, rising_usage: 2, new_users: 2 };

/** Ranking strength: strong signals count most; green health adds one. */
export function signalStrength(signals: readonly Signal[], grade: Grade | null): number {
  if (signals.length === 0) return 0;
  return signals.reduce((s, x) => s + WEIGHT[x.kind], 0) + (grade === "green" ? 1 : 0);
}

/**
 * Worth a nudge to the owner: a strong signal on an account with no open opportunity yet (once
 * one is open, the owner is already on it).
 */
export function nudgeWorthy(x: ExpansionInput, signals: readonly Signal[]): SignalKind[] {
  if (x.openOpportunities > 0) return [];
  return signals.map((s) => s.kind).filter((k) => STRONG_SIGNALS.includes(k));
}

export interface Candidate<R extends ExpansionInput & { arr: number; currency: string; name: string }> {
  row: R;
  signals: Signal[];
  strength: number;
}

/**
 * Accounts with at least one signal, strongest first, then by ARR (`rank` turns an amount into a
 * comparable value across currencies), then by name.
 */
export function rankCandidates<R extends ExpansionInput & { arr: number; currency: string; name: string }>(
  rows: readonly R[],
  rank: (amount: number, currency: string) => number,
): Candidate<R>[] {
  return rows
    .map((row) => {
      const signals = expansionSignals(row);
      return { row, signals, strength: signalStrength(signals, row.grade) };
    })
    .filter((c) => c.signals.length > 0)
    .sort(
      (a, b) =>
        b.strength - a.strength ||
        rank(b.row.arr, b.row.currency) - rank(a.row.arr, a.row.currency) ||
        a.row.name.localeCompare(b.row.name),
    );
}
