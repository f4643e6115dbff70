// Daily health scores in the store: the recompute's pages of accounts, the day's rows replaced in one
// transaction, the levels of the days before (quadrant moves), and the churned accounts' rows removed.
import type { Outcome } from "../../domain/health/backtest.js";
import type { scoreAll } from "../../domain/health/score-all.js";
import type { Db } from "../db.js";

type Scored = ReturnType<typeof scoreAll>[number];

const BATCH = 5000;

/**
 * The accounts a recompute scores (every account not churned), in pages of `size` ids. One page
 * (empty or not) when the book fits in one: the set-based reads then need no id list at all.
 */
export async function scoredAccountPages(db: Db, size: number): Promise<string[][]> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "Account" WHERE stage <> 'churned'`,
  );
  if ((rows[0]?.n ?? 0) <= size) return [[]];
  const { rows: ids } = await db.pool.query<{ id: string }>(
    `SELECT id FROM "Account" WHERE stage <> 'churned' ORDER BY id`,
  );
  const pages: string[][] = [];
  for (let i = 0; i < ids.length; i += size) pages.push(ids.slice(i, i + size).map((r) => r.id));
  return pages;
}

/** Of these accounts, those scored nightly (not churned). */
export async function liveAccountIds(db: Db, accountIds: readonly string[]): Promise<string[]> {
  const { rows } = await db.pool.query<{ id: string }>(
    `SELECT id FROM "Account" WHERE id = ANY($1::text[]) AND stage <> 'churned'`,
    [[...accountIds]],
  );
  return rows.map((r) => r.id);
}

/** How many of these accounts have a score before `day`. */
export async function countScoredBefore(db: Db, accountIds: readonly string[], day: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(DISTINCT "accountId")::int AS n FROM "HealthScore" WHERE "accountId" = ANY($1::text[]) AND day < $2::date`,
    [[...accountIds], day],
  );
  return rows[0]?.n ?? 0;
}

/** The usage and value levels of the `days` days before `day` (of some accounts, or all). */
export async function levelsBefore(
  db: Db,
  day: string,
  days: number,
  accountIds?: string[],
): Promise<{ accountId: string; day: string; usageLevel: number; valueLevel: number }[]> {
  const { rows } = await db.pool.query<{ accountId: string; day: string; usageLevel: number; valueLevel: number }>(
    `SELECT "accountId", to_char(day, 'YYYY-MM-DD') AS day, "usageLevel", "valueLevel" FROM "HealthScore"
      WHERE day BETWEEN $1::date - $2::int AND $1::date - 1 ${accountIds ? `AND "accountId" = ANY($3::text[])` : ""}`,
    accountIds ? [day, days, accountIds] : [day, days],
  );
  return rows;
}

/** Removes the day's rows of accounts churned since they were scored. */
export async function deleteChurnedScores(db: Db, day: string): Promise<void> {
  await db.pool.query(
    `DELETE FROM "HealthScore" h USING "Account" a WHERE h.day = $1::date AND a.id = h."accountId" AND a.stage = 'churned'`,
    [day],
  );
}

/** Renewals closed with an outcome (renewed, downsized, churned) due in [from, to] (either open). */
export async function closedRenewalOutcomes(
  db: Db,
  from: string | null,
  to: string | null,
): Promise<{ accountId: string; dueDate: string; status: Outcome }[]> {
  const { rows } = await db.pool.query<{
    accountId: string;
    dueDate: string;
    status: Outcome;
  }>(
    `SELECT "accountId", to_char("dueDate", 'YYYY-MM-DD') AS "dueDate", status::text AS status
       FROM "Renewal"
      WHERE status IN ('renewed', 'downsized', 'churned')
        AND ($1::date IS NULL OR "dueDate" >= $1::date) AND ($2::date IS NULL OR "dueDate" <= $2::date)
      ORDER BY "dueDate", "accountId"`,
    [from, to],
  );
  return rows;
}

/**
 * Replaces the day's rows: delete, then one INSERT ... SELECT FROM jsonb_to_recordset per batch. One
 * JSON document per batch ships about twice as fast as parallel text arrays of JSON (no array-literal
 * escaping of every quote), and the components and reasons are most of the bytes.
 */
export async function writeScores(db: Db, day: string, results: Scored[], accountIds?: string[]): Promise<void> {
  const client = await db.pool.connect();
  try {
    await client.query("BEGIN");
    // With accountIds only those accounts' rows of the day are replaced (scoring after an import).
    if (accountIds)
      await client.query(`DELETE FROM "HealthScore" WHERE day = $1::date AND "accountId" = ANY($2::text[])`, [
        day,
        accountIds,
      ]);
    else await client.query(`DELETE FROM "HealthScore" WHERE day = $1::date`, [day]);
    for (let i = 0; i < results.length; i += BATCH) {
      const batch = results.slice(i, i + BATCH).map((r) => ({
        a: r.accountId,
        s: r.score,
        g: r.grade,
        st: r.state ?? null,
        u: r.usageLevel,
        v: r.valueLevel,
        c: r.components,
        r: r.reasons,
      }));
      await client.query(
        `INSERT INTO "HealthScore" ("accountId", day, score, grade, state, "usageLevel", "valueLevel", components, reasons)
         SELECT t.a, $1::date, t.s, t.g::"Grade", t.st, t.u, t.v, t.c, t.r
           FROM jsonb_to_recordset($2::jsonb) AS t(a text, s int, g text, st text, u int, v int, c jsonb, r jsonb)`,
        [day, JSON.stringify(batch)],
      );
    }
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
