import type { Db } from "../db.js";

// Support tickets (Zendesk): which account an organization is, the tickets as the desk last said, and
// what the health engine, the brief and the nudges read of them.

export interface OrgRef {
  id: string;
  externalId: string | null;
  domains: string[];
}

/** Organization id -> account id: by the organization's external id (the CRM id), else one of its domains. */
export async function matchOrganizations(db: Db, orgs: readonly OrgRef[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!orgs.length) return out;
  const { rows } = await db.pool.query<{ org: string; account: string }>(
    `SELECT DISTINCT ON (o.id) o.id AS org, a.id AS account
     FROM jsonb_to_recordset($1::jsonb) AS o(id text, "externalId" text, domains text[])
     JOIN "Account" a ON (o."externalId" IS NOT NULL AND a."externalId" = o."externalId")
                      OR (a."domain" IS NOT NULL AND lower(a."domain") = ANY(SELECT lower(d) FROM unnest(o.domains) d))
     ORDER BY o.id, (a."externalId" = o."externalId") DESC NULLS LAST, a.id`,
    [JSON.stringify(orgs)],
  );
  for (const r of rows) out.set(r.org, r.account);
  return out;
}

export interface TicketRow {
  externalId: string;
  accountId: string;
  subject: string;
  status: string;
  priority: string | null;
  openedAt: Date;
  updatedAt: Date;
  solvedAt: Date | null;
  reopens: number;
  csat: string | null;
}

/** Upserts tickets; returns how many were new, changed or the same as stored. */
export async function upsertTickets(
  db: Db,
  source: string,
  rows: readonly TicketRow[],
): Promise<{ created: number; updated: number; unchanged: number }> {
  if (!rows.length) return { created: 0, updated: 0, unchanged: 0 };
  const res = await db.pool.query<{ created: number; written: number }>(
    `WITH w AS (
       INSERT INTO "SupportTicket" AS t ("source","externalId","accountId","subject","status","priority","openedAt","updatedAt","solvedAt","reopens","csat","syncedAt")
       SELECT $1, r."externalId", r."accountId", r.subject, r.status, r.priority,
              r."openedAt"::timestamptz AT TIME ZONE 'UTC', r."updatedAt"::timestamptz AT TIME ZONE 'UTC',
              r."solvedAt"::timestamptz AT TIME ZONE 'UTC', r.reopens, r.csat, now() AT TIME ZONE 'UTC'
       FROM jsonb_to_recordset($2::jsonb) AS r("externalId" text, "accountId" text, subject text, status text, priority text,
            "openedAt" text, "updatedAt" text, "solvedAt" text, reopens int, csat text)
       ORDER BY r."externalId"
       ON CONFLICT ("source","externalId") DO UPDATE SET
         "accountId" = EXCLUDED."accountId", "subject" = EXCLUDED."subject", "status" = EXCLUDED."status",
         "priority" = EXCLUDED."priority", "openedAt" = EXCLUDED."openedAt", "updatedAt" = EXCLUDED."updatedAt",
         "solvedAt" = EXCLUDED."solvedAt", "reopens" = EXCLUDED."reopens", "csat" = EXCLUDED."csat", "syncedAt" = EXCLUDED."syncedAt"
       WHERE (t."accountId", t."subject", t."status", t."priority", t."updatedAt", t."solvedAt", t."reopens", t."csat")
         IS DISTINCT FROM (EXCLUDED."accountId", EXCLUDED."subject", EXCLUDED."status", EXCLUDED."priority", EXCLUDED."updatedAt",
                           EXCLUDED."solvedAt", EXCLUDED."reopens", EXCLUDED."csat")
       RETURNING (t.xmax = 0) AS created)
     SELECT (count(*) FILTER (WHERE created))::int AS created, count(*)::int AS written FROM w`,
    [source, JSON.stringify(rows)],
  );
  const { created, written } = res.rows[0]!;
  return { created, updated: written - created, unchanged: rows.length - written };
}

