import type { AppContext } from "../context.js";
import type { HealthConfig } from "../domain/health/config.js";
import { scoreAll } from "../domain/health/score-all.js";
import type { Grade } from "../domain/health/types.js";
import type { Db } from "../store/db.js";
import { loadHealthConfig } from "./config-file.js";
import { loadFacts } from "./facts.js";

// Nightly recompute: every account's health for one day, written as one HealthScore row per account
// and day. Re-running a day replaces it whole (in one transaction), so it is safe to repeat.

export interface RecomputeReport {
  day: string;
  accounts: number;
  grades: Record<Grade, number>;
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
  const facts = await loadFacts(ctx.db, day);
  const t1 = performance.now();
  const results = scoreAll(facts, config);
  const t2 = performance.now();
  await writeScores(ctx.db, day, results);
  const t3 = performance.now();
  const grades: Record<Grade, number> = { green: 0, yellow: 0, red: 0 };
  for (const r of results) grades[r.grade]++;
  ctx.log.info({ day, accounts: results.length, grades }, "health: recomputed");
  return { day, accounts: results.length, grades, readMs: t1 - t0, scoreMs: t2 - t1, writeMs: t3 - t2 };
}

type Scored = ReturnType<typeof scoreAll>[number];

/** Replaces the day's rows: delete, then INSERT ... SELECT FROM unnest(arrays) per batch. */
export async function writeScores(db: Db, day: string, results: Scored[]): Promise<void> {
  const client = await db.pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(`DELETE FROM "HealthScore" WHERE day = $1::date`, [day]);
    for (let i = 0; i < results.length; i += BATCH) {
      const batch = results.slice(i, i + BATCH);
      await client.query(
        `INSERT INTO "HealthScore" ("accountId", day, score, grade, "usageLevel", "valueLevel", components, reasons)
         SELECT a, $1::date, s, g::"Grade", u, v, c::jsonb, r::jsonb
           FROM unnest($2::text[], $3::int[], $4::text[], $5::int[], $6::int[], $7::text[], $8::text[]) AS t(a, s, g, u, v, c, r)`,
        [
          day,
          batch.map((r) => r.accountId),
          batch.map((r) => r.score),
          batch.map((r) => r.grade),
          batch.map((r) => r.usageLevel),
          batch.map((r) => r.valueLevel),
          batch.map((r) => JSON.stringify(r.components)),
          batch.map((r) => JSON.stringify(r.reasons)),
        ],
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
