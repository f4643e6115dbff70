import { createRequire } from "node:module";
import type { Client } from "@hubspot/api-client";
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
import {
  allLinks,
  deleteLinks,
  findLinks,
  getCheckpoint,
  saveCheckpoint,
  writebackCounts,
} from "../store/repos/sync.js";
import { type CrmSettings, fieldProperty, loadSyncConfig } from "./config.js";
import { CrmRun, type Orphan, WriteBatch, writebackLine } from "./crm-run.js";
import { accountProperties, mapAccount, mapContact, mapRenewal, type Props } from "./mapping.js";
import { AuthFailed, type CallFailure, caller, parseRetryAfter } from "./retry.js";
import type { SyncOptions, SyncReport, SyncSource } from "./types.js";
import { noteText, riskTaskText } from "./write-back.js";

// HubSpot: owners -> members (by email), companies -> accounts, contacts (primary company) ->
// contacts, renewal deals -> renewals; then logged interactions (and, when asked, raised risks) are
// written back as notes (tasks) on the company. Every call goes through HubSpot's official client
// (@hubspot/api-client) with HUBSPOT_API_URL as its base path.

const SOURCE = "hubspot";
const PAGE = 100;
/** HubSpot's search returns at most 10,000 results per query: start a new query before that. */
const SEARCH_CAP = 9_900;
/** Records written per batch (ten pages): the per-statement cost, not the rows, dominated. */
const BATCH_ROWS = 1_000;
const CLOCK_MARGIN_MS = 5 * 60_000;
/** Note -> company and task -> company association types (HubSpot-defined). */
const NOTE_TO_COMPANY = 190;
const TASK_TO_COMPANY = 192;

type Rec = { id: string; properties: Props; updatedAt?: Date };
type ObjectType = "companies" | "contacts" | "deals";
const MODIFIED: Record<ObjectType, string> = {
  companies: "hs_lastmodifieddate",
  contacts: "lastmodifieddate",
  deals: "hs_lastmodifieddate",
};

interface ApiErrorShape {
  code?: unknown;
  headers?: Record<string, string>;
  body?: unknown;
  message?: string;
}

