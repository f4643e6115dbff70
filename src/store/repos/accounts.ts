// Account reads for the conversation core: set-based SQL, one round-trip per list.
// The latest score, open risks and next renewal come with each row, read in the same query.
import type { Grade, Reason } from "../../domain/health/types.js";
import type { AccountFilter } from "../../domain/identity.js";
import { filterSql } from "../account-filter.js";
import type { Db } from "../db.js";

/** An account as access checks see it: who owns it, which team holds it. */
export interface AccountRef {
  id: string;
  name: string;
  teamId: string | null;
  ownerId: string | null;
}

export async function accountRef(db: Db, id: string): Promise<AccountRef | undefined> {
  const a = await db.prisma.account.findUnique({
    where: { id },
    select: { id: true, name: true, teamId: true, ownerId: true },
  });
  return a ?? undefined;
}

/** The account with its owner's name and its next open renewal (the account card's head). */
export async function accountForCard(db: Db, id: string) {
  return db.prisma.account.findUniqueOrThrow({
    where: { id },
    include: {
      owner: { select: { name: true } },
      renewals: { where: { status: { in: ["upcoming", "in_progress"] } }, orderBy: { dueDate: "asc" }, take: 1 },
    },
  });
}

export interface NamedRow {
  id: string;
  name: string;
  aliases: string[];
  externalId: string | null;
}

export async function namedAccounts(db: Db, filter: AccountFilter): Promise<NamedRow[]> {
  const f = filterSql(filter);
  const { rows } = await db.pool.query<NamedRow>(
    `SELECT a.id, a.name, a.aliases, a."externalId" FROM "Account" a WHERE ${f.sql}`,
    f.params,
  );
  return rows;
}

/**
 * Accounts whose name or an alias equals `typed` ignoring case: the cheap first try. Each side of
 * the OR carries the form of an index of migration account_name_lookup, so a big store finds the
 * rows by index. The alias side says it twice: the EXISTS decides row by row (calling the SQL
 * function on every row of a small book cost more than the whole scan), the containment test
 * lets the alias index find candidates. The CRM's external id names an account too ("brief QNA-103"),
 * as typed or upper-cased, both by the unique index.
 */
export async function accountsNamedExactly(db: Db, filter: AccountFilter, typed: string): Promise<NamedRow[]> {
  const f = filterSql(filter, 2);
  const { rows } = await db.pool.query<NamedRow>(
    `SELECT a.id, a.name, a.aliases, a."externalId" FROM "Account" a
      WHERE (lower(a.name) = lower($1)
             OR a."externalId" = $1 OR a."externalId" = upper($1)
             OR (EXISTS (SELECT 1 FROM unnest(a.aliases) al WHERE lower(al) = lower($1))
                 AND tend_lower_all(a.aliases) @> ARRAY[lower($1)]))
        AND ${f.sql} LIMIT 2`,
    [typed.trim(), ...f.params],
  );
  return rows;
}

export interface ScoreRow {
  day: string;
  score: number;
  grade: Grade;
  /** "new": not enough data yet (the grade is a placeholder). */
  state: string | null;
  usageLevel: number;
  valueLevel: number;
  components: unknown;
  reasons: Reason[];
}

