import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { seal, unseal } from "../calendar/secret.js";
import type { AppContext } from "../context.js";
import type { TxClient } from "../store/db.js";
import { insertRows } from "../store/repos/book.js";
import { saveFeedWith, sealedFeeds } from "../store/repos/calendar.js";
import {
  accountKeys,
  backToSavepoint,
  beginImport,
  type ImportTx,
  memberEmails,
  mergeRows,
  recordImport,
  savepoint,
  storedKeys,
  teamNames,
} from "../store/repos/imports.js";
import { copyUsage, type UsageRow, writeUsage } from "../store/repos/usage.js";
import { DayLines } from "./day-lines.js";
import { fastUsage } from "./fast.js";
import { type DateOrder, withDateOrder } from "./fields.js";
import { ACCOUNT_CHILDREN, columnsOf, type ImportKind, ROW_SCHEMAS, type RowOf, requiredColumns } from "./kinds.js";
import { Problems } from "./problems.js";
import type { Problem, RowSource } from "./source.js";
import { type DbValues, day, type KindSpec, REFERENCES, type Refs, resolveAccount, SPECS } from "./specs.js";
import { RowChecks } from "./warnings.js";

// One import: read every row, validate it, find what it refers to and what it replaces, write it,
// all inside one transaction. Any problem rolls the whole import back, so a bad file writes
// nothing; a dry run rolls back too, after counting what would have changed.

export interface ImportOptions {
  dryRun?: boolean;
  /** Who imports, for the audit log. */
  surface?: "cli" | "api";
  /** How to read day-first or month-first dates (03/04/2026); without it such a date is refused. */
  dateOrder?: DateOrder;
  /** Called as rows are read, validated and written (a terminal's progress line). */
  onProgress?: (p: ImportProgress) => void;
}

export interface ImportProgress {
  kind: ImportKind;
  read: number;
  validated: number;
  written: number;
}

export interface ImportReport {
  kind: ImportKind;
  ok: boolean;
  dryRun: boolean;
  /** Rows read, valid or not. */
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  problems: Problem[];
  /** Problems not listed (past the cap). */
  moreProblems: number;
  /** Contradictions that do not stop the import (active users above seats, ...), each with its line. */
  warnings: Problem[];
  moreWarnings: number;
  /** Columns the kind does not know: ignored. */
  ignoredColumns: string[];
  /** Accounts whose rows this import wrote or would write (to score them afterwards). */
  touched: string[];
  /** The earliest usage day the rows hold (YYYY-MM-DD): past scores of the touched accounts change. */
  since?: string;
}

/** One file of a book: its kind, its rows, and what to call it in messages. */
export interface BookPart {
  kind: ImportKind;
  source: RowSource;
  label?: string;
}

export interface BookReport {
  ok: boolean;
  dryRun: boolean;
  parts: (ImportReport & { label?: string })[];
  /** Accounts touched by any part. */
  touched: string[];
  /** The earliest usage day of any part. */
  since?: string;
}

/** The store refused the rows as a whole (e.g. a Slack user id already taken by another member). */
export class ImportConflict extends Error {}

const USAGE_BATCH = 20_000;
// Waiting requests get a turn between source batches (measured: smaller write statements on the
// embedded store did not shorten the stalls, only the import: bench/freeze.bench.ts).
const yieldToOthers = () => new Promise<void>((r) => setImmediate(r));
const UPDATE_CHUNK = 5_000;

interface Pending {
  at: { line: number; row?: number };
  values: DbValues;
}

/** One kind from one source, all rows or none. */
export async function importRows(
  ctx: AppContext,
  kind: ImportKind,
  source: RowSource,
  opts: ImportOptions = {},
): Promise<ImportReport> {
  const book = await importBook(ctx, [{ kind, source }], opts);
  return book.parts[0] as ImportReport;
}

