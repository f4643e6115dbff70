import { readFile } from "node:fs/promises";
import type { AppContext } from "../context.js";
import {
  compileMapping,
  EVENTS_DEFAULTS,
  type EventMapping,
  type EventRow,
  type EventsConfig,
  EventsConfigSchema,
} from "../domain/signals/segment.js";
import { errorLine } from "../log.js";
import { inTransaction } from "../store/db.js";
import {
  countUnmapped,
  type IntakeOutcome,
  pruneEvents,
  rematchGroups,
  rollUpDays,
  tallyIntake,
  vacuumIntakeTables,
  writeEvents,
} from "../store/repos/product-events.js";

// The write side of the event intake: requests hand their validated events to one buffer; a flusher
// writes whatever has gathered as one transaction (group commit), so many small requests cost a few
// statements, and each request is answered only once its events are stored. On PostgreSQL two
// flushers run at once (the server has cores to spare while one transaction waits on its commit);
// the embedded store has one connection, so one. When more is waiting than the store keeps up with,
// new requests are refused with 429 (the clients back off).

/** The mapping file (TEND_EVENTS_CONFIG), validated; unset: no core features, default login names. */
export async function loadEventsConfig(file: string | undefined): Promise<EventsConfig> {
  if (!file) return EVENTS_DEFAULTS;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new Error(`events config ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const r = EventsConfigSchema.safeParse(raw);
  if (!r.success)
    throw new Error(
      `events config ${file}:\n${r.error.issues.map((i) => `  ${i.path.join(".") || "(file)"}: ${i.message}`).join("\n")}`,
    );
  return r.data;
}

export class Overloaded extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super("too many events waiting to be stored: try again shortly");
  }
}

export interface IntakeOptions {
  /** Events not yet stored (waiting, or in a flush) past which new requests are refused with 429. */
  maxQueued: number;
  /** Most events written by one flush. */
  maxFlush: number;
  /** How often changed account days are rolled up into usage. */
  rollupEveryMs: number;
  /** Events are kept this many days (dedupe window, late attribution). */
  keepDays: number;
  /** How often the roll-up also vacuums the tables the intake keeps rewriting. */
  vacuumEveryMs: number;
  /** Most old events let go by one roll-up; a full batch means more wait, taken at the next roll-up. */
  pruneBatch: number;
  /** Flushes in flight at once on PostgreSQL (the embedded store always has one). */
  writers: number;
}

export const INTAKE_DEFAULTS: IntakeOptions = {
  maxQueued: 50_000,
  maxFlush: 5_000,
  rollupEveryMs: 5_000,
  keepDays: 35,
  vacuumEveryMs: 60_000,
  pruneBatch: 50_000,
  writers: 2,
};

/** A flush that lost a deadlock or a serialization race is tried again this many times. */
const FLUSH_RETRIES = 3;
const RETRYABLE = new Set(["40P01", "40001"]);

interface Job {
  rows: EventRow[];
  resolve: (w: { inserted: number; duplicates: number }) => void;
  reject: (err: unknown) => void;
}

export class EventIntake {
  readonly mapping: EventMapping;
  private queue: Job[] = [];
  private queued = 0;
  /** Events in flushes in flight. */
  private flushing = 0;
  /** Flushes in flight. */
  private inFlight = new Set<Promise<void>>();
  /** A flush with group calls is in flight: nothing starts beside it. */
  private exclusive = false;
  private timer: NodeJS.Timeout | undefined;
  private rolling: Promise<void> | undefined;
  private lastPrune = 0;
  /** The last prune let go a full batch: the window has a backlog (a busy source), so prune again. */
  private pruneBacklog = false;
  private lastVacuum = Date.now();
  private rewroteSinceVacuum = false;
  private prunedSinceVacuum = false;
  private tallies = new Map<IntakeOutcome, { requests: number; events: number; note?: string }>();
  readonly opts: IntakeOptions;

  constructor(
    private ctx: AppContext,
    readonly config: EventsConfig,
    opts: Partial<IntakeOptions> = {},
  ) {
    this.mapping = compileMapping(config);
    this.opts = { ...INTAKE_DEFAULTS, ...opts };
  }

  /** Stores the events (resolves once they are), or throws Overloaded at once. */
  submit(rows: EventRow[]): Promise<{ inserted: number; duplicates: number }> {
    // The backlog: events waiting and those in flushes not yet stored (with several writers the
    // queue alone can be empty while the store is stalled).
    const backlog = this.queued + this.flushing;
    if (backlog > 0 && backlog + rows.length > this.opts.maxQueued) {
      // Roughly how long the backlog takes at a conservative pace, at least a second.
      throw new Overloaded(Math.max(1, Math.min(30, Math.ceil(backlog / 5_000))));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.queued += rows.length;
      this.pump();
    });
  }

  private get writers() {
    return this.ctx.db.kind === "postgres" ? Math.max(1, this.opts.writers) : 1;
  }

  /** Counts a request's answer for `tend sync status` (written with the next flush or rollup). */
  tally(outcome: IntakeOutcome, events: number, note?: string) {
    const t = this.tallies.get(outcome) ?? { requests: 0, events: 0 };
    t.requests++;
    t.events += events;
    if (note) t.note = note;
    this.tallies.set(outcome, t);
  }

  /**
   * Starts flushes while events wait and a writer is free; each takes what has gathered so far. A
   * flush with group calls runs alone: a user's events in a flush beside it would neither see the
   * group (not committed yet) nor be seen by the group's re-attribution (not committed either).
   */
  private pump() {
    while (this.queue.length && this.inFlight.size < this.writers && !this.exclusive) {
      const jobs: Job[] = [];
      let n = 0;
      while (this.queue.length && (n === 0 || n + this.queue[0]!.rows.length <= this.opts.maxFlush)) {
        const job = this.queue.shift()!;
        jobs.push(job);
        n += job.rows.length;
      }
      const grouping = jobs.some((j) => j.rows.some((r) => r.kind === "group"));
      if (grouping && this.inFlight.size) {
        this.queue.unshift(...jobs); // waits for the flushes in flight, then goes alone
        break;
      }
      this.exclusive = grouping;
      this.queued -= n;
      this.flushing += n;
      const p: Promise<void> = this.flushWithRetry(jobs)
        .then(
          (results) => {
            for (const [i, j] of jobs.entries()) j.resolve(results[i]!);
          },
          (err) => {
            this.ctx.log.error({ err: errorLine(err), events: n }, "event intake: flush failed");
            for (const j of jobs) j.reject(err);
          },
        )
        .finally(() => {
          this.flushing -= n;
          this.inFlight.delete(p);
          if (grouping) this.exclusive = false;
          this.pump();
        });
      this.inFlight.add(p);
    }
  }

  private async flushWithRetry(jobs: Job[]) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.flush(jobs);
      } catch (err) {
        // Two flushes touching the same user days can deadlock; the loser is rolled back whole and tried again.
        if (attempt >= FLUSH_RETRIES || !RETRYABLE.has((err as { code?: string }).code ?? "")) throw err;
      }
    }
  }

  private async flush(jobs: Job[]): Promise<{ inserted: number; duplicates: number }[]> {
    const rows = jobs.flatMap((j) => j.rows);
    const unmapped = new Map<string, number>();
    for (const r of rows) if (r.unmapped && r.name) unmapped.set(r.name, (unmapped.get(r.name) ?? 0) + 1);
    const w = await inTransaction(this.ctx.db, async (tx) => {
      const written = await writeEvents(tx, rows, this.ctx.config.timezone);
      await countUnmapped(tx, unmapped);
      return written;
    });
    // Per request: a whole request is a duplicate only when nothing new came with it. Exact per-request
    // counts would need a statement per request; the flush's totals are shared out in order instead.
    let dupLeft = w.duplicates;
    const out = jobs.map((j) => {
      const d = Math.min(dupLeft, j.rows.length);
      dupLeft -= d;
      return { inserted: j.rows.length - d, duplicates: d };
    });
    const accepted = this.tallies.get("accepted") ?? { requests: 0, events: 0 };
    accepted.requests += jobs.length;
    accepted.events += w.inserted;
    this.tallies.set("accepted", accepted);
    if (w.duplicates) {
      const dup = this.tallies.get("duplicate") ?? { requests: 0, events: 0 };
      dup.events += w.duplicates;
      this.tallies.set("duplicate", dup);
    }
    return out;
  }

  /** Rolls every changed account day up into usage, writes the tallies, prunes old events now and then. */
  rollup(): Promise<void> {
    this.rolling ??= (async () => {
      try {
        const q = this.ctx.db.pool;
        await rematchGroups(q, this.ctx.config.timezone);
        for (let n = await rollUpDays(q, this.mapping.features); n > 0; n = await rollUpDays(q, this.mapping.features))
          this.rewroteSinceVacuum = true;
        const tallies = [...this.tallies.entries()].map(([outcome, t]) => ({ outcome, ...t }));
        this.tallies.clear();
        // The UTC day of receipt by the real clock, as `tend sync status` reads it.
        await tallyIntake(q, new Date().toISOString().slice(0, 10), tallies);
        // Hourly, or at every roll-up while a backlog lasts: a batch per roll-up (every few seconds)
        // lets go of old events faster than any source can send new ones.
        if (this.pruneBacklog || Date.now() - this.lastPrune > 3_600_000) {
          this.lastPrune = Date.now();
          const pruned = await pruneEvents(q, this.opts.keepDays, this.opts.pruneBatch);
          this.pruneBacklog = pruned >= this.opts.pruneBatch;
          if (pruned > 0) this.prunedSinceVacuum = this.rewroteSinceVacuum = true;
        }
        // Only after rows were rewritten: an idle intake leaves a large usage table alone.
        if (this.rewroteSinceVacuum && Date.now() - this.lastVacuum >= this.opts.vacuumEveryMs) {
          const events = this.prunedSinceVacuum;
          this.rewroteSinceVacuum = this.prunedSinceVacuum = false;
          this.lastVacuum = Date.now();
          await vacuumIntakeTables(q, { events });
        }
      } catch (err) {
        this.ctx.log.warn({ err: errorLine(err) }, "event intake: roll-up failed (tried again shortly)");
      }
    })().finally(() => {
      this.rolling = undefined;
    });
    return this.rolling;
  }

  /** Everything submitted is stored and rolled up (tests, shutdown). */
  async settle() {
    while (this.inFlight.size) await Promise.all(this.inFlight);
    await this.rollup();
  }

  start() {
    this.timer = setInterval(() => void this.rollup(), this.opts.rollupEveryMs);
    this.timer.unref();
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    await this.settle();
  }
}
