// Expansion reads: what the signals (src/domain/expansion.ts) need per account, and the open
// opportunities. Set-based: one query per list, per-row index probes.

import type { ExpansionInput } from "../../domain/expansion.js";
import type { AccountFilter } from "../../domain/identity.js";
import { filterSql } from "../account-filter.js";
import type { Db } from "../db.js";

export interface ExpansionRow extends ExpansionInput {
  id: string;
  name: string;
  ownerId: string | null;
  teamId: string | null;
  arr: number;
  currency: string;
  score: number | null;
}

/** Signal inputs of every live account in `filter` as of `today`. */
export async function expansionInputs(db: Db, filter: AccountFilter, today: string): Promise<ExpansionRow[]> {
  const f = filterSql(filter, 2);
  const { rows } = await db.pool.query<ExpansionRow>(
    `SELECT a.id, a.name, a."ownerId", a."teamId", a.arr::float8 AS arr, a.currency,
            hs.score, hs.grade::text AS grade, rf.high AS "highRisk",
            COALESCE(a.seats, u.seats) AS seats, u."activatedUsers" AS "seatsInUse", b."activatedUsers" AS "usersBefore",
            (SELECT (c->'inputs'->>'change')::float8 FROM jsonb_array_elements(
                      CASE WHEN jsonb_typeof(hs.components::jsonb) = 'array' THEN hs.components::jsonb ELSE '[]'::jsonb END) c
              WHERE c->>'dimension' = 'trend' AND jsonb_typeof(c->'inputs'->'change') = 'number' LIMIT 1) AS "usageChange",
            (SELECT count(*)::int FROM "Feedback" fb WHERE fb."accountId" = a.id AND fb."higherPlan"
               AND fb.status IN ('open', 'in_progress')) AS "higherPlanRequests",
            (SELECT count(*)::int FROM "Opportunity" o WHERE o."accountId" = a.id AND o.status = 'open') AS "openOpportunities",
            (SELECT coalesce(array_agg(c.title), '{}'::text[]) FROM "Contact" c WHERE c."accountId" = a.id
               AND c."createdAt" < $1::date - 90) AS "contactTitlesBefore",
            (SELECT coalesce(array_agg(c.title), '{}'::text[]) FROM "Contact" c WHERE c."accountId" = a.id AND c.active
               AND c."createdAt" >= $1::date - 90 AND c."createdAt" < $1::date + 1) AS "contactTitlesNew"
       FROM "Account" a
       LEFT JOIN LATERAL (SELECT h.score, h.grade, h.components FROM "HealthScore" h WHERE h."accountId" = a.id
                           AND h.day <= $1::date ORDER BY h.day DESC LIMIT 1) hs ON TRUE
       CROSS JOIN LATERAL (SELECT COALESCE(bool_or(x.severity = 'high'), false) AS high
                             FROM "RiskFlag" x WHERE x."accountId" = a.id AND x."resolvedAt" IS NULL) rf
       LEFT JOIN LATERAL (SELECT s."activatedUsers", s.seats FROM "UsageSnapshot" s WHERE s."accountId" = a.id
                           AND s.day BETWEEN $1::date - 14 AND $1::date ORDER BY s.day DESC LIMIT 1) u ON TRUE
       LEFT JOIN LATERAL (SELECT s."activatedUsers" FROM "UsageSnapshot" s WHERE s."accountId" = a.id
                           AND s.day BETWEEN $1::date - 100 AND $1::date - 80 ORDER BY s.day LIMIT 1) b ON TRUE
      WHERE a.stage <> 'churned' AND ${f.sql}`,
    [today, ...f.params],
  );
  return rows;
}

export interface OpportunityRow {
  id: string;
  accountId: string;
  accountName: string;
  kind: "upsell" | "cross_sell" | "services";
  title: string;
  amount: number;
  currency: string;
  stage: string | null;
  expectedClose: string | null;
}

/** Open opportunities on live accounts in `filter`, soonest expected close first. */
export async function openOpportunities(db: Db, filter: AccountFilter): Promise<OpportunityRow[]> {
  const f = filterSql(filter, 1);
  const { rows } = await db.pool.query<OpportunityRow>(
    `SELECT o.id, o."accountId", a.name AS "accountName", o.kind::text AS kind, o.title, o.amount::float8 AS amount,
            COALESCE(o.currency, a.currency) AS currency, o.stage,
            to_char(o."expectedClose", 'YYYY-MM-DD') AS "expectedClose"
       FROM "Opportunity" o JOIN "Account" a ON a.id = o."accountId"
      WHERE o.status = 'open' AND a.stage <> 'churned' AND ${f.sql}
      ORDER BY o."expectedClose" NULLS LAST, o.amount DESC, o.id`,
    f.params,
  );
  return rows;
}
