import { afterEach, describe, expect, it } from "vitest";
import { recompute } from "../../src/health/recompute.js";
import type { Db } from "../../src/store/db.js";
import { DEMO_TODAY, demoContext, demoDb } from "../support/demo.js";
import { STORE_KINDS } from "../support/store.js";

// A big book is recomputed a page of accounts at a time (bounded memory). On the demo book, pages of
// 37 accounts must give exactly what one pass gives: the day's scores, reasons, quadrant moves and
// the risk register, and an account churned since its last score loses that day's row either way.

const scores = async (db: Db) =>
  (
    await db.pool.query(
      `SELECT a.name, h.score, h.grade, h.state, h."usageLevel", h."valueLevel", h.components, h.reasons
         FROM "HealthScore" h JOIN "Account" a ON a.id = h."accountId" WHERE h.day = $1::date ORDER BY a.name`,
      [DEMO_TODAY],
    )
  ).rows;

const register = async (db: Db) =>
  (
    await db.pool.query(
      `SELECT a.name, r.kind::text, r.severity::text, to_char(r."raisedAt", 'YYYY-MM-DD') AS raised,
              to_char(r."resolvedAt", 'YYYY-MM-DD') AS resolved
         FROM "RiskFlag" r JOIN "Account" a ON a.id = r."accountId" ORDER BY 1, 2, 3, 4, 5`,
    )
  ).rows;

/** The demo book with one scored account churned since, recomputed with the given page size. */
async function run(kind: (typeof STORE_KINDS)[number], pageSize?: number) {
  const db = await demoDb(kind);
  const { rows } = await db.pool.query<{ id: string }>(
    `SELECT "accountId" AS id FROM "HealthScore" WHERE day = $1::date ORDER BY "accountId" LIMIT 1`,
    [DEMO_TODAY],
  );
  await db.pool.query(`UPDATE "Account" SET stage = 'churned' WHERE id = $1`, [rows[0]!.id]);
  const report = await recompute(demoContext(db), DEMO_TODAY, pageSize ? { pageSize } : {});
  return { db, report, churned: rows[0]!.id };
}

describe.each(STORE_KINDS)("recompute in pages (%s)", (kind) => {
  const open: Db[] = [];
  afterEach(async () => {
    for (const db of open.splice(0)) await db.close();
  });

  it("pages of 37 accounts score the demo book exactly as one pass does", async () => {
    const whole = await run(kind);
    open.push(whole.db);
    const paged = await run(kind, 37);
    open.push(paged.db);
    expect(whole.report.accounts).toBeGreaterThan(37 * 3);
    const { readMs: _a, scoreMs: _b, writeMs: _c, ...w } = whole.report;
    const { readMs: _d, scoreMs: _e, writeMs: _f, ...p } = paged.report;
    expect(p).toEqual(w);
    expect(await scores(paged.db)).toEqual(await scores(whole.db));
    expect(await register(paged.db)).toEqual(await register(whole.db));
    for (const r of [whole, paged]) {
      const { rows } = await r.db.pool.query(`SELECT 1 FROM "HealthScore" WHERE "accountId" = $1 AND day = $2::date`, [
        r.churned,
        DEMO_TODAY,
      ]);
      expect(rows).toEqual([]);
    }
  }, 300_000);
});
