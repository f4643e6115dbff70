// The live accounts' segment (tier), ARR and currency, for LTV per segment (src/domain/unit-economics.ts).
import type { SegmentAccount } from "../../domain/unit-economics.js";
import type { Db } from "../db.js";

/** Live accounts matching `where` (over `"Account" a`, parameters numbered from $1). */
export async function segmentAccounts(db: Db, where: { sql: string; params: unknown[] }): Promise<SegmentAccount[]> {
  const { rows } = await db.pool.query<SegmentAccount>(
    `SELECT a.tier::text AS tier, a.arr::float8 AS arr, a.currency FROM "Account" a
      WHERE a.stage <> 'churned' AND a.arr > 0 AND (${where.sql})`,
    where.params,
  );
  return rows;
}
