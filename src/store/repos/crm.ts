// What a CRM sync writes: accounts, contacts and renewals from a page of CRM records, each page in
// one transaction together with its links, so a crash never leaves a row without its link (which
// would duplicate it on the next run). The CRM owns the fields it maps; a value the CRM leaves
// empty keeps what Tend has. Interactions, risks, promises and calls stay Tend's.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { type Db, inTransaction } from "../db.js";

export interface AccountInput {
  externalId: string;
  /** The Tend account when linked or matched already; absent: a new account. */
  localId?: string;
  ownerId?: string | null;
  values: {
    name: string;
    domain?: string | null;
    arr?: number | null;
    currency?: string | null;
    tier?: string | null;
    industry?: string | null;
    region?: string | null;
    stage?: string | null;
    goLiveDate?: string | null;
    renewalDate?: string | null;
    contractStart?: string | null;
    seats?: number | null;
  };
}

export interface WriteCounts {
  created: number;
  updated: number;
  unchanged: number;
}

const ACCOUNT_RECORD = `r(id text, name text, domain text, arr numeric, currency text, tier text, industry text,
  region text, stage text, "goLiveDate" date, "renewalDate" date, "contractStart" date, seats int, "ownerId" text)`;

/** Writes one page of accounts with their links; returns the Tend id of every input, in order. */
export async function applyAccounts(
  db: Db,
  source: string,
  rows: AccountInput[],
): Promise<{ ids: string[]; counts: WriteCounts }> {
  const ids = rows.map((r) => r.localId ?? randomUUID());
  const payload = rows.map((r, i) => ({ id: ids[i], ownerId: r.ownerId ?? null, ...r.values }));
  const newOnes = payload.filter((_, i) => !rows[i]?.localId);
  const old = payload.filter((_, i) => rows[i]?.localId);
  const counts = await inTransaction(db, async (c) => {
    const upd = await c.query(
      `UPDATE "Account" a SET name = r.name, domain = COALESCE(r.domain, a.domain), arr = COALESCE(r.arr, a.arr),
              currency = COALESCE(r.currency, a.currency), tier = COALESCE(r.tier::"Tier", a.tier),
              industry = COALESCE(r.industry, a.industry), region = COALESCE(r.region, a.region),
              stage = COALESCE(r.stage::"Stage", a.stage), "goLiveDate" = COALESCE(r."goLiveDate", a."goLiveDate"),
              "renewalDate" = COALESCE(r."renewalDate", a."renewalDate"),
              "contractStart" = COALESCE(r."contractStart", a."contractStart"), seats = COALESCE(r.seats, a.seats),
              "ownerId" = COALESCE(r."ownerId", a."ownerId"),
              "teamId" = COALESCE(a."teamId", (SELECT m."teamId" FROM "Member" m WHERE m.id = r."ownerId")),
              "archivedAt" = NULL, "archivedNote" = NULL, "updatedAt" = now()
         FROM jsonb_to_recordset($1::jsonb) AS ${ACCOUNT_RECORD}
        WHERE a.id = r.id
          AND (a.name, a.domain, a.arr, a.currency, a.tier, a.industry, a.region, a.stage, a."goLiveDate",
               a."renewalDate", a."contractStart", a.seats, a."ownerId", a."archivedAt")
              IS DISTINCT FROM
              (r.name, COALESCE(r.domain, a.domain), COALESCE(r.arr, a.arr), COALESCE(r.currency, a.currency),
               COALESCE(r.tier::"Tier", a.tier), COALESCE(r.industry, a.industry), COALESCE(r.region, a.region),
               COALESCE(r.stage::"Stage", a.stage), COALESCE(r."goLiveDate", a."goLiveDate"),
               COALESCE(r."renewalDate", a."renewalDate"), COALESCE(r."contractStart", a."contractStart"),
               COALESCE(r.seats, a.seats), COALESCE(r."ownerId", a."ownerId"), NULL::timestamp)`,
      [JSON.stringify(old)],
    );
    const ins = await c.query(
      `INSERT INTO "Account" (id, name, domain, arr, currency, tier, industry, region, stage, "goLiveDate",
              "renewalDate", "contractStart", seats, "ownerId", "teamId", "updatedAt")
       SELECT r.id, r.name, r.domain, COALESCE(r.arr, 0), COALESCE(r.currency, 'USD'), COALESCE(r.tier, 'standard')::"Tier",
              r.industry, r.region, COALESCE(r.stage, 'steady')::"Stage", r."goLiveDate", r."renewalDate",
              r."contractStart", r.seats, r."ownerId", (SELECT m."teamId" FROM "Member" m WHERE m.id = r."ownerId"), now()
         FROM jsonb_to_recordset($1::jsonb) AS ${ACCOUNT_RECORD}`,
      [JSON.stringify(newOnes)],
    );
    await saveLinksIn(
      c,
      source,
      "account",
      rows.map((r, i) => ({ externalId: r.externalId, localId: ids[i] as string })),
    );
    const updated = upd.rowCount ?? 0;
    return { created: ins.rowCount ?? 0, updated, unchanged: old.length - updated };
  });
  return { ids, counts };
}

