import type { EventRow } from "../../domain/signals/segment.js";
import type { SqlRunner } from "./usage.js";

// Product events (Segment intake): one set-based statement per flush writes the events (one seen
// before is skipped), each user's day and the account days to roll up; a separate pass turns those
// account days into the UsageSnapshot rows the health engine reads.
//
// An event is known by the time its sender stamped on it and its messageId (a retry resends both).
// The key leads with the stamp: live events land at the end of the index, where its pages are in
// memory. Keyed by the messageId alone (random UUIDs), every insert dirtied a random page of an
// index that outgrew the server's buffers, and the intake slowed as the table grew.

/** The stamp of events sent without one (and of those stored before events had a stamp). */
const UNSTAMPED = "1970-01-01 00:00:00";

export interface EventWrite {
  /** New events stored (retries of an event stored before are not). */
  inserted: number;
  duplicates: number;
  /** Stored but not tied to an account yet (no group call, unknown groupId). */
  orphans: number;
}

// The account of an event: its context.groupId's group (or an account with that external id), else
// the group its user was tied to by a group call. Its day is the account's team's time zone.
const ACTIVITY = (source: string) => `
  act AS (SELECT * FROM ${source} WHERE "accountId" IS NOT NULL AND active),
  ud AS (
    INSERT INTO "ProductUserDay" AS p ("accountId","day","userKey","logins","features")
    SELECT "accountId", "day", "userKey", (count(*) FILTER (WHERE login))::int,
           COALESCE(array_agg(DISTINCT feature) FILTER (WHERE feature IS NOT NULL), '{}')
    FROM act GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT ("accountId","day","userKey") DO UPDATE SET
      "logins" = p."logins" + EXCLUDED."logins",
      "features" = CASE WHEN EXCLUDED."features" <@ p."features" THEN p."features"
                   ELSE ARRAY(SELECT DISTINCT f FROM unnest(p."features" || EXCLUDED."features") f) END
    -- A user's day is rewritten only when it learns something (a login, a feature not seen that
    -- day): most events of an active user change nothing, and every rewrite leaves a dead row.
    WHERE EXCLUDED."logins" > 0 OR NOT (EXCLUDED."features" <@ p."features")
    RETURNING 1),
  au AS (
    INSERT INTO "ProductAccountUser" AS x ("accountId","userKey","firstDay")
    SELECT "accountId", "userKey", min("day") FROM act GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ("accountId","userKey") DO UPDATE SET "firstDay" = EXCLUDED."firstDay"
    WHERE EXCLUDED."firstDay" < x."firstDay"
    RETURNING 1),
  dd AS (
    INSERT INTO "ProductDirtyDay" ("accountId","day")
    SELECT DISTINCT "accountId", "day" FROM act ORDER BY 1, 2
    ON CONFLICT DO NOTHING RETURNING 1)`;

