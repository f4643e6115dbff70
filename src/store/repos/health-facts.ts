import { addDays } from "../../domain/dates.js";
import type { Tier } from "../../domain/health/config.js";
import type { HealthFacts, Severity, StakeholderFacts, UsageFacts } from "../../domain/health/facts.js";
import { HOLIDAY_DEFAULTS, type HolidayConfig, holidaysByLocale } from "../../domain/health/holidays.js";
import type { Db } from "../db.js";

// Facts for every account on one day, read with a handful of set-based queries (one per table,
// grouped by account), never one query per account. Everything is "as of" the day, so the same
// loader replays history for the backtest.

export interface FactsScope {
  /** Only these accounts (the backtest); default every account not churned. */
  accountIds?: string[];
  /** Holiday calendars (default: the built-in ones): holiday days are left out of the usage windows. */
  holidays?: HolidayConfig;
  /** The time zone of accounts whose team sets none (TEND_TIMEZONE); default UTC. */
  timezone?: string;
}

/** Share of a 56-day window's active-user total on month-end days above which use follows the month end. */
const MONTH_END_SHARE = 0.5;

interface AccountRow {
  id: string;
  tier: Tier;
  industry: string | null;
  startDate: string | null;
  goLiveDate: string | null;
  seats: number | null;
}

/**
 * A ticket open at the end of day $1 in its account's time zone (`e.day_end`, UTC like the stored
 * times): opened by then, not solved by then (solved later: still open that day).
 */
const TICKET_OPEN = `(t."solvedAt" IS NULL AND t.status IN ('new','open','pending','hold') OR t."solvedAt" >= e.day_end)`;
const MEANINGFUL = `('visit','call','qbr','exec_visit','training')`;
const OUTREACH = `('visit','call','qbr','exec_visit','training','email')`;
/** A contact who had left the account on day $1 (no leftAt: the active flag is all there is). */
const DEPARTED = (c: string) =>
  `(${c}."leftAt" IS NOT NULL AND ${c}."leftAt" <= $1::date OR (${c}."leftAt" IS NULL AND NOT ${c}.active))`;

export async function loadFacts(db: Db, day: string, scope: FactsScope = {}): Promise<HealthFacts[]> {
  const f = factsQuery(db, day, scope.accountIds);
  const [accounts, usage, interactions, contacts, surveys, feedback, promises, milestones, risks, tickets] =
    await Promise.all([
      accountRows(f),
      usageRows(f, scope.holidays ?? HOLIDAY_DEFAULTS),
      interactionRows(f),
      contactRows(f),
      surveyRows(f),
      feedbackRows(f),
      promiseRows(f),
      milestoneRows(f),
      riskRows(f),
      ticketRows(f, scope.timezone ?? "UTC"),
    ]);
  const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));
  const tables: FactTables = {
    usage: byId(usage),
    interactions: byId(interactions),
    contacts: byId(contacts),
    surveys: surveysById(surveys),
    feedback: byId(feedback),
    promises: byId(promises),
    milestones: byId(milestones),
    risks: risksById(risks),
    tickets: byId(tickets),
  };
  return accounts.map((a) => factsOf(a, day, tables));
}

/** One day's query context: the day (and the accounts, when scoped) as the first parameters. */
interface FactsQuery {
  db: Db;
  day: string;
  ids: string[] | undefined;
  params: unknown[];
  /** ` AND col = ANY($2)` when scoped to some accounts, else nothing. */
  only: (col: string) => string;
  q: <T extends object>(sql: string) => Promise<(T & { id: string })[]>;
}

function factsQuery(db: Db, day: string, ids: string[] | undefined): FactsQuery {
  const params: unknown[] = ids ? [day, ids] : [day];
  return {
    db,
    day,
    ids,
    params,
    only: (col: string) => (ids ? `AND ${col} = ANY($2::text[])` : ""),
    q: async <T extends object>(sql: string) => (await db.pool.query<T & { id: string }>(sql, params)).rows,
  };
}

function accountRows({ q, ids }: FactsQuery) {
  return q<AccountRow>(
    `SELECT id, tier::text AS tier, industry, to_char("goLiveDate", 'YYYY-MM-DD') AS "goLiveDate", seats,
              to_char(COALESCE("contractStart", "goLiveDate", "createdAt"::date), 'YYYY-MM-DD') AS "startDate"
         FROM "Account" WHERE $1::date IS NOT NULL ${ids ? "AND id = ANY($2::text[])" : "AND stage <> 'churned' AND \"archivedAt\" IS NULL"}
        ORDER BY id`,
  );
}

