// What the visit brief reads beyond the account card: the account with everything a brief cites,
// its latest grade, and one healthy comparable peer the asker may read.
import type { Grade, Reason } from "../../domain/health/types.js";
import type { AccountFilter } from "../../domain/identity.js";
import { filterSql } from "../account-filter.js";
import type { Db } from "../db.js";

const TIER_ORDER = `ARRAY['strategic','key','standard','long_tail']`;

/** The account with its owner, usage since `usageFrom`, feedback, recent interactions, people and plans. */
export async function accountForBrief(db: Db, id: string, usageFrom: string) {
  return db.prisma.account.findUniqueOrThrow({
    where: { id },
    include: {
      owner: { select: { name: true } },
      usage: { where: { day: { gte: new Date(`${usageFrom}T00:00:00Z`) } }, orderBy: { day: "asc" } },
      feedback: true,
      interactions: { orderBy: { occurredAt: "desc" }, take: 20 },
      contacts: true,
      surveys: { where: { kind: "nps" }, orderBy: { respondedAt: "desc" }, take: 5 },
      milestones: true,
      promises: true,
      risks: true,
      renewals: { where: { status: { in: ["upcoming", "in_progress"] } }, orderBy: { dueDate: "asc" }, take: 1 },
    },
  });
}

/** The account's latest grade on or before `day` (undefined before its first score). */
export async function latestGrade(
  db: Db,
  accountId: string,
  day: string,
): Promise<{ grade: Grade; state: string | null } | undefined> {
  const { rows } = await db.pool.query<{ grade: Grade; state: string | null }>(
    `SELECT grade::text AS grade, state FROM "HealthScore" WHERE "accountId" = $1 AND day <= $2::date ORDER BY day DESC LIMIT 1`,
    [accountId, day],
  );
  return rows[0];
}

export interface PeerRow {
  name: string;
  score: number;
  same_industry: boolean;
  core_used: number | null;
  core_total: number | null;
  touches: number;
  reasons: Reason[] | null;
}

/** The best healthy, comparable account within `filter` other than `a` (undefined: none). */
export async function healthyPeerOf(
  db: Db,
  filter: AccountFilter,
  a: { id: string; industry: string | null; tier: string; arr: unknown; currency: string },
  today: string,
): Promise<PeerRow | undefined> {
  const f = filterSql(filter, 7);
  const { rows } = await db.pool.query<PeerRow>(
    // A peer worth copying is comparable: scored on real data (not "new", usage in the last 4 weeks),
    // the same or a neighbouring tier, and ARR in the same currency within a factor of 3. Pick it on
    // industry, tier and score, then read its reasons, usage and touches: only for the one row.
    `SELECT p.name, p.score, hr.reasons, p.same_industry,
            u."coreFeaturesUsed" AS core_used, u."coreFeaturesTotal" AS core_total,
            (SELECT count(*)::int FROM "Interaction" i WHERE i."accountId" = p.id AND NOT i.scheduled
               AND i."occurredAt" >= $4::date - 90 AND i."occurredAt" < $4::date + 1) AS touches
       FROM (SELECT a.id, a.name, hs.score, (a.industry IS NOT DISTINCT FROM $2) AS same_industry
               FROM "Account" a
               JOIN LATERAL (SELECT h.score, h.grade, h.state FROM "HealthScore" h WHERE h."accountId" = a.id AND h.day <= $4::date
                              ORDER BY h.day DESC LIMIT 1) hs ON hs.grade = 'green' AND hs.state IS NULL
              WHERE a.id <> $1 AND ${f.sql}
                AND abs(array_position(${TIER_ORDER}, a.tier::text) - array_position(${TIER_ORDER}, $3::text)) <= 1
                AND a.currency = $6 AND a.arr::float8 BETWEEN $5::float8 / 3 AND $5::float8 * 3
                AND EXISTS (SELECT 1 FROM "UsageSnapshot" s WHERE s."accountId" = a.id
                              AND s.day > $4::date - 28 AND s.day <= $4::date AND s."activeUsers" > 0)
              ORDER BY (a.industry IS NOT DISTINCT FROM $2) DESC, (a.tier::text = $3) DESC, hs.score DESC, a.name LIMIT 1) p
       JOIN LATERAL (SELECT h.reasons FROM "HealthScore" h WHERE h."accountId" = p.id AND h.day <= $4::date
                      ORDER BY h.day DESC LIMIT 1) hr ON TRUE
       LEFT JOIN LATERAL (SELECT * FROM "UsageSnapshot" s WHERE s."accountId" = p.id AND s.day <= $4::date
                           ORDER BY s.day DESC LIMIT 1) u ON TRUE`,
    [a.id, a.industry, a.tier, today, Number(a.arr), a.currency, ...f.params],
  );
  return rows[0];
}
