// The delivery outbox's table: messages written with their idempotency key, claimed with row locks
// by drainers, marked with their outcome (fenced by the claim's attempt), and the admin's view. The
// drain loop that sends them is src/delivery/outbox.ts.
import { randomUUID } from "node:crypto";
import type { Platform } from "../../domain/identity.js";
import type { Reply } from "../../reply/model.js";
import { plain } from "../../text/user-data.js";
import type { Db, Queryable } from "../db.js";

// `reply`: the files of an answer to a typed command or a button, which response_url cannot carry.
export const OUTBOX_KINDS = ["digest", "nudges", "brief", "renewal", "weekly", "calendar", "ticket", "reply"] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

export interface OutboxMessage {
  kind: OutboxKind;
  platform: Platform;
  recipient: string;
  /** The idempotency key: see `outboxKey`. Enqueuing the same key twice keeps the first. */
  key: string;
  reply: Reply;
  /** Do not send before this instant (quiet hours). Defaults to now. */
  notBefore?: Date;
}

/**
 * Writes messages to the outbox; a key already present is left as it is (INSERT ... ON CONFLICT DO
 * NOTHING). Returns the keys actually inserted.
 */
export async function enqueue(q: Queryable, messages: OutboxMessage[], now: Date): Promise<string[]> {
  if (messages.length === 0) return [];
  const res = await q.query<{ idempotencyKey: string }>(
    `INSERT INTO "Outbox" (id, "idempotencyKey", kind, platform, recipient, payload, status, "nextAttemptAt", "createdAt", "updatedAt")
     SELECT m.id, m.key, m.kind, m.platform::"Platform", m.recipient, m.payload::jsonb, 'pending', m.not_before::timestamp(3), $7::timestamp(3), $7::timestamp(3)
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $8::text[])
       AS m(id, key, kind, platform, recipient, payload, not_before)
     ON CONFLICT ("idempotencyKey") DO NOTHING
     RETURNING "idempotencyKey"`,
    [
      messages.map(() => randomUUID()),
      messages.map((m) => m.key),
      messages.map((m) => m.kind),
      messages.map((m) => m.platform),
      messages.map((m) => m.recipient),
      messages.map((m) => JSON.stringify(m.reply)),
      now.toISOString(),
      messages.map((m) => (m.notBefore ?? now).toISOString()),
    ],
  );
  return res.rows.map((r) => r.idempotencyKey);
}

export interface ClaimedRow {
  id: string;
  key: string;
  kind: string;
  platform: Platform;
  recipient: string;
  reply: Reply;
  /** Fencing token: the attempt number this claim owns; a stale sender's mark is ignored. */
  attempt: number;
  /** An earlier attempt may have reached the platform unseen (its sender died, or the answer was lost). */
  outcomeUnknown: boolean;
  createdAt: Date;
  /** Steps of the send that earlier attempts completed (see SendOptions.progress). */
  progress: Record<string, string>;
}

/**
 * Who is draining: a replica id stable across restarts of the same replica (TEND_INSTANCE_ID) and
 * the id of this boot. Claims carry both, and every replica beats in "Replica" while it drains, so
 * a restarted replica takes back its own claims at once (its boot changed) and anyone takes over
 * the claims of a replica whose heartbeat stopped, without waiting out the lease.
 */
export interface ReplicaIdentity {
  id: string;
  boot: string;
  /** A replica whose last beat is older than this is presumed dead. */
  staleMs: number;
}

/** Records that `replica` is alive (and, on its first beat after a start, which boot it is on). */
export async function beat(q: Queryable, replica: ReplicaIdentity, now: Date): Promise<void> {
  await q.query(
    `INSERT INTO "Replica" (id, boot, "beatAt") VALUES ($1, $2, $3::timestamp(3))
     ON CONFLICT (id) DO UPDATE SET boot = EXCLUDED.boot, "beatAt" = EXCLUDED."beatAt"`,
    [replica.id, replica.boot, now.toISOString()],
  );
}