type UsageRow = Omit<UsageFacts, "weeklyPeaks" | "last7" | "monthEnd"> & {
  id: string;
  w0: number | null;
  w1: number | null;
  w2: number | null;
  w3: number | null;
  l7avg: number | null;
  l7max: number | null;
  l7days: number;
  meShare: number | null;
  meRecent: number | null;
  meBase: number | null;
};

// Recent 4 weeks vs the 4 weeks before, weekly peaks, the trailing 7 days, and the most seen of
// activation and core features over the last 7 (else 28) days. Holiday days of the team's locale
// are left out of every window; month-end days are marked for accounts that follow the month end.
async function usageRows({ db, day, params, only }: FactsQuery, calendars: HolidayConfig): Promise<UsageRow[]> {
  const holidays = JSON.stringify(holidaysByLocale(calendars, addDays(day, -56), day));
  const { rows } = await db.pool.query<UsageRow>(
    `WITH hol AS (
           SELECT e.key AS locale, d::date AS day FROM jsonb_each($${params.length + 1}::jsonb) e, jsonb_array_elements_text(e.value) d),
         u AS (
           SELECT s.*, (s.day >= (date_trunc('month', s.day) + interval '1 month' - interval '3 days')::date) AS me
             FROM "UsageSnapshot" s
             JOIN "Account" a ON a.id = s."accountId"
             LEFT JOIN "Team" t ON t.id = a."teamId"
             LEFT JOIN hol ON hol.locale = coalesce(t.locale, 'default') AND hol.day = s.day
            WHERE s.day > $1::date - 56 AND s.day <= $1::date AND hol.day IS NULL ${only(`s."accountId"`)}),
         agg AS (
           SELECT "accountId" AS id,
                  count(*) FILTER (WHERE day > $1::date - 28)::int AS "recentDays",
                  count(*) FILTER (WHERE day <= $1::date - 28)::int AS "baseDays",
                  avg("activeUsers") FILTER (WHERE day > $1::date - 28)::float8 AS "recentAvg",
                  avg("activeUsers") FILTER (WHERE day <= $1::date - 28)::float8 AS "baseAvg",
                  max("activeUsers") FILTER (WHERE day > $1::date - 28) AS "recentPeak",
                  max("activeUsers") AS peak,
                  count(*) FILTER (WHERE day > $1::date - 28 AND "activeUsers" > 0)::int AS "activeDays",
                  max("activeUsers") FILTER (WHERE day > $1::date - 7) AS w0,
                  max("activeUsers") FILTER (WHERE day > $1::date - 14 AND day <= $1::date - 7) AS w1,
                  max("activeUsers") FILTER (WHERE day > $1::date - 21 AND day <= $1::date - 14) AS w2,
                  max("activeUsers") FILTER (WHERE day > $1::date - 28 AND day <= $1::date - 21) AS w3,
                  avg("activeUsers") FILTER (WHERE day > $1::date - 7)::float8 AS l7avg,
                  max("activeUsers") FILTER (WHERE day > $1::date - 7) AS l7max,
                  count(*) FILTER (WHERE day > $1::date - 7)::int AS l7days,
                  coalesce(max("activatedUsers") FILTER (WHERE day > $1::date - 7), max("activatedUsers") FILTER (WHERE day > $1::date - 28)) AS "activatedUsers",
                  coalesce(max(seats) FILTER (WHERE day > $1::date - 7), max(seats) FILTER (WHERE day > $1::date - 28)) AS seats,
                  coalesce(max("coreFeaturesUsed") FILTER (WHERE day > $1::date - 7), max("coreFeaturesUsed") FILTER (WHERE day > $1::date - 28)) AS "coreUsed",
                  max("coreFeaturesTotal") FILTER (WHERE day > $1::date - 28) AS "coreTotal",
                  (sum("activeUsers") FILTER (WHERE me))::float8 / nullif(sum("activeUsers"), 0) AS "meShare",
                  avg("activeUsers") FILTER (WHERE me AND day > $1::date - 28)::float8 AS "meRecent",
                  avg("activeUsers") FILTER (WHERE me AND day <= $1::date - 28)::float8 AS "meBase"
             FROM u GROUP BY "accountId")
         SELECT * FROM agg`,
    [...params, holidays],
  );
  return rows;
}

interface InteractionRow {
  lastContact: string | null;
  lastExec: string | null;
  praise: string[] | null;
  complaints: string[] | null;
  attempts: number;
  firstUnanswered: string | null;
}

