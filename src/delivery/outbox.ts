import { randomUUID } from "node:crypto";
import type pg from "pg";
import { errorLine, type Logger } from "../log.js";
import type { Reply } from "../reply/model.js";
import { plain } from "../reply/text.js";
import { type Db, isStoreUnavailable } from "../store/db.js";
import { type LimiterClock, PLATFORM_LIMITS, RateLimiter, realClock } from "./limits.js";
import type { ChatSender, Platform, SendProgress } from "./types.js";

// The delivery outbox. Every proactive message is written here (with an idempotency key) BEFORE it
// is sent; a drainer claims due rows with row locks, sends them through the platform's ChatSender
// and records the outcome. Guarantees and the one honest caveat are in docs/proactive.md.

// `reply`: the files of an answer to a typed command or a button, which response_url cannot carry.
export const OUTBOX_KINDS = ["digest", "nudges", "brief", "renewal", "weekly", "calendar", "reply"] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

/** How the drainer behaves; defaults suit production, tests shrink them. */
export const DELIVERY_DEFAULTS = {
  /** A claimed row is re-claimable after this long (its sender is presumed dead). */
  leaseMs: 120_000,
  /** Rows claimed per drain pass. */
  batch: 100,
  /** After this many failed attempts a retryable error becomes a failure. */
  maxAttempts: 8,
  /** Exponential backoff: base * 2^(attempt-1), capped, with +-20% jitter. */
  backoffBaseMs: 5_000,
  backoffMaxMs: 30 * 60_000,
  /** Poll interval of the background drainer loop. */
  pollMs: 2_000,
  /** A draining replica beats this often... */
  heartbeatMs: 5_000,
  /** ...and is presumed dead (its claims free) when its last beat is older than this. */
  staleMs: 30_000,
} as const;

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
 * The idempotency key of a proactive message: what it is, what it is about, to whom, and for which
 * local day or period. One message per key, ever.
 */
export function outboxKey(parts: {
  kind: OutboxKind;
  subject: string;
  platform: Platform;
  recipient: string;
  period: string;
}): string {
  return [parts.kind, parts.subject, parts.platform, parts.recipient, parts.period].join("|");
}

