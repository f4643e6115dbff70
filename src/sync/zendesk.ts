import { z } from "zod";
import type { Config } from "../config/env.js";
import type { AppContext } from "../context.js";
import {
  markTicketsDeleted,
  matchOrganizations,
  supportStatus,
  type TicketRow,
  upsertTickets,
} from "../store/repos/support.js";
import { getCheckpoint, saveCheckpoint } from "../store/repos/sync.js";
import { emptyCounts, emptyReport, type SyncOptions, type SyncReport, type SyncSource } from "./types.js";

// Zendesk tickets through the cursor-based incremental ticket export
// (GET /api/v2/incremental/tickets/cursor.json), organizations and ticket metrics sideloaded. The
// cursor is saved after every page written, so an interrupted run resumes where it stopped; 429s are
// waited out as Retry-After says. Tickets of organizations no account matches are counted, not kept.

export const ZENDESK = "zendesk";
const OBJECT = "tickets";
/** The longest wait for a rate limit before the run stops (and the next resumes from the cursor). */
const MAX_WAIT_S = 120;
const MAX_RATE_LIMITS = 5;

const id = z.union([z.number(), z.string()]).transform((v) => String(v));
const TicketSchema = z
  .object({
    id,
    subject: z.string().nullable().optional(),
    status: z.string(),
    priority: z.string().nullable().optional(),
    organization_id: id.nullable().optional(),
    created_at: z.string(),
    updated_at: z.string(),
    satisfaction_rating: z.object({ score: z.string().nullable().optional() }).passthrough().nullable().optional(),
  })
  .passthrough();
const OrgSchema = z
  .object({
    id,
    name: z.string().nullable().optional(),
    external_id: z.union([z.string(), z.number()]).nullable().optional(),
    domain_names: z.array(z.string()).nullable().optional(),
  })
  .passthrough();
const MetricSchema = z
  .object({
    ticket_id: id,
    reopens: z.number().nullable().optional(),
    solved_at: z.string().nullable().optional(),
  })
  .passthrough();
const PageSchema = z.object({
  tickets: z.array(z.unknown()),
  organizations: z.array(z.unknown()).optional(),
  metric_sets: z.array(z.unknown()).optional(),
  after_cursor: z.string().nullable().optional(),
  end_of_stream: z.boolean(),
});

export class ZendeskError extends Error {}

