import { createRequire } from "node:module";
import type jsforce from "jsforce";
import type { AppContext } from "../context.js";
import {
  type AccountInput,
  applyContacts,
  applyRenewals,
  type ContactInput,
  type InteractionToWrite,
  matchAccounts,
  type RenewalInput,
  type RiskToWrite,
} from "../store/repos/crm.js";
import { allLinks, findLinks, getCheckpoint, saveCheckpoint, writebackCounts } from "../store/repos/sync.js";
import { type CrmSettings, fieldProperty, loadSyncConfig } from "./config.js";
import { CrmRun, type Orphan, writebackLine } from "./crm-run.js";
import { accountProperties, mapAccount, mapContact, mapRenewal, type Props } from "./mapping.js";
import { AuthFailed, type CallFailure, caller } from "./retry.js";
import type { SyncOptions, SyncReport, SyncSource } from "./types.js";
import { noteSubject, noteText, riskTaskText } from "./write-back.js";

// Salesforce: User -> members (by email), Account -> accounts, Contact -> contacts, Opportunity of
// the renewal type -> renewals (IsWon / IsClosed give the outcome). SOQL through jsforce, paged with
// query-more; incremental by LastModifiedDate. Logged interactions are written back as completed
// Tasks on the account, raised risks (when asked) as open Tasks.

const SOURCE = "salesforce";
const CLOCK_MARGIN_MS = 5 * 60_000;

type Rec = Props & { Id: string };
interface Page {
  records: Rec[];
  done: boolean;
  nextRecordsUrl?: string;
}

function describe(err: unknown): CallFailure {
  const e = (err ?? {}) as { errorCode?: string; message?: string; code?: string };
  const code = e.errorCode ?? "";
  const http = /^ERROR_HTTP_(\d{3})$/.exec(code);
  // jsforce meets a 401 by refreshing, which client credentials cannot ("No refresh token found").
  if (code === "INVALID_SESSION_ID" || /Unable to refresh session/i.test(String(e.message)))
    return { status: 401, message: `Salesforce: ${e.message}` };
  if (http) return { status: Number(http[1]), message: `Salesforce answered ${http[1]}` };
  if (code === "SERVER_UNAVAILABLE" || code === "UNABLE_TO_LOCK_ROW")
    return { status: 503, message: `Salesforce: ${e.message}` };
  if (code) return { status: 400, message: `Salesforce: ${code}: ${e.message}` };
  if (typeof e.code === "string" || /fetch failed|socket|network|ECONN|ETIMEDOUT/i.test(String(e.message)))
    return { message: `network error: ${e.message ?? e.code}` };
  return { status: 0, message: String(e.message ?? err) };
}

/** A SOQL date-time literal (unquoted, as SOQL wants it for date-time fields). */
const soqlTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
const soqlString = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** jsforce (~40 MB of memory), required only when Salesforce is configured. */
const sdk = () => createRequire(import.meta.url)("jsforce") as typeof jsforce;

export class SalesforceSync {
  readonly conn: jsforce.Connection;
  readonly calls: ReturnType<typeof caller>;
  readonly crm: CrmRun;
  private userMembers = new Map<string, string>();

  constructor(
    readonly ctx: AppContext,
    readonly settings: CrmSettings,
    readonly opts: SyncOptions,
    sleep?: (ms: number) => Promise<void>,
  ) {
    const sf = ctx.config.sync.salesforce;
    if (!sf) throw new Error("Salesforce is not configured");
    this.conn = sf.clientId
      ? new (sdk().Connection)({
          version: sf.version,
          oauth2: { loginUrl: sf.loginUrl, clientId: sf.clientId, clientSecret: sf.clientSecret },
          ...(sf.instanceUrl ? { instanceUrl: sf.instanceUrl } : {}),
        })
      : new (sdk().Connection)({ version: sf.version, instanceUrl: sf.instanceUrl, accessToken: sf.accessToken });
    this.calls = caller({
      budget: settings.requestsPer10s,
      windowMs: 10_000,
      describe,
      sleep,
      // Client credentials have no refresh token: after a 401, authorize again; a given token is reported.
      onUnauthorized: async (f) => {
        if (!sf.clientId)
          throw new AuthFailed(
            `Salesforce refused SALESFORCE_ACCESS_TOKEN (${f.message}): the session expired or was revoked; set a new token, or use SALESFORCE_CLIENT_ID/SECRET so Tend can renew it`,
          );
        await this.authorize();
      },
    });
    this.crm = new CrmRun(ctx, SOURCE, opts, describe);
  }

  get report(): SyncReport {
    return this.crm.report;
  }