// Contact is answered contact with someone still at the account: a call nobody picked up, or a
// meeting with a person who has since left, no longer counts. Outreach left unanswered since the
// last answered contact is counted apart (repeated, it reads as refusing contact).
function interactionRows({ q, only }: FactsQuery) {
  return q<InteractionRow>(
    `WITH i AS (
         SELECT i."accountId", i.kind, i."occurredAt", i.answered IS NOT FALSE AS answered,
                c.id IS NOT NULL AND ${DEPARTED("c")} AS departed
           FROM "Interaction" i
           LEFT JOIN "Contact" c ON c."accountId" = i."accountId" AND c.name = i."contactName"
          WHERE NOT i.scheduled AND i."occurredAt" < $1::date + 1 ${only(`i."accountId"`)}),
       agg AS (
         SELECT "accountId" AS id,
                max("occurredAt") FILTER (WHERE kind IN ${MEANINGFUL} AND answered AND NOT departed) AS last,
                max("occurredAt") FILTER (WHERE kind IN ('exec_visit','qbr') AND answered AND NOT departed) AS "lastExec",
                max("occurredAt") FILTER (WHERE kind IN ${OUTREACH} AND answered) AS "lastAnswered",
                array_agg(to_char("occurredAt", 'YYYY-MM-DD')) FILTER (WHERE kind = 'praise' AND NOT departed AND "occurredAt" >= $1::date - 365) AS praise,
                array_agg(to_char("occurredAt", 'YYYY-MM-DD')) FILTER (WHERE kind = 'complaint' AND NOT departed AND "occurredAt" >= $1::date - 365) AS complaints
           FROM i GROUP BY "accountId"),
       -- Unanswered outreach since the last answered contact, joined (not a subquery per account).
       un AS (
         SELECT i."accountId" AS id, count(*)::int AS attempts, min(i."occurredAt") AS first
           FROM i JOIN agg ON agg.id = i."accountId"
          WHERE i.kind IN ${OUTREACH} AND NOT i.answered
            AND (agg."lastAnswered" IS NULL OR i."occurredAt" > agg."lastAnswered")
          GROUP BY i."accountId")
       SELECT agg.id, to_char(agg.last, 'YYYY-MM-DD') AS "lastContact", to_char(agg."lastExec", 'YYYY-MM-DD') AS "lastExec",
              agg.praise, agg.complaints, coalesce(un.attempts, 0) AS attempts,
              to_char(un.first, 'YYYY-MM-DD') AS "firstUnanswered"
         FROM agg LEFT JOIN un ON un.id = agg.id`,
  );
}

// Who was in place on the day: a contact who left later was still active then.
function contactRows({ q, only }: FactsQuery) {
  return q<{ n: number; lastExec: string | null; stakeholders: StakeholderFacts[] }>(
    `SELECT "accountId" AS id, count(*)::int AS n,
              to_char(max("lastContact") FILTER (WHERE role IN ('executive','decision_maker') AND "lastContact" <= $1::date
                                                   AND NOT ${DEPARTED(`"Contact"`)}), 'YYYY-MM-DD') AS "lastExec",
              COALESCE(json_agg(json_build_object(
                  'name', name, 'role', role, 'attitude', attitude,
                  'active', CASE WHEN "leftAt" IS NULL THEN active ELSE "leftAt" > $1::date END,
                  'leftAt', to_char("leftAt", 'YYYY-MM-DD')))
                FILTER (WHERE role IN ('champion','decision_maker')), '[]'::json) AS stakeholders
         FROM "Contact" WHERE TRUE ${only(`"accountId"`)}
        GROUP BY "accountId"`,
  );
}

type SurveyRow = {
  id: string;
  kind: "nps" | "csat";
  score: number;
  day: string;
  name: string | null;
  role: string | null;
};

// Each respondent's latest answer per kind, from people still at the account (a respondent not on
// record as a contact is read as present: nothing says they left).
function surveyRows({ q, only }: FactsQuery): Promise<SurveyRow[]> {
  return q<SurveyRow>(
    `SELECT * FROM (
         SELECT DISTINCT ON (s."accountId", s.kind, coalesce(s.respondent, s.id)) s."accountId" AS id, s.kind::text AS kind,
                s.score, to_char(s."respondedAt", 'YYYY-MM-DD') AS day, c.name, c.role::text AS role
           FROM "SurveyResponse" s
           LEFT JOIN "Contact" c ON c."accountId" = s."accountId" AND c.name = s.respondent
          WHERE s."respondedAt" <= $1::date AND (c.id IS NULL OR NOT ${DEPARTED("c")}) ${only(`s."accountId"`)}
          ORDER BY s."accountId", s.kind, coalesce(s.respondent, s.id), s."respondedAt" DESC, s."createdAt" DESC) x
        ORDER BY id, kind, day DESC`,
  );
}