function describe(err: unknown): CallFailure {
  const e = (err ?? {}) as ApiErrorShape;
  if (typeof e.code === "number") {
    const h = Object.fromEntries(Object.entries(e.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const body = e.body as { message?: string; category?: string } | string | undefined;
    const msg = typeof body === "object" && body?.message ? body.message : `HTTP ${e.code}`;
    return {
      status: e.code,
      retryAfterS: parseRetryAfter(h["retry-after"]),
      message: `HubSpot answered ${e.code}: ${msg}`,
    };
  }
  // fetch's network failures (reset, refused, DNS): retried.
  const code = (e as { code?: unknown; errno?: unknown }).code ?? (e as { cause?: { code?: unknown } }).cause?.code;
  if (typeof code === "string" || /network|fetch failed|socket|ECONN|ETIMEDOUT/i.test(String(e.message)))
    return { message: `network error: ${e.message ?? code}` };
  return { status: 0, message: String(e.message ?? err) };
}

export class HubSpotSync {
  readonly client: Client;
  readonly calls: ReturnType<typeof caller>;
  readonly crm: CrmRun;
  private ownerMembers = new Map<string, string>();

  constructor(
    readonly ctx: AppContext,
    readonly settings: CrmSettings,
    readonly opts: SyncOptions,
    sleep?: (ms: number) => Promise<void>,
  ) {
    const hs = ctx.config.sync.hubspot;
    if (!hs) throw new Error("HubSpot is not configured (HUBSPOT_ACCESS_TOKEN)");
    // The client's own retry ignores Retry-After: ours does the retrying (src/sync/retry.ts).
    // Required here, not at the top: the SDK (~15 MB) is loaded only when HubSpot is configured.
    const { Client: HubSpot } = createRequire(import.meta.url)(
      "@hubspot/api-client",
    ) as typeof import("@hubspot/api-client");
    this.client = new HubSpot({ accessToken: hs.accessToken, basePath: hs.apiUrl, numberOfApiCallRetries: 0 });
    this.calls = caller({
      budget: settings.requestsPer10s,
      windowMs: 10_000,
      describe,
      sleep,
      // A private app token cannot be refreshed: say what to fix.
      onUnauthorized: async (f) => {
        throw new AuthFailed(
          `HubSpot refused HUBSPOT_ACCESS_TOKEN (401: ${f.message}): the token is wrong, rotated or revoked; create a new one in the private app and restart`,
        );
      },
    });
    this.crm = new CrmRun(ctx, SOURCE, opts, describe);
  }

  get report(): SyncReport {
    return this.crm.report;
  }

  async run(): Promise<SyncReport> {
    const runStart = this.ctx.now();
    if (this.opts.dryRun) await this.checkProperties();
    await this.syncOwners();
    await this.syncObject("companies", runStart, (page) => this.applyCompanies(page));
    await this.syncObject("contacts", runStart, (page) => this.applyContactsPage(page));
    await this.syncObject("deals", runStart, (page) => this.applyDeals(page));
    await this.crm.writeBack(this.settings.writeBack, {
      log: (item, marker) => this.createNote(item, marker),
      risk: (item, marker) => this.createTask(item, marker),
      find: (kind, marker) =>
        kind === "interaction"
          ? this.findByMarker("notes", "hs_note_body", marker)
          : this.findByMarker("tasks", "hs_task_body", marker),
    });
    return this.report;
  }

  /** Dry run: every mapped property the portal does not have (a typo, or a missing scope). */
  private async checkProperties() {
    const wanted: [ObjectType, string[]][] = [
      ["companies", [...accountProperties(this.settings), "hubspot_owner_id"]],
      [
        "contacts",
        [
          "email",
          "associatedcompanyid",
          ...[this.settings.contacts.role, this.settings.contacts.title]
            .filter((f) => f !== undefined)
            .map(fieldProperty),
        ],
      ],
      ["deals", ["amount", "closedate", "pipeline", "dealtype", "hs_is_closed_won", "hs_is_closed"]],
    ];
    for (const [type, props] of wanted) {
      const res = await this.calls.call(`list ${type} properties`, () =>
        this.client.crm.properties.coreApi.getAll(type, false),
      );
      const known = new Set(res.results.map((p) => p.name));
      for (const p of props) if (!known.has(p)) this.report.missing.push(`${type}.${p}`);
    }
  }

  private async syncOwners() {
    const emails = new Map<string, string>();
    let after: string | undefined;
    do {
      const res = await this.calls.call("list owners", () =>
        this.client.crm.owners.ownersApi.getPage(undefined, after, PAGE, false),
      );
      for (const o of res.results) if (o.email) emails.set(String(o.id), o.email.toLowerCase());
      after = res.paging?.next?.after;
    } while (after);
    const { byId, unmatched } = await this.crm.members("owners", emails);
    this.ownerMembers = byId;
    if (unmatched.length)
      this.report.notes.push(
        `${unmatched.length} HubSpot owner(s) have no Tend member with their email (their accounts stay unassigned): ${unmatched.slice(0, 5).join(", ")}${unmatched.length > 5 ? ", ..." : ""}`,
      );
  }

  private properties(type: ObjectType): string[] {
    const s = this.settings;
    if (type === "companies")
      return [...accountProperties(s), "hubspot_owner_id", "hs_merged_object_ids", MODIFIED.companies];
    if (type === "contacts")
      return [
        "firstname",
        "lastname",
        "email",
        "associatedcompanyid",
        MODIFIED.contacts,
        ...[s.contacts.role, s.contacts.title].filter((f) => f !== undefined).map(fieldProperty),
      ];
    return [
      "dealname",
      "amount",
      "closedate",
      "dealstage",
      "pipeline",
      "dealtype",
      "hs_is_closed_won",
      "hs_is_closed",
      MODIFIED.deals,
    ];
  }

  /**
   * Reads one object type page by page: everything (first run, --full) or what changed since the
   * checkpoint (search by last-modified, oldest first). The checkpoint moves after each written page.
   */
  private async syncObject(type: ObjectType, runStart: Date, apply: (page: Rec[]) => Promise<void>) {
    const checkpoint = await getCheckpoint(this.ctx.db, SOURCE, type);
    const since = checkpoint?.cursor ? new Date(checkpoint.cursor) : undefined;
    const props = this.properties(type);
    const counts = this.crm.counts(type);
    const pages = this.opts.dryRun ? 1 : Number.POSITIVE_INFINITY;
    let read = 0;
    if (this.opts.full || !since) {
      const seen = new Set<string>();
      const batch = new WriteBatch(BATCH_ROWS, apply);
      await batch.around(async () => {
        let after: string | undefined;
        do {
          const res = await this.calls.call(`list ${type}`, () =>
            this.client.crm[type].basicApi.getPage(PAGE, after, props, undefined, undefined, false),
          );
          const page = res.results as Rec[];
          for (const r of page) seen.add(r.id);
          counts.fetched += page.length;
          await batch.add(page);
          after = res.paging?.next?.after;
          read++;
        } while (after && read < pages);
      });
      if (this.opts.dryRun) return;
      if (type === "companies" && this.opts.full) await this.archiveMissing(seen);
      // Changes made while the listing ran are read again next time (idempotent), never lost; the
      // margin covers a clock a little ahead of HubSpot's.
      await saveCheckpoint(this.ctx.db, SOURCE, type, this.ctx.now(), {
        cursor: new Date(runStart.getTime() - CLOCK_MARGIN_MS).toISOString(),
        stats: { ...counts },
        success: true,
      });
      return;
    }
    let from = since;
    // Oldest first: once a batch is written, everything up to its newest record is.
    const batch = new WriteBatch(BATCH_ROWS, async (rows: Rec[]) => {
      await apply(rows);
      const newest = rows.reduce<Date | undefined>((m, r) => {
        const d = modifiedOf(r, MODIFIED[type]);
        return d && (!m || d > m) ? d : m;
      }, undefined);
      if (!this.opts.dryRun && newest)
        await saveCheckpoint(this.ctx.db, SOURCE, type, this.ctx.now(), { cursor: newest.toISOString() });
    });
    await batch.around(async () => {
      for (;;) {
        let after: string | undefined;
        let last = from;
        let restarted = false;
        do {
          const res = await this.calls.call(`search ${type}`, () =>
            this.client.crm[type].searchApi.doSearch({
              filterGroups: [
                // biome-ignore lint/suspicious/noExplicitAny: the client's enum type; HubSpot takes the string
                { filters: [{ propertyName: MODIFIED[type], operator: "GTE" as any, value: String(from.getTime()) }] },
              ],
              // The documented object form; the generated type says string.
              sorts: [{ propertyName: MODIFIED[type], direction: "ASCENDING" } as unknown as string],
              properties: props,
              limit: PAGE,
              after,
            }),
          );
          const page = res.results as Rec[];
          counts.fetched += page.length;
          await batch.add(page);
          for (const r of page) {
            const m = modifiedOf(r, MODIFIED[type]);
            if (m && m > last) last = m;
          }
          read++;
          after = res.paging?.next?.after;
          if (after && Number(after) >= SEARCH_CAP && last > from) {
            from = last;
            restarted = true;
            break;
          }
        } while (after && read < pages);
        if (!restarted || read >= pages) break;
      }
    });
    if (!this.opts.dryRun)
      await saveCheckpoint(this.ctx.db, SOURCE, type, this.ctx.now(), { stats: { ...counts }, success: true });
  }

  private sort<T>(
    object: string,
    page: Rec[],
    map: (r: Rec) => { ok: true; values: T } | { ok: false; reason: string },
  ) {
    return this.crm.sort(
      object,
      page,
      (r) => r.id,
      (r) => r.properties,
      map,
    );
  }

  private async applyCompanies(page: Rec[]) {
    const good = await this.sort("companies", page, (r) => mapAccount(r.properties, this.settings));
    if (!good.length) return;
    const ids = good.map((g) => g.rec.id);
    const merged = new Map<string, string>(); // merged-away id -> survivor id
    for (const g of good)
      for (const m of String(g.rec.properties.hs_merged_object_ids ?? "")
        .split(";")
        .map((s) => s.trim())
        .filter(Boolean))
        merged.set(m, g.rec.id);
    const links = await findLinks(this.ctx.db, SOURCE, "account", [...ids, ...merged.keys()]);
    // A survivor not linked yet takes over the account of a company merged into it (history kept);
    // one that has an account already receives the merged account's history after the write.
    const takeOver = new Map<string, string>();
    for (const [gone, survivor] of merged) {
      const local = links.get(gone);
      if (local && !links.has(survivor) && !takeOver.has(survivor)) takeOver.set(survivor, local);
    }
    const unlinked = good.filter((g) => !links.has(g.rec.id) && !takeOver.has(g.rec.id));
    const matched = await matchAccounts(
      this.ctx.db,
      SOURCE,
      unlinked.map((g) => ({ externalId: g.rec.id, matchId: g.values.matchId, domain: g.values.domain })),
    );
    const rows: AccountInput[] = good.map((g) => {
      const { matchId: _m, ...values } = g.values;
      const owner = g.rec.properties.hubspot_owner_id;
      return {
        externalId: g.rec.id,
        localId: links.get(g.rec.id) ?? takeOver.get(g.rec.id) ?? matched.get(g.rec.id),
        ownerId: owner ? (this.ownerMembers.get(String(owner)) ?? null) : null,
        values,
      };
    });
    if (!(await this.crm.accounts("companies", rows, matched, "HubSpot companies"))) return;
    await this.crm.merge("companies", merged, "HubSpot company");
    const survivorsTook = [...takeOver.keys()].filter((s) => ids.includes(s));
    if (survivorsTook.length)
      await deleteLinks(
        this.ctx.db,
        SOURCE,
        "account",
        [...merged.entries()].filter(([, s]) => survivorsTook.includes(s)).map(([gone]) => gone),
      );
  }

  /** --full: accounts whose company is gone from HubSpot (deleted or merged away) are archived. */
  private async archiveMissing(seen: Set<string>) {
    const links = await allLinks(this.ctx.db, SOURCE, "account");
    const alive = new Set(links.filter((l) => seen.has(l.externalId)).map((l) => l.localId));
    const gone = links.filter((l) => !seen.has(l.externalId) && !alive.has(l.localId));
    await this.crm.archive(
      "companies",
      gone.map((l) => ({ id: l.localId, note: `deleted in HubSpot (company ${l.externalId})` })),
    );
  }

  private async applyContactsPage(page: Rec[]) {
    const good = await this.sort("contacts", page, (r) =>
      mapContact(r.properties, this.settings, { first: "firstname", last: "lastname", email: "email" }),
    );
    const withCompany = good.filter((g) => g.rec.properties.associatedcompanyid);
    const companies = await findLinks(
      this.ctx.db,
      SOURCE,
      "account",
      withCompany.map((g) => String(g.rec.properties.associatedcompanyid)),
    );
    const rows: ContactInput[] = [];
    const orphans: Orphan[] = [];
    for (const g of withCompany) {
      const company = String(g.rec.properties.associatedcompanyid);
      const accountId = companies.get(company);
      if (accountId) rows.push({ externalId: g.rec.id, accountId, values: g.values });
      else if (!this.opts.dryRun || !companies.size)
        orphans.push({
          externalId: g.rec.id,
          reason: `company ${company} is not synced (quarantined or outside the sync)`,
          payload: g.rec.properties,
        });
    }
    if (this.opts.dryRun) {
      for (const r of rows)
        this.crm.preview(
          "contacts",
          `${r.externalId}: ${r.values.name} <${r.values.email ?? ""}> ${r.values.role ?? "user"}`,
        );
      return;
    }
    await this.crm.hold("contacts", orphans);
    // Contacts with no company are not customer contacts: read, not written.
    this.crm.counts("contacts").unchanged += good.length - withCompany.length;
    this.crm.wrote("contacts", await applyContacts(this.ctx.db, SOURCE, rows));
  }

  private isRenewal(r: Rec): boolean {
    const { pipeline, type } = this.settings.renewals;
    if (pipeline !== null && String(r.properties.pipeline ?? "") !== pipeline) return false;
    if (type !== null && String(r.properties.dealtype ?? "") !== type) return false;
    return true;
  }

  private async applyDeals(page: Rec[]) {
    const renewals = page.filter((r) => this.isRenewal(r));
    this.crm.counts("deals").unchanged += page.length - renewals.length; // other deals: not renewals, nothing to write
    const good = await this.sort("deals", renewals, (r) =>
      mapRenewal({
        closeDate: r.properties.closedate,
        amount: r.properties.amount,
        won: r.properties.hs_is_closed_won === "true",
        lost: r.properties.hs_is_closed === "true" && r.properties.hs_is_closed_won !== "true",
      }),
    );
    if (!good.length) return;
    const companyOf = new Map<string, string>();
    // One association read per page of deals, as HubSpot's batch takes (a write batch holds several).
    for (let i = 0; i < good.length; i += PAGE) {
      const assoc = await this.calls.call("read deal companies", () =>
        this.client.crm.associations.v4.batchApi.getPage("deals", "companies", {
          inputs: good.slice(i, i + PAGE).map((g) => ({ id: g.rec.id })),
        }),
      );
      for (const r of assoc.results) {
        const to = r.to[0];
        if (to) companyOf.set(String(r._from.id), String(to.toObjectId));
      }
    }
    const accounts = await findLinks(this.ctx.db, SOURCE, "account", [...companyOf.values()]);
    const rows: RenewalInput[] = [];
    const orphans: Orphan[] = [];
    for (const g of good) {
      const company = companyOf.get(g.rec.id);
      const accountId = company ? accounts.get(company) : undefined;
      if (accountId) rows.push({ externalId: g.rec.id, accountId, values: g.values });
      else
        orphans.push({
          externalId: g.rec.id,
          reason: company ? `company ${company} is not synced` : "no company associated",
          payload: g.rec.properties,
        });
    }
    if (this.opts.dryRun) {
      for (const r of rows)
        this.crm.preview(
          "deals",
          `${r.externalId}: renewal due ${r.values.dueDate}, ${r.values.arr}, ${r.values.status}`,
        );
      return;
    }
    await this.crm.hold("deals", orphans);
    this.crm.wrote("deals", await applyRenewals(this.ctx.db, SOURCE, rows));
  }

  private async findByMarker(object: "notes" | "tasks", prop: string, marker: string): Promise<string | undefined> {
    const res = await this.calls.call(`search ${object}`, () =>
      this.client.crm.objects[object].searchApi.doSearch({
        // biome-ignore lint/suspicious/noExplicitAny: the client's enum type; HubSpot takes the string
        filterGroups: [{ filters: [{ propertyName: prop, operator: "CONTAINS_TOKEN" as any, value: marker }] }],
        properties: [prop],
        limit: 1,
      }),
    );
    return res.results[0]?.id;
  }

  private async createNote(i: InteractionToWrite, marker: string) {
    const res = await this.calls.call(
      "create note",
      () =>
        this.client.crm.objects.notes.basicApi.create({
          properties: { hs_timestamp: i.occurredAt.toISOString(), hs_note_body: noteText(i, marker) },
          associations: [
            {
              to: { id: i.remoteAccountId },
              // biome-ignore lint/suspicious/noExplicitAny: the client's enum type; HubSpot takes the string
              types: [{ associationCategory: "HUBSPOT_DEFINED" as any, associationTypeId: NOTE_TO_COMPANY }],
            },
          ],
        }),
      true,
    );
    return res.id;
  }

  private async createTask(r: RiskToWrite, marker: string) {
    const t = riskTaskText(r, marker);
    const res = await this.calls.call(
      "create task",
      () =>
        this.client.crm.objects.tasks.basicApi.create({
          properties: {
            hs_timestamp: this.ctx.now().toISOString(),
            hs_task_subject: t.subject,
            hs_task_body: t.body,
            hs_task_status: "NOT_STARTED",
            hs_task_priority: r.severity === "high" ? "HIGH" : r.severity === "medium" ? "MEDIUM" : "LOW",
          },
          associations: [
            {
              to: { id: r.remoteAccountId },
              // biome-ignore lint/suspicious/noExplicitAny: the client's enum type; HubSpot takes the string
              types: [{ associationCategory: "HUBSPOT_DEFINED" as any, associationTypeId: TASK_TO_COMPANY }],
            },
          ],
        }),
      true,
    );
    return res.id;
  }
}

function modifiedOf(r: Rec, prop: string): Date | undefined {
  const v = r.properties[prop];
  if (v !== undefined && v !== null) {
    const d = /^\d+$/.test(String(v)) ? new Date(Number(v)) : new Date(String(v));
    if (!Number.isNaN(d.getTime())) return d;
  }
  return r.updatedAt instanceof Date ? r.updatedAt : undefined;
}

export const hubspotSource: SyncSource = {
  name: SOURCE,
  configured: (config) => Boolean(config.sync.hubspot),
  async run(ctx, opts) {
    const settings = (await loadSyncConfig(ctx.config.sync.configFile)).hubspot;
    return new HubSpotSync(ctx, settings, opts).run();
  },
  async status(ctx) {
    return writebackLine(await writebackCounts(ctx.db, SOURCE));
  },
};
