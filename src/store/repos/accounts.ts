// Account reads for the conversation core: set-based SQL, one round-trip per list.
// Health rows are read directly here until src/store/repos/health.ts (health issue) offers them.
import { type AccountFilter, filterSql } from "../../commands/access.js";
import type { Grade, Reason } from "../../domain/health/types.js";
import type { Db } from "../db.js";

export interface NamedRow {
  id: string;
  name: string;
  aliases: string[];
}

export async function namedAccounts(db: Db, filter: AccountFilter): Promise<NamedRow[]> {
  const f = filterSql(filter);
  const { rows } = await db.pool.query<NamedRow>(
    `SELECT a.id, a.name, a.aliases FROM "Account" a WHERE ${f.sql}`,
    f.params,
  );
  return rows;
}

/** Accounts whose name or an alias equals `typed` ignoring case: the cheap first try. */
export async function accountsNamedExactly(db: Db, filter: AccountFilter, typed: string): Promise<NamedRow[]> {
  const f = filterSql(filter, 2);
  const { rows } = await db.pool.query<NamedRow>(
    `SELECT a.id, a.name, a.aliases FROM "Account" a
      WHERE (lower(a.name) = lower($1) OR EXISTS (SELECT 1 FROM unnest(a.aliases) al WHERE lower(al) = lower($1)))
        AND ${f.sql} LIMIT 2`,
    [typed.trim(), ...f.params],
  );
  return rows;
}

export interface ScoreRow {
  day: string;
  score: number;
  grade: Grade;
  usageLevel: number;
  valueLevel: number;
  components: unknown;
  reasons: Reason[];
}

/** Daily scores of one account from `fromDay` on, oldest first. */
export async function scoreHistory(db: Db, accountId: string, fromDay: string): Promise<ScoreRow[]> {
  const { rows } = await db.pool.query<ScoreRow>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, score, grade, "usageLevel", "valueLevel", components, reasons
       FROM "HealthScore" WHERE "accountId" = $1 AND day >= $2::date ORDER BY day`,
    [accountId, fromDay],
  );
  return rows;
}

export interface ListRow {
  id: string;
  name: string;
  arr: number;
  currency: string;
  ownerId: string | null;
  ownerName: string | null;
  teamId: string | null;
  tier: string;
  stage: string;
  renewalDate: string | null;
  score: number | null;
  grade: Grade | null;
  reasons: Reason[] | null;
  renewalStatus: string | null;
  renewalArr: number | null;
  termsClear: boolean | null;
  valueReportSent: boolean | null;
  openPromises: number;
  dmEngaged: boolean;
  latestNps: number | null;
  openRisks: { kind: string; severity: string }[];
  lastContact: string | null;
}

/**
 * Accounts in a filter with their latest score, next open renewal, readiness inputs and open risks.
 * `where` narrows further: renewals due in [from, to], or at-risk only.
 */
export async function listAccounts(
  db: Db,
  filter: AccountFilter,
  today: string,
  where: { renewalFrom?: string; renewalTo?: string; atRisk?: boolean } = {},
): Promise<ListRow[]> {
  const f = filterSql(filter, 2);
  const params: unknown[] = [today, ...f.params];
  const conds = [f.sql, `a.stage <> 'churned'`];
  if (where.renewalFrom && where.renewalTo) {
    params.push(where.renewalFrom, where.renewalTo);
    conds.push(
      `COALESCE(r."dueDate", a."renewalDate") BETWEEN $${params.length - 1}::date AND $${params.length}::date`,
    );
  }
  if (where.atRisk) {
    conds.push(
      `(hs.grade = 'red' OR EXISTS (SELECT 1 FROM "RiskFlag" rf WHERE rf."accountId" = a.id AND rf."resolvedAt" IS NULL AND (rf.severity = 'high' OR hs.grade = 'yellow')))`,
    );
  }
  const { rows } = await db.pool.query<ListRow>(
    `SELECT a.id, a.name, a.arr::float8 AS arr, a.currency, a."ownerId", m.name AS "ownerName", a."teamId",
            a.tier::text AS tier, a.stage::text AS stage,
            to_char(COALESCE(r."dueDate", a."renewalDate"), 'YYYY-MM-DD') AS "renewalDate",
            hs.score, hs.grade::text AS grade, hs.reasons,
            r.status::text AS "renewalStatus", r.arr::float8 AS "renewalArr", r."termsClear", r."valueReportSent",
            (SELECT count(*)::int FROM "CustomerPromise" p WHERE p."accountId" = a.id AND p.status = 'open') AS "openPromises",
            EXISTS (SELECT 1 FROM "Contact" c WHERE c."accountId" = a.id AND c.active AND c.role = 'decision_maker'
                      AND c.attitude <> 'opponent' AND c."lastContact" >= $1::date - 90) AS "dmEngaged",
            (SELECT s.score FROM "SurveyResponse" s WHERE s."accountId" = a.id AND s.kind = 'nps'
              ORDER BY s."respondedAt" DESC LIMIT 1) AS "latestNps",
            COALESCE((SELECT json_agg(json_build_object('kind', rf.kind, 'severity', rf.severity) ORDER BY rf.severity, rf."raisedAt")
                        FROM "RiskFlag" rf WHERE rf."accountId" = a.id AND rf."resolvedAt" IS NULL), '[]'::json) AS "openRisks",
            (SELECT to_char(max(i."occurredAt"), 'YYYY-MM-DD') FROM "Interaction" i
              WHERE i."accountId" = a.id AND NOT i.scheduled AND i."occurredAt" < $1::date + 1) AS "lastContact"
       FROM "Account" a
       LEFT JOIN "Member" m ON m.id = a."ownerId"
       LEFT JOIN LATERAL (SELECT * FROM "Renewal" r WHERE r."accountId" = a.id AND r.status IN ('upcoming', 'in_progress')
                           ORDER BY r."dueDate" LIMIT 1) r ON TRUE
       LEFT JOIN LATERAL (SELECT h.score, h.grade, h.reasons FROM "HealthScore" h WHERE h."accountId" = a.id
                           AND h.day <= $1::date ORDER BY h.day DESC LIMIT 1) hs ON TRUE
      WHERE ${conds.join(" AND ")}`,
    params,
  );
  return rows;
}

/** Counts and ARR by latest grade (null = not scored) and currency over a filter. */
export async function gradeCounts(db: Db, filter: AccountFilter, today: string) {
  const f = filterSql(filter, 2);
  const { rows } = await db.pool.query<{ grade: Grade | null; currency: string; n: number; arr: number }>(
    `SELECT hs.grade::text AS grade, a.currency, count(*)::int AS n, sum(a.arr)::float8 AS arr FROM "Account" a
       LEFT JOIN LATERAL (SELECT h.grade FROM "HealthScore" h WHERE h."accountId" = a.id AND h.day <= $1::date
                           ORDER BY h.day DESC LIMIT 1) hs ON TRUE
      WHERE ${f.sql} AND a.stage <> 'churned' GROUP BY 1, 2`,
    [today, ...f.params],
  );
  return rows;
}