// A row a drainer may claim: pending and due, or in flight but abandoned - its lease ran out, or the
// replica holding it has restarted since (another boot) or stopped beating. `$1` is now, `$6` the
// staleness cut-off. Written once, used at both levels of the claim below.
const CLAIMABLE = (t: string) => `(
  (${t}.status = 'pending' AND ${t}."nextAttemptAt" <= $1::timestamp(3))
  OR (${t}.status = 'sending' AND (${t}."nextAttemptAt" <= $1::timestamp(3) OR EXISTS (
    SELECT 1 FROM "Replica" r WHERE r.id = ${t}."claimedBy"
       AND (r.boot IS DISTINCT FROM ${t}."claimBoot" OR r."beatAt" < $6::timestamp(3))))))`;

/**
 * Claims up to `limit` due rows: pending ones whose time has come, and rows stuck in 'sending'
 * whose sender is gone (see CLAIMABLE). One statement, row locks with SKIP LOCKED, so concurrent
 * drainers on several replicas never claim the same row. Re-claiming a row that was 'sending' marks
 * its outcome unknown: the dead sender may have got it through.
 */
export async function claimDue(
  q: Queryable,
  opts: {
    now: Date;
    leaseMs: number;
    limit: number;
    platforms: Platform[];
    perRecipient?: number;
    replica?: ReplicaIdentity;
    /** Without a replica identity: a beat older than this is stale. */
    staleMs: number;
  },
): Promise<ClaimedRow[]> {
  if (opts.platforms.length === 0) return [];
  const leaseUntil = new Date(opts.now.getTime() + opts.leaseMs);
  const staleBefore = new Date(opts.now.getTime() - (opts.replica?.staleMs ?? opts.staleMs));
  const res = await q.query<{
    id: string;
    idempotencyKey: string;
    kind: string;
    platform: Platform;
    recipient: string;
    payload: Reply;
    attempts: number;
    outcomeUnknown: boolean;
    createdAt: Date;
    progress: Record<string, string> | null;
  }>(
    `UPDATE "Outbox" o
        SET status = 'sending', attempts = o.attempts + 1, "nextAttemptAt" = $2::timestamp(3), "updatedAt" = $1::timestamp(3),
            "outcomeUnknown" = o."outcomeUnknown" OR o.status = 'sending',
            "claimedBy" = $7, "claimBoot" = $8
      WHERE o.id IN (
        SELECT c.id FROM "Outbox" c
         WHERE c.id IN (
           -- at most $5 per recipient, so one claim can be sent well within its lease
           SELECT id FROM (
             SELECT d.id, row_number() OVER (PARTITION BY d.platform, d.recipient ORDER BY d."nextAttemptAt", d.id) AS rn
               FROM "Outbox" d
              WHERE d.status IN ('pending', 'sending') AND ${CLAIMABLE("d")}
                AND d.platform::text = ANY($4::text[])) due
            WHERE rn <= $5)
           -- repeated at the locking level: PostgreSQL re-checks these on a row another drainer
           -- just claimed (the subquery's snapshot may be older), so it is skipped, not re-sent
           AND ${CLAIMABLE("c")}
         ORDER BY c."nextAttemptAt", c.id
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
      RETURNING o.id, o."idempotencyKey", o.kind, o.platform, o.recipient, o.payload, o.attempts, o."outcomeUnknown", o."createdAt", o.progress`,
    [
      opts.now.toISOString(),
      leaseUntil.toISOString(),
      opts.limit,
      opts.platforms,
      opts.perRecipient ?? opts.limit,
      staleBefore.toISOString(),
      opts.replica?.id ?? null,
      opts.replica?.boot ?? null,
    ],
  );
  return res.rows.map((r) => ({
    id: r.id,
    key: r.idempotencyKey,
    kind: r.kind,
    platform: r.platform,
    recipient: r.recipient,
    reply: r.payload,
    attempt: r.attempts,
    outcomeUnknown: r.outcomeUnknown,
    createdAt: new Date(r.createdAt),
    progress: r.progress ?? {},
  }));
}

/** Stores one completed step of a claimed row's send (fenced by the claim). */
export async function recordProgress(q: Queryable, row: ClaimedRow, step: string, value: string, now: Date) {
  await q.query(
    `UPDATE "Outbox" SET progress = coalesce(progress, '{}'::jsonb) || jsonb_build_object($3::text, $4::text), "updatedAt" = $5::timestamp(3)
      WHERE id = $1 AND status = 'sending' AND attempts = $2`,
    [row.id, row.attempt, step, value, now.toISOString()],
  );
}