  private async authorize() {
    try {
      await this.conn.authorize({ grant_type: "client_credentials" });
    } catch (err) {
      throw new AuthFailed(
        `Salesforce refused the client credentials (${(err as Error).message}): check SALESFORCE_CLIENT_ID/SECRET, the connected app's client credentials flow and its run-as user`,
      );
    }
  }

  async run(): Promise<SyncReport> {
    const runStart = this.ctx.now();
    if (this.ctx.config.sync.salesforce?.clientId && !this.ctx.config.sync.salesforce.accessToken)
      await this.authorize();
    if (this.opts.dryRun) await this.checkFields();
    await this.syncUsers();
    await this.syncObject("Account", this.accountFields(), runStart, (p) => this.applyAccountsPage(p));
    await this.syncObject(
      "Contact",
      ["Id", "FirstName", "LastName", "Email", "AccountId", "LastModifiedDate", ...this.contactFields()],
      runStart,
      (p) => this.applyContactsPage(p),
    );
    const { type } = this.settings.renewals;
    await this.syncObject(
      "Opportunity",
      ["Id", "AccountId", "Amount", "CloseDate", "Type", "IsClosed", "IsWon", "LastModifiedDate"],
      runStart,
      (p) => this.applyOpportunities(p),
      type ? `Type = ${soqlString(type)}` : undefined,
    );
    await this.crm.writeBack(this.settings.writeBack, {
      log: (i, marker) => this.createTask(logTask(i, marker)),
      risk: (r, marker) => this.createTask(riskTask(r, marker)),
      find: async (_kind, marker) => {
        const found = await this.soql(
          "find task",
          `SELECT Id FROM Task WHERE Subject LIKE ${soqlString(`%[${marker}]`)} LIMIT 1`,
        );
        return found.records[0]?.Id;
      },
    });
    return this.report;
  }

  private accountFields() {
    return [...new Set(["Id", "OwnerId", "LastModifiedDate", ...accountProperties(this.settings)])];
  }

  private contactFields() {
    const c = this.settings.contacts;
    return [c.role, c.title].filter((f) => f !== undefined).map(fieldProperty);
  }

  private async checkFields() {
    for (const [object, fields] of [
      ["Account", this.accountFields()],
      ["Contact", ["Email", "AccountId", ...this.contactFields()]],
      ["Opportunity", ["Amount", "CloseDate", "Type", "IsClosed", "IsWon"]],
    ] as const) {
      const d = await this.calls.call(`describe ${object}`, () => this.conn.sobject(object).describe());
      const known = new Set(d.fields.map((f) => f.name));
      for (const f of fields) if (!known.has(f)) this.report.missing.push(`${object}.${f}`);
    }
  }

  /** One SOQL query's first page; `all` includes deleted and merged records (queryAll). */
  private soql(what: string, q: string, all = false): Promise<Page> {
    return this.calls.call(
      what,
      async () => (await this.conn.query(q, { autoFetch: false, scanAll: all })) as unknown as Page,
    );
  }

  /** One SOQL query, every page (query-more through nextRecordsUrl). */
  private async *pages(soql: string, limitPages: number): AsyncGenerator<Rec[]> {
    let res = await this.soql("query", soql);
    let n = 0;
    for (;;) {
      yield res.records;
      n++;
      if (res.done || !res.nextRecordsUrl || n >= limitPages) return;
      const next = res.nextRecordsUrl;
      res = await this.calls.call(
        "query more",
        async () => (await this.conn.queryMore(next, { autoFetch: false } as never)) as unknown as Page,
      );
    }
  }

  private async syncUsers() {
    const emails = new Map<string, string>();
    for await (const page of this.pages("SELECT Id, Email FROM User WHERE IsActive = true", Number.POSITIVE_INFINITY))
      for (const u of page) if (u.Email) emails.set(u.Id, String(u.Email).toLowerCase());
    const { byId, unmatched } = await this.crm.members("users", emails);
    this.userMembers = byId;
    if (unmatched.length)
      this.report.notes.push(`${unmatched.length} Salesforce user(s) have no Tend member with their email`);
  }

