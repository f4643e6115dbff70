import type { AppContext } from "../context.js";
import { addDays, daysBetween } from "../domain/dates.js";
import type { HealthConfig } from "../domain/health/config.js";
import { loadFacts } from "../store/repos/health-facts.js";
import { countScoredBefore, liveAccountIds, writeScores } from "../store/repos/health-scores.js";
import { loadHealthConfig } from "./config-file.js";
import { scoreWithRisks } from "./recompute.js";

// Scoring right after a write (an import, or `log`, `plan`, `risk raise/resolve` in chat), so a card
// never says "not scored yet" about data the store holds and agrees with the nudge minutes later
// rather than the next morning. Only the accounts the write touched are scored (their rows for each
// day are replaced). Accounts with no score history yet (a first import) are scored over the last
// BACKFILL_DAYS, so trends, sparklines and 7-day drops exist from the first hour instead of after a
// month of nightly runs. An import of past usage rescores from its earliest day (within the same
// window): those scores change.

export const BACKFILL_DAYS = 30;

export interface RescoreReport {
  accounts: number;
  /** Oldest and newest day scored. */
  from: string;
  to: string;
  days: number;
  /** Some touched accounts had no scores before: the whole window was scored. */
  backfilled: boolean;
}

export async function rescoreAccounts(
  ctx: AppContext,
  accountIds: readonly string[],
  today: string,
  opts: {
    config?: HealthConfig;
    /** Earliest day whose data the import changed (usage): scored from there. */
    since?: string;
    onDay?: (day: string, done: number, total: number) => void;
  } = {},
): Promise<RescoreReport> {
  // Churned accounts are not scored nightly either.
  const ids = await liveAccountIds(ctx.db, accountIds);
  const scoredBefore = await countScoredBefore(ctx.db, ids, today);
  const backfilled = scoredBefore < ids.length;
  const back = opts.since && opts.since < today ? daysBetween(opts.since, today) + 1 : 1;
  const days = backfilled ? BACKFILL_DAYS : Math.min(back, BACKFILL_DAYS);
  const from = addDays(today, 1 - days);
  if (ids.length === 0) return { accounts: 0, from, to: today, days: 0, backfilled: false };
  const config = opts.config ?? (await loadHealthConfig(ctx.config.healthConfigFile));
  for (let d = 0; d < days; d++) {
    const day = addDays(from, d);
    const facts = await loadFacts(ctx.db, day, {
      accountIds: ids,
      holidays: config.holidays,
      timezone: ctx.config.timezone,
    });
    // The risk register follows the present: backfilled past days read it and change nothing in it.
    const results = await scoreWithRisks(ctx.db, day, facts, config, { sync: day >= addDays(today, -1) });
    await writeScores(ctx.db, day, results, ids);
    opts.onDay?.(day, d + 1, days);
  }
  ctx.log.info({ accounts: ids.length, from, to: today, backfilled }, "health: scored after a write");
  return { accounts: ids.length, from, to: today, days, backfilled };
}