/**
 * Several kinds as one book, in the order given (dependency order: teams before members before
 * accounts ...): one transaction, so later kinds are checked against the rows earlier kinds wrote
 * in the same run, and the whole book is written or none of it. A dry run rolls back after counting.
 */
export async function importBook(ctx: AppContext, parts: BookPart[], opts: ImportOptions = {}): Promise<BookReport> {
  const unhold = ctx.db.holdForWrite();
  let tx: ImportTx | undefined;
  let done = false;
  try {
    // Imports run one at a time, so two of them cannot both create the same new account.
    tx = await beginImport(ctx.db);
    const client = tx.q;
    const reports: BookReport["parts"] = [];
    for (const part of parts) {
      // A part with problems still writes its good rows into the transaction (rolled back at the end),
      // so the parts after it are checked against them rather than failing on every reference.
      const r = await importKind(
        client,
        part.kind,
        part.source,
        opts,
        ctx.db.kind === "postgres",
        ctx.config.secretKey,
      );
      reports.push(part.label === undefined ? r : { ...r, label: part.label });
    }
    const ok = reports.every((r) => r.ok);
    const changed = reports.some((r) => r.created + r.updated > 0);
    if (!ok || opts.dryRun || !changed) {
      await tx.rollback();
    } else {
      for (const r of reports)
        if (r.created + r.updated > 0)
          await recordImport(client, opts.surface ?? "cli", r.kind, {
            rows: r.rows,
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
          });
      await tx.commit();
    }
    done = true;
    const touched = [...new Set(reports.flatMap((r) => r.touched))];
    const since = reports.flatMap((r) => (r.since ? [r.since] : [])).sort()[0];
    return { ok, dryRun: Boolean(opts.dryRun), parts: reports, touched, ...(since ? { since } : {}) };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (!done) await tx?.rollback().catch(() => {});
    if (code === "23505" || code === "23503")
      throw new ImportConflict(
        `the store refused the rows, nothing was written: ${(err as { detail?: string }).detail ?? (err as Error).message}`,
      );
    throw err;
  } finally {
    unhold();
    tx?.release();
  }
}

/** Reads, validates and writes one kind inside the caller's transaction; never commits. */
async function importKind(
  client: TxClient,
  kind: ImportKind,
  source: RowSource,
  opts: ImportOptions,
  copy = false,
  secretKey?: Buffer,
): Promise<ImportReport> {
  const run: KindRun = {
    kind,
    problems: new Problems(source.labels),
    warnings: new Problems(source.labels),
    known: new Set(columnsOf(kind)),
    ignored: new Set(),
    touched: new Set(),
  };
  const report = (counts: Counts) => kindReport(run, opts, counts);
  if (source.fatal) {
    run.problems.addProblem(source.fatal);
    return report({ rows: 0 });
  }
  if (source.header && !headerFits(run, source.header, source.delimiter)) return report({ rows: 0 });

  const refs = await loadRefs(client, kind);
  const usage = kind === "usage" ? new UsageSink(client, USAGE_BATCH, copy) : undefined;
  const read = await readRows(run, source, opts, refs, usage, secretKey);
  let counts = { created: 0, updated: 0, unchanged: 0 };
  if (usage) {
    if (!run.problems.any) counts = await usage.finish();
    for (const id of usage.accounts) run.touched.add(id);
    run.since = usage.since;
  } else counts = await writePending(client, run, read, secretKey);
  opts.onProgress?.({
    kind,
    read: read.rows,
    validated: read.validated,
    written: counts.created + counts.updated + counts.unchanged,
  });
  return report({ rows: read.rows, ...counts });
}

/** What importing one kind gathers as it goes: problems, warnings, columns, the accounts touched. */
interface KindRun {
  kind: ImportKind;
  problems: Problems;
  warnings: Problems;
  known: Set<string>;
  ignored: Set<string>;
  touched: Set<string>;
  /** Usage: the first day written (the rescore starts there). */
  since?: string;
}

type Counts = { rows: number; created?: number; updated?: number; unchanged?: number };