  private async syncObject(
    object: string,
    fields: string[],
    runStart: Date,
    apply: (page: Rec[]) => Promise<void>,
    where?: string,
  ) {
    const checkpoint = await getCheckpoint(this.ctx.db, SOURCE, object);
    const since = checkpoint?.cursor && !this.opts.full ? new Date(checkpoint.cursor) : undefined;
    const conds = [where, since ? `LastModifiedDate >= ${soqlTime(since)}` : undefined].filter(Boolean);
    const soql = `SELECT ${[...new Set(fields)].join(", ")} FROM ${object}${conds.length ? ` WHERE ${conds.join(" AND ")}` : ""} ORDER BY LastModifiedDate, Id`;
    const counts = this.crm.counts(object);
    const seen = new Set<string>();
    let last = since;
    for await (const page of this.pages(soql, this.opts.dryRun ? 1 : Number.POSITIVE_INFINITY)) {
      counts.fetched += page.length;
      for (const r of page) seen.add(r.Id);
      await apply(page);
      if (this.opts.dryRun) return;
      for (const r of page) {
        const m = r.LastModifiedDate ? new Date(String(r.LastModifiedDate)) : undefined;
        if (m && (!last || m > last)) last = m;
      }
      // Oldest first: everything up to `last` is written.
      if (since && last)
        await saveCheckpoint(this.ctx.db, SOURCE, object, this.ctx.now(), { cursor: last.toISOString() });
    }
    if (this.opts.dryRun) return;
    if (object === "Account" && this.opts.full) await this.archiveMissing(seen);
    else if (object === "Account" && since) await this.mergedSince(since);
    await saveCheckpoint(this.ctx.db, SOURCE, object, this.ctx.now(), {
      ...(since ? {} : { cursor: new Date(runStart.getTime() - CLOCK_MARGIN_MS).toISOString() }),
      stats: { ...counts },
      success: true,
    });
  }

  private sort<T>(
    object: string,
    page: Rec[],
    map: (r: Rec) => { ok: true; values: T } | { ok: false; reason: string },
  ) {
    return this.crm.sort(object, page, (r) => r.Id, strip, map);
  }

  private async applyAccountsPage(page: Rec[]) {
    const good = await this.sort("Account", page, (r) => mapAccount(r, this.settings));
    if (!good.length) return;
    const links = await findLinks(
      this.ctx.db,
      SOURCE,
      "account",
      good.map((g) => g.rec.Id),
    );
    const matched = await matchAccounts(
      this.ctx.db,
      SOURCE,
      good
        .filter((g) => !links.has(g.rec.Id))
        .map((g) => ({ externalId: g.rec.Id, matchId: g.values.matchId, domain: g.values.domain })),
    );
    const rows: AccountInput[] = good.map((g) => {
      const { matchId: _m, ...values } = g.values;
      return {
        externalId: g.rec.Id,
        localId: links.get(g.rec.Id) ?? matched.get(g.rec.Id),
        ownerId: g.rec.OwnerId ? (this.userMembers.get(String(g.rec.OwnerId)) ?? null) : null,
        values,
      };
    });
    if (!(await this.crm.accounts("Account", rows, matched, "Salesforce accounts"))) return;
  }

  /** Incremental: accounts merged away since the checkpoint (deleted, naming their master). */
  private async mergedSince(since: Date) {
    const res = await this.soql(
      "query merged accounts",
      `SELECT Id, MasterRecordId FROM Account WHERE IsDeleted = true AND MasterRecordId != null AND LastModifiedDate >= ${soqlTime(since)}`,
      true,
    );
    const masters = new Map(res.records.map((r) => [r.Id, String(r.MasterRecordId)]));
    await this.crm.merge("Account", masters, "Salesforce account");
  }

  /** --full: accounts gone from Salesforce are archived; a merge names the surviving account. */
  private async archiveMissing(seen: Set<string>) {
    const links = await allLinks(this.ctx.db, SOURCE, "account");
    const gone = links.filter((l) => !seen.has(l.externalId));
    if (!gone.length) return;
    const masters = new Map<string, string>();
    const ids = gone.map((g) => soqlString(g.externalId)).join(", ");
    // Deleted and merged records stay queryable (queryAll) for a while: a merge names its master.
    const res = await this.soql(
      "query deleted accounts",
      `SELECT Id, MasterRecordId FROM Account WHERE IsDeleted = true AND Id IN (${ids})`,
      true,
    );
    for (const r of res.records) if (r.MasterRecordId) masters.set(r.Id, String(r.MasterRecordId));
    // A merge hands the account's history to the master's account (when synced) and archives it.
    await this.crm.merge("Account", masters, "Salesforce account");
    const alive = new Set(links.filter((l) => seen.has(l.externalId)).map((l) => l.localId));
    await this.crm.archive(
      "Account",
      gone
        .filter((l) => !alive.has(l.localId))
        .map((l) => ({
          id: l.localId,
          note: masters.has(l.externalId)
            ? `merged into Salesforce account ${masters.get(l.externalId)}`
            : `deleted in Salesforce (account ${l.externalId})`,
        })),
    );
  }