async function saveLinksIn(
  c: pg.PoolClient,
  source: string,
  object: string,
  links: { externalId: string; localId: string }[],
) {
  if (!links.length) return;
  await c.query(
    `INSERT INTO "SyncLink" (source, object, "externalId", "localId", "updatedAt")
     SELECT $1, $2, l."externalId", l."localId", now()
       FROM jsonb_to_recordset($3::jsonb) AS l("externalId" text, "localId" text)
     ON CONFLICT (source, object, "externalId") DO UPDATE SET "localId" = EXCLUDED."localId", "updatedAt" = now()`,
    [source, object, JSON.stringify(links)],
  );
}

/**
 * Existing accounts (from CSV, the API or the demo) for CRM records without a link yet: by external
 * id (the CRM's id, or the mapped matchId property), then by web domain - the account's own, or the
 * one domain its contacts' emails share - when exactly one unlinked account has it.
 */
export async function matchAccounts(
  db: Db,
  source: string,
  candidates: { externalId: string; matchId?: string | null; domain?: string | null }[],
): Promise<Map<string, string>> {
  if (!candidates.length) return new Map();
  const { rows } = await db.pool.query<{ externalId: string; accountId: string }>(
    `WITH c AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS c("externalId" text, "matchId" text, domain text)),
          unlinked AS (SELECT a.* FROM "Account" a
                        WHERE NOT EXISTS (SELECT 1 FROM "SyncLink" l WHERE l.source = $2 AND l.object = 'account' AND l."localId" = a.id)),
          by_id AS (SELECT DISTINCT ON (c."externalId") c."externalId", u.id AS "accountId" FROM c
                      JOIN unlinked u ON u."externalId" = COALESCE(c."matchId", c."externalId")
                     ORDER BY c."externalId"),
          contact_domain AS (SELECT ct."accountId", lower(split_part(ct.email, '@', 2)) AS domain, count(*) AS n
                               FROM "Contact" ct WHERE ct.email LIKE '%@%' GROUP BY 1, 2),
          own_domain AS (SELECT DISTINCT ON ("accountId") "accountId", domain FROM contact_domain
                          ORDER BY "accountId", n DESC, domain),
          domains AS (SELECT u.id, lower(COALESCE(u.domain, d.domain)) AS domain
                        FROM unlinked u LEFT JOIN own_domain d ON d."accountId" = u.id),
          by_domain AS (SELECT c."externalId", min(d.id) AS "accountId" FROM c JOIN domains d ON d.domain = c.domain
                         WHERE c.domain IS NOT NULL AND c."externalId" NOT IN (SELECT "externalId" FROM by_id)
                         GROUP BY c."externalId" HAVING count(*) = 1)
     SELECT * FROM by_id UNION ALL SELECT * FROM by_domain`,
    [JSON.stringify(candidates), source],
  );
  // One account matches one record at most: the first record claiming it keeps it.
  const taken = new Set<string>();
  const out = new Map<string, string>();
  for (const r of rows) {
    if (taken.has(r.accountId) || out.has(r.externalId)) continue;
    taken.add(r.accountId);
    out.set(r.externalId, r.accountId);
  }
  return out;
}

/** Accounts deleted or merged away in the CRM: out of lists, history kept. Returns how many changed. */
export async function archiveAccounts(db: Db, items: { id: string; note: string }[], at: Date): Promise<number> {
  if (!items.length) return 0;
  const res = await db.pool.query(
    `UPDATE "Account" a SET "archivedAt" = $2::timestamp(3), "archivedNote" = i.note, "updatedAt" = now()
       FROM jsonb_to_recordset($1::jsonb) AS i(id text, note text)
      WHERE a.id = i.id AND a."archivedAt" IS NULL`,
    [JSON.stringify(items), at.toISOString()],
  );
  return res.rowCount ?? 0;
}

