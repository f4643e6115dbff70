// JobRun: one row per cron fire. The unique index on fireKey is the arbiter between replicas: the
// first to insert a fire's row runs it (src/jobs/coordinator.ts).
import { randomUUID } from "node:crypto";
import type { Db } from "../db.js";

/** Claims a fire: true for exactly one caller per key. */
export async function claimFire(db: Db, key: string, owner: string, now = new Date()): Promise<boolean> {
  const job = key.split(":")[0] ?? key;
  const res = await db.pool.query(
    `INSERT INTO "JobRun" (id, job, "fireKey", owner, "startedAt", status)
     VALUES ($1, $2, $3, $4, $5::timestamp(3), 'running')
     ON CONFLICT ("fireKey") DO NOTHING`,
    [randomUUID(), job, key, owner, now.toISOString()],
  );
  return res.rowCount === 1;
}

export async function finishFire(db: Db, key: string, status: "done" | "failed", detail?: unknown, now = new Date()) {
  await db.pool.query(
    `UPDATE "JobRun" SET status = $2, "finishedAt" = $3::timestamp(3), detail = $4::jsonb WHERE "fireKey" = $1`,
    [key, status, now.toISOString(), detail === undefined ? null : JSON.stringify(detail)],
  );
}
