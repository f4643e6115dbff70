// What a value report reads about one account: set-based SQL, a handful of round-trips.
import { addDays } from "../../domain/dates.js";
import type { UsageWindow, ValueReportFacts } from "../../domain/value-report.js";
import type { Db } from "../db.js";

/** How many days of usage a "now" or "then" figure averages (a weekly rhythm is not a dip). */
const WINDOW_DAYS = 7;
/** A "then" snapshot may sit this far from the day asked (exports are not daily for everyone). */
const THEN_SLACK_DAYS = 30;

async function usageWindow(db: Db, accountId: string, from: string, to: string): Promise<UsageWindow | null> {
  const { rows } = await db.pool.query<{
    first: string | null;
    last: string | null;
    active: number | null;
    activated: number | null;
    seats: number | null;
    core: number | null;
    coreTotal: number | null;
  }>(
    `SELECT to_char(min(day), 'YYYY-MM-DD') AS first, to_char(max(day), 'YYYY-MM-DD') AS last,
            avg("activeUsers")::float8 AS active, max("activatedUsers") AS activated, max(seats) AS seats,
            max("coreFeaturesUsed") AS core, max("coreFeaturesTotal") AS "coreTotal"
       FROM "UsageSnapshot" WHERE "accountId" = $1 AND day BETWEEN $2::date AND $3::date`,
    [accountId, from, to],
  );
  const r = rows[0];
  if (!r?.first || !r.last || r.active === null) return null;
  return {
    from: r.first,
    to: r.last,
    activeUsers: Math.round(r.active),
    activatedUsers: r.activated ?? 0,
    seats: r.seats ?? 0,
    coreFeaturesUsed: r.core ?? 0,
    coreFeaturesTotal: r.coreTotal ?? 0,
  };
}

async function dayNear(db: Db, accountId: string, target: string, onOrAfter: boolean): Promise<string | null> {
  const { rows } = await db.pool.query<{ day: string }>(
    onOrAfter
      ? `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM "UsageSnapshot"
          WHERE "accountId" = $1 AND day >= $2::date AND day <= ($2::date + $3::int) ORDER BY day LIMIT 1`
      : `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM "UsageSnapshot"
          WHERE "accountId" = $1 AND day BETWEEN ($2::date - $3::int) AND ($2::date + $3::int)
          ORDER BY abs(day - $2::date), day LIMIT 1`,
    [accountId, target, THEN_SLACK_DAYS],
  );
  return rows[0]?.day ?? null;
}

/** Everything the report says about `accountId`, as of `today` (the year before it is "this year"). */
export async function valueReportFacts(db: Db, accountId: string, today: string): Promise<ValueReportFacts> {
  const since = addDays(today, -365);
  const a = await reportAccount(db, accountId);
  const usage = await usageNowAndThen(db, accountId, a.goLive, since, today);
  return {
    account: {
      id: a.id,
      name: a.name,
      seats: a.seats,
      goLiveDate: a.goLive,
      teamLocale: a.teamLocale,
      ownerName: a.ownerName,
    },
    today,
    since,
    usage,
    ...(await yearRecord(db, accountId, since, today)),
  };
}

async function reportAccount(db: Db, accountId: string) {
  const acc = await db.pool.query<{
    id: string;
    name: string;
    currency: string;
    seats: number | null;
    goLive: string | null;
    contractStart: string | null;
    teamLocale: string | null;
    ownerName: string | null;
  }>(
    `SELECT a.id, a.name, a.currency, a.seats, to_char(a."goLiveDate", 'YYYY-MM-DD') AS "goLive",
            to_char(a."contractStart", 'YYYY-MM-DD') AS "contractStart", t.locale AS "teamLocale", m.name AS "ownerName"
       FROM "Account" a LEFT JOIN "Team" t ON t.id = a."teamId" LEFT JOIN "Member" m ON m.id = a."ownerId"
      WHERE a.id = $1`,
    [accountId],
  );
  const a = acc.rows[0];
  if (!a) throw new Error(`value report: no account ${accountId}`);
  return a;
}

/**
 * Now: the last week with usage. Then: the first week after go-live when that was within the year,
 * else the week around a year ago.
 */
async function usageNowAndThen(
  db: Db,
  accountId: string,
  goLive: string | null,
  since: string,
  today: string,
): Promise<ValueReportFacts["usage"]> {
  const latest = await db.pool.query<{ day: string | null }>(
    `SELECT to_char(max(day), 'YYYY-MM-DD') AS day FROM "UsageSnapshot" WHERE "accountId" = $1 AND day <= $2::date`,
    [accountId, today],
  );
  const lastDay = latest.rows[0]?.day ?? null;
  const now = lastDay ? await usageWindow(db, accountId, addDays(lastDay, -(WINDOW_DAYS - 1)), lastDay) : null;
  let basis: "go_live" | "year_ago" | null = null;
  let then: UsageWindow | null = null;
  if (goLive && goLive >= since && goLive <= today) {
    const first = await dayNear(db, accountId, goLive, true);
    if (first) {
      then = await usageWindow(db, accountId, first, addDays(first, WINDOW_DAYS - 1));
      basis = "go_live";
    }
  }
  if (!then) {
    const near = await dayNear(db, accountId, since, false);
    if (near) {
      then = await usageWindow(db, accountId, addDays(near, -3), addDays(near, 3));
      basis = "year_ago";
    }
  }
  // The same week twice is no comparison.
  if (then && now && then.to >= now.from) {
    then = null;
    basis = null;
  }
  return { now, then, basis };
}

