import type { Call } from "../domain/forecast.js";
import type { DimensionScore, Grade, Level, Reason } from "../domain/health/types.js";
import type { Db } from "../store/db.js";
import { expansionInputs } from "../store/repos/expansion.js";
import type { RuleFacts, Tier } from "./rules/types.js";

// Loads what the rules read, for every (not churned) account as of `day`, with one set-based
// query per kind of fact - never a query per account.

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

/** Facts for the rules, digest and weekly summary, for every account not churned. */
export async function loadRuleFacts(db: Db, day: string, scope: { ownerId?: string } = {}): Promise<RuleFacts[]> {
  // `mine` plans one member's day: only their accounts, the same rules (src/proactive/planner.ts).
  const owner = scope.ownerId;
  const own = (n: number) => (owner ? ` AND "accountId" IN (SELECT id FROM "Account" WHERE "ownerId" = $${n})` : "");
  const q = <T extends Row>(sql: string, params: unknown[] = [day]) =>
    db.pool.query<T>(sql, owner ? [...params, owner] : params).then((r) => r.rows);
  // Sequential on purpose: PGlite serves one query at a time anyway, and the pool stays free.
  const accounts = await db.pool.query<{
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
  const scores = group(
    await q<
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
         FROM "HealthScore" WHERE day BETWEEN $1::date - 7 AND $1::date${own(2)} ORDER BY day`,
    ),
  );
  const usage = new Map(
    (
      await q<
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
      )
    ).map((r) => [r.accountId, r]),
  );
  const lastContact = new Map(
    (
      await q<Row & { last: string }>(
        `SELECT "accountId", max("occurredAt")::date::text AS last FROM "Interaction"
          WHERE NOT scheduled AND answered IS NOT FALSE AND kind IN ('visit','call','qbr','exec_visit','training')
            AND "occurredAt" < $1::date + 1${own(2)} GROUP BY "accountId"`,
      )
    ).map((r) => [r.accountId, r.last]),
  );
  const left = group(
    // successorMet: someone in the same role, still there, met since the departure (their own
    // last-contact date, or an answered interaction with them) - the rebuild is under way.
    await q<Row & { name: string; role: "champion" | "decision_maker"; leftAt: string; successorMet: boolean }>(
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
    ),
  );
  const dms = new Map(
    (
      await q<Row & { name: string; attitude: string; lastContact: string | null }>(
        `SELECT DISTINCT ON ("accountId") "accountId", name, attitude::text AS attitude, "lastContact"::text AS "lastContact"
           FROM "Contact" WHERE role = 'decision_maker' AND active${own(1)} ORDER BY "accountId", influence DESC, name`,
        [],
      )
    ).map((r) => [r.accountId, r]),
  );
  const feedback = group(
    await q<Row & { id: string; title: string; raisedAt: string }>(
      `SELECT "accountId", id, title, "raisedAt"::text AS "raisedAt" FROM "Feedback"
        WHERE status IN ('open','in_progress') AND "raisedAt" <= $1::date${own(2)}`,
    ),
  );
  const promises = group(
    await q<Row & { id: string; title: string; dueDate: string }>(
      `SELECT "accountId", id, title, "dueDate"::text AS "dueDate" FROM "CustomerPromise" WHERE status = 'open'${own(1)}`,
      [],
    ),
  );
  const milestones = group(
    await q<Row & { id: string; title: string; dueDate: string }>(
      `SELECT "accountId", id, title, "dueDate"::text AS "dueDate" FROM "Milestone"
        WHERE status = 'planned' AND "dueDate" < $1::date${own(2)}`,
    ),
  );
  const detractors = group(
    await q<
      Row & { id: string; score: number; respondent: string | null; comment: string | null; respondedAt: string }
    >(
      `SELECT "accountId", id, score, respondent, comment, "respondedAt"::text AS "respondedAt" FROM "SurveyResponse"
        WHERE kind = 'nps' AND score <= 6 AND "respondedAt" BETWEEN $1::date - 60 AND $1::date${own(2)}`,
    ),
  );
  const visits = group(
    await q<Row & { id: string; kind: string; day: string; contactName: string | null }>(
      `SELECT "accountId", id, kind::text AS kind, "occurredAt"::date::text AS day, "contactName" FROM "Interaction"
        WHERE scheduled AND kind IN ('visit','exec_visit','qbr') AND "occurredAt" >= $1::date AND "occurredAt" < $1::date + 2${own(2)}`,
    ),
  );
  const renewals = group(
    await q<
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
    ),
  );
  const expansion = new Map(
    (await expansionInputs(db, owner ? { kind: "owner", ownerId: owner } : { kind: "all" }, day)).map((x) => [x.id, x]),
  );
  return accounts.rows.map((a) => {
    const u = usage.get(a.id);
    const todays = scores.get(a.id)?.find((s) => s.day === day);
    const openPromises = promises.get(a.id) ?? [];
    return {
      id: a.id,
      name: a.name,
      tier: a.tier,
      stage: a.stage,
      arr: Number(a.arr),
      currency: a.currency,
      ownerId: a.ownerId,
      teamId: a.teamId,
      goLiveDate: a.goLiveDate,
      seats: a.seats,
      scores: (scores.get(a.id) ?? []).map((s) => ({
        day: s.day,
        score: s.score,
        grade: s.grade,
        usageLevel: s.usageLevel,
        valueLevel: s.valueLevel,
      })),
      topDrag: topDrag(scores.get(a.id)?.at(-1)?.reasons),
      usage: {
        ...healthTrend(todays?.components, todays?.reasons),
        weekMax: u?.weekMax ?? null,
        weekAvg: u?.weekAvg ?? null,
        weekDays: u?.weekDays ?? 0,
        activation: u?.activation ?? null,
      },
      lastContact: lastContact.get(a.id) ?? null,
      stakeholdersLeft: (left.get(a.id) ?? []).map((s) => ({
        name: s.name,
        role: s.role,
        leftAt: s.leftAt,
        successorMet: s.successorMet,
      })),
      decisionMaker: (() => {
        const d = dms.get(a.id);
        return d ? { name: d.name, attitude: d.attitude, lastContact: d.lastContact } : null;
      })(),
      openFeedback: (feedback.get(a.id) ?? []).map((x) => ({ id: x.id, title: x.title, raisedAt: x.raisedAt })),
      overduePromises: openPromises
        .filter((p) => p.dueDate < day)
        .map((p) => ({ id: p.id, title: p.title, dueDate: p.dueDate })),
      openPromises: openPromises.length,
      overdueMilestones: (milestones.get(a.id) ?? []).map((m) => ({ id: m.id, title: m.title, dueDate: m.dueDate })),
      detractors: (detractors.get(a.id) ?? []).map((d) => ({
        id: d.id,
        score: d.score,
        respondent: d.respondent,
        comment: d.comment,
        respondedAt: d.respondedAt,
      })),
      plannedVisits: (visits.get(a.id) ?? []).map((v) => ({
        id: v.id,
        kind: v.kind,
        day: v.day,
        contactName: v.contactName,
      })),
      renewals: (renewals.get(a.id) ?? []).map((r) => ({
        id: r.id,
        dueDate: r.dueDate,
        status: r.status,
        arr: Number(r.arr),
        termsClear: r.termsClear,
        valueReportSent: r.valueReportSent,
        call: r.call && r.callOn ? { call: r.call, on: r.callOn } : null,
      })),
      ...(expansion.has(a.id) ? { expansion: expansion.get(a.id) } : {}),
    };
  });
}

/** The health engine's trend figures of the day, as the account card shows them. */
export function healthTrend(
  components: DimensionScore[] | null | undefined,
  reasons: Reason[] | null | undefined,
): Pick<RuleFacts["usage"], "baseline" | "recentAvg" | "downPct"> {
  const inputs = Array.isArray(components) ? components.find((c) => c?.dimension === "trend")?.inputs : undefined;
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  // The reason's own figure when it is among the day's top reasons; else the card's "change" input
  // (reasons are capped at the biggest few, the inputs always show the change).
  const down = Array.isArray(reasons) ? reasons.find((r) => r?.key === "trend.active_users_down") : undefined;
  const change = num(inputs?.change);
  const fromChange = change !== null && change < 0 ? Math.round(-change * 100) : null;
  return {
    baseline: num(inputs?.baseline_avg_active),
    recentAvg: num(inputs?.recent_avg_active),
    downPct: num(down?.params?.pct) ?? (fromChange ? fromChange : null),
  };
}

function topDrag(reasons: Reason[] | null | undefined): Reason | null {
  if (!Array.isArray(reasons)) return null;
  const drags = reasons.filter((r) => r && r.kind === "drag" && typeof r.key === "string");
  return drags.sort((a, b) => Math.abs(b.impact ?? 0) - Math.abs(a.impact ?? 0))[0] ?? null;
}