/** Feedback, promises or milestones: how many, and the open ones' dates. */
type OpenItems = { total: number; open: string[] | null };

function feedbackRows({ q, only }: FactsQuery) {
  return q<OpenItems>(
    `SELECT "accountId" AS id, count(*)::int AS total,
              array_agg(to_char("raisedAt", 'YYYY-MM-DD')) FILTER (WHERE "resolvedAt" > $1::date
                OR ("resolvedAt" IS NULL AND status IN ('open','in_progress'))) AS open
         FROM "Feedback" WHERE "raisedAt" <= $1::date ${only(`"accountId"`)}
        GROUP BY "accountId"`,
  );
}

function promiseRows({ q, only }: FactsQuery) {
  return q<OpenItems>(
    `SELECT "accountId" AS id, count(*)::int AS total,
              array_agg(to_char("dueDate", 'YYYY-MM-DD')) FILTER (WHERE "keptAt" > $1::date
                OR ("keptAt" IS NULL AND status = 'open')) AS open
         FROM "CustomerPromise" WHERE "madeAt" <= $1::date ${only(`"accountId"`)}
        GROUP BY "accountId"`,
  );
}

function milestoneRows({ q, only }: FactsQuery) {
  return q<OpenItems>(
    `SELECT "accountId" AS id, count(*)::int AS total,
              array_agg(to_char("dueDate", 'YYYY-MM-DD')) FILTER (WHERE "doneAt" > $1::date
                OR ("doneAt" IS NULL AND status <> 'done')) AS open
         FROM "Milestone" WHERE TRUE ${only(`"accountId"`)}
        GROUP BY "accountId"`,
  );
}

function riskRows({ q, only }: FactsQuery) {
  return q<{ kind: string; severity: Severity; raisedAt: string }>(
    `SELECT "accountId" AS id, kind::text AS kind, severity::text AS severity, to_char("raisedAt", 'YYYY-MM-DD') AS "raisedAt"
         FROM "RiskFlag"
        WHERE severity IN ('high','medium') AND "raisedAt" <= $1::date
          AND ("resolvedAt" IS NULL OR "resolvedAt" > $1::date) ${only(`"accountId"`)}`,
  );
}

interface TicketRow {
  id: string;
  total: number;
  open: number;
  urgentHours: number[] | null;
  reopened: number;
  good: number;
  bad: number;
}

// Support tickets as of the day's end in the account's time zone (its team's, else the
// configured one): open then, the urgent ones' hours open, and the last 90 days' reopened
// tickets and satisfaction ratings. Deleted tickets count for nothing.
async function ticketRows({ db, day, ids }: FactsQuery, timezone: string): Promise<TicketRow[]> {
  const { rows } = await db.pool.query<TicketRow>(
    `WITH e AS (
             SELECT a.id, ((($1::date + 1)::timestamp AT TIME ZONE COALESCE(tm.timezone, $2)) AT TIME ZONE 'UTC') AS day_end
             FROM "Account" a LEFT JOIN "Team" tm ON tm.id = a."teamId" ${ids ? "WHERE a.id = ANY($3::text[])" : ""})
           SELECT t."accountId" AS id, count(*)::int AS total,
              (count(*) FILTER (WHERE ${TICKET_OPEN}))::int AS open,
              array_agg(EXTRACT(EPOCH FROM (e.day_end - t."openedAt")) / 3600)
                FILTER (WHERE ${TICKET_OPEN} AND t.priority = 'urgent') AS "urgentHours",
              (count(*) FILTER (WHERE t.reopens > 0 AND t."updatedAt" > e.day_end - interval '90 days'))::int AS reopened,
              (count(*) FILTER (WHERE t.csat = 'good' AND t."updatedAt" > e.day_end - interval '90 days'))::int AS good,
              (count(*) FILTER (WHERE t.csat = 'bad' AND t."updatedAt" > e.day_end - interval '90 days'))::int AS bad
           FROM "SupportTicket" t JOIN e ON e.id = t."accountId"
          WHERE t.status <> 'deleted' AND t."openedAt" < e.day_end
          GROUP BY t."accountId"`,
    ids ? [day, timezone, ids] : [day, timezone],
  );
  return rows;
}

