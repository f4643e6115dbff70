// What the proactive rules read, for every account not churned (or one owner's) as of one day: one
// set-based query per kind of fact, never one per account. src/proactive/facts.ts shapes the rows
// into the rules' facts.
import type { Call } from "../../domain/forecast.js";
import type { Tier } from "../../domain/health/config.js";
import type { DimensionScore, Grade, Level, Reason } from "../../domain/health/types.js";
import type { Db } from "../db.js";
import { expansionInputs } from "./expansion.js";

type Row = Record<string, unknown> & { accountId: string };

function group<T extends Row>(rows: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const list = m.get(r.accountId);
    if (list) list.push(r);
    else m.set(r.accountId, [r]);
  }
  return m;
}

/** Rows grouped by account, each account's sorted by day ("YYYY-MM-DD": text order is day order). */
function byDay<T extends Row & { day: string }>(rows: T[]): Map<string, T[]> {
  const m = group(rows);
  for (const list of m.values()) list.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return m;
}

/** The rows behind the rules' facts; `owner` narrows them to one member's accounts (`mine`). */
export async function ruleFactRows(db: Db, day: string, owner?: string) {
  const f = factQuery(db, day, owner);
  // Sequential on purpose (in the order written): PGlite serves one query at a time anyway, and the
  // pool stays free.
  return {
    accounts: await accountRows(f),
    // Each account's 8 days, oldest first: sorted per account here, not by the query (its ORDER BY
    // over 8 rows per account, today's with reasons and components, spilled to disk on a big book).
    scores: byDay(await scoreRows(f)),
    usage: new Map((await usageRows(f)).map((r) => [r.accountId, r])),
    lastContact: new Map((await lastContactRows(f)).map((r) => [r.accountId, r.last])),
    left: group(await leftRows(f)),
    dms: new Map((await decisionMakerRows(f)).map((r) => [r.accountId, r])),
    feedback: group(await feedbackRows(f)),
    promises: group(await promiseRows(f)),
    milestones: group(await milestoneRows(f)),
    detractors: group(await detractorRows(f)),
    visits: group(await visitRows(f)),
    renewals: group(await renewalRows(f)),
    expansion: new Map((await expansionRows(f)).map((x) => [x.id, x])),
  };
}

/** One day's queries, narrowed to one owner's accounts or not. */
interface FactQuery {
  db: Db;
  day: string;
  owner: string | undefined;
  /** ` AND "accountId"` in the owner's accounts, the owner being parameter $n; nothing without one. */
  own: (n: number) => string;
  /** Runs `sql` with `params` (default: the day), the owner appended when there is one. */
  q: <T extends Row>(sql: string, params?: unknown[]) => Promise<T[]>;
}

function factQuery(db: Db, day: string, owner: string | undefined): FactQuery {
  return {
    db,
    day,
    owner,
    own: (n: number) => (owner ? ` AND "accountId" IN (SELECT id FROM "Account" WHERE "ownerId" = $${n})` : ""),
    q: <T extends Row>(sql: string, params: unknown[] = [day]) =>
      db.pool.query<T>(sql, owner ? [...params, owner] : params).then((r) => r.rows),
  };
}

/** The expansion signals' inputs (src/store/repos/expansion.ts). */
function expansionRows({ db, day, owner }: FactQuery) {
  return expansionInputs(db, owner ? { kind: "owner", ownerId: owner } : { kind: "all" }, day);
}

async function accountRows({ db, owner }: FactQuery) {
  const { rows } = await db.pool.query<{
    id: string;
    name: string;
    tier: Tier;
    stage: string;
    arr: string;
    currency: string;
    ownerId: string | null;
    teamId: string | null;
    goLiveDate: string | null;
    seats: number | null;
  }>(
    `SELECT id, name, tier::text AS tier, stage::text AS stage, arr::text AS arr, currency, "ownerId", "teamId",
            "goLiveDate"::text AS "goLiveDate", seats
       FROM "Account" WHERE stage <> 'churned' AND "archivedAt" IS NULL ${owner ? `AND "ownerId" = $1` : ""} ORDER BY name, id`,
    owner ? [owner] : [],
  );
  return rows;
}

/** The last 8 days' scores; today's with its reasons and components. */
function scoreRows({ q, own }: FactQuery) {
  return q<
    Row & {
      day: string;
      score: number;
      grade: Grade;
      usageLevel: Level;
      valueLevel: Level;
      reasons: Reason[] | null;
      components: DimensionScore[] | null;
    }
  >(
    `SELECT "accountId", day::text AS day, score, grade::text AS grade, "usageLevel", "valueLevel",
              CASE WHEN day = $1::date THEN reasons END AS reasons,
              CASE WHEN day = $1::date THEN components END AS components
         FROM "HealthScore" WHERE day BETWEEN $1::date - 7 AND $1::date${own(2)}`,
  );
}

/** This week's usage and the latest day's activation. */
function usageRows({ q, own }: FactQuery) {
  return q<
    Row & {
      weekMax: number | null;
      weekAvg: number | null;
      weekDays: number;
      activation: number | null;
    }
  >(
    // Only this week's days: the 4-week windows and the change come from the health engine's
    // own trend figures of the day (stored with the score), so a nudge and the account card
    // can never quote two different drops.
    `SELECT "accountId",
                max("activeUsers") FILTER (WHERE day > $1::date - 7) AS "weekMax",
                avg("activeUsers") FILTER (WHERE day > $1::date - 7)::float8 AS "weekAvg",
                count(*) FILTER (WHERE day > $1::date - 7)::int AS "weekDays",
                -- The latest day's activation: the max of [day, ratio] pairs is the latest day's pair
                -- (one row per account and day). An ordered array_agg would sort every group (3.7x
                -- slower on a 5k-account book: EXPLAIN shows an external sort).
                (max(ARRAY[(day - DATE '2000-01-01')::float8, CASE WHEN seats > 0 THEN "activatedUsers"::float8 / seats END]))[2] AS activation
           FROM "UsageSnapshot" WHERE day BETWEEN $1::date - 34 AND $1::date${own(2)} GROUP BY "accountId"`,
  );
}