function kindReport(run: KindRun, opts: ImportOptions, counts: Counts): ImportReport {
  const { problems, warnings } = run;
  return {
    kind: run.kind,
    ok: !problems.any,
    dryRun: Boolean(opts.dryRun),
    rows: counts.rows,
    created: counts.created ?? 0,
    updated: counts.updated ?? 0,
    unchanged: counts.unchanged ?? 0,
    problems: problems.shown,
    moreProblems: problems.more,
    warnings: warnings.shown,
    moreWarnings: warnings.more,
    ignoredColumns: [...run.ignored].map((c) => problems.label(c)),
    touched: problems.any ? [] : [...run.touched],
    ...(run.since && !problems.any ? { since: run.since } : {}),
  };
}

/** Notes the header's unknown columns; false (with the problem) when a required column is missing. */
function headerFits(run: KindRun, header: string[], delimiter: string | undefined): boolean {
  for (const h of header) if (!run.known.has(h)) run.ignored.add(h);
  // The delimiter is detected from this very line: naming it shows at once when the guess was wrong.
  const named = delimiter ? ` (read with delimiter ${delimiterName(delimiter)})` : "";
  for (const alts of requiredColumns(run.kind))
    if (!alts.some((c) => header.includes(c)))
      run.problems.add({ line: 1 }, undefined, `the header has no ${alts.join(" or ")} column${named}`);
  return !run.problems.any;
}

interface ReadRows {
  rows: number;
  validated: number;
  /** Rows converted for the store (every kind but usage, which goes to its sink as it is read). */
  pending: Pending[];
  /** Members' calendar addresses, kept apart from the row values so nothing else ever sees them. */
  calendars: { at: Pending["at"]; email: string; url: string }[];
  checks: RowChecks;
}

/** Every row read and validated: usage rows into the sink, the others converted for the store. */
async function readRows(
  run: KindRun,
  source: RowSource,
  opts: ImportOptions,
  refs: Refs,
  usage: UsageSink | undefined,
  secretKey: Buffer | undefined,
): Promise<ReadRows> {
  const { kind, problems, warnings, known, ignored } = run;
  const schema = ROW_SCHEMAS[kind];
  const checks = new RowChecks(kind, refs);
  const pending: Pending[] = [];
  const calendars: ReadRows["calendars"] = [];
  let rows = 0;
  let validated = 0;
  for await (const batch of source.items) {
    await yieldToOthers(); // an in-memory source yields batch after batch without a turn for I/O
    for (const item of batch) {
      rows++;
      if ("problem" in item) {
        problems.addProblem(item.problem);
        continue;
      }
      if (!source.header) for (const k of Object.keys(item.values)) if (!known.has(k)) ignored.add(k);
      const fast = usage && fastUsage(item.values);
      const parsed = fast
        ? { success: true as const, data: fast }
        : withDateOrder(opts.dateOrder, () => schema.safeParse(item.values));
      if (!parsed.success) {
        problems.addIssues(item, item.values, parsed.error.issues);
        const ref = kind === "usage" ? undefined : referenceProblem(kind, item.values, parsed.error.issues, refs);
        if (ref) problems.add(item, ref.column, ref.reason);
        continue;
      }
      validated++;
      for (const w of checks.row(parsed.data)) warnings.add(item, w.column, w.reason);
      if (usage) {
        const bad = usage.add(item, parsed.data as RowOf<"usage">, refs);
        if (bad) problems.add(item, bad.column, bad.reason);
        else if (!problems.any) await usage.flushIfFull();
        else usage.drop();
        continue;
      }
      const conv = SPECS[kind as Exclude<ImportKind, "usage">].toDb(parsed.data as never, refs);
      if ("column" in conv) problems.add(item, conv.column, conv.reason);
      else {
        if (kind === "members") {
          const { calendarUrl, ...values } = conv.values;
          conv.values = values;
          const email = (parsed.data as RowOf<"members">).email;
          if (typeof calendarUrl === "string") {
            if (secretKey) calendars.push({ at: item, email: email.toLowerCase(), url: calendarUrl });
            else
              problems.add(
                item,
                "calendar_url",
                "a calendar address is stored only encrypted, and TEND_SECRET_KEY is not set (docs/calendar.md)",
              );
          }
        }
        pending.push({ at: item, values: conv.values });
      }
    }
    opts.onProgress?.({ kind, read: rows, validated, written: 0 });
  }
  return { rows, validated, pending, calendars, checks };
}