  private async applyContactsPage(page: Rec[]) {
    const good = await this.sort("Contact", page, (r) =>
      mapContact(r, this.settings, { first: "FirstName", last: "LastName", email: "Email" }),
    );
    const accounts = await findLinks(
      this.ctx.db,
      SOURCE,
      "account",
      good.filter((g) => g.rec.AccountId).map((g) => String(g.rec.AccountId)),
    );
    const rows: ContactInput[] = [];
    for (const g of good) {
      const accountId = g.rec.AccountId ? accounts.get(String(g.rec.AccountId)) : undefined;
      if (accountId) rows.push({ externalId: g.rec.Id, accountId, values: g.values });
    }
    if (this.opts.dryRun) {
      for (const r of rows) this.crm.preview("Contact", `${r.externalId}: ${r.values.name} <${r.values.email ?? ""}>`);
      return;
    }
    this.crm.counts("Contact").unchanged += good.length - rows.length; // no account, or one outside the sync
    this.crm.wrote("Contact", await applyContacts(this.ctx.db, SOURCE, rows));
  }

  private async applyOpportunities(page: Rec[]) {
    const good = await this.sort("Opportunity", page, (r) =>
      mapRenewal({
        closeDate: r.CloseDate,
        amount: r.Amount,
        won: r.IsWon === true,
        lost: r.IsClosed === true && r.IsWon !== true,
      }),
    );
    const accounts = await findLinks(
      this.ctx.db,
      SOURCE,
      "account",
      good.filter((g) => g.rec.AccountId).map((g) => String(g.rec.AccountId)),
    );
    const rows: RenewalInput[] = [];
    const orphans: Orphan[] = [];
    for (const g of good) {
      const accountId = g.rec.AccountId ? accounts.get(String(g.rec.AccountId)) : undefined;
      if (accountId) rows.push({ externalId: g.rec.Id, accountId, values: g.values });
      else
        orphans.push({
          externalId: g.rec.Id,
          reason: g.rec.AccountId ? `account ${g.rec.AccountId} is not synced` : "no account",
          payload: strip(g.rec),
        });
    }
    if (this.opts.dryRun) {
      for (const r of rows)
        this.crm.preview(
          "Opportunity",
          `${r.externalId}: renewal due ${r.values.dueDate}, ${r.values.arr}, ${r.values.status}`,
        );
      return;
    }
    await this.crm.hold("Opportunity", orphans);
    this.crm.wrote("Opportunity", await applyRenewals(this.ctx.db, SOURCE, rows));
  }

  private async createTask(task: Record<string, unknown>): Promise<string> {
    const res = await this.calls.call("create task", () => this.conn.sobject("Task").create(task), true);
    if (!res.success) throw new Error(`Salesforce refused the task: ${JSON.stringify(res.errors)}`);
    return res.id;
  }
}

/** A logged interaction as a completed Task on the account (the marker in the subject finds it again). */
function logTask(i: InteractionToWrite, marker: string) {
  return {
    WhatId: i.remoteAccountId,
    Subject: `${noteSubject(i)} [${marker}]`,
    Description: noteText(i, marker, true),
    Status: "Completed",
    ActivityDate: i.occurredAt.toISOString().slice(0, 10),
  };
}

function riskTask(r: RiskToWrite, marker: string) {
  const t = riskTaskText(r, marker, true);
  return {
    WhatId: r.remoteAccountId,
    Subject: `${t.subject} [${marker}]`,
    Description: t.body,
    Status: "Not Started",
    Priority: r.severity === "high" ? "High" : "Normal",
  };
}

function strip(r: Rec): Props {
  const { attributes: _a, ...rest } = r as Rec & { attributes?: unknown };
  return rest;
}

export const salesforceSource: SyncSource = {
  name: SOURCE,
  configured: (config) => Boolean(config.sync.salesforce),
  async run(ctx, opts) {
    const settings = (await loadSyncConfig(ctx.config.sync.configFile)).salesforce;
    return new SalesforceSync(ctx, settings, opts).run();
  },
  async status(ctx) {
    const lines: string[] = [];
    lines.push(...writebackLine(await writebackCounts(ctx.db, SOURCE)));
    const settings = (await loadSyncConfig(ctx.config.sync.configFile)).salesforce;
    const sf = new SalesforceSync(ctx, settings, { dryRun: true, full: false });
    if (ctx.config.sync.salesforce?.clientId && !ctx.config.sync.salesforce.accessToken) await sf["authorize"]();
    const limits = await sf.calls.call("limits", () => sf.conn.limits());
    const daily = limits.DailyApiRequests;
    if (daily)
      lines.push(`API requests today: ${daily.Max - daily.Remaining} of ${daily.Max} used (${daily.Remaining} left)`);
    return lines;
  },
};
