import type { Db } from "../db.js";

// Deliveries a chat platform may repeat (retries, a second replica): the first to claim a delivery id
// in ProcessedEvent does the work. Ids carry their platform as a prefix ("slack:", "feishu:").

/** True when this call claimed `id` (do the work); false when it was already claimed. */
export async function claimDelivery(db: Db, id: string, at: Date): Promise<boolean> {
  const res = await db.pool.query(
    `INSERT INTO "ProcessedEvent" (id, "receivedAt") VALUES ($1, $2::timestamp(3)) ON CONFLICT (id) DO NOTHING`,
    [id, at.toISOString()],
  );
  return res.rowCount === 1;
}

/** Forgets the claims of one platform (`prefix`, e.g. "slack:") received before `before`. */
export async function forgetDeliveries(db: Db, prefix: string, before: Date): Promise<void> {
  await db.pool.query(`DELETE FROM "ProcessedEvent" WHERE id LIKE $1 AND "receivedAt" < $2::timestamp(3)`, [
    `${prefix.replace(/[\\%_]/g, "\\$&")}%`,
    before.toISOString(),
  ]);
}