/** Writes the converted rows (and members' calendars) unless a problem was found; what changed. */
async function writePending(
  client: TxClient,
  run: KindRun,
  { pending, calendars, checks }: ReadRows,
  secretKey: Buffer | undefined,
): Promise<{ created: number; updated: number; unchanged: number }> {
  const { kind, problems, warnings, touched } = run;
  let counts = { created: 0, updated: 0, unchanged: 0 };
  const spec = SPECS[kind as Exclude<ImportKind, "usage">];
  for (const w of checks.rows(pending)) warnings.add(w.at, w.column, w.reason);
  // With problems already found, the store must not turn them into a conflict that hides the list.
  const guarded = problems.any;
  if (guarded) await savepoint(client);
  const w = await writeRows(client, spec, pending, problems).catch(async (err) => {
    if (!guarded) throw err;
    await backToSavepoint(client);
    return {
      created: 0,
      updated: 0,
      unchanged: 0,
      ids: [] as string[],
      createdIds: new Set<string>(),
      changedIds: new Set<string>(),
    };
  });
  if (!problems.any) counts = { created: w.created, updated: w.updated, unchanged: w.unchanged };
  if (!problems.any && secretKey && calendars.length) {
    const feeds = await writeCalendars(client, secretKey, calendars);
    // A member whose only change is the calendar is an updated row, so the import commits it.
    for (const id of feeds)
      if (!w.createdIds.has(id) && !w.changedIds.has(id)) {
        counts.updated++;
        counts.unchanged--;
      }
  }
  if (kind === "accounts") for (const id of w.ids) touched.add(id);
  else if (spec.scope === "account") for (const p of pending) touched.add(p.values.accountId as string);
  return counts;
}

const DELIMITER_NAMES: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab" };
const delimiterName = (d: string) => `"${d === "\t" ? "\\t" : d}" (${DELIMITER_NAMES[d] ?? d})`;

/**
 * The references (account, owner, member, team) of a row that failed validation, checked all the
 * same, so one pass names every problem of the row rather than revealing an unknown owner only once
 * its other fields are fixed. Only references that are themselves valid are looked up.
 */
function referenceProblem(
  kind: Exclude<ImportKind, "usage">,
  values: Record<string, unknown>,
  issues: readonly z.core.$ZodIssue[],
  refs: Refs,
): { column: string; reason: string } | undefined {
  const flagged = new Set(issues.map((i) => String(i.path[0])));
  const shape = (ROW_SCHEMAS[kind] as unknown as z.ZodObject).shape;
  const partial: Record<string, unknown> = {};
  for (const col of REFERENCES) {
    const field = shape[col];
    if (!field || flagged.has(col) || values[col] === undefined) continue;
    const r = field.safeParse(values[col]);
    if (r.success && r.data !== undefined) partial[col] = r.data;
  }
  const child = "account_external_id" in shape;
  // A child row whose account columns are missing or invalid has that problem reported already.
  if (child && partial.account_external_id === undefined && partial.account_name === undefined) return undefined;
  if (Object.keys(partial).length === 0) return undefined;
  const conv = SPECS[kind].toDb(partial as never, refs);
  return "column" in conv ? conv : undefined;
}