/** Tickets the desk deleted: marked deleted (kept out of every count). */
export async function markTicketsDeleted(db: Db, source: string, externalIds: readonly string[]): Promise<number> {
  if (!externalIds.length) return 0;
  const res = await db.pool.query(
    `UPDATE "SupportTicket" SET "status" = 'deleted', "syncedAt" = now() AT TIME ZONE 'UTC'
     WHERE "source" = $1 AND "externalId" = ANY($2::text[]) AND "status" <> 'deleted'`,
    [source, externalIds],
  );
  return res.rowCount ?? 0;
}

export interface SupportStatus {
  tickets: number;
  open: number;
  lastTicketUpdatedAt: Date | null;
}

export async function supportStatus(db: Db, source: string): Promise<SupportStatus> {
  const { rows } = await db.pool.query<{ tickets: number; open: number; last: Date | null }>(
    `SELECT count(*)::int AS tickets,
            (count(*) FILTER (WHERE "status" IN ('new','open','pending','hold')))::int AS open,
            max("updatedAt") AT TIME ZONE 'UTC' AS last
     FROM "SupportTicket" WHERE "source" = $1 AND "status" <> 'deleted'`,
    [source],
  );
  return { tickets: rows[0]!.tickets, open: rows[0]!.open, lastTicketUpdatedAt: rows[0]!.last };
}

/** One account's tickets worth showing: open ones first (urgent first), then recently solved. */
export interface TicketLine {
  externalId: string;
  subject: string;
  status: string;
  priority: string | null;
  openedAt: Date;
  solvedAt: Date | null;
  reopens: number;
}

export async function accountTickets(db: Db, accountId: string, since: Date, limit = 5): Promise<TicketLine[]> {
  const { rows } = await db.pool.query<TicketLine>(
    `SELECT "externalId", "subject", "status", "priority", "openedAt" AT TIME ZONE 'UTC' AS "openedAt",
            "solvedAt" AT TIME ZONE 'UTC' AS "solvedAt", "reopens"
     FROM "SupportTicket"
     WHERE "accountId" = $1 AND "status" <> 'deleted'
       AND ("status" IN ('new','open','pending','hold') OR "updatedAt" >= $2::timestamptz AT TIME ZONE 'UTC')
     ORDER BY ("status" IN ('new','open','pending','hold')) DESC, ("priority" = 'urgent') DESC NULLS LAST, "openedAt" DESC
     LIMIT $3`,
    [accountId, since.toISOString(), limit],
  );
  return rows;
}

/** An urgent ticket still open, with what deciding on a nudge about it needs to know of its account. */
export interface OpenUrgentTicket {
  source: string;
  externalId: string;
  subject: string;
  openedAt: Date;
  accountId: string;
  accountName: string;
  tier: string;
  industry: string | null;
  ownerId: string;
}

/** Open urgent tickets of live accounts in these tiers that have an owner (the overdue-ticket nudge). */
export async function openUrgentTickets(db: Db, tiers: readonly string[]): Promise<OpenUrgentTicket[]> {
  if (!tiers.length) return [];
  const { rows } = await db.pool.query<OpenUrgentTicket>(
    `SELECT t."source", t."externalId", t."subject", t."openedAt" AT TIME ZONE 'UTC' AS "openedAt",
            a.id AS "accountId", a.name AS "accountName", a.tier::text AS tier, a.industry, a."ownerId"
     FROM "SupportTicket" t JOIN "Account" a ON a.id = t."accountId"
     WHERE t."status" IN ('new','open','pending','hold') AND t."priority" = 'urgent'
       AND a.tier::text = ANY($1::text[]) AND a."ownerId" IS NOT NULL
       AND a.stage <> 'churned' AND a."archivedAt" IS NULL
     ORDER BY t."openedAt", t."source", t."externalId"`,
    [tiers],
  );
  return rows;
}
