import type { AppContext } from "../context.js";
import {
  type AccountInput,
  applyAccounts,
  archiveAccounts,
  type InteractionToWrite,
  interactionsToWrite,
  membersByEmail,
  mergeAccounts,
  type RiskToWrite,
  risksToWrite,
  type WriteCounts,
} from "../store/repos/crm.js";
import {
  claimWritebacks,
  clearQuarantine,
  findLinks,
  finishWriteback,
  getCheckpoint,
  quarantine,
  saveCheckpoint,
  saveLinks,
} from "../store/repos/sync.js";
import type { CrmSettings } from "./config.js";
import { AuthFailed, type CallFailure } from "./retry.js";
import { emptyCounts, emptyReport, type ObjectCounts, type SyncOptions, type SyncReport } from "./types.js";

// What the HubSpot and Salesforce syncs do alike, once: counts and preview lines of a run, sorting
// a page into valid records and quarantined ones, owners/users to members, merges, and the
// write-back loop (claim, create once, record the outcome). Each CRM supplies only its API calls.

const PREVIEW_ROWS = 5;
/** A claim whose holder went quiet this long is taken over (and looked up before writing again). */
const CLAIM_STALE_MS = 10 * 60_000;
const MAX_WRITE_ATTEMPTS = 5;

export type Mapped<T> = { ok: true; values: T } | { ok: false; reason: string };

export interface Orphan {
  externalId: string;
  reason: string;
  payload: unknown;
}

export type WriteKind = "interaction" | "risk";

/** The CRM side of write-back: create a log's note or a risk's task (its id), find one by its marker. */
export interface WriteBackApi {
  log(item: InteractionToWrite, marker: string): Promise<string>;
  risk(item: RiskToWrite, marker: string): Promise<string>;
  find(kind: WriteKind, marker: string): Promise<string | undefined>;
}

export class CrmRun {
  readonly report: SyncReport;

  constructor(
    readonly ctx: AppContext,
    readonly source: string,
    readonly opts: SyncOptions,
    /** Reads a client's error into status / message (the CRM's own describe). */
    readonly describe: (err: unknown) => CallFailure,
  ) {
    this.report = emptyReport(source, opts);
  }

  counts(object: string): ObjectCounts {
    this.report.objects[object] ??= emptyCounts();
    return this.report.objects[object];
  }

  /** Adds what the store wrote to an object's counts. */
  wrote(object: string, res: WriteCounts) {
    const c = this.counts(object);
    c.created += res.created;
    c.updated += res.updated;
    c.unchanged += res.unchanged;
  }

  /** Dry run: one line of what the mapping produced, the first few per object. */
  preview(object: string, line: string) {
    if (!this.opts.dryRun) return;
    if (this.report.preview.filter((l) => l.startsWith(`${object} `)).length < PREVIEW_ROWS)
      this.report.preview.push(`${object} ${line}`);
  }

  /**
   * A page of accounts as mapped: on a dry run one preview line each (new, linked, or matching an
   * account that came from CSV), else written and counted. False on a dry run (nothing written).
   */
  async accounts(
    object: string,
    rows: AccountInput[],
    matched: Map<string, string>,
    crmNoun: string,
  ): Promise<boolean> {
    if (this.opts.dryRun) {
      for (const r of rows)
        this.preview(
          object,
          `${r.externalId}: ${describeValues(r.values)}${r.localId ? (matched.has(r.externalId) ? " (matches an existing account)" : " (linked)") : " (new account)"}`,
        );
      return false;
    }
    this.wrote(object, (await applyAccounts(this.ctx.db, this.source, rows)).counts);
    if (matched.size) this.report.notes.push(`${matched.size} existing account(s) matched to ${crmNoun}`);
    return true;
  }

