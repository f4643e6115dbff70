// Bookkeeping of the external syncs (src/sync): checkpoints, the run lease, quarantine, links
// between a source's records and Tend rows, and write-backs. Set-based SQL, one round-trip per list.
import { randomUUID } from "node:crypto";
import type { Db } from "../db.js";

export interface CheckpointRow {
  source: string;
  object: string;
  cursor: string | null;
  lastRunAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  stats: Record<string, number> | null;
}

const CHECKPOINT_COLS = `source, object, cursor, "lastRunAt", "lastSuccessAt", "lastError", stats`;

export async function getCheckpoint(db: Db, source: string, object: string): Promise<CheckpointRow | undefined> {
  const { rows } = await db.pool.query<CheckpointRow>(
    `SELECT ${CHECKPOINT_COLS} FROM "SyncCheckpoint" WHERE source = $1 AND object = $2`,
    [source, object],
  );
  return rows[0];
}

/** Every checkpoint (of one source), the run lease row excluded. */
export async function listCheckpoints(db: Db, source?: string): Promise<CheckpointRow[]> {
  const { rows } = await db.pool.query<CheckpointRow>(
    `SELECT ${CHECKPOINT_COLS} FROM "SyncCheckpoint"
      WHERE object <> '*' AND ($1::text IS NULL OR source = $1) ORDER BY source, object`,
    [source ?? null],
  );
  return rows;
}

/**
 * Records progress on one object type. `cursor` moves only when given (a page read and written);
 * `success` also stamps lastSuccessAt and clears the last error.
 */
export async function saveCheckpoint(
  db: Db,
  source: string,
  object: string,
  at: Date,
  opts: { cursor?: string | null; stats?: Record<string, number>; success?: boolean },
): Promise<void> {
  await db.pool.query(
    `INSERT INTO "SyncCheckpoint" (source, object, cursor, "lastRunAt", "lastSuccessAt", stats, "updatedAt")
     VALUES ($1, $2, $3, $4::timestamp(3), CASE WHEN $6 THEN $4::timestamp(3) END, $5::jsonb, now())
     ON CONFLICT (source, object) DO UPDATE SET
       cursor = CASE WHEN $7 THEN EXCLUDED.cursor ELSE "SyncCheckpoint".cursor END,
       "lastRunAt" = EXCLUDED."lastRunAt",
       "lastSuccessAt" = CASE WHEN $6 THEN EXCLUDED."lastRunAt" ELSE "SyncCheckpoint"."lastSuccessAt" END,
       "lastError" = CASE WHEN $6 THEN NULL ELSE "SyncCheckpoint"."lastError" END,
       stats = COALESCE(EXCLUDED.stats, "SyncCheckpoint".stats),
       "updatedAt" = now()`,
    [
      source,
      object,
      opts.cursor ?? null,
      at.toISOString(),
      opts.stats ? JSON.stringify(opts.stats) : null,
      Boolean(opts.success),
      opts.cursor !== undefined,
    ],
  );
}

export async function recordSyncError(db: Db, source: string, object: string, at: Date, error: string): Promise<void> {
  await db.pool.query(
    `INSERT INTO "SyncCheckpoint" (source, object, "lastRunAt", "lastError", "updatedAt")
     VALUES ($1, $2, $3::timestamp(3), $4, now())
     ON CONFLICT (source, object) DO UPDATE SET "lastRunAt" = EXCLUDED."lastRunAt",
       "lastError" = EXCLUDED."lastError", "updatedAt" = now()`,
    [source, object, at.toISOString(), error.slice(0, 2000)],
  );
}

/**
 * Takes the source's run lease (row object "*") until `until`: true for one holder at a time. A
 * lease whose holder died runs out by itself; the holder renews it while it works.
 */