type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

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
  },
): Promise<ClaimedRow[]> {
  if (opts.platforms.length === 0) return [];
  const leaseUntil = new Date(opts.now.getTime() + opts.leaseMs);
  const staleBefore = new Date(opts.now.getTime() - (opts.replica?.staleMs ?? DELIVERY_DEFAULTS.staleMs));
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

/**
 * The progress ledger of a claimed row: each step is stored the moment it succeeds, fenced by the
 * claim like every other mark (a stale sender's record is ignored).
 */
export function progressOf(q: Queryable, row: ClaimedRow, now: () => Date): SendProgress {
  const done: Record<string, string> = { ...row.progress };
  return {
    done,
    async record(step, value) {
      done[step] = value;
      await q.query(
        `UPDATE "Outbox" SET progress = coalesce(progress, '{}'::jsonb) || jsonb_build_object($3::text, $4::text), "updatedAt" = $5::timestamp(3)
          WHERE id = $1 AND status = 'sending' AND attempts = $2`,
        [row.id, row.attempt, step, value, now().toISOString()],
      );
    },
  };
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

async function markRetry(q: Queryable, row: ClaimedRow, error: string, at: Date, now: Date, unknown: boolean) {
  await q.query(
    `UPDATE "Outbox" SET status = 'pending', "nextAttemptAt" = $3::timestamp(3), "lastError" = $4, "updatedAt" = $5::timestamp(3),
            "outcomeUnknown" = "outcomeUnknown" OR $6
      WHERE id = $1 AND status = 'sending' AND attempts = $2`,
    [row.id, row.attempt, at.toISOString(), error.slice(0, 1000), now.toISOString(), unknown],
  );
}

/** Gives claimed rows back unsent (their attempt not counted), due again at `at`. */
async function release(q: Queryable, rows: ClaimedRow[], at: Date, now: Date) {
  if (rows.length === 0) return;
  await q.query(
    `UPDATE "Outbox" o SET status = 'pending', attempts = o.attempts - 1, "nextAttemptAt" = $3::timestamp(3), "updatedAt" = $4::timestamp(3)
       FROM unnest($1::text[], $2::int[]) AS r(id, attempt)
      WHERE o.id = r.id AND o.status = 'sending' AND o.attempts = r.attempt`,
    [rows.map((r) => r.id), rows.map((r) => r.attempt), at.toISOString(), now.toISOString()],
  );
}

async function markFailed(q: Queryable, row: ClaimedRow, error: string, now: Date) {
  await q.query(
    `UPDATE "Outbox" SET status = 'failed', "lastError" = $3, "updatedAt" = $4::timestamp(3)
      WHERE id = $1 AND status = 'sending' AND attempts = $2`,
    [row.id, row.attempt, error.slice(0, 1000), now.toISOString()],
  );
}

/** Backoff before attempt `attempt + 1`: exponential, capped, jittered; never sooner than Retry-After. */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
  cfg: { backoffBaseMs: number; backoffMaxMs: number } = DELIVERY_DEFAULTS,
): number {
  const exp = Math.min(cfg.backoffMaxMs, cfg.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exp * (0.8 + 0.4 * random());
  return Math.max(retryAfterMs ?? 0, Math.round(jittered));
}

export interface DrainOptions {
  now?: () => Date;
  leaseMs?: number;
  batch?: number;
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  limiter?: RateLimiter;
  random?: () => number;
  /** Who is draining (claims are marked with it); without it only the lease frees a dead claim. */
  replica?: ReplicaIdentity;
}

export interface DrainResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  /** Sends whose "sent" mark was refused because another drainer had re-claimed the row. */
  lostClaims: number;
}

/**
 * One drain pass: claim due rows, send them (in parallel across recipients, in order and within the
 * rate limit per recipient), record each outcome. Returns counts; loop it for a background drainer.
 */
export async function drainOnce(
  db: Db,
  senders: ChatSender[],
  log: Logger,
  opts: DrainOptions = {},
): Promise<DrainResult> {
  const now = opts.now ?? (() => new Date());
  const cfg = { ...DELIVERY_DEFAULTS, ...stripUndefined(opts) };
  const limiter = opts.limiter ?? new RateLimiter(realClock);
  const byPlatform = new Map(senders.map((s) => [s.platform, s]));
  const claimedAt = now().getTime();
  if (opts.replica) await beat(db.pool, opts.replica, new Date(claimedAt));
  const rows = await claimDue(db.pool, {
    now: new Date(claimedAt),
    leaseMs: cfg.leaseMs,
    limit: cfg.batch,
    platforms: [...byPlatform.keys()],
    perRecipient: perRecipientPerClaim(cfg.leaseMs, [...byPlatform.keys()]),
    ...(opts.replica ? { replica: opts.replica } : {}),
  });
  const result: DrainResult = { claimed: rows.length, sent: 0, retried: 0, failed: 0, lostClaims: 0 };
  const perRecipient = new Map<string, ClaimedRow[]>();
  for (const r of rows) {
    const k = `${r.platform}:${r.recipient}`;
    perRecipient.set(k, [...(perRecipient.get(k) ?? []), r]);
  }
  await Promise.all(
    [...perRecipient.values()].map(async (queue) => {
      for (const [i, row] of queue.entries()) {
        const sender = byPlatform.get(row.platform) as ChatSender;
        await limiter.take(row.platform, row.recipient);
        if (now().getTime() - claimedAt > cfg.leaseMs * 0.8) {
          // Too close to the lease end: another drainer may claim these soon. Give them back unsent.
          const rest = queue.slice(i);
          await release(db.pool, rest, now(), now());
          result.retried += rest.length;
          log.warn({ recipient: row.recipient, rows: rest.length }, "outbox: lease nearly over, rows released");
          return;
        }
        let outcome: Awaited<ReturnType<ChatSender["send"]>>;
        try {
          outcome = await sender.send(row.recipient, row.reply, {
            dedupeKey: row.key,
            outcomeUnknown: row.outcomeUnknown,
            since: row.createdAt,
            progress: progressOf(db.pool, row, now),
          });
        } catch (err) {
          // A sender that throws broke its contract; treat it as transient so nothing is dropped.
          outcome = { ok: false, retryable: true, error: err instanceof Error ? err.message : String(err) };
        }
        if (outcome.ok) {
          if (await markSent(db.pool, row, outcome.externalId, now())) result.sent++;
          else {
            result.lostClaims++;
            log.warn({ outbox: row.id, key: row.key }, "outbox: sent but the claim had expired (lease too short?)");
          }
          continue;
        }
        if (outcome.retryable && row.attempt < cfg.maxAttempts) {
          const delay = retryDelayMs(row.attempt, outcome.retryAfterMs, opts.random, cfg);
          const at = new Date(now().getTime() + delay);
          await markRetry(db.pool, row, outcome.error, at, now(), outcome.unknown === true);
          result.retried++;
          if (outcome.retryAfterMs) {
            // Rate limited: the rest of this recipient's queue waits too, without using an attempt.
            const rest = queue.slice(i + 1);
            await release(db.pool, rest, at, now());
            result.retried += rest.length;
            log.warn({ recipient: row.recipient, retryAfterMs: outcome.retryAfterMs }, "outbox: rate limited");
            return;
          }
          log.warn(
            { outbox: row.id, key: row.key, attempt: row.attempt, delayMs: delay, error: outcome.error },
            "outbox: send failed, will retry",
          );
        } else {
          await markFailed(db.pool, row, outcome.error, now());
          result.failed++;
          log.error(
            { outbox: row.id, key: row.key, platform: row.platform, recipient: row.recipient, error: outcome.error },
            outcome.retryable
              ? `outbox: gave up after ${row.attempt} attempts`
              : "outbox: permanent failure (fix the channel or invite the bot, then `tend outbox --retry <id>`)",
          );
        }
      }
    }),
  );
  return result;
}

/** Rows per recipient one claim may take: what the slowest platform sends in half a lease. */
export function perRecipientPerClaim(leaseMs: number, platforms: Platform[]): number {
  const slowest = Math.min(...platforms.map((p) => PLATFORM_LIMITS[p].perRecipient.rate));
  return Math.max(1, Math.floor((leaseMs / 1000 / 2) * slowest));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A background drainer: drains until nothing is due, then polls. `stop` waits for the pass in flight. */
export function startDrainer(
  db: Db,
  senders: ChatSender[],
  log: Logger,
  opts: DrainOptions & { pollMs?: number; clock?: LimiterClock } = {},
): { stop(): Promise<void>; kick(): void } {
  const limiter = opts.limiter ?? new RateLimiter(opts.clock ?? realClock);
  let stopped = false;
  let storeDown = false;
  let timer: NodeJS.Timeout | undefined;
  // Beats between passes too: one pass can take minutes (1 message/s per Slack channel).
  const replica = opts.replica;
  const heart = replica
    ? setInterval(
        () => void beat(db.pool, replica, (opts.now ?? (() => new Date()))()).catch(() => {}),
        DELIVERY_DEFAULTS.heartbeatMs,
      )
    : undefined;
  heart?.unref();
  let inFlight: Promise<void> = Promise.resolve();
  const pass = async () => {
    timer = undefined;
    if (stopped) return;
    try {
      for (;;) {
        const r = await drainOnce(db, senders, log, { ...opts, limiter });
        if (storeDown) {
          storeDown = false;
          log.info("outbox: store back, delivering again");
        }
        if (r.claimed === 0 || stopped) break;
      }
    } catch (err) {
      // An outage is one line when it starts and one when it ends, not a stack trace every poll.
      if (!isStoreUnavailable(err)) log.error({ err }, "outbox: drain pass failed");
      else if (!storeDown) {
        storeDown = true;
        log.warn({ reason: errorLine(err) }, "outbox: store down, messages wait until it is back");
      }
    }
    if (!stopped) timer = setTimeout(run, opts.pollMs ?? DELIVERY_DEFAULTS.pollMs);
  };
  const run = () => {
    inFlight = inFlight.then(pass);
  };
  run();
  return {
    kick() {
      if (timer && !stopped) {
        clearTimeout(timer);
        run();
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (heart) clearInterval(heart);
      await inFlight;
    },
  };
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