/** Writes one flush of events (group calls first, so the events after them find their account). */
export async function writeEvents(q: SqlRunner, rows: readonly EventRow[], defaultTz: string): Promise<EventWrite> {
  const groups = rows.filter((r) => r.kind === "group" && r.groupId);
  if (groups.length) await writeGroups(q, groups, defaultTz);
  const seen = new Set<string>();
  const unique = rows.filter((r) => {
    const key = `${r.stampedAt?.getTime() ?? ""}|${r.messageId}`;
    return !seen.has(key) && seen.add(key);
  });
  const n = unique.length;
  const cols = {
    stamp: new Array<string | null>(n),
    mid: new Array<string>(n),
    ts: new Array<string>(n),
    kind: new Array<string>(n),
    name: new Array<string | null>(n),
    ukey: new Array<string>(n),
    gid: new Array<string | null>(n),
    feature: new Array<string | null>(n),
    login: new Array<boolean>(n),
    active: new Array<boolean>(n),
  };
  unique.forEach((r, i) => {
    cols.stamp[i] = r.stampedAt?.toISOString() ?? null;
    cols.mid[i] = r.messageId;
    cols.ts[i] = r.ts.toISOString();
    cols.kind[i] = r.kind;
    cols.name[i] = r.name;
    cols.ukey[i] = r.userKey;
    cols.gid[i] = r.kind === "group" ? null : r.groupId;
    cols.feature[i] = r.feature;
    cols.login[i] = r.login;
    cols.active[i] = r.active;
  });
  const res = await q.query<{ inserted: number; orphans: number }>(
    `WITH src AS (
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bool[], $9::bool[], $11::timestamptz[])
         AS s(mid, ts, kind, name, ukey, gid, feature, login, active, stamp)),
     res AS (
       SELECT s.*, COALESCE(g."accountId", ga.id, ug."accountId") AS acc
       FROM src s
       LEFT JOIN "ProductGroup" g ON g."groupId" = s.gid
       LEFT JOIN "Account" ga ON g."groupId" IS NULL AND ga."externalId" = s.gid
       LEFT JOIN "ProductUser" u ON s.gid IS NULL AND u."userKey" = s.ukey
       LEFT JOIN "ProductGroup" ug ON ug."groupId" = u."groupId"),
     ins AS (
       INSERT INTO "ProductEvent" ("stampedAt","messageId","receivedAt","ts","kind","name","userKey","groupId","accountId","day","feature","login","active")
       SELECT COALESCE(r.stamp AT TIME ZONE 'UTC', $12::timestamp), r.mid, now() AT TIME ZONE 'UTC', r.ts AT TIME ZONE 'UTC',
              r.kind, r.name, r.ukey, r.gid, r.acc,
              CASE WHEN r.acc IS NULL THEN NULL ELSE (r.ts AT TIME ZONE COALESCE(t.timezone, $10))::date END,
              r.feature, r.login, r.active
       FROM res r LEFT JOIN "Account" a ON a.id = r.acc LEFT JOIN "Team" t ON t.id = a."teamId"
       -- A stamped event whose messageId is stored unstamped (stored before events had a stamp) is
       -- that event: the lookup reads only the unstamped part of the index.
       WHERE r.stamp IS NULL OR NOT EXISTS (
         SELECT 1 FROM "ProductEvent" o WHERE o."stampedAt" = $12::timestamp AND o."messageId" = r.mid)
       ON CONFLICT ("stampedAt","messageId") DO NOTHING
       RETURNING "accountId", "day", "userKey", "feature", "login", "active"),
     ${ACTIVITY("ins")}
     SELECT count(*)::int AS inserted, (count(*) FILTER (WHERE "accountId" IS NULL))::int AS orphans FROM ins`,
    [
      cols.mid,
      cols.ts,
      cols.kind,
      cols.name,
      cols.ukey,
      cols.gid,
      cols.feature,
      cols.login,
      cols.active,
      defaultTz,
      cols.stamp,
      UNSTAMPED,
    ],
  );
  const { inserted, orphans } = res.rows[0]!;
  return { inserted, duplicates: rows.length - inserted, orphans };
}

/** Group calls: which account each group is, which group each user is in; then earlier events of those users. */
async function writeGroups(q: SqlRunner, groups: readonly EventRow[], defaultTz: string) {
  // The latest call per group and per user wins.
  const byGroup = new Map<string, EventRow>();
  const byUser = new Map<string, EventRow>();
  for (const g of groups) {
    byGroup.set(g.groupId!, g);
    byUser.set(g.userKey, g);
  }
  const gs = [...byGroup.values()];
  await q.query(
    `INSERT INTO "ProductGroup" ("groupId","externalId","accountId","name","updatedAt")
     SELECT s.gid, s.ext, a.id, s.name, now() AT TIME ZONE 'UTC'
     FROM unnest($1::text[], $2::text[], $3::text[]) AS s(gid, ext, name)
     LEFT JOIN "Account" a ON a."externalId" = s.ext
     ORDER BY s.gid
     ON CONFLICT ("groupId") DO UPDATE SET "externalId" = EXCLUDED."externalId", "accountId" = EXCLUDED."accountId",
       "name" = COALESCE(EXCLUDED."name", "ProductGroup"."name"), "updatedAt" = EXCLUDED."updatedAt"`,
    [gs.map((g) => g.groupId), gs.map((g) => g.externalId ?? g.groupId), gs.map((g) => g.groupName ?? null)],
  );
  const us = [...byUser.values()];
  await q.query(
    `INSERT INTO "ProductUser" ("userKey","groupId","updatedAt")
     SELECT s.ukey, s.gid, now() AT TIME ZONE 'UTC' FROM unnest($1::text[], $2::text[]) AS s(ukey, gid) ORDER BY 1
     ON CONFLICT ("userKey") DO UPDATE SET "groupId" = EXCLUDED."groupId", "updatedAt" = EXCLUDED."updatedAt"`,
    [us.map((u) => u.userKey), us.map((u) => u.groupId)],
  );
  await attributeOrphans(
    q,
    us.map((u) => u.userKey),
    defaultTz,
  );
}