/** What Tend owns about an account, carried to the surviving account of a CRM merge. */
const HISTORY_TABLES = [
  "Interaction",
  "RiskFlag",
  "CustomerPromise",
  "RenewalCall",
  "Feedback",
  "SurveyResponse",
  "Milestone",
  "Opportunity",
  "Meeting",
  "SupportTicket",
];

/**
 * Accounts merged away in the CRM: their history (interactions, risks, promises, calls, feedback,
 * surveys, milestones, opportunities, meetings, tickets), their contacts and renewals move to the
 * surviving account; a contact or renewal the survivor already has (same name / due date) stays on
 * the merged account, which is archived - never deleted. One transaction; running it again changes
 * nothing. Returns how many accounts were archived (or re-noted as merged) now.
 */
export async function mergeAccounts(
  db: Db,
  pairs: { from: string; into: string; note: string }[],
  at: Date,
): Promise<number> {
  if (!pairs.length) return 0;
  const p = JSON.stringify(pairs);
  const rec = `p("from" text, "into" text, note text)`;
  return inTransaction(db, async (c) => {
    for (const t of HISTORY_TABLES)
      await c.query(
        `UPDATE "${t}" x SET "accountId" = p."into" FROM jsonb_to_recordset($1::jsonb) AS ${rec} WHERE x."accountId" = p."from"`,
        [p],
      );
    await c.query(
      `UPDATE "Contact" x SET "accountId" = p."into", "updatedAt" = now() FROM jsonb_to_recordset($1::jsonb) AS ${rec}
        WHERE x."accountId" = p."from"
          AND NOT EXISTS (SELECT 1 FROM "Contact" y WHERE y."accountId" = p."into" AND y.name = x.name)`,
      [p],
    );
    await c.query(
      `UPDATE "Renewal" x SET "accountId" = p."into", "updatedAt" = now() FROM jsonb_to_recordset($1::jsonb) AS ${rec}
        WHERE x."accountId" = p."from"
          AND NOT EXISTS (SELECT 1 FROM "Renewal" y WHERE y."accountId" = p."into" AND y."dueDate" = x."dueDate")`,
      [p],
    );
    const res = await c.query(
      `UPDATE "Account" a SET "archivedAt" = COALESCE(a."archivedAt", $2::timestamp(3)),
              "archivedNote" = p.note || ' (history moved to ' || s.name || ')', "updatedAt" = now()
         FROM jsonb_to_recordset($1::jsonb) AS ${rec} JOIN "Account" s ON s.id = p."into"
        WHERE a.id = p."from" AND (a."archivedAt" IS NULL OR a."archivedNote" IS DISTINCT FROM p.note || ' (history moved to ' || s.name || ')')`,
      [p, at.toISOString()],
    );
    return res.rowCount ?? 0;
  });
}

export interface ContactInput {
  externalId: string;
  accountId: string;
  values: { name: string; email: string | null; title: string | null; role: string | null };
}