/** Daily scores of one account from `fromDay` on, oldest first. */
export async function scoreHistory(db: Db, accountId: string, fromDay: string): Promise<ScoreRow[]> {
  const { rows } = await db.pool.query<ScoreRow>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, score, grade, state, "usageLevel", "valueLevel", components, reasons
       FROM "HealthScore" WHERE "accountId" = $1 AND day >= $2::date ORDER BY day`,
    [accountId, fromDay],
  );
  return rows;
}

/**
 * What ranking and totals need, for every account in a list. Heavier columns (reasons, risk kinds,
 * readiness inputs, last contact) are fetched by the functions below, only for the rows that need
 * them: on a 10k-account book, fetching them for every row was most of a list's time.
 */
export interface RiskRow {
  id: string;
  name: string;
  arr: number;
  currency: string;
  score: number | null;
  grade: Grade | null;
  openRisks: number;
  highRisk: boolean;
}

export interface ListRow extends RiskRow {
  renewalDate: string | null;
  renewalStatus: string | null;
  renewalArr: number | null;
  termsClear: boolean | null;
  valueReportSent: boolean | null;
}

// Latest score and open risk count, by per-row index probes rather than whole-table aggregates:
// as fast for a 5k-account book, and a small book in a big store stays a few milliseconds. $1 = today.
const RISK_COLUMNS = `a.id, a.name, a.arr::float8 AS arr, a.currency, hs.score, hs.grade::text AS grade,
  rf.n AS "openRisks", rf.high AS "highRisk"`;
const RISK_JOINS = `LEFT JOIN LATERAL (SELECT h.score, h.grade FROM "HealthScore" h WHERE h."accountId" = a.id
                     AND h.day <= $1::date ORDER BY h.day DESC LIMIT 1) hs ON TRUE
  CROSS JOIN LATERAL (SELECT count(*)::int AS n, COALESCE(bool_or(x.severity = 'high'), false) AS high
                        FROM "RiskFlag" x WHERE x."accountId" = a.id AND x."resolvedAt" IS NULL) rf`;

/**
 * Accounts in a filter (churned ones aside) with their latest score, open risk count and next open
 * renewal; with a window, only those whose renewal is due in [from, to] - and, with `lapsed`, those
 * whose open renewal is already past its date with no outcome recorded.
 */
export async function listAccounts(
  db: Db,
  filter: AccountFilter,
  today: string,
  where: { renewalFrom?: string; renewalTo?: string; lapsed?: boolean } = {},
): Promise<ListRow[]> {
  const f = filterSql(filter, 2);
  const params: unknown[] = [today, ...f.params];
  const conds = [f.sql, `a.stage <> 'churned'`];
  if (where.renewalFrom && where.renewalTo) {
    params.push(where.renewalFrom, where.renewalTo);
    const inWindow = `COALESCE(r."dueDate", a."renewalDate") BETWEEN $${params.length - 1}::date AND $${params.length}::date`;
    conds.push(where.lapsed ? `(${inWindow} OR r."dueDate" < $1::date)` : inWindow);
  }
  const { rows } = await db.pool.query<ListRow>(
    `SELECT ${RISK_COLUMNS}, ${RENEWAL_COLUMNS}
       FROM "Account" a
       ${RENEWAL_JOIN}
       ${RISK_JOINS}
      WHERE ${conds.join(" AND ")}`,
    params,
  );
  return rows;
}

const RENEWAL_COLUMNS = `to_char(COALESCE(r."dueDate", a."renewalDate"), 'YYYY-MM-DD') AS "renewalDate",
  r.status::text AS "renewalStatus", r.arr::float8 AS "renewalArr", r."termsClear", r."valueReportSent"`;
// The earliest open renewal: a lapsed one (past due, no outcome) comes before the next one.
const RENEWAL_JOIN = `LEFT JOIN LATERAL (SELECT r.* FROM "Renewal" r WHERE r."accountId" = a.id AND r.status IN ('upcoming', 'in_progress')
                       ORDER BY r."dueDate" LIMIT 1) r ON TRUE`;

/**
 * Candidates for "what is at stake" in a filter: red, any open risk, or an open renewal due within
 * `horizonDays` (lapsed ones included). The caller drops renewals that are green and ready.
 */
export async function atRiskAccounts(
  db: Db,
  filter: AccountFilter,
  today: string,
  horizonDays = 90,
): Promise<ListRow[]> {
  const f = filterSql(filter, 3);
  const { rows } = await db.pool.query<ListRow>(
    `SELECT ${RISK_COLUMNS}, ${RENEWAL_COLUMNS}
       FROM "Account" a
       ${RENEWAL_JOIN}
       ${RISK_JOINS}
      WHERE ${f.sql} AND a.stage <> 'churned'
        AND (hs.grade = 'red' OR rf.n > 0 OR r."dueDate" <= $1::date + $2::int
             OR (r.id IS NULL AND a."renewalDate" BETWEEN $1::date AND $1::date + $2::int))`,
    [today, horizonDays, ...f.params],
  );
  return rows;
}

/** Renewal readiness inputs that live in other tables (see domain/renewal.ts readinessGaps). */
export interface ReadinessRow {
  openPromises: number;
  /** An active decision maker, not an opponent, contacted within 90 days. */
  dmEngaged: boolean;
  latestNps: number | null;
}

export async function readinessOf(db: Db, ids: string[], today: string): Promise<Map<string, ReadinessRow>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.pool.query<ReadinessRow & { id: string }>(
    `SELECT a.id,
            (SELECT count(*)::int FROM "CustomerPromise" p WHERE p."accountId" = a.id AND p.status = 'open') AS "openPromises",
            EXISTS (SELECT 1 FROM "Contact" c WHERE c."accountId" = a.id AND c.active AND c.role = 'decision_maker'
                      AND c.attitude <> 'opponent' AND c."lastContact" >= $1::date - 90) AS "dmEngaged",
            (SELECT s.score FROM "SurveyResponse" s WHERE s."accountId" = a.id AND s.kind = 'nps'
              ORDER BY s."respondedAt" DESC LIMIT 1) AS "latestNps"
       FROM unnest($2::text[]) a(id)`,
    [today, ids],
  );
  return new Map(rows.map(({ id, ...r }) => [id, r]));
}

/** Day of the last contact that happened (planned visits excluded), by account; absent: never. */
export async function lastContacts(db: Db, ids: string[], today: string): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.pool.query<{ id: string; day: string }>(
    `SELECT i."accountId" AS id, to_char(max(i."occurredAt"), 'YYYY-MM-DD') AS day FROM "Interaction" i
      WHERE i."accountId" = ANY($2::text[]) AND NOT i.scheduled AND i."occurredAt" < $1::date + 1
      GROUP BY 1`,
    [today, ids],
  );
  return new Map(rows.map((r) => [r.id, r.day]));
}

export interface ListDetail {
  reasons: Reason[] | null;
  openRisks: { kind: string; severity: string }[];
}

/** Latest score reasons and open risks of the accounts a list shows. */
export async function listDetails(db: Db, ids: string[], today: string): Promise<Map<string, ListDetail>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.pool.query<ListDetail & { id: string }>(
    `SELECT a.id,
            (SELECT h.reasons FROM "HealthScore" h WHERE h."accountId" = a.id AND h.day <= $1::date
              ORDER BY h.day DESC LIMIT 1) AS reasons,
            COALESCE((SELECT json_agg(json_build_object('kind', rf.kind, 'severity', rf.severity) ORDER BY rf.severity, rf."raisedAt", rf.kind)
                        FROM "RiskFlag" rf WHERE rf."accountId" = a.id AND rf."resolvedAt" IS NULL), '[]'::json) AS "openRisks"
       FROM unnest($2::text[]) a(id)`,
    [today, ids],
  );
  return new Map(rows.map(({ id, ...r }) => [id, r]));
}