/** Events of these users stored before they were tied to an account now count for it, on their day. */
export async function attributeOrphans(q: SqlRunner, userKeys: readonly string[], defaultTz: string): Promise<number> {
  if (!userKeys.length) return 0;
  const res = await q.query<{ n: number }>(
    `WITH moved AS (
       UPDATE "ProductEvent" e SET "accountId" = g."accountId",
         "day" = ((e."ts" AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(t.timezone, $2))::date
       FROM "ProductUser" u
       JOIN "ProductGroup" g ON g."groupId" = u."groupId"
       JOIN "Account" a ON a.id = g."accountId"
       LEFT JOIN "Team" t ON t.id = a."teamId"
       WHERE e."userKey" = ANY($1::text[]) AND e."accountId" IS NULL AND e."groupId" IS NULL
         AND u."userKey" = e."userKey"
       RETURNING e."accountId", e."day", e."userKey", e."feature", e."login", e."active"),
     ${ACTIVITY("moved")}
     SELECT count(*)::int AS n FROM moved`,
    [userKeys, defaultTz],
  );
  return res.rows[0]!.n;
}

/**
 * Groups whose account did not exist when their call came (imported since): matched now, and the
 * earlier events of their users counted. Cheap when nothing is unmatched.
 */
export async function rematchGroups(q: SqlRunner, defaultTz: string): Promise<number> {
  const res = await q.query<{ groupId: string }>(
    `UPDATE "ProductGroup" g SET "accountId" = a.id FROM "Account" a
     WHERE g."accountId" IS NULL AND a."externalId" = g."externalId" RETURNING g."groupId"`,
  );
  if (!res.rows.length) return 0;
  const users = await q.query<{ userKey: string }>(
    `SELECT "userKey" FROM "ProductUser" WHERE "groupId" = ANY($1::text[])`,
    [res.rows.map((r) => r.groupId)],
  );
  return attributeOrphans(
    q,
    users.rows.map((u) => u.userKey),
    defaultTz,
  );
}

/**
 * Rolls up at most `limit` changed account days into UsageSnapshot: active users, activated users (first
 * seen by that day), logins, core features used of those configured. Seats come from the account
 * (else the day's row keeps its own). Returns the days written; 0 when nothing was pending.
 */