/** The year's milestones, contacts, feedback, promises, open opportunities and the next renewal. */
async function yearRecord(
  db: Db,
  accountId: string,
  since: string,
  today: string,
): Promise<Omit<ValueReportFacts, "account" | "today" | "since" | "usage">> {
  const [milestones, interactions, feedback, promises, opportunities, renewal] = await Promise.all([
    db.pool.query<{ title: string; status: string; due: string; done: string | null }>(
      `SELECT title, status::text AS status, to_char("dueDate", 'YYYY-MM-DD') AS due, to_char("doneAt", 'YYYY-MM-DD') AS done
         FROM "Milestone" WHERE "accountId" = $1
          AND (status = 'planned' OR (status = 'done' AND coalesce("doneAt", "dueDate") BETWEEN $2::date AND $3::date))
        ORDER BY coalesce("doneAt", "dueDate"), title`,
      [accountId, since, today],
    ),
    db.pool.query<{ kind: string; n: number; last: string }>(
      `SELECT kind::text AS kind, count(*)::int AS n, to_char(max("occurredAt"), 'YYYY-MM-DD') AS last
         FROM "Interaction"
        WHERE "accountId" = $1 AND "occurredAt" >= $2::date AND "occurredAt" < ($3::date + 1)
          AND NOT scheduled AND answered IS DISTINCT FROM false
        GROUP BY kind`,
      [accountId, since, today],
    ),
    db.pool.query<{ title: string; status: string; raised: string; resolved: string | null }>(
      `SELECT title, status::text AS status, to_char("raisedAt", 'YYYY-MM-DD') AS raised, to_char("resolvedAt", 'YYYY-MM-DD') AS resolved
         FROM "Feedback" WHERE "accountId" = $1
          AND ("raisedAt" BETWEEN $2::date AND $3::date OR "resolvedAt" BETWEEN $2::date AND $3::date OR status IN ('open', 'in_progress'))
        ORDER BY "raisedAt", title`,
      [accountId, since, today],
    ),
    db.pool.query<{ title: string; status: string; due: string; kept: string | null }>(
      `SELECT title, status::text AS status, to_char("dueDate", 'YYYY-MM-DD') AS due, to_char("keptAt", 'YYYY-MM-DD') AS kept
         FROM "CustomerPromise" WHERE "accountId" = $1
          AND ((status = 'kept' AND coalesce("keptAt", "dueDate") BETWEEN $2::date AND $3::date) OR status = 'open')
        ORDER BY "dueDate", title`,
      [accountId, since, today],
    ),
    db.pool.query<{ kind: string; title: string }>(
      `SELECT kind::text AS kind, title FROM "Opportunity" WHERE "accountId" = $1 AND status = 'open' ORDER BY "createdAt", title`,
      [accountId],
    ),
    db.pool.query<{ due: string; sent: boolean }>(
      `SELECT to_char("dueDate", 'YYYY-MM-DD') AS due, "valueReportSent" AS sent FROM "Renewal"
        WHERE "accountId" = $1 AND status IN ('upcoming', 'in_progress') ORDER BY "dueDate" LIMIT 1`,
      [accountId],
    ),
  ]);

  return {
    milestonesDone: milestones.rows
      .filter((m) => m.status === "done")
      .map((m) => ({ title: m.title, day: m.done ?? m.due })),
    milestonesOpen: milestones.rows.filter((m) => m.status === "planned").map((m) => ({ title: m.title, due: m.due })),
    interactions: Object.fromEntries(interactions.rows.map((r) => [r.kind, { count: r.n, last: r.last }])),
    feedback: feedback.rows.map((f) => ({
      title: f.title,
      status: f.status as ValueReportFacts["feedback"][number]["status"],
      raised: f.raised,
      resolved: f.resolved,
    })),
    promisesKept: promises.rows
      .filter((p) => p.status === "kept")
      .map((p) => ({ title: p.title, day: p.kept ?? p.due })),
    promisesOpen: promises.rows.filter((p) => p.status === "open").map((p) => ({ title: p.title, due: p.due })),
    opportunities: opportunities.rows.map((o) => ({
      kind: o.kind as "upsell" | "cross_sell" | "services",
      title: o.title,
    })),
    renewal: renewal.rows[0] ? { due: renewal.rows[0].due, valueReportSent: renewal.rows[0].sent } : null,
  };
}

/** Confirms the value report was sent for the account's next open renewal; false when it has none. */
export async function markValueReportSent(db: Db, accountId: string): Promise<{ due: string } | null> {
  const { rows } = await db.pool.query<{ due: string }>(
    `UPDATE "Renewal" SET "valueReportSent" = true, "updatedAt" = now()
      WHERE id = (SELECT id FROM "Renewal" WHERE "accountId" = $1 AND status IN ('upcoming', 'in_progress')
                   ORDER BY "dueDate" LIMIT 1)
      RETURNING to_char("dueDate", 'YYYY-MM-DD') AS due`,
    [accountId],
  );
  return rows[0] ?? null;
}