async function loadRefs(q: TxClient, kind: ImportKind): Promise<Refs> {
  const refs: Refs = { accountsByExt: new Map(), accountsByName: new Map(), members: new Map(), teams: new Map() };
  if (kind === "accounts" || ACCOUNT_CHILDREN.includes(kind)) {
    for (const a of await accountKeys(q)) {
      if (a.ext !== null) refs.accountsByExt.set(a.ext, a.id);
      const same = refs.accountsByName.get(a.name);
      if (same) same.push(a.id);
      else refs.accountsByName.set(a.name, [a.id]);
    }
  }
  if (kind === "accounts" || kind === "interactions" || kind === "calls") {
    for (const m of await memberEmails(q)) refs.members.set(m.email, m.id);
  }
  if (kind === "accounts" || kind === "members") {
    for (const t of await teamNames(q)) refs.teams.set(t.name.toLowerCase(), t.id);
  }
  return refs;
}

/** Usage rows go to the bulk path in batches while the file is still being read. */
class UsageSink {
  private batch: UsageRow[] = [];
  /** The first line of every (account, day) in the file, to refuse a second one with both lines. */
  private seen = new DayLines();
  private counts = { created: 0, updated: 0, unchanged: 0 };
  /** Every account a valid row named. */
  readonly accounts = new Set<string>();
  /** The earliest day among the valid rows. */
  since: string | undefined;

  /**
   * @param copy PostgreSQL: batches go in through COPY (copyUsage) until one meets stored days;
   * after that the rest of the file is a re-send and goes through the upsert directly.
   */
  constructor(
    private q: TxClient,
    private size: number,
    private copy = false,
  ) {}

  add(at: { line: number }, r: RowOf<"usage">, refs: Refs): { column: string; reason: string } | undefined {
    const acc = resolveAccount(r, refs);
    if (!("id" in acc)) return acc;
    const d = day(r.day) as string;
    const first = this.seen.claim(acc.id, d, at.line);
    if (first !== undefined) return { column: "day", reason: `the same account and day as line ${first}` };
    this.accounts.add(acc.id);
    if (this.since === undefined || d < this.since) this.since = d;
    this.batch.push({
      accountId: acc.id,
      day: d,
      activeUsers: r.active_users,
      activatedUsers: r.activated_users,
      seats: r.seats,
      logins: r.logins ?? 0,
      coreFeaturesUsed: r.core_features_used ?? 0,
      coreFeaturesTotal: r.core_features_total ?? 0,
    });
    return undefined;
  }

  async flushIfFull() {
    if (this.batch.length >= this.size) await this.flush();
  }

  /** After a problem nothing will be written: stop holding rows. */
  drop() {
    this.batch = [];
  }

  private async flush() {
    if (this.batch.length === 0) return;
    const w = this.copy ? await copyUsage(this.q, this.batch) : await writeUsage(this.q, this.batch);
    if (this.copy && "copied" in w && !w.copied) this.copy = false;
    this.batch = [];
    this.counts.created += w.created;
    this.counts.updated += w.updated;
    this.counts.unchanged += w.unchanged;
  }

  async finish() {
    await this.flush();
    return this.counts;
  }
}

interface Stored {
  byExt: Map<string, string>;
  natAll: Map<string, string[]>;
  natNoExt: Map<string, string[]>;
}

async function loadStored(q: TxClient, spec: KindSpec, pending: Pending[]): Promise<Stored> {
  const ext = spec.externalIds ? `"externalId"` : "NULL::text";
  let where = "";
  const params: unknown[] = [];
  if (spec.scope === "account") {
    params.push([...new Set(pending.map((p) => p.values.accountId as string))]);
    where = `WHERE "accountId" = ANY($1::text[])`;
    if (spec.externalIds) {
      params.push(pending.flatMap((p) => (p.values.externalId === undefined ? [] : [p.values.externalId as string])));
      where += ` OR "externalId" = ANY($2::text[])`;
    }
  }
  const rows = await storedKeys(q, spec.table, ext, spec.naturalSql, where, params);
  const stored: Stored = { byExt: new Map(), natAll: new Map(), natNoExt: new Map() };
  const push = (m: Map<string, string[]>, k: string, id: string) => {
    const l = m.get(k);
    if (l) l.push(id);
    else m.set(k, [id]);
  };
  for (const r of rows) {
    if (r.ext !== null) stored.byExt.set(r.ext, r.id);
    push(stored.natAll, r.k, r.id);
    if (r.ext === null) push(stored.natNoExt, r.k, r.id);
  }
  return stored;
}