/** Writes one page of contacts with their links (matched to an existing contact by email or name). */
export async function applyContacts(db: Db, source: string, rows: ContactInput[]): Promise<WriteCounts> {
  if (!rows.length) return { created: 0, updated: 0, unchanged: 0 };
  return inTransaction(db, async (c) => {
    const { rows: found } = await c.query<{ externalId: string; id: string }>(
      `WITH i AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS i("externalId" text, "accountId" text, name text, email text))
       SELECT DISTINCT ON (i."externalId") i."externalId", COALESCE(l."localId", ct.id) AS id
         FROM i LEFT JOIN "SyncLink" l ON l.source = $2 AND l.object = 'contact' AND l."externalId" = i."externalId"
         LEFT JOIN "Contact" ct ON l."localId" IS NULL AND ct."accountId" = i."accountId"
              AND (lower(ct.email) = i.email OR ct.name = i.name)
        WHERE COALESCE(l."localId", ct.id) IS NOT NULL
        ORDER BY i."externalId", (lower(ct.email) = i.email) DESC NULLS LAST`,
      [JSON.stringify(rows.map((r) => ({ externalId: r.externalId, accountId: r.accountId, ...r.values }))), source],
    );
    const known = new Map(found.map((f) => [f.externalId, f.id]));
    const payload = rows.map((r) => ({
      id: known.get(r.externalId) ?? randomUUID(),
      externalId: r.externalId,
      accountId: r.accountId,
      ...r.values,
    }));
    const old = payload.filter((p) => known.has(p.externalId));
    const fresh = payload.filter((p) => !known.has(p.externalId));
    const record = `r(id text, "accountId" text, name text, email text, title text, role text)`;
    const upd = await c.query(
      `UPDATE "Contact" ct SET "accountId" = r."accountId", name = r.name, email = COALESCE(r.email, ct.email),
              title = COALESCE(r.title, ct.title), role = COALESCE(r.role::"ContactRole", ct.role), "updatedAt" = now()
         FROM jsonb_to_recordset($1::jsonb) AS ${record}
        WHERE ct.id = r.id AND (ct."accountId", ct.name, ct.email, ct.title, ct.role) IS DISTINCT FROM
              (r."accountId", r.name, COALESCE(r.email, ct.email), COALESCE(r.title, ct.title), COALESCE(r.role::"ContactRole", ct.role))`,
      [JSON.stringify(old)],
    );
    // A name already taken in that account by a contact of another record: the CRM's contact joins it.
    const ins = await c.query(
      `INSERT INTO "Contact" (id, "accountId", name, email, title, role, "updatedAt")
       SELECT r.id, r."accountId", r.name, r.email, r.title, COALESCE(r.role, 'user')::"ContactRole", now()
         FROM jsonb_to_recordset($1::jsonb) AS ${record}
       ON CONFLICT ("accountId", name) DO NOTHING RETURNING id`,
      [JSON.stringify(fresh)],
    );
    const inserted = new Set(ins.rows.map((r: { id: string }) => r.id));
    const { rows: clash } = await c.query<{ id: string; name: string; accountId: string }>(
      `SELECT ct.id, ct.name, ct."accountId" FROM "Contact" ct
         JOIN jsonb_to_recordset($1::jsonb) AS r("accountId" text, name text) ON ct."accountId" = r."accountId" AND ct.name = r.name`,
      [JSON.stringify(fresh.filter((f) => !inserted.has(f.id)))],
    );
    const clashId = new Map(clash.map((x) => [`${x.accountId}|${x.name}`, x.id]));
    await saveLinksIn(
      c,
      source,
      "contact",
      payload.map((p) => ({
        externalId: p.externalId,
        localId:
          known.has(p.externalId) || inserted.has(p.id) ? p.id : (clashId.get(`${p.accountId}|${p.name}`) ?? p.id),
      })),
    );
    const updated = upd.rowCount ?? 0;
    return { created: inserted.size, updated, unchanged: payload.length - inserted.size - updated };
  });
}

export interface RenewalInput {
  externalId: string;
  accountId: string;
  values: { dueDate: string; arr: number; status: string; outcomeArr: number | null; closedAt: string | null };
}

/** Writes renewals (one per account and due date: a CSV renewal on the same day becomes this deal's). */
export async function applyRenewals(db: Db, source: string, rows: RenewalInput[]): Promise<WriteCounts> {
  if (!rows.length) return { created: 0, updated: 0, unchanged: 0 };
  return inTransaction(db, async (c) => {
    const { rows: found } = await c.query<{ externalId: string; id: string }>(
      `WITH i AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS i("externalId" text, "accountId" text, "dueDate" date))
       SELECT i."externalId", COALESCE(l."localId", r.id) AS id
         FROM i LEFT JOIN "SyncLink" l ON l.source = $2 AND l.object = 'renewal' AND l."externalId" = i."externalId"
         LEFT JOIN "Renewal" r ON l."localId" IS NULL AND r."accountId" = i."accountId" AND r."dueDate" = i."dueDate"
        WHERE COALESCE(l."localId", r.id) IS NOT NULL`,
      [
        JSON.stringify(
          rows.map((r) => ({ externalId: r.externalId, accountId: r.accountId, dueDate: r.values.dueDate })),
        ),
        source,
      ],
    );
    const known = new Map(found.map((f) => [f.externalId, f.id]));
    const payload = rows.map((r) => ({
      id: known.get(r.externalId) ?? randomUUID(),
      externalId: r.externalId,
      accountId: r.accountId,
      ...r.values,
    }));
    const record = `r(id text, "accountId" text, "dueDate" date, arr numeric, status text, "outcomeArr" numeric, "closedAt" date)`;
    const res = await c.query<{ inserted: boolean }>(
      `INSERT INTO "Renewal" (id, "accountId", "dueDate", arr, status, "outcomeArr", "closedAt", "updatedAt")
       SELECT r.id, r."accountId", r."dueDate", r.arr, r.status::"RenewalStatus", r."outcomeArr", r."closedAt", now()
         FROM jsonb_to_recordset($1::jsonb) AS ${record}
       ON CONFLICT (id) DO UPDATE SET "accountId" = EXCLUDED."accountId", "dueDate" = EXCLUDED."dueDate", arr = EXCLUDED.arr,
              status = EXCLUDED.status, "outcomeArr" = EXCLUDED."outcomeArr", "closedAt" = EXCLUDED."closedAt", "updatedAt" = now()
        WHERE ("Renewal"."accountId", "Renewal"."dueDate", "Renewal".arr, "Renewal".status, "Renewal"."outcomeArr", "Renewal"."closedAt")
              IS DISTINCT FROM (EXCLUDED."accountId", EXCLUDED."dueDate", EXCLUDED.arr, EXCLUDED.status, EXCLUDED."outcomeArr", EXCLUDED."closedAt")
       RETURNING (xmax = 0) AS inserted`,
      [JSON.stringify(payload)],
    );
    await saveLinksIn(
      c,
      source,
      "renewal",
      payload.map((p) => ({ externalId: p.externalId, localId: p.id })),
    );
    const created = res.rows.filter((r) => r.inserted).length;
    const updated = res.rows.length - created;
    return { created, updated, unchanged: payload.length - res.rows.length };
  });
}