export async function rollUpDays(q: SqlRunner, coreFeatures: readonly string[], limit = 5_000): Promise<number> {
  const res = await q.query<{ n: number }>(
    `WITH d AS (
       DELETE FROM "ProductDirtyDay" WHERE ("accountId","day") IN (
         SELECT "accountId","day" FROM "ProductDirtyDay" ORDER BY 1, 2 LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING "accountId","day"),
     agg AS (
       SELECT d."accountId", d."day",
         (SELECT count(*) FROM "ProductUserDay" x WHERE x."accountId" = d."accountId" AND x."day" = d."day")::int AS active,
         (SELECT COALESCE(sum(x."logins"), 0) FROM "ProductUserDay" x WHERE x."accountId" = d."accountId" AND x."day" = d."day")::int AS logins,
         (SELECT count(DISTINCT f) FROM "ProductUserDay" x, unnest(x."features") f
            WHERE x."accountId" = d."accountId" AND x."day" = d."day" AND f = ANY($1::text[]))::int AS core,
         (SELECT count(*) FROM "ProductAccountUser" y WHERE y."accountId" = d."accountId" AND y."firstDay" <= d."day")::int AS activated
       FROM d),
     w AS (
       INSERT INTO "UsageSnapshot" AS u ("accountId","day","activeUsers","activatedUsers","seats","logins","coreFeaturesUsed","coreFeaturesTotal")
       SELECT g."accountId", g."day", g.active, g.activated, COALESCE(a."seats", 0), g.logins, g.core, $2::int
       FROM agg g JOIN "Account" a ON a.id = g."accountId"
       ORDER BY 1, 2
       ON CONFLICT ("accountId","day") DO UPDATE SET
         "activeUsers" = EXCLUDED."activeUsers", "activatedUsers" = EXCLUDED."activatedUsers",
         "seats" = CASE WHEN EXCLUDED."seats" > 0 THEN EXCLUDED."seats" ELSE u."seats" END,
         "logins" = EXCLUDED."logins", "coreFeaturesUsed" = EXCLUDED."coreFeaturesUsed",
         "coreFeaturesTotal" = EXCLUDED."coreFeaturesTotal"
       RETURNING 1)
     SELECT (SELECT count(*) FROM d)::int AS n`,
    [coreFeatures, coreFeatures.length, limit],
  );
  return res.rows[0]!.n;
}

/** Counts unmapped event names (name -> how many in this flush). */
export async function countUnmapped(q: SqlRunner, counts: ReadonlyMap<string, number>): Promise<void> {
  if (!counts.size) return;
  const names = [...counts.keys()].sort();
  await q.query(
    `INSERT INTO "ProductUnmappedEvent" AS u ("name","count","firstSeen","lastSeen")
     SELECT s.name, s.n, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC' FROM unnest($1::text[], $2::bigint[]) AS s(name, n)
     ON CONFLICT ("name") DO UPDATE SET "count" = u."count" + EXCLUDED."count", "lastSeen" = EXCLUDED."lastSeen"`,
    [names, names.map((n) => counts.get(n)!)],
  );
}

export type IntakeOutcome =
  | "accepted"
  | "duplicate"
  | "bad_request"
  | "unauthorized"
  | "too_large"
  | "overloaded"
  | "failed";

/** Adds to today's (UTC) tally of what the intake answered. */
export async function tallyIntake(
  q: SqlRunner,
  day: string,
  outcomes: readonly { outcome: IntakeOutcome; requests: number; events: number; note?: string }[],
): Promise<void> {
  const list = outcomes.filter((o) => o.requests || o.events);
  if (!list.length) return;
  await q.query(
    `INSERT INTO "ProductIntakeDay" AS t ("day","outcome","requests","events","lastAt","lastNote")
     SELECT $1::date, s.o, s.r, s.e, now() AT TIME ZONE 'UTC', s.note FROM unnest($2::text[], $3::int[], $4::int[], $5::text[]) AS s(o, r, e, note)
     ON CONFLICT ("day","outcome") DO UPDATE SET "requests" = t."requests" + EXCLUDED."requests",
       "events" = t."events" + EXCLUDED."events", "lastAt" = EXCLUDED."lastAt",
       "lastNote" = COALESCE(EXCLUDED."lastNote", t."lastNote")`,
    [
      day,
      list.map((o) => o.outcome),
      list.map((o) => o.requests),
      list.map((o) => o.events),
      list.map((o) => o.note?.slice(0, 300) ?? null),
    ],
  );
}

/**
 * The tables the intake rewrites all the time (account days queued and taken, user days, the usage
 * rows the roll-up rewrites) vacuumed: their dead rows would otherwise pile up where the server's
 * autovacuum is off or behind (and PGlite has none), slowing every later roll-up and write. Skips a
 * table something else holds, and never truncates one (that takes a lock the writers would wait on).
 */