export async function acquireSyncLease(db: Db, source: string, holder: string, now: Date, until: Date) {
  const res = await db.pool.query(
    `INSERT INTO "SyncCheckpoint" (source, object, "lockedBy", "lockedUntil", "updatedAt")
     VALUES ($1, '*', $2, $4::timestamp(3), now())
     ON CONFLICT (source, object) DO UPDATE SET "lockedBy" = EXCLUDED."lockedBy",
       "lockedUntil" = EXCLUDED."lockedUntil", "updatedAt" = now()
     WHERE "SyncCheckpoint"."lockedUntil" IS NULL OR "SyncCheckpoint"."lockedUntil" < $3::timestamp(3)
        OR "SyncCheckpoint"."lockedBy" = $2`,
    [source, holder, now.toISOString(), until.toISOString()],
  );
  return res.rowCount === 1;
}

export async function releaseSyncLease(db: Db, source: string, holder: string) {
  await db.pool.query(
    `UPDATE "SyncCheckpoint" SET "lockedBy" = NULL, "lockedUntil" = NULL, "updatedAt" = now()
      WHERE source = $1 AND object = '*' AND "lockedBy" = $2`,
    [source, holder],
  );
}

export interface QuarantineRow {
  source: string;
  object: string;
  externalId: string;
  reason: string;
  payload: unknown;
  at: Date;
}

export async function quarantine(db: Db, rows: Omit<QuarantineRow, "at">[], at: Date): Promise<void> {
  if (!rows.length) return;
  await db.pool.query(
    `INSERT INTO "SyncQuarantine" (id, source, object, "externalId", reason, payload, at)
     SELECT gen_random_uuid()::text, r.source, r.object, r."externalId", r.reason, r.payload, $2::timestamp(3)
       FROM jsonb_to_recordset($1::jsonb) AS r(source text, object text, "externalId" text, reason text, payload jsonb)
     ON CONFLICT (source, object, "externalId") DO UPDATE SET reason = EXCLUDED.reason,
       payload = EXCLUDED.payload, at = EXCLUDED.at`,
    [JSON.stringify(rows), at.toISOString()],
  );
}

/** Records that synced cleanly leave the quarantine. */
export async function clearQuarantine(db: Db, source: string, object: string, externalIds: string[]): Promise<void> {
  if (!externalIds.length) return;
  await db.pool.query(
    `DELETE FROM "SyncQuarantine" WHERE source = $1 AND object = $2 AND "externalId" = ANY($3::text[])`,
    [source, object, externalIds],
  );
}

export async function listQuarantine(db: Db, source?: string, limit = 20): Promise<QuarantineRow[]> {
  const { rows } = await db.pool.query<QuarantineRow>(
    `SELECT source, object, "externalId", reason, payload, at FROM "SyncQuarantine"
      WHERE ($1::text IS NULL OR source = $1) ORDER BY at DESC, object, "externalId" LIMIT $2`,
    [source ?? null, limit],
  );
  return rows;
}

