import type { AppContext } from "../context.js";
import type { HealthConfig } from "../domain/health/config.js";
import { QUADRANT_HOLD_DAYS, quadrantChanges } from "../domain/health/quadrants.js";
import { scoreAll } from "../domain/health/score-all.js";
import type { Grade } from "../domain/health/types.js";
import type { Db } from "../store/db.js";
import { loadHealthConfig } from "./config-file.js";
import { loadFacts } from "./facts.js";

// Nightly recompute: every account's health for one day, written as one HealthScore row per account
// and day. Re-running a day replaces it whole (in one transaction), so it is safe to repeat. The
// stored usage and value levels are the day's nine-quadrant cell; moves since the day before are
// counted from them (one read of the previous day's rows).

export interface RecomputeReport {
  day: string;
  accounts: number;
  grades: Record<Grade, number>;
  /** Accounts whose quadrant moved since the previous day's scores (none without them). */
  moves: { down: number; up: number };
  readMs: number;
  scoreMs: number;
  writeMs: number;
}

const BATCH = 5000;

export interface RecomputeOptions {
  config?: HealthConfig;
}

export async function recompute(ctx: AppContext, day: string, opts: RecomputeOptions = {}): Promise<RecomputeReport> {
  const config = opts.config ?? (await loadHealthConfig(ctx.config.healthConfigFile));
  const t0 = performance.now();
  const facts = await loadFacts(ctx.db, day, { holidays: config.holidays });
  const t1 = performance.now();
  const results = scoreAll(facts, config);
  const t2 = performance.now();
  await writeScores(ctx.db, day, results);
  // The days before, as far back as a move must hold plus the day it moved from.
  const { rows: previous } = await ctx.db.pool.query<{
    accountId: string;
    day: string;
    usageLevel: number;
    valueLevel: number;
  }>(
    `SELECT "accountId", to_char(day, 'YYYY-MM-DD') AS day, "usageLevel", "valueLevel" FROM "HealthScore"
      WHERE day BETWEEN $1::date - $2::int AND $1::date - 1`,
    [day, QUADRANT_HOLD_DAYS],
  );
  const changes = quadrantChanges(previous, results, day);
  const moves = {
    down: changes.filter((m) => m.direction === "down").length,
    up: changes.filter((m) => m.direction === "up").length,
  };
  const t3 = performance.now();
  const grades: Record<Grade, number> = { green: 0, yellow: 0, red: 0 };
  for (const r of results) grades[r.grade]++;
  ctx.log.info({ day, accounts: results.length, grades, moves }, "health: recomputed");
  return { day, accounts: results.length, grades, moves, readMs: t1 - t0, scoreMs: t2 - t1, writeMs: t3 - t2 };
}

type Scored = ReturnType<typeof scoreAll>[number];

/**
 * Replaces the day's rows: delete, then one INSERT ... SELECT FROM jsonb_to_recordset per batch. One
 * JSON document per batch ships about twice as fast as parallel text arrays of JSON (no array-literal
 * escaping of every quote), and the components and reasons are most of the bytes.
 */
export async function writeScores(db: Db, day: string, results: Scored[]): Promise<void> {
  const client = await db.pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(`DELETE FROM "HealthScore" WHERE day = $1::date`, [day]);
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