/** Marks a claimed row sent; false when the claim was lost (lease expired and re-claimed). */
export async function markSent(q: Queryable, row: ClaimedRow, externalId: string | undefined, now: Date) {
  const res = await q.query(
    `UPDATE "Outbox" SET status = 'sent', "sentAt" = $3::timestamp(3), "externalId" = $4, "lastError" = NULL, "updatedAt" = $3::timestamp(3)
      WHERE id = $1 AND status = 'sending' AND attempts = $2`,
    [row.id, row.attempt, now.toISOString(), externalId ?? null],
  );
  return res.rowCount === 1;
}

export async function markRetry(q: Queryable, row: ClaimedRow, error: string, at: Date, now: Date, unknown: boolean) {
  await q.query(
    `UPDATE "Outbox" SET status = 'pending', "nextAttemptAt" = $3::timestamp(3), "lastError" = $4, "updatedAt" = $5::timestamp(3),
            "outcomeUnknown" = "outcomeUnknown" OR $6
      WHERE id = $1 AND status = 'sending' AND attempts = $2`,
    [row.id, row.attempt, at.toISOString(), error.slice(0, 1000), now.toISOString(), unknown],
  );
}

/** Gives claimed rows back unsent (their attempt not counted), due again at `at`. */
export async function release(q: Queryable, rows: ClaimedRow[], at: Date, now: Date) {
  if (rows.length === 0) return;
  await q.query(
    `UPDATE "Outbox" o SET status = 'pending', attempts = o.attempts - 1, "nextAttemptAt" = $3::timestamp(3), "updatedAt" = $4::timestamp(3)
       FROM unnest($1::text[], $2::int[]) AS r(id, attempt)
      WHERE o.id = r.id AND o.status = 'sending' AND o.attempts = r.attempt`,
    [rows.map((r) => r.id), rows.map((r) => r.attempt), at.toISOString(), now.toISOString()],
  );
}

export async function markFailed(q: Queryable, row: ClaimedRow, error: string, now: Date) {
  await q.query(
    `UPDATE "Outbox" SET status = 'failed', "lastError" = $3, "updatedAt" = $4::timestamp(3)
      WHERE id = $1 AND status = 'sending' AND attempts = $2`,
    [row.id, row.attempt, error.slice(0, 1000), now.toISOString()],
  );
}

export interface OutboxRow {
  id: string;
  key: string;
  kind: string;
  platform: string;
  recipient: string;
  status: string;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  sentAt: string | null;
  externalId: string | null;
  summary: string;
}

/** Outbox rows for the admin view (`tend outbox`), newest first. */
export async function listOutbox(db: Db, opts: { status?: string; limit?: number } = {}): Promise<OutboxRow[]> {
  const res = await db.pool.query<OutboxRow>(
    `SELECT id, "idempotencyKey" AS key, kind, platform::text AS platform, recipient, status::text AS status, attempts,
            to_char("nextAttemptAt", 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "nextAttemptAt", "lastError",
            to_char("sentAt", 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "sentAt", "externalId", payload->>'summary' AS summary
       FROM "Outbox" WHERE ($1::text IS NULL OR status::text = $1) ORDER BY "createdAt" DESC, id LIMIT $2`,
    [opts.status ?? null, opts.limit ?? 50],
  );
  // The stored reply marks user data for the renderers; an admin reads the words.
  return res.rows.map((r) => ({ ...r, summary: plain(r.summary ?? "") }));
}

export async function outboxCounts(db: Db): Promise<Record<string, number>> {
  const res = await db.pool.query<{ status: string; n: number }>(
    `SELECT status::text AS status, count(*)::int AS n FROM "Outbox" GROUP BY status`,
  );
  return Object.fromEntries(res.rows.map((r) => [r.status, r.n]));
}

/** Puts failed rows back in the queue (after the admin fixed the channel). */
export async function retryFailed(db: Db, now: Date, id?: string): Promise<number> {
  const res = await db.pool.query(
    `UPDATE "Outbox" SET status = 'pending', attempts = 0, "nextAttemptAt" = $1::timestamp(3), "updatedAt" = $1::timestamp(3)
      WHERE status = 'failed' AND ($2::text IS NULL OR id = $2)`,
    [now.toISOString(), id ?? null],
  );
  return res.rowCount ?? 0;
}