/** Members by email (lower case), for CRM owners and users. */
export async function membersByEmail(db: Db, emails: string[]): Promise<Map<string, string>> {
  if (!emails.length) return new Map();
  const { rows } = await db.pool.query<{ email: string; id: string }>(
    `SELECT lower(email) AS email, id FROM "Member" WHERE lower(email) = ANY($1::text[])`,
    [emails.map((e) => e.toLowerCase())],
  );
  return new Map(rows.map((r) => [r.email, r.id]));
}

export interface InteractionToWrite {
  id: string;
  remoteAccountId: string;
  kind: string;
  occurredAt: Date;
  notes: string | null;
  nextSteps: string | null;
  memberName: string | null;
  memberEmail: string | null;
}

/**
 * Interactions people logged in Tend (not imported, not plans) since `since`, on accounts linked to
 * the source, and not written there yet.
 */
export async function interactionsToWrite(db: Db, source: string, since: Date, limit = 200) {
  const { rows } = await db.pool.query<InteractionToWrite>(
    `SELECT i.id, l."externalId" AS "remoteAccountId", i.kind::text AS kind, i."occurredAt", i.notes, i."nextSteps",
            m.name AS "memberName", m.email AS "memberEmail"
       FROM "Interaction" i
       JOIN "SyncLink" l ON l.source = $1 AND l.object = 'account' AND l."localId" = i."accountId"
       LEFT JOIN "Member" m ON m.id = i."memberId"
      WHERE i."memberId" IS NOT NULL AND NOT i.scheduled AND i."externalId" IS NULL AND i."createdAt" >= $2::timestamp(3)
        AND NOT EXISTS (SELECT 1 FROM "SyncWriteback" w WHERE w.source = $1 AND w.kind = 'interaction'
                          AND w."localId" = i.id AND w.status IN ('sent', 'failed'))
      ORDER BY i."createdAt" LIMIT $3`,
    [source, since.toISOString(), limit],
  );
  return rows;
}

export interface RiskToWrite {
  id: string;
  remoteAccountId: string;
  kind: string;
  severity: string;
  note: string | null;
  raisedAt: string;
  memberName: string | null;
}

/** Risks people raised in Tend since `since`, on linked accounts, not written yet. */
export async function risksToWrite(db: Db, source: string, since: Date, limit = 200) {
  const { rows } = await db.pool.query<RiskToWrite>(
    `SELECT r.id, l."externalId" AS "remoteAccountId", r.kind::text AS kind, r.severity::text AS severity, r.note,
            to_char(r."raisedAt", 'YYYY-MM-DD') AS "raisedAt", m.name AS "memberName"
       FROM "RiskFlag" r
       JOIN "SyncLink" l ON l.source = $1 AND l.object = 'account' AND l."localId" = r."accountId"
       LEFT JOIN "Member" m ON m.id = r."raisedById"
      WHERE r.source = 'person' AND r."createdAt" >= $2::timestamp(3)
        AND NOT EXISTS (SELECT 1 FROM "SyncWriteback" w WHERE w.source = $1 AND w.kind = 'risk'
                          AND w."localId" = r.id AND w.status IN ('sent', 'failed'))
      ORDER BY r."createdAt" LIMIT $3`,
    [source, since.toISOString(), limit],
  );
  return rows;
}
