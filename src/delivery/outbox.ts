import { errorLine, type Logger } from "../log.js";
import { type Db, isStoreUnavailable, type Queryable } from "../store/db.js";
import {
  beat,
  type ClaimedRow,
  claimDue as claimDueRows,
  markFailed,
  markRetry,
  markSent,
  type OutboxKind,
  type ReplicaIdentity,
  recordProgress,
  release,
} from "../store/repos/outbox.js";

export {
  beat,
  type ClaimedRow,
  enqueue,
  listOutbox,
  markSent,
  OUTBOX_KINDS,
  type OutboxKind,
  type OutboxMessage,
  type OutboxRow,
  outboxCounts,
  type ReplicaIdentity,
  retryFailed,
} from "../store/repos/outbox.js";

import { type LimiterClock, PLATFORM_LIMITS, RateLimiter, realClock } from "./limits.js";
import type { ChatSender, Platform, SendProgress } from "./types.js";

// The delivery outbox. Every proactive message is written here (with an idempotency key) BEFORE it
// is sent; a drainer claims due rows with row locks, sends them through the platform's ChatSender
// and records the outcome. Guarantees and the one honest caveat are in docs/proactive.md.

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
      await recordProgress(q, row, step, value, now());
    },
  };
}

/** Claims due rows (see the store's claimDue), replicas presumed dead after the default staleness. */
export function claimDue(
  q: Queryable,
  opts: Omit<Parameters<typeof claimDueRows>[1], "staleMs"> & { staleMs?: number },
): Promise<ClaimedRow[]> {
  return claimDueRows(q, { ...opts, staleMs: opts.staleMs ?? DELIVERY_DEFAULTS.staleMs });
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