export async function countQuarantine(db: Db, source?: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM "SyncQuarantine" WHERE ($1::text IS NULL OR source = $1)`,
    [source ?? null],
  );
  return Number(rows[0]?.n ?? 0);
}

/** The Tend ids of a source's records, by external id. */
export async function findLinks(db: Db, source: string, object: string, externalIds: string[]) {
  const { rows } = await db.pool.query<{ externalId: string; localId: string }>(
    `SELECT "externalId", "localId" FROM "SyncLink" WHERE source = $1 AND object = $2 AND "externalId" = ANY($3::text[])`,
    [source, object, externalIds],
  );
  return new Map(rows.map((r) => [r.externalId, r.localId]));
}

/** Every link of one object type (a full sync's reconciliation). */
export async function allLinks(db: Db, source: string, object: string) {
  const { rows } = await db.pool.query<{ externalId: string; localId: string }>(
    `SELECT "externalId", "localId" FROM "SyncLink" WHERE source = $1 AND object = $2`,
    [source, object],
  );
  return rows;
}

export async function saveLinks(
  db: Db,
  source: string,
  object: string,
  links: { externalId: string; localId: string }[],
): Promise<void> {
  if (!links.length) return;
  await db.pool.query(
    `INSERT INTO "SyncLink" (source, object, "externalId", "localId", "updatedAt")
     SELECT $1, $2, l."externalId", l."localId", now()
       FROM jsonb_to_recordset($3::jsonb) AS l("externalId" text, "localId" text)
     ON CONFLICT (source, object, "externalId") DO UPDATE SET "localId" = EXCLUDED."localId", "updatedAt" = now()`,
    [source, object, JSON.stringify(links)],
  );
}

// ---- write-backs ----

export interface WritebackClaim {
  id: string;
  localId: string;
  /** A previous attempt may have reached the source unseen (crash, timeout): look before writing. */
  uncertain: boolean;
}

/**
 * Claims local rows for writing to a source: one row per (source, kind, localId), so a row is
 * claimed by one replica at a time and never again once sent. A claim older than `staleMs` (its
 * holder died mid-write) is taken over, flagged uncertain.
 */
export async function claimWritebacks(
  db: Db,
  source: string,
  kind: string,
  localIds: string[],
  now: Date,
  staleMs: number,
  maxAttempts: number,
): Promise<WritebackClaim[]> {
  if (!localIds.length) return [];
  await db.pool.query(
    `INSERT INTO "SyncWriteback" (id, source, kind, "localId", status)
     SELECT gen_random_uuid()::text, $1, $2, l, 'pending' FROM unnest($3::text[]) AS l
     ON CONFLICT (source, kind, "localId") DO NOTHING`,
    [source, kind, localIds],
  );
  const { rows } = await db.pool.query<{ id: string; localId: string; uncertain: boolean }>(
    `UPDATE "SyncWriteback" w SET status = 'sending', attempts = w.attempts + 1, "claimedAt" = $4::timestamp(3)
      FROM (SELECT id, status = 'sending' AS uncertain FROM "SyncWriteback"
             WHERE source = $1 AND kind = $2 AND "localId" = ANY($3::text[])
               AND (status = 'pending' OR (status = 'sending' AND "claimedAt" < $5::timestamp(3)))
               AND attempts < $6
             FOR UPDATE SKIP LOCKED) c
     WHERE w.id = c.id
     RETURNING w.id, w."localId", c.uncertain OR w.attempts > 1 AS uncertain`,
    [source, kind, localIds, now.toISOString(), new Date(now.getTime() - staleMs).toISOString(), maxAttempts],
  );
  return rows;
}

export async function finishWriteback(
  db: Db,
  id: string,
  result: { remoteId: string; at: Date } | { error: string; retry: boolean },
): Promise<void> {
  if ("remoteId" in result) {
    await db.pool.query(
      `UPDATE "SyncWriteback" SET status = 'sent', "remoteId" = $2, "sentAt" = $3::timestamp(3), "lastError" = NULL WHERE id = $1`,
      [id, result.remoteId, result.at.toISOString()],
    );
    return;
  }
  await db.pool.query(`UPDATE "SyncWriteback" SET status = $2, "lastError" = $3 WHERE id = $1`, [
    id,
    result.retry ? "pending" : "failed",
    result.error.slice(0, 2000),
  ]);
}

export async function writebackCounts(db: Db, source: string): Promise<Record<string, number>> {
  const { rows } = await db.pool.query<{ status: string; n: string }>(
    `SELECT status, count(*) AS n FROM "SyncWriteback" WHERE source = $1 GROUP BY status`,
    [source],
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export function leaseHolder(instanceId: string): string {
  return `${instanceId}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export async function deleteLinks(db: Db, source: string, object: string, externalIds: string[]): Promise<void> {
  if (!externalIds.length) return;
  await db.pool.query(`DELETE FROM "SyncLink" WHERE source = $1 AND object = $2 AND "externalId" = ANY($3::text[])`, [
    source,
    object,
    externalIds,
  ]);
}
