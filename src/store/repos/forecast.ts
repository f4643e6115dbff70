// Renewal forecast reads and the CSM's calls. The model's call and the totals are pure
// (src/domain/forecast.ts); this file only loads what they need and writes calls.

import type { Call, CsmCall, ForecastRenewal } from "../../domain/forecast.js";
import type { AccountFilter } from "../../domain/identity.js";
import { readinessGaps } from "../../domain/renewal.js";
import { filterSql } from "../account-filter.js";
import type { Db } from "../db.js";
import { readinessOf } from "./accounts.js";

type Row = Omit<ForecastRenewal, "csm" | "gaps"> & {
  termsClear: boolean | null;
  valueReportSent: boolean | null;
  call: Call | null;
  callNote: string | null;
  callBy: string | null;
  callOn: string | null;
};

/**
 * Every renewal due in [from, to] on accounts in `filter`: Renewal rows (closed ones too, for the
 * period's actuals) and accounts whose renewal date falls in the window without a Renewal row for it.
 * Each with its latest score, open risks, readiness inputs, the CSM's latest call for that due date
 * and the open upsell / cross-sell expected to close by `to` in the account's currency.
 */
export async function forecastRenewals(
  db: Db,
  filter: AccountFilter,
  range: { from: string; to: string },
  today: string,
): Promise<ForecastRenewal[]> {
  const f = filterSql(filter, 4);
  const { rows } = await db.pool.query<Row>(
    `WITH due AS (
       SELECT r."accountId", r."dueDate", r.arr::float8 AS arr, r.status::text AS status,
              r."outcomeArr"::float8 AS "outcomeArr", r."termsClear", r."valueReportSent"
         FROM "Renewal" r WHERE r."dueDate" BETWEEN $1::date AND $2::date
       UNION ALL
       SELECT a.id, a."renewalDate", a.arr::float8, 'upcoming', NULL, NULL, NULL
         FROM "Account" a
        WHERE a."renewalDate" BETWEEN $1::date AND $2::date AND a.stage <> 'churned'
          AND NOT EXISTS (SELECT 1 FROM "Renewal" r WHERE r."accountId" = a.id
                           AND (r."dueDate" = a."renewalDate" OR r.status IN ('upcoming', 'in_progress'))))
     SELECT a.id AS "accountId", a.name, a."ownerId", a.currency, to_char(d."dueDate", 'YYYY-MM-DD') AS "dueDate",
            d.arr, d.status, d."outcomeArr", d."termsClear", d."valueReportSent",
            hs.score, hs.grade::text AS grade, rf.n AS "openRisks", rf.high AS "highRisk",
            c.call::text AS call, c.note AS "callNote", m.name AS "callBy",
            to_char(c."calledAt", 'YYYY-MM-DD') AS "callOn",
            COALESCE((SELECT sum(o.amount)::float8 FROM "Opportunity" o
                       WHERE o."accountId" = a.id AND o.status = 'open' AND o.kind IN ('upsell', 'cross_sell')
                         AND COALESCE(o.currency, a.currency) = a.currency
                         AND o."expectedClose" <= $2::date), 0) AS expansion
       FROM due d JOIN "Account" a ON a.id = d."accountId"
       LEFT JOIN LATERAL (SELECT h.score, h.grade FROM "HealthScore" h WHERE h."accountId" = a.id
                           AND h.day <= $3::date ORDER BY h.day DESC LIMIT 1) hs ON TRUE
       CROSS JOIN LATERAL (SELECT count(*)::int AS n, COALESCE(bool_or(x.severity = 'high'), false) AS high
                             FROM "RiskFlag" x WHERE x."accountId" = a.id AND x."resolvedAt" IS NULL) rf
       LEFT JOIN LATERAL (SELECT * FROM "RenewalCall" c WHERE c."accountId" = a.id AND c."dueDate" = d."dueDate"
                           ORDER BY c."calledAt" DESC, c.id DESC LIMIT 1) c ON TRUE
       LEFT JOIN "Member" m ON m.id = c."memberId"
      WHERE ${f.sql}`,
    [range.from, range.to, today, ...f.params],
  );
  const ready = await readinessOf(db, [...new Set(rows.map((r) => r.accountId))], today);
  return rows.map(({ termsClear, valueReportSent, call, callNote, callBy, callOn, ...r }) => {
    const x = ready.get(r.accountId);
    const gaps = readinessGaps({
      termsClear,
      grade: r.grade,
      latestNps: x?.latestNps ?? null,
      decisionMakerEngaged: x?.dmEngaged ?? false,
      openPromises: x?.openPromises ?? 0,
      valueReportSent: valueReportSent ?? false,
    }).length;
    const csm: CsmCall | null = call && callOn ? { call, note: callNote, by: callBy, on: callOn } : null;
    return { ...r, gaps, csm };
  });
}

/** The due date a call on this account is about: its earliest open renewal, else its renewal date. */
export async function openRenewalDue(db: Db, accountId: string): Promise<{ dueDate: string; arr: number } | null> {
  const { rows } = await db.pool.query<{ dueDate: string; arr: number }>(
    `SELECT to_char(COALESCE(r."dueDate", a."renewalDate"), 'YYYY-MM-DD') AS "dueDate",
            COALESCE(r.arr, a.arr)::float8 AS arr
       FROM "Account" a
       LEFT JOIN LATERAL (SELECT * FROM "Renewal" r WHERE r."accountId" = a.id AND r.status IN ('upcoming', 'in_progress')
                           ORDER BY r."dueDate" LIMIT 1) r ON TRUE
      WHERE a.id = $1`,
    [accountId],
  );
  const r = rows[0];
  return r?.dueDate ? r : null;
}

export interface CallInput {
  accountId: string;
  dueDate: string;
  call: Call;
  note?: string;
  memberId: string;
  source: "chat" | "button" | "import";
  /** The surface it came from, for the audit log (slack, feishu, cli, web). */
  surface: string;
  at: Date;
}

/** Records a call (history is kept: every call is a row) and audits it. */
export async function recordCall(db: Db, c: CallInput): Promise<void> {
  await db.prisma.$transaction([
    db.prisma.renewalCall.create({
      data: {
        accountId: c.accountId,
        dueDate: new Date(`${c.dueDate}T00:00:00Z`),
        call: c.call,
        note: c.note ?? null,
        memberId: c.memberId,
        source: c.source,
        calledAt: c.at,
      },
    }),
    db.prisma.auditLog.create({
      data: {
        memberId: c.memberId,
        surface: c.surface,
        action: "renewal.call",
        accountId: c.accountId,
        detail: { call: c.call, dueDate: c.dueDate },
      },
    }),
  ]);
}

export interface CallHistoryRow {
  call: Call;
  note: string | null;
  by: string | null;
  on: string;
}

/** The calls made on one renewal, newest first. */
export async function callHistory(db: Db, accountId: string, dueDate: string, limit = 5): Promise<CallHistoryRow[]> {
  const { rows } = await db.pool.query<CallHistoryRow>(
    `SELECT c.call::text AS call, c.note, m.name AS by, to_char(c."calledAt", 'YYYY-MM-DD') AS on
       FROM "RenewalCall" c LEFT JOIN "Member" m ON m.id = c."memberId"
      WHERE c."accountId" = $1 AND c."dueDate" = $2::date ORDER BY c."calledAt" DESC, c.id DESC LIMIT $3`,
    [accountId, dueDate, limit],
  );
  return rows;
}
