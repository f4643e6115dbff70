import type { Grade } from "./types.js";

// Team metrics over a period, for a whole book, a team or one CSM: renewal rate, GRR, NRR, logo
// churn, expected customer lifetime and ARR by grade. Pure: the caller passes renewals and accounts.
// Rates count logos (currency-free); GRR, NRR and ARR are money, so they are given per currency and
// never summed across currencies.

export type RenewalOutcome = "renewed" | "downsized" | "churned";

export interface MetricsRenewal {
  accountId: string;
  teamId: string | null;
  ownerId: string | null;
  dueDate: string;
  /** When it was closed; a renewal without one counts on its due date. */
  closedAt: string | null;
  status: RenewalOutcome | "upcoming" | "in_progress";
  /** ARR up for renewal, and the ARR it renewed at (null: unchanged, or 0 when churned). */
  arr: number;
  outcomeArr: number | null;
  currency: string;
}

export interface MetricsAccount {
  id: string;
  teamId: string | null;
  ownerId: string | null;
  arr: number;
  currency: string;
  churned: boolean;
  /** Latest health grade (null: not scored). */
  grade: Grade | null;
}

export interface MetricsScope {
  teamId?: string;
  ownerId?: string;
}

export interface MetricsPeriod {
  /** Inclusive days, YYYY-MM-DD. */
  from: string;
  to: string;
}

export interface Retention {
  /** ARR up for renewal in the period. */
  base: number;
  /** ARR kept, counting no expansion (each renewal capped at what was up). */
  kept: number;
  /** ARR after renewal, expansion included. */
  after: number;
  grr: number | null;
  nrr: number | null;
}

export interface TeamMetrics {
  period: MetricsPeriod;
  closed: number;
  outcomes: Record<RenewalOutcome, number>;
  /** Closed renewals kept (renewed or downsized) of all closed; null when none closed. */
  renewalRate: number | null;
  /** Closed renewals lost (churned) of all closed. */
  logoChurn: number | null;
  /** Years, with yearly contracts: 1 / (1 - renewal rate); Infinity when nothing churned. */
  expectedLifetimeYears: number | null;
  retention: Record<string, Retention>;
  /** Live accounts by latest grade ("none": not scored), per currency. */
  arrByGrade: Record<string, Record<Grade | "none", { accounts: number; arr: number }>>;
}

const inScope = (x: { teamId: string | null; ownerId: string | null }, s: MetricsScope) =>
  (s.teamId === undefined || x.teamId === s.teamId) && (s.ownerId === undefined || x.ownerId === s.ownerId);

const isClosed = (r: MetricsRenewal): r is MetricsRenewal & { status: RenewalOutcome } =>
  r.status === "renewed" || r.status === "downsized" || r.status === "churned";

/** The ARR a closed renewal came out at: churn is 0, a missing figure means unchanged. */
export function outcomeArrOf(r: Pick<MetricsRenewal, "status" | "arr" | "outcomeArr">): number {
  if (r.status === "churned") return 0;
  return Math.max(0, r.outcomeArr ?? r.arr);
}

/** Expected customer lifetime in years for a yearly renewal rate (1 / (1 - rate)). */
export function expectedLifetime(renewalRate: number | null): number | null {
  if (renewalRate === null) return null;
  return renewalRate >= 1 ? Number.POSITIVE_INFINITY : 1 / (1 - Math.max(0, renewalRate));
}

export function teamMetrics(
  renewals: readonly MetricsRenewal[],
  accounts: readonly MetricsAccount[],
  period: MetricsPeriod,
  scope: MetricsScope = {},
): TeamMetrics {
  const closed = renewals.filter((r) => {
    if (!isClosed(r) || !inScope(r, scope)) return false;
    const day = r.closedAt ?? r.dueDate;
    return day >= period.from && day <= period.to;
  }) as (MetricsRenewal & { status: RenewalOutcome })[];

  const outcomes: Record<RenewalOutcome, number> = { renewed: 0, downsized: 0, churned: 0 };
  const retention: Record<string, Retention> = {};
  for (const r of closed) {
    outcomes[r.status]++;
    retention[r.currency] ??= { base: 0, kept: 0, after: 0, grr: null, nrr: null };
    const m = retention[r.currency]!;
    const out = outcomeArrOf(r);
    m.base += r.arr;
    m.kept += Math.min(out, r.arr);
    m.after += out;
  }
  for (const m of Object.values(retention)) {
    m.grr = m.base > 0 ? m.kept / m.base : null;
    m.nrr = m.base > 0 ? m.after / m.base : null;
  }

  const n = closed.length;
  const renewalRate = n ? (n - outcomes.churned) / n : null;

  const arrByGrade: TeamMetrics["arrByGrade"] = {};
  for (const a of accounts) {
    if (a.churned || !inScope(a, scope)) continue;
    arrByGrade[a.currency] ??= {
      green: { accounts: 0, arr: 0 },
      yellow: { accounts: 0, arr: 0 },
      red: { accounts: 0, arr: 0 },
      none: { accounts: 0, arr: 0 },
    };
    const g = arrByGrade[a.currency]![a.grade ?? "none"];
    g.accounts++;
    g.arr += a.arr;
  }

  return {
    period,
    closed: n,
    outcomes,
    renewalRate,
    logoChurn: n ? outcomes.churned / n : null,
    expectedLifetimeYears: expectedLifetime(renewalRate),
    retention,
    arrByGrade,
  };
}