  /** Validates a page: good records go on, bad ones are quarantined whole with their reason. */
  async sort<R, T>(
    object: string,
    page: R[],
    idOf: (r: R) => string,
    payloadOf: (r: R) => unknown,
    map: (r: R) => Mapped<T>,
  ): Promise<{ rec: R; values: T }[]> {
    const good: { rec: R; values: T }[] = [];
    const bad: Orphan[] = [];
    for (const rec of page) {
      const m = map(rec);
      if (m.ok) good.push({ rec, values: m.values });
      else bad.push({ externalId: idOf(rec), reason: m.reason, payload: payloadOf(rec) });
    }
    this.counts(object).quarantined += bad.length;
    if (this.opts.dryRun) {
      for (const b of bad) this.preview(object, `${b.externalId}: refused, ${b.reason}`);
      return good;
    }
    await this.hold(object, bad, false);
    await clearQuarantine(
      this.ctx.db,
      this.source,
      object,
      good.map((g) => idOf(g.rec)),
    );
    return good;
  }

  /** Quarantines records that cannot be written (e.g. their account is not synced). */
  async hold(object: string, items: Orphan[], count = true) {
    if (this.opts.dryRun) return;
    if (count) this.counts(object).quarantined += items.length;
    await quarantine(
      this.ctx.db,
      items.map((i) => ({ source: this.source, object, ...i })),
      this.ctx.now(),
    );
  }

  /** CRM owners / users (id -> email) to members by email; returns id -> member and counts them. */
  async members(
    object: string,
    emails: Map<string, string>,
  ): Promise<{ byId: Map<string, string>; unmatched: string[] }> {
    const members = await membersByEmail(this.ctx.db, [...emails.values()]);
    const byId = new Map<string, string>();
    const unmatched: string[] = [];
    for (const [id, email] of emails) {
      const m = members.get(email);
      if (m) byId.set(id, m);
      else unmatched.push(email);
    }
    const c = this.counts(object);
    c.fetched = emails.size;
    c.unchanged = byId.size;
    if (!this.opts.dryRun)
      await saveLinks(
        this.ctx.db,
        this.source,
        "member",
        [...byId].map(([externalId, localId]) => ({ externalId, localId })),
      );
    return { byId, unmatched };
  }

  /**
   * Records merged away in the CRM (gone id -> surviving id): the gone record's account hands its
   * history (interactions, risks, promises, calls, contacts, ...) to the survivor's and is archived.
   * A survivor with no account yet is left to `takeOver` by the caller. Returns how many archived.
   */
  async merge(object: string, merged: Map<string, string>, label: string): Promise<number> {
    if (!merged.size || this.opts.dryRun) return 0;
    const links = await findLinks(this.ctx.db, this.source, "account", [...merged.keys(), ...merged.values()]);
    const pairs: { from: string; into: string; note: string }[] = [];
    const relink: { externalId: string; localId: string }[] = [];
    for (const [gone, survivor] of merged) {
      const from = links.get(gone);
      const into = links.get(survivor);
      if (!from || !into || from === into) continue;
      pairs.push({ from, into, note: `merged into ${label} ${survivor}` });
      relink.push({ externalId: gone, localId: into });
    }
    const n = await mergeAccounts(this.ctx.db, pairs, this.ctx.now());
    // Contacts and deals that still name the merged-away record land on the survivor's account.
    await saveLinks(this.ctx.db, this.source, "account", relink);
    this.counts(object).archived += n;
    return n;
  }

  async archive(object: string, items: { id: string; note: string }[]) {
    this.counts(object).archived += await archiveAccounts(this.ctx.db, items, this.ctx.now());
  }

