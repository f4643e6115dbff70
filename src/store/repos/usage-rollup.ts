import type { Db } from "../db.js";

// Usage retention: daily rows older than the kept window become one UsageWeek row per account and
// ISO week (Monday start), so the daily table stays a bounded size however many years a book keeps
// and the nightly read (the last 56 days) touches the same amount of data every night.
//
// Only whole weeks roll up: the cut-off is the Monday on or before (today - keepDays), so a week is
// never split between the two tables. Rows imported later for an already rolled week merge into it
// (sums add, maxima take the larger), so re-running is safe and late history is not lost.

export interface RollupPlan {
  /** Daily rows before this day (a Monday) roll up. */
  before: string;
  /** Daily rows that roll up (or would, on a dry run). */
  dailyRows: number;
  /** Account-weeks those rows make. */
  weeks: number;
}

/** The Monday on or before `day` (YYYY-MM-DD). */
export function mondayOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const back = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - back);
  return d.toISOString().slice(0, 10);
}

/** The first day whose daily rows are kept when `today`'s book keeps `keepDays` days of them. */
export function rollupCutoff(today: string, keepDays: number): string {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - keepDays);
  return mondayOf(d.toISOString().slice(0, 10));
}

/** What a roll-up before `before` would do, writing nothing. */
export async function planRollup(db: Db, before: string): Promise<RollupPlan> {
  const { rows } = await db.pool.query<{ n: number; weeks: number }>(
    `SELECT count(*)::int AS n,
            count(DISTINCT ("accountId", date_trunc('week', day)))::int AS weeks
       FROM "UsageSnapshot" WHERE day < $1::date`,
    [before],
  );
  return { before, dailyRows: rows[0]?.n ?? 0, weeks: rows[0]?.weeks ?? 0 };
}

/**
 * Rolls daily rows before `before` up into weeks, one week per statement (each statement moves its
 * rows atomically: deleted from the daily table and merged into UsageWeek together), oldest first.
 */
export async function rollupUsage(db: Db, before: string): Promise<RollupPlan> {
  const out: RollupPlan = { before, dailyRows: 0, weeks: 0 };
  for (;;) {
    const { rows: next } = await db.pool.query<{ week: string | null }>(
      `SELECT to_char(date_trunc('week', min(day)), 'YYYY-MM-DD') AS week FROM "UsageSnapshot" WHERE day < $1::date`,
      [before],
    );
    const week = next[0]?.week;
    if (!week) return out;
    const { rows } = await db.pool.query<{ n: number; weeks: number }>(
      `WITH gone AS (
         DELETE FROM "UsageSnapshot"
          WHERE day >= $1::date AND day < least($1::date + 7, $2::date)
          RETURNING *),
       merged AS (
         INSERT INTO "UsageWeek" AS w ("accountId", "weekStart", days, "activeUsersSum", "activeUsersMax",
                                      "activatedUsers", seats, logins, "coreFeaturesUsed", "coreFeaturesTotal")
         SELECT "accountId", $1::date, count(*), sum("activeUsers"), max("activeUsers"), max("activatedUsers"),
                max(seats), sum(logins), max("coreFeaturesUsed"), max("coreFeaturesTotal")
           FROM gone GROUP BY "accountId"
         ON CONFLICT ("accountId", "weekStart") DO UPDATE SET
           days = w.days + EXCLUDED.days,
           "activeUsersSum" = w."activeUsersSum" + EXCLUDED."activeUsersSum",
           "activeUsersMax" = greatest(w."activeUsersMax", EXCLUDED."activeUsersMax"),
           "activatedUsers" = greatest(w."activatedUsers", EXCLUDED."activatedUsers"),
           seats = greatest(w.seats, EXCLUDED.seats),
           logins = w.logins + EXCLUDED.logins,
           "coreFeaturesUsed" = greatest(w."coreFeaturesUsed", EXCLUDED."coreFeaturesUsed"),
           "coreFeaturesTotal" = greatest(w."coreFeaturesTotal", EXCLUDED."coreFeaturesTotal")
         RETURNING 1)
       SELECT (SELECT count(*) FROM gone)::int AS n, (SELECT count(*) FROM merged)::int AS weeks`,
      [week, before],
    );
    out.dailyRows += rows[0]?.n ?? 0;
    out.weeks += rows[0]?.weeks ?? 0;
  }
}

export interface UsageWeekRow {
  weekStart: string;
  days: number;
  activeUsersAvg: number;
  activeUsersMax: number;
  seats: number;
}

/** One account's rolled-up weeks, oldest first. */
export async function usageWeeksOf(db: Db, accountId: string): Promise<UsageWeekRow[]> {
  const { rows } = await db.pool.query<UsageWeekRow>(
    `SELECT to_char("weekStart", 'YYYY-MM-DD') AS "weekStart", days,
            ("activeUsersSum"::float8 / days) AS "activeUsersAvg", "activeUsersMax", seats
       FROM "UsageWeek" WHERE "accountId" = $1 ORDER BY "weekStart"`,
    [accountId],
  );
  return rows;
}
