// Day-by-day series for charts: one query each.
import { addDays } from "../../domain/dates.js";
import type { Db } from "../db.js";

export interface AccountTrendRows {
  days: string[];
  score: (number | null)[];
  activeUsers: (number | null)[];
  seats: number | null;
}

/** An account's health score and active users for each of the `days` days up to `today`. */
export async function accountTrend(db: Db, accountId: string, today: string, days = 90): Promise<AccountTrendRows> {
  const { rows } = await db.pool.query<{
    day: string;
    score: number | null;
    active: number | null;
    seats: number | null;
  }>(
    `SELECT to_char(d.day, 'YYYY-MM-DD') AS day, h.score, u."activeUsers" AS active, u.seats
       FROM generate_series($2::date, $3::date, interval '1 day') AS d(day)
       LEFT JOIN "HealthScore" h ON h."accountId" = $1 AND h.day = d.day::date AND h.state IS DISTINCT FROM 'new'
       LEFT JOIN "UsageSnapshot" u ON u."accountId" = $1 AND u.day = d.day::date
      ORDER BY d.day`,
    [accountId, addDays(today, -(days - 1)), today],
  );
  return {
    days: rows.map((r) => r.day),
    score: rows.map((r) => r.score),
    activeUsers: rows.map((r) => r.active),
    seats: rows.reduce<number | null>((s, r) => r.seats ?? s, null),
  };
}

export interface GradeCountRow {
  green: number;
  yellow: number;
  red: number;
  new: number;
}

/**
 * A team's accounts by grade on two days, and how many moved up or down a grade between them
 * (accounts scored on both days).
 */
export async function teamGradeMovement(
  db: Db,
  teamId: string,
  before: string,
  now: string,
): Promise<{ before: GradeCountRow; now: GradeCountRow; up: number; down: number }> {
  const { rows } = await db.pool.query<{ b: string | null; n: string | null }>(
    `SELECT CASE WHEN hb.state = 'new' THEN 'new' ELSE hb.grade::text END AS b,
            CASE WHEN hn.state = 'new' THEN 'new' ELSE hn.grade::text END AS n
       FROM "Account" a
       LEFT JOIN "HealthScore" hb ON hb."accountId" = a.id AND hb.day = $2::date
       LEFT JOIN "HealthScore" hn ON hn."accountId" = a.id AND hn.day = $3::date
      WHERE a."teamId" = $1 AND a."archivedAt" IS NULL AND (hb.grade IS NOT NULL OR hn.grade IS NOT NULL)`,
    [teamId, before, now],
  );
  const empty = (): GradeCountRow => ({ green: 0, yellow: 0, red: 0, new: 0 });
  const out = { before: empty(), now: empty(), up: 0, down: 0 };
  const rank: Record<string, number> = { red: 0, yellow: 1, green: 2 };
  for (const r of rows) {
    if (r.b) out.before[r.b as keyof GradeCountRow]++;
    if (r.n) out.now[r.n as keyof GradeCountRow]++;
    if (r.b && r.n && r.b in rank && r.n in rank) {
      if ((rank[r.n] as number) > (rank[r.b] as number)) out.up++;
      if ((rank[r.n] as number) < (rank[r.b] as number)) out.down++;
    }
  }
  return out;
}