  /**
   * Logged interactions (and, when asked, raised risks) written to the CRM, each once: claimed in
   * SyncWriteback, created once (a try that may have landed unseen is looked up by its marker
   * first), the outcome recorded. Runs as part of each sync: a write that failed for a reason that
   * may pass (network, 5xx, 429) stays pending for the next run.
   */
  async writeBack(wb: CrmSettings["writeBack"], api: WriteBackApi) {
    if (!wb.logs && !wb.riskTasks) return;
    const db = this.ctx.db;
    const now = this.ctx.now();
    // Only what is logged from the first sync on: the history already in the CRM is not repeated.
    const mark = await getCheckpoint(db, this.source, "writeback");
    if (!mark?.cursor) {
      if (!this.opts.dryRun)
        await saveCheckpoint(db, this.source, "writeback", now, { cursor: now.toISOString(), success: true });
      return;
    }
    const since = new Date(mark.cursor);
    const logs = wb.logs ? await interactionsToWrite(db, this.source, since) : [];
    const risks = wb.riskTasks ? await risksToWrite(db, this.source, since) : [];
    const out = { sent: 0, failed: 0, pending: 0 };
    if (this.opts.dryRun) {
      this.report.writeBack = { ...out, pending: logs.length + risks.length };
      return;
    }
    const create = (kind: WriteKind, item: InteractionToWrite | RiskToWrite, marker: string) =>
      kind === "interaction" ? api.log(item as InteractionToWrite, marker) : api.risk(item as RiskToWrite, marker);
    for (const [kind, items] of [
      ["interaction", logs],
      ["risk", risks],
    ] as const) {
      if (!items.length) continue;
      const byId = new Map<string, InteractionToWrite | RiskToWrite>(items.map((i) => [i.id, i]));
      const claims = await claimWritebacks(
        db,
        this.source,
        kind,
        [...byId.keys()],
        now,
        CLAIM_STALE_MS,
        MAX_WRITE_ATTEMPTS,
      );
      for (const claim of claims) {
        const item = byId.get(claim.localId);
        if (!item) continue;
        const marker = `tend-${kind}-${item.id}`;
        try {
          const remoteId = await this.createOnce(
            claim.uncertain,
            () => create(kind, item, marker),
            () => api.find(kind, marker),
          );
          await finishWriteback(db, claim.id, { remoteId, at: this.ctx.now() });
          out.sent++;
        } catch (err) {
          if (err instanceof AuthFailed) throw err;
          const f = this.describe((err as Error).cause ?? err);
          const retry = f.status === undefined || f.status === 429 || (f.status ?? 0) >= 500;
          await finishWriteback(db, claim.id, { error: (err as Error).message, retry });
          if (retry) out.pending++;
          else out.failed++;
        }
      }
    }
    this.report.writeBack = out;
  }

  /**
   * Creates once: a try that may have reached the CRM unseen (a previous run died mid-write, or the
   * answer was lost) first looks for its marker.
   */
  private async createOnce(uncertain: boolean, create: () => Promise<string>, find: () => Promise<string | undefined>) {
    for (let attempt = 1; ; attempt++) {
      if (uncertain || attempt > 1) {
        const found = await find();
        if (found) return found;
      }
      try {
        return await create();
      } catch (err) {
        const f = this.describe((err as Error).cause ?? err);
        const unknownOutcome = f.status === undefined || f.status >= 500;
        if (!unknownOutcome || attempt >= 3) throw err;
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }
}

/**
 * Pages read are written in batches of about `size` records: a few statements per thousand rows
 * instead of per hundred. What was read before a failure is still written (and its checkpoint
 * saved by `write`), so a crash loses no progress.
 */
export class WriteBatch<R> {
  private rows: R[] = [];

  constructor(
    private readonly size: number,
    private readonly write: (rows: R[]) => Promise<void>,
  ) {}

  async add(page: R[]) {
    for (const r of page) this.rows.push(r);
    if (this.rows.length >= this.size) await this.flush();
  }

  async flush() {
    if (!this.rows.length) return;
    const rows = this.rows;
    this.rows = [];
    await this.write(rows);
  }

  /** Runs the reading loop, then writes what is left - also when the loop failed. */
  async around(read: () => Promise<void>) {
    try {
      await read();
    } catch (err) {
      await this.flush().catch(() => {});
      throw err;
    }
    await this.flush();
  }
}

/** An account's values as `key=value` for a preview line. */
export function describeValues(v: Record<string, unknown>): string {
  return Object.entries(v)
    .filter(([, x]) => x !== null && x !== undefined)
    .map(([k, x]) => `${k}=${x}`)
    .join(", ");
}

/** `tend sync status`'s write-back line, when anything was ever written or tried. */
export function writebackLine(c: Record<string, number>): string[] {
  return Object.values(c).some((n) => n > 0)
    ? [`write-back: ${c.sent ?? 0} sent, ${(c.pending ?? 0) + (c.sending ?? 0)} pending, ${c.failed ?? 0} failed`]
    : [];
}
