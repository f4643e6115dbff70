import type { AppContext } from "../context.js";
import { addDays } from "../domain/dates.js";
import { type BacktestCase, summarizeBacktest } from "../domain/health/backtest.js";
import type { HealthConfig } from "../domain/health/config.js";
import { scoreAll } from "../domain/health/score-all.js";
import { loadFacts } from "../store/repos/health-facts.js";
import { closedRenewalOutcomes } from "../store/repos/health-scores.js";
import { loadHealthConfig } from "./config-file.js";

// Replays history: every closed renewal (renewed, downsized, churned) is scored as its account stood
// `daysBefore` days before the due date, from the facts as of that day (not from stored scores, so
// it also works for history older than the first nightly recompute and for a new settings file).

export interface BacktestOptions {
  daysBefore?: number;
  /** Only renewals due in [from, to]. */
  from?: string;
  to?: string;
  config?: HealthConfig;
}

export async function backtest(ctx: AppContext, opts: BacktestOptions = {}) {
  const daysBefore = opts.daysBefore ?? 60;
  const config = opts.config ?? (await loadHealthConfig(ctx.config.healthConfigFile));
  const rows = await closedRenewalOutcomes(ctx.db, opts.from ?? null, opts.to ?? null);
  // One set-based read per distinct scoring day, for the accounts renewing N days later.
  const byDay = new Map<string, typeof rows>();
  for (const r of rows) {
    const day = addDays(r.dueDate, -daysBefore);
    byDay.set(day, [...(byDay.get(day) ?? []), r]);
  }
  const cases: BacktestCase[] = [];
  for (const [day, renewals] of [...byDay].sort((a, b) => a[0].localeCompare(b[0]))) {
    const facts = await loadFacts(ctx.db, day, {
      accountIds: [...new Set(renewals.map((r) => r.accountId))],
      holidays: config.holidays,
      timezone: ctx.config.timezone,
    });
    const factsBy = new Map(facts.map((f) => [f.accountId, f]));
    const scored = new Map(scoreAll(facts, config).map((s) => [s.accountId, s]));
    for (const r of renewals) {
      const s = scored.get(r.accountId);
      if (!s) continue;
      cases.push({
        accountId: r.accountId,
        dueDate: r.dueDate,
        scoreDay: day,
        outcome: r.status,
        score: s.score,
        grade: s.grade,
        hadUsage: (factsBy.get(r.accountId)?.usage?.recentDays ?? 0) > 0,
        ...(factsBy.get(r.accountId) ? { tier: factsBy.get(r.accountId)!.tier } : {}),
        ...(s.state ? { state: s.state } : {}),
      });
    }
  }
  return { daysBefore, cases, summary: summarizeBacktest(cases) };
}