/**
 * Seals and stores members' calendar addresses, as `calendar <url>` does; an address the member
 * already has is left alone (its read state kept). Returns the members whose feed changed.
 */
async function writeCalendars(
  q: TxClient,
  key: Buffer,
  calendars: { email: string; url: string }[],
): Promise<string[]> {
  const rows = await memberEmails(
    q,
    calendars.map((c) => c.email),
  );
  const ids = new Map(rows.map((r) => [r.email, r.id]));
  const stored = await sealedFeeds(
    q,
    rows.map((r) => r.id),
  );
  const now = new Date();
  const changed: string[] = [];
  for (const c of calendars) {
    const id = ids.get(c.email);
    if (!id) continue;
    const before = stored.get(id);
    if (before !== undefined && unseal(key, before, id) === c.url) continue;
    await saveFeedWith(q, id, seal(key, c.url, id), now);
    changed.push(id);
  }
  return changed;
}

/**
 * Matches each row to the stored row it replaces (external id, else natural key), refuses rows that
 * name the same thing twice, then inserts the new rows and updates the changed ones. A value the
 * file leaves out keeps what is stored.
 */
async function writeRows(q: TxClient, spec: KindSpec, pending: Pending[], problems: Problems) {
  const stored = await loadStored(q, spec, pending);
  const seen = new Map<string, number>();
  const inserts: DbValues[] = [];
  const updates: DbValues[] = [];
  for (const p of pending) {
    const ext = spec.externalIds ? (p.values.externalId as string | undefined) : undefined;
    const nat = spec.natural(p.values);
    let id = ext === undefined ? undefined : stored.byExt.get(ext);
    if (!id) {
      const ids =
        ext !== undefined && !spec.naturalUnique
          ? stored.natNoExt.get(nat)
          : (stored.natNoExt.get(nat) ?? stored.natAll.get(nat));
      if (ids && ids.length > 1) {
        problems.add(p.at, undefined, `${ids.length} stored rows match this one: give external_id to tell them apart`);
        continue;
      }
      id = ids?.[0];
    }
    const identity = id ? `id:${id}` : spec.naturalUnique || ext === undefined ? `nat:${nat}` : `ext:${ext}`;
    const first = seen.get(identity);
    if (first !== undefined) {
      problems.add(p.at, undefined, `names the same row as line ${first} (same external id or key columns)`);
      continue;
    }
    seen.set(identity, p.at.line);
    if (id) updates.push({ id, ...p.values });
    else {
      const row: DbValues = { id: randomUUID() };
      for (const [c, dflt] of Object.entries(spec.columns)) row[c] = p.values[c] ?? dflt;
      inserts.push(row);
    }
  }
  // Rows that named the same thing twice are not written; the good ones are, inside the transaction,
  // so later kinds of a book can refer to them (a book with any problem is rolled back whole).
  await insertRows({ pool: q }, spec.table, inserts, spec.updatedAt);
  let updated = 0;
  const changedIds = new Set<string>();
  for (let i = 0; i < updates.length; i += UPDATE_CHUNK) {
    const changed = await mergeRows(
      q,
      spec.table,
      Object.keys(spec.columns),
      updates.slice(i, i + UPDATE_CHUNK),
      spec.updatedAt,
    );
    updated += changed.length;
    for (const id of changed) changedIds.add(id);
  }
  const ids = [...inserts, ...updates].map((r) => r.id as string);
  const createdIds = new Set(inserts.map((r) => r.id as string));
  return { created: inserts.length, updated, unchanged: updates.length - updated, ids, createdIds, changedIds };
}