export async function vacuumIntakeTables(q: SqlRunner, opts: { events?: boolean } = {}): Promise<void> {
  // The events table only after a prune let rows go: otherwise it only grows, and it is the largest.
  const events = opts.events ? `, "ProductEvent"` : "";
  await q.query(
    `VACUUM (SKIP_LOCKED, TRUNCATE false) "ProductDirtyDay", "ProductUserDay", "UsageSnapshot", "ProductIntakeDay"${events}`,
  );
}

/** Events received more than `days` ago are let go (their usage rows stay); bounded per call. */
export async function pruneEvents(q: SqlRunner, days: number, limit = 50_000): Promise<number> {
  const res = await q.query(
    `DELETE FROM "ProductEvent" WHERE ("stampedAt","messageId") IN (
       SELECT "stampedAt","messageId" FROM "ProductEvent" WHERE "receivedAt" < (now() AT TIME ZONE 'UTC') - make_interval(days => $1) LIMIT $2)`,
    [days, limit],
  );
  return res.rowCount ?? 0;
}

export interface IntakeStatus {
  lastEventAt: Date | null;
  eventsLast24h: number;
  orphansLast24h: number;
  pendingDays: number;
  unmatchedGroups: { groupId: string; externalId: string }[];
  unmapped: { name: string; count: number; lastSeen: Date }[];
  unmappedNames: number;
  /** Today's and yesterday's (UTC) answers by outcome. */
  outcomes: { outcome: string; requests: number; events: number; lastAt: Date; lastNote: string | null }[];
}

export async function intakeStatus(q: SqlRunner): Promise<IntakeStatus> {
  const [last, recent, pending, groups, unmapped, outcomes] = await Promise.all([
    q.query<{ at: Date | null }>(`SELECT max("receivedAt") AT TIME ZONE 'UTC' AS at FROM "ProductEvent"`),
    q.query<{ n: number; orphans: number }>(
      `SELECT count(*)::int AS n, (count(*) FILTER (WHERE "accountId" IS NULL AND active))::int AS orphans
       FROM "ProductEvent" WHERE "receivedAt" > (now() AT TIME ZONE 'UTC') - interval '1 day'`,
    ),
    q.query<{ n: number }>(`SELECT count(*)::int AS n FROM "ProductDirtyDay"`),
    q.query<{ groupId: string; externalId: string }>(
      `SELECT "groupId", "externalId" FROM "ProductGroup" WHERE "accountId" IS NULL ORDER BY "updatedAt" DESC LIMIT 10`,
    ),
    q.query<{ name: string; count: string; lastSeen: Date; total: number }>(
      `SELECT "name", "count"::text AS count, "lastSeen" AT TIME ZONE 'UTC' AS "lastSeen", (count(*) OVER ())::int AS total
       FROM "ProductUnmappedEvent" ORDER BY "count" DESC, "name" LIMIT 10`,
    ),
    q.query<{ outcome: string; requests: number; events: number; lastAt: Date; lastNote: string | null }>(
      `SELECT "outcome", sum("requests")::int AS requests, sum("events")::int AS events, max("lastAt") AT TIME ZONE 'UTC' AS "lastAt",
              (array_agg("lastNote" ORDER BY "lastAt" DESC))[1] AS "lastNote"
       FROM "ProductIntakeDay" WHERE "day" >= (now() AT TIME ZONE 'UTC')::date - 1 GROUP BY 1 ORDER BY 1`,
    ),
  ]);
  return {
    lastEventAt: last.rows[0]?.at ?? null,
    eventsLast24h: recent.rows[0]!.n,
    orphansLast24h: recent.rows[0]!.orphans,
    pendingDays: pending.rows[0]!.n,
    unmatchedGroups: groups.rows,
    unmapped: unmapped.rows.map((r) => ({ name: r.name, count: Number(r.count), lastSeen: r.lastSeen })),
    unmappedNames: unmapped.rows[0]?.total ?? 0,
    outcomes: outcomes.rows,
  };
}