/** The last answered meaningful contact. */
function lastContactRows({ q, own }: FactQuery) {
  return q<Row & { last: string }>(
    `SELECT "accountId", max("occurredAt")::date::text AS last FROM "Interaction"
          WHERE NOT scheduled AND answered IS NOT FALSE AND kind IN ('visit','call','qbr','exec_visit','training')
            AND "occurredAt" < $1::date + 1${own(2)} GROUP BY "accountId"`,
  );
}

/**
 * Champions and decision makers who left in the last 90 days. successorMet: someone in the same
 * role, still there, met since the departure (their own last-contact date, or an answered
 * interaction with them) - the rebuild is under way.
 */
function leftRows({ q, own }: FactQuery) {
  return q<Row & { name: string; role: "champion" | "decision_maker"; leftAt: string; successorMet: boolean }>(
    `SELECT c."accountId", c.name, c.role::text AS role, c."leftAt"::text AS "leftAt",
              EXISTS (SELECT 1 FROM "Contact" s
                       WHERE s."accountId" = c."accountId" AND s.role = c.role AND s.id <> c.id AND s.active
                         AND s."leftAt" IS NULL
                         AND (s."lastContact" BETWEEN c."leftAt" AND $1::date
                              OR EXISTS (SELECT 1 FROM "Interaction" i
                                          WHERE i."accountId" = s."accountId" AND i."contactName" = s.name
                                            AND NOT i.scheduled AND i.answered IS NOT FALSE
                                            AND i."occurredAt" >= c."leftAt" AND i."occurredAt" < $1::date + 1))) AS "successorMet"
         FROM "Contact" c
        WHERE c.role IN ('champion','decision_maker') AND c."leftAt" IS NOT NULL
          AND c."leftAt" BETWEEN $1::date - 90 AND $1::date${own(2)}`,
  );
}

/** Each account's most influential active decision maker. */
function decisionMakerRows({ q, own }: FactQuery) {
  return q<Row & { name: string; attitude: string; lastContact: string | null }>(
    `SELECT DISTINCT ON ("accountId") "accountId", name, attitude::text AS attitude, "lastContact"::text AS "lastContact"
           FROM "Contact" WHERE role = 'decision_maker' AND active${own(1)} ORDER BY "accountId", influence DESC, name`,
    [],
  );
}

/** Open feedback raised by the day. */
function feedbackRows({ q, own }: FactQuery) {
  return q<Row & { id: string; title: string; raisedAt: string }>(
    `SELECT "accountId", id, title, "raisedAt"::text AS "raisedAt" FROM "Feedback"
        WHERE status IN ('open','in_progress') AND "raisedAt" <= $1::date${own(2)}`,
  );
}

/** Open promises. */
function promiseRows({ q, own }: FactQuery) {
  return q<Row & { id: string; title: string; dueDate: string }>(
    `SELECT "accountId", id, title, "dueDate"::text AS "dueDate" FROM "CustomerPromise" WHERE status = 'open'${own(1)}`,
    [],
  );
}

/** Planned milestones past their due date. */
function milestoneRows({ q, own }: FactQuery) {
  return q<Row & { id: string; title: string; dueDate: string }>(
    `SELECT "accountId", id, title, "dueDate"::text AS "dueDate" FROM "Milestone"
        WHERE status = 'planned' AND "dueDate" < $1::date${own(2)}`,
  );
}

/** NPS detractors of the last 60 days. */
function detractorRows({ q, own }: FactQuery) {
  return q<Row & { id: string; score: number; respondent: string | null; comment: string | null; respondedAt: string }>(
    `SELECT "accountId", id, score, respondent, comment, "respondedAt"::text AS "respondedAt" FROM "SurveyResponse"
        WHERE kind = 'nps' AND score <= 6 AND "respondedAt" BETWEEN $1::date - 60 AND $1::date${own(2)}`,
  );
}

/** Visits planned today or tomorrow. */
function visitRows({ q, own }: FactQuery) {
  return q<Row & { id: string; kind: string; day: string; contactName: string | null }>(
    `SELECT "accountId", id, kind::text AS kind, "occurredAt"::date::text AS day, "contactName" FROM "Interaction"
        WHERE scheduled AND kind IN ('visit','exec_visit','qbr') AND "occurredAt" >= $1::date AND "occurredAt" < $1::date + 2${own(2)}`,
  );
}

/** Open renewals due within 120 days (or past), each with its latest forecast call. */
function renewalRows({ q, own }: FactQuery) {
  return q<
    Row & {
      id: string;
      dueDate: string;
      status: string;
      arr: string;
      termsClear: boolean | null;
      valueReportSent: boolean;
      call: Call | null;
      callOn: string | null;
    }
  >(
    `SELECT "accountId", id, "dueDate"::text AS "dueDate", status::text AS status, arr::text AS arr, "termsClear", "valueReportSent",
              c.call::text AS call, c."calledAt"::date::text AS "callOn"
         FROM "Renewal" r
         LEFT JOIN LATERAL (SELECT call, "calledAt" FROM "RenewalCall" c WHERE c."accountId" = r."accountId"
                             AND c."dueDate" = r."dueDate" ORDER BY c."calledAt" DESC, c.id DESC LIMIT 1) c ON TRUE
        WHERE status IN ('upcoming','in_progress') AND "dueDate" <= $1::date + 120${own(2)} ORDER BY "dueDate"`,
  );
}