/** Each account's answers, newest first (the query's order), by kind. */
function surveysById(surveys: SurveyRow[]): Map<string, { nps: SurveyRow[]; csat: SurveyRow[] }> {
  const by = new Map<string, { nps: SurveyRow[]; csat: SurveyRow[] }>();
  for (const s of surveys) {
    const e = by.get(s.id) ?? { nps: [], csat: [] };
    e[s.kind].push(s);
    by.set(s.id, e);
  }
  return by;
}

function risksById(risks: { id: string; kind: string; severity: Severity; raisedAt: string }[]) {
  const by = new Map<string, HealthFacts["risks"]>();
  for (const r of risks)
    by.set(r.id, [...(by.get(r.id) ?? []), { kind: r.kind, severity: r.severity, raisedAt: r.raisedAt }]);
  return by;
}

/** Every query's rows by account id. */
interface FactTables {
  usage: Map<string, UsageRow>;
  interactions: Map<string, InteractionRow & { id: string }>;
  contacts: Map<string, { id: string; n: number; lastExec: string | null; stakeholders: StakeholderFacts[] }>;
  surveys: Map<string, { nps: SurveyRow[]; csat: SurveyRow[] }>;
  feedback: Map<string, OpenItems & { id: string }>;
  promises: Map<string, OpenItems & { id: string }>;
  milestones: Map<string, OpenItems & { id: string }>;
  risks: Map<string, HealthFacts["risks"]>;
  tickets: Map<string, TicketRow>;
}

function factsOf(a: AccountRow, day: string, t: FactTables): HealthFacts {
  const u = t.usage.get(a.id);
  const i = t.interactions.get(a.id);
  const c = t.contacts.get(a.id);
  const s = t.surveys.get(a.id);
  const lastExec =
    [i?.lastExec, c?.lastExec]
      .filter((d): d is string => !!d)
      .sort()
      .at(-1) ?? null;
  const tickets = t.tickets.get(a.id);
  return {
    accountId: a.id,
    day,
    tier: a.tier,
    industry: a.industry,
    startDate: a.startDate,
    goLiveDate: a.goLiveDate,
    seats: a.seats,
    usage: u ? usageFacts(u) : null,
    lastContact: i?.lastContact ?? null,
    lastExecContact: lastExec,
    contactCount: c?.n ?? 0,
    stakeholders: c?.stakeholders ?? [],
    nps: s?.nps[0] ? { score: s.nps[0].score, day: s.nps[0].day } : null,
    npsAnswers: (s?.nps ?? []).map((x) => ({ score: x.score, day: x.day, name: x.name, role: x.role })),
    csat: s?.csat[0] ? { score: s.csat[0].score, day: s.csat[0].day } : null,
    unanswered: { attempts: i?.attempts ?? 0, first: i?.firstUnanswered ?? null },
    praise: i?.praise ?? [],
    complaints: i?.complaints ?? [],
    feedback: { total: t.feedback.get(a.id)?.total ?? 0, openRaised: t.feedback.get(a.id)?.open ?? [] },
    promises: { total: t.promises.get(a.id)?.total ?? 0, openDue: t.promises.get(a.id)?.open ?? [] },
    milestones: { total: t.milestones.get(a.id)?.total ?? 0, openDue: t.milestones.get(a.id)?.open ?? [] },
    risks: t.risks.get(a.id) ?? [],
    support: tickets
      ? {
          total: tickets.total,
          open: tickets.open,
          urgentOpenHours: (tickets.urgentHours ?? []).map(Number),
          reopened: tickets.reopened,
          csatGood: tickets.good,
          csatBad: tickets.bad,
        }
      : null,
  };
}

function usageFacts(u: UsageRow): UsageFacts {
  return {
    recentDays: u.recentDays,
    baseDays: u.baseDays,
    recentAvg: u.recentAvg,
    baseAvg: u.baseAvg,
    recentPeak: u.recentPeak,
    weeklyPeaks: [u.w0, u.w1, u.w2, u.w3],
    activatedUsers: u.activatedUsers ?? null,
    seats: u.seats ?? null,
    coreUsed: u.coreUsed ?? null,
    coreTotal: u.coreTotal ?? null,
    activeDays: u.activeDays,
    peak: u.peak,
    last7: { avg: u.l7avg, max: u.l7max, days: u.l7days },
    monthEnd: u.meShare !== null && u.meShare > MONTH_END_SHARE ? { recentAvg: u.meRecent, baseAvg: u.meBase } : null,
  };
}