function authHeader(config: NonNullable<Config["zendesk"]>) {
  return `Basic ${Buffer.from(`${config.email}/token:${config.apiToken}`).toString("base64")}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One page of the export, waiting out 429s (Retry-After) a few times. */
async function fetchPage(config: NonNullable<Config["zendesk"]>, params: URLSearchParams, notes: string[]) {
  const url = `${config.apiUrl}/api/v2/incremental/tickets/cursor.json?${params}`;
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, {
      headers: { authorization: authHeader(config), accept: "application/json" },
      signal: AbortSignal.timeout(60_000),
    });
    if (res.status === 429 && attempt < MAX_RATE_LIMITS) {
      const wait = Math.min(MAX_WAIT_S, Math.max(1, Number(res.headers.get("retry-after") ?? 60) || 60));
      notes.push(`rate limited by Zendesk: waited ${wait} s`);
      await res.arrayBuffer();
      await sleep(wait * 1000);
      continue;
    }
    if (!res.ok) {
      const hint =
        res.status === 401 || res.status === 403
          ? " (check ZENDESK_EMAIL and ZENDESK_API_TOKEN, and that token access is on)"
          : "";
      throw new ZendeskError(`Zendesk answered ${res.status}${hint}`);
    }
    const parsed = PageSchema.safeParse(await res.json());
    if (!parsed.success) throw new ZendeskError("Zendesk's export page is not in the expected shape");
    return parsed.data;
  }
}

const OPEN = new Set(["new", "open", "pending", "hold"]);

export const zendeskSource: SyncSource = {
  name: ZENDESK,
  configured: (config) => Boolean(config.zendesk),
  async run(ctx: AppContext, opts: SyncOptions): Promise<SyncReport> {
    const config = ctx.config.zendesk;
    if (!config) throw new ZendeskError("Zendesk is not configured");
    const report = emptyReport(ZENDESK, opts);
    const counts = emptyCounts();
    report.objects[OBJECT] = counts;
    const checkpoint = opts.full ? undefined : await getCheckpoint(ctx.db, ZENDESK, OBJECT);
    let cursor = checkpoint?.cursor ?? null;
    let unmatched = 0;
    let deleted = 0;
    for (;;) {
      const params = new URLSearchParams({ include: "organizations,metric_sets" });
      if (cursor) params.set("cursor", cursor);
      else params.set("start_time", "0");
      const page = await fetchPage(config, params, report.notes);
      const orgs = (page.organizations ?? []).flatMap((o) => {
        const r = OrgSchema.safeParse(o);
        return r.success ? [r.data] : [];
      });
      const metrics = new Map<string, z.infer<typeof MetricSchema>>();
      for (const m of page.metric_sets ?? []) {
        const r = MetricSchema.safeParse(m);
        if (r.success) metrics.set(r.data.ticket_id, r.data);
      }
      const accounts = await matchOrganizations(
        ctx.db,
        orgs.map((o) => ({
          id: o.id,
          externalId: o.external_id == null ? null : String(o.external_id),
          domains: o.domain_names ?? [],
        })),
      );
      const rows: TicketRow[] = [];
      const gone: string[] = [];
      for (const raw of page.tickets) {
        counts.fetched++;
        const t = TicketSchema.safeParse(raw);
        if (!t.success) {
          counts.quarantined++;
          continue;
        }
        const ticket = t.data;
        if (ticket.status === "deleted") {
          gone.push(ticket.id);
          continue;
        }
        const accountId = ticket.organization_id ? accounts.get(ticket.organization_id) : undefined;
        if (!accountId) {
          unmatched++;
          continue;
        }
        const m = metrics.get(ticket.id);
        const score = ticket.satisfaction_rating?.score;
        rows.push({
          externalId: ticket.id,
          accountId,
          subject: (ticket.subject ?? "").slice(0, 500),
          status: ticket.status,
          priority: ticket.priority ?? null,
          openedAt: new Date(ticket.created_at),
          updatedAt: new Date(ticket.updated_at),
          solvedAt: m?.solved_at ? new Date(m.solved_at) : OPEN.has(ticket.status) ? null : new Date(ticket.updated_at),
          reopens: m?.reopens ?? 0,
          csat: score === "good" || score === "bad" ? score : null,
        });
      }
      if (opts.dryRun) {
        for (const r of rows.slice(0, 5 - report.preview.length))
          report.preview.push(`#${r.externalId} ${r.status}${r.priority ? ` ${r.priority}` : ""}: ${r.subject}`);
      } else {
        const w = await upsertTickets(ctx.db, ZENDESK, rows);
        counts.created += w.created;
        counts.updated += w.updated;
        counts.unchanged += w.unchanged;
        const d = await markTicketsDeleted(ctx.db, ZENDESK, gone);
        counts.archived += d;
        deleted += gone.length;
        // Progress is kept page by page: a stopped run resumes after the last page written.
        if (page.after_cursor)
          await saveCheckpoint(ctx.db, ZENDESK, OBJECT, ctx.now(), { cursor: page.after_cursor, success: false });
      }
      cursor = page.after_cursor ?? cursor;
      if (page.end_of_stream || !page.after_cursor) break;
    }
    if (!opts.dryRun)
      await saveCheckpoint(ctx.db, ZENDESK, OBJECT, ctx.now(), {
        success: true,
        stats: { fetched: counts.fetched, unmatched, deleted },
      });
    if (unmatched)
      report.notes.push(
        `${unmatched} ticket${unmatched === 1 ? "" : "s"} of organizations no account matches (set the organization's external id to the account's CRM id, or its domain)`,
      );
    return report;
  },
  async status(ctx: AppContext): Promise<string[]> {
    const s = await supportStatus(ctx.db, ZENDESK);
    const lag = s.lastTicketUpdatedAt
      ? Math.round((ctx.now().getTime() - s.lastTicketUpdatedAt.getTime()) / 60_000)
      : null;
    return [
      `${s.tickets} tickets kept, ${s.open} open; last ticket seen ${s.lastTicketUpdatedAt ? `${s.lastTicketUpdatedAt.toISOString().replace(/\.\d{3}Z$/, "Z")} (${lag} min ago)` : "never"}`,
    ];
  },
};
