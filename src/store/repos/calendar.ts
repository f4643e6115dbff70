// Calendar feeds and the meetings read from them (docs/calendar.md).
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { Db } from "../db.js";

type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

export interface FeedRow {
  id: string;
  memberId: string;
  urlEnc: string;
  leadMinutes: number | null;
  etag: string | null;
  lastModified: string | null;
  lastFetchAt: Date | null;
  lastSyncAt: Date | null;
  lastParsedAt: Date | null;
  lastError: string | null;
  failures: number;
  failingSince: Date | null;
  failureReported: boolean;
  createdAt: Date;
}

const FEED_COLUMNS = `id, "memberId", "urlEnc", "leadMinutes", etag, "lastModified", "lastFetchAt", "lastSyncAt",
  "lastParsedAt", "lastError", failures, "failingSince", "failureReported", "createdAt"`;

export async function feedOf(db: Db, memberId: string): Promise<FeedRow | undefined> {
  const r = await db.pool.query<FeedRow>(`SELECT ${FEED_COLUMNS} FROM "CalendarFeed" WHERE "memberId" = $1`, [
    memberId,
  ]);
  return r.rows[0];
}

export async function allFeeds(db: Db): Promise<FeedRow[]> {
  const r = await db.pool.query<FeedRow>(
    `SELECT ${FEED_COLUMNS.split(", ")
      .map((c) => `f.${c.trim()}`)
      .join(
        ", ",
      )} FROM "CalendarFeed" f JOIN "Member" m ON m.id = f."memberId" WHERE m.active ORDER BY f."createdAt", f.id`,
  );
  return r.rows;
}

/** Stores (or replaces) a member's sealed address; a new address starts with a clean slate. */
export async function saveFeed(db: Db, memberId: string, urlEnc: string, now: Date): Promise<void> {
  await saveFeedWith(db.pool, memberId, urlEnc, now);
}

/** saveFeed on a given connection (the members import, inside its transaction). */
export async function saveFeedWith(
  q: Pick<pg.ClientBase, "query">,
  memberId: string,
  urlEnc: string,
  now: Date,
): Promise<void> {
  await q.query(
    `INSERT INTO "CalendarFeed" (id, "memberId", "urlEnc", "createdAt", "updatedAt")
     VALUES ($1, $2, $3, $4::timestamp(3), $4::timestamp(3))
     ON CONFLICT ("memberId") DO UPDATE SET "urlEnc" = EXCLUDED."urlEnc", etag = NULL, "lastModified" = NULL,
       "lastError" = NULL, failures = 0, "failingSince" = NULL, "failureReported" = false, "lastParsedAt" = NULL,
       "updatedAt" = EXCLUDED."updatedAt"`,
    [randomUUID(), memberId, urlEnc, now.toISOString()],
  );
}

/** The sealed addresses of these members' feeds, by member id. */
export async function sealedFeeds(q: Pick<pg.ClientBase, "query">, memberIds: string[]): Promise<Map<string, string>> {
  const { rows } = await q.query<{ memberId: string; urlEnc: string }>(
    `SELECT "memberId", "urlEnc" FROM "CalendarFeed" WHERE "memberId" = ANY($1::text[])`,
    [memberIds],
  );
  return new Map(rows.map((r) => [r.memberId, r.urlEnc]));
}

/**
 * A meeting of this account the calendar already logged in [from, to) (anyone's calendar), with
 * the interaction it wrote: a hand `log` for it that day is the same meeting, not a second one.
 */
export async function calendarLogged(
  db: Db,
  accountId: string,
  from: Date,
  to: Date,
): Promise<{ interactionId: string; kind: string; title: string } | undefined> {
  const { rows } = await db.pool.query<{ interactionId: string; kind: string; title: string }>(
    `SELECT m."interactionId", i.kind::text AS kind, m.title FROM "Meeting" m
       JOIN "Interaction" i ON i.id = m."interactionId"
      WHERE m."accountId" = $1 AND m.outcome = 'logged'
        AND m."startsAt" >= $2::timestamp(3) AND m."startsAt" < $3::timestamp(3)
      ORDER BY m."startsAt" LIMIT 1`,
    [accountId, from.toISOString(), to.toISOString()],
  );
  return rows[0];
}

/** Adds a hand log's notes to the interaction the calendar wrote (after any notes it has). */
export async function appendNotes(db: Db, interactionId: string, notes: string): Promise<void> {
  await db.pool.query(
    `UPDATE "Interaction" SET notes = CASE WHEN coalesce(notes, '') = '' THEN $2 ELSE notes || E'\n' || $2 END
      WHERE id = $1`,
    [interactionId, notes],
  );
}

export async function setLeadMinutes(db: Db, memberId: string, minutes: number | null): Promise<boolean> {
  const r = await db.pool.query(`UPDATE "CalendarFeed" SET "leadMinutes" = $2 WHERE "memberId" = $1`, [
    memberId,
    minutes,
  ]);
  return (r.rowCount ?? 0) > 0;
}

/**
 * Forgets a member's calendar: the address, and the meetings not yet held (their pending briefs are
 * cancelled). Meetings already logged stay, as interactions do. Returns the briefs cancelled.
 */
export async function deleteFeed(db: Db, memberId: string, now: Date): Promise<{ existed: boolean; briefs: number }> {
  const client = await db.pool.connect();
  try {
    await client.query("BEGIN");
    const gone = await client.query(`DELETE FROM "CalendarFeed" WHERE "memberId" = $1`, [memberId]);
    const keys = await client.query<{ briefKey: string }>(
      `DELETE FROM "Meeting" WHERE "memberId" = $1 AND outcome IS NULL AND "endsAt" > $2::timestamp(3)
       RETURNING "briefKey"`,
      [memberId, now.toISOString()],
    );
    const briefs = await cancelPendingOutbox(client, keys.rows.map((r) => r.briefKey).filter(Boolean), now);
    await client.query("COMMIT");
    return { existed: (gone.rowCount ?? 0) > 0, briefs };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export interface FeedState {
  etag?: string | null;
  lastModified?: string | null;
  lastFetchAt: Date;
  lastSyncAt?: Date;
  lastParsedAt?: Date;
  lastError: string | null;
  failures: number;
  failingSince: Date | null;
  failureReported: boolean;
}

export async function saveFeedState(q: Queryable, feedId: string, s: FeedState): Promise<void> {
  await q.query(
    `UPDATE "CalendarFeed" SET
       etag = CASE WHEN $2::boolean THEN $3 ELSE etag END,
       "lastModified" = CASE WHEN $2::boolean THEN $4 ELSE "lastModified" END,
       "lastFetchAt" = $5::timestamp(3),
       "lastSyncAt" = COALESCE($6::timestamp(3), "lastSyncAt"),
       "lastParsedAt" = COALESCE($7::timestamp(3), "lastParsedAt"),
       "lastError" = $8, failures = $9, "failingSince" = $10::timestamp(3), "failureReported" = $11,
       "updatedAt" = $5::timestamp(3)
     WHERE id = $1`,
    [
      feedId,
      s.etag !== undefined || s.lastModified !== undefined,
      s.etag ?? null,
      s.lastModified ?? null,
      s.lastFetchAt.toISOString(),
      s.lastSyncAt?.toISOString() ?? null,
      s.lastParsedAt?.toISOString() ?? null,
      s.lastError,
      s.failures,
      s.failingSince?.toISOString() ?? null,
      s.failureReported,
    ],
  );
}

export interface MatchRows {
  contacts: { id: string; accountId: string; email: string; name: string }[];
  memberEmails: string[];
  accounts: { id: string; name: string; ownerId: string | null; teamId: string | null }[];
}

/** Everything meeting matching reads, once per sync: contacts with an email, members, accounts. */
export async function matchRows(db: Db): Promise<MatchRows> {
  const contacts = await db.pool.query<MatchRows["contacts"][number]>(
    `SELECT c.id, c."accountId", lower(c.email) AS email, c.name FROM "Contact" c
       JOIN "Account" a ON a.id = c."accountId"
      WHERE c.email IS NOT NULL AND c.email <> '' AND a.stage <> 'churned'
      ORDER BY c.active DESC, c."leftAt" NULLS FIRST, c.id`,
  );
  const members = await db.pool.query<{ email: string }>(`SELECT lower(email) AS email FROM "Member"`);
  const accounts = await db.pool.query<MatchRows["accounts"][number]>(
    `SELECT id, name, "ownerId", "teamId" FROM "Account" WHERE stage <> 'churned'`,
  );
  return { contacts: contacts.rows, memberEmails: members.rows.map((m) => m.email), accounts: accounts.rows };
}

export interface MeetingRow {
  id: string;
  memberId: string;
  instanceKey: string;
  accountId: string | null;
  title: string;
  startsAt: Date;
  endsAt: Date;
  allDay: boolean;
  attendees: { email: string; name?: string; contactId?: string }[];
  status: "confirmed" | "cancelled";
  briefKey: string | null;
  interactionId: string | null;
  outcome: string | null;
  createdAt: Date;
}

const MEETING_COLUMNS = `id, "memberId", "instanceKey", "accountId", title, "startsAt", "endsAt", "allDay", attendees,
  status, "briefKey", "interactionId", outcome, "createdAt"`;

/** A member's meetings that end at or after `from`. */
export async function meetingsOf(db: Db, memberId: string, from: Date): Promise<MeetingRow[]> {
  const r = await db.pool.query<MeetingRow>(
    `SELECT ${MEETING_COLUMNS} FROM "Meeting" WHERE "memberId" = $1 AND "endsAt" >= $2::timestamp(3)
      ORDER BY "startsAt", id`,
    [memberId, from.toISOString()],
  );
  return r.rows;
}

export async function meetingById(db: Db, id: string): Promise<MeetingRow | undefined> {
  const r = await db.pool.query<MeetingRow>(`SELECT ${MEETING_COLUMNS} FROM "Meeting" WHERE id = $1`, [id]);
  return r.rows[0];
}

export interface MeetingWrite {
  instanceKey: string;
  accountId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  allDay: boolean;
  attendees: { email: string; name?: string; contactId?: string }[];
}

/** Writes the occurrences read from the feed (new, changed or back from a cancellation). */
export async function upsertMeetings(db: Db, memberId: string, rows: MeetingWrite[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await db.pool.query(
    `INSERT INTO "Meeting" (id, "memberId", "instanceKey", "accountId", title, "startsAt", "endsAt", "allDay", attendees,
                            status, "createdAt", "updatedAt")
     SELECT m.id, $1, m.key, m.account, m.title, m.starts::timestamp(3), m.ends::timestamp(3), m.allday, m.attendees::jsonb,
            'confirmed', $2::timestamp(3), $2::timestamp(3)
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::boolean[], $10::text[])
         AS m(id, key, account, title, starts, ends, allday, attendees)
     ON CONFLICT ("memberId", "instanceKey") DO UPDATE SET
       "accountId" = EXCLUDED."accountId", title = EXCLUDED.title, "startsAt" = EXCLUDED."startsAt",
       "endsAt" = EXCLUDED."endsAt", "allDay" = EXCLUDED."allDay", attendees = EXCLUDED.attendees,
       status = 'confirmed', "updatedAt" = EXCLUDED."updatedAt"`,
    [
      memberId,
      now.toISOString(),
      rows.map(() => randomUUID()),
      rows.map((r) => r.instanceKey),
      rows.map((r) => r.accountId),
      rows.map((r) => r.title),
      rows.map((r) => r.startsAt.toISOString()),
      rows.map((r) => r.endsAt.toISOString()),
      rows.map((r) => r.allDay),
      rows.map((r) => JSON.stringify(r.attendees)),
    ],
  );
}

export async function cancelMeetings(db: Db, ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.pool.query(
    `UPDATE "Meeting" SET status = 'cancelled', "updatedAt" = $2::timestamp(3) WHERE id = ANY($1::text[])`,
    [ids, now.toISOString()],
  );
}

export async function setBriefKey(db: Db, meetingId: string, key: string | null): Promise<void> {
  await db.pool.query(`UPDATE "Meeting" SET "briefKey" = $2 WHERE id = $1`, [meetingId, key]);
}

/**
 * Cancels outbox rows not yet taken by a drainer. A row being sent, sent, or failed is left as it
 * is (the brief is on its way or out). Returns how many were cancelled.
 */
export async function cancelPendingOutbox(q: Queryable, keys: string[], now: Date): Promise<number> {
  if (keys.length === 0) return 0;
  const r = await q.query(
    `UPDATE "Outbox" SET status = 'cancelled', "updatedAt" = $2::timestamp(3)
      WHERE "idempotencyKey" = ANY($1::text[]) AND status = 'pending'`,
    [keys, now.toISOString()],
  );
  return r.rowCount ?? 0;
}

/** Outbox status of keys (absent keys are not in the outbox). */
export async function outboxStatus(db: Db, keys: string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const r = await db.pool.query<{ key: string; status: string }>(
    `SELECT "idempotencyKey" AS key, status::text AS status FROM "Outbox" WHERE "idempotencyKey" = ANY($1::text[])`,
    [keys],
  );
  return new Map(r.rows.map((x) => [x.key, x.status]));
}

export interface LogMeeting {
  meetingId: string;
  accountId: string;
  memberId: string;
  kind: string;
  startsAt: Date;
  /** The meeting's local day and its bounds, to find a visit logged by hand for it. */
  day: string;
  dayFrom: Date;
  dayTo: Date;
  contactIds: string[];
  contactName: string | null;
}

export type LogOutcome =
  | { outcome: "logged"; interactionId: string }
  | { outcome: "matched"; interactionId: string }
  | { outcome: "already" };

const MEANINGFUL = `('visit','call','qbr','exec_visit','training')`;

/**
 * Logs a meeting that took place, in the caller's transaction: the interaction (or the one a person
 * already logged by hand for that account that day: not counted twice), and the attendees' last
 * contact dates (their earlier dates kept, for "it did not happen").
 */
export async function logMeeting(q: pg.PoolClient, m: LogMeeting, now: Date): Promise<LogOutcome> {
  const row = await q.query<{ outcome: string | null }>(`SELECT outcome FROM "Meeting" WHERE id = $1 FOR UPDATE`, [
    m.meetingId,
  ]);
  if (!row.rows[0] || row.rows[0].outcome !== null) return { outcome: "already" };
  const byHand = await q.query<{ id: string }>(
    `SELECT id FROM "Interaction"
      WHERE "accountId" = $1 AND NOT scheduled AND kind IN ${MEANINGFUL}
        AND ("externalId" IS NULL OR "externalId" NOT LIKE 'calendar:%')
        AND (("occurredAt" >= $2::timestamp(3) AND "occurredAt" < $3::timestamp(3)) OR "occurredAt" = $4::date + interval '12 hours')
      ORDER BY "occurredAt" LIMIT 1`,
    [m.accountId, m.dayFrom.toISOString(), m.dayTo.toISOString(), m.day],
  );
  let result: LogOutcome;
  if (byHand.rows[0]) result = { outcome: "matched", interactionId: byHand.rows[0].id };
  else {
    const id = randomUUID();
    const ins = await q.query<{ id: string }>(
      `INSERT INTO "Interaction" (id, "accountId", "externalId", kind, "occurredAt", scheduled, "memberId", "contactName", "createdAt")
       VALUES ($1, $2, $3, $4::"InteractionKind", $5::timestamp(3), false, $6, $7, $8::timestamp(3))
       ON CONFLICT ("externalId") DO NOTHING RETURNING id`,
      [
        id,
        m.accountId,
        `calendar:${m.meetingId}`,
        m.kind,
        m.startsAt.toISOString(),
        m.memberId,
        m.contactName,
        now.toISOString(),
      ],
    );
    if (!ins.rows[0]) return { outcome: "already" };
    result = { outcome: "logged", interactionId: id };
  }
  const before = await q.query<{ id: string; lastContact: string | null }>(
    `SELECT id, to_char("lastContact", 'YYYY-MM-DD') AS "lastContact" FROM "Contact" WHERE id = ANY($1::text[]) FOR UPDATE`,
    [m.contactIds],
  );
  await q.query(
    `UPDATE "Contact" SET "lastContact" = $2::date, "updatedAt" = $3::timestamp(3)
      WHERE id = ANY($1::text[]) AND ("lastContact" IS NULL OR "lastContact" < $2::date)`,
    [m.contactIds, m.day, now.toISOString()],
  );
  await q.query(
    `UPDATE "Meeting" SET outcome = $2, "interactionId" = $3, "contactsBefore" = $4::jsonb, "updatedAt" = $5::timestamp(3)
      WHERE id = $1`,
    [
      m.meetingId,
      result.outcome,
      result.interactionId,
      JSON.stringify(before.rows.map((c) => ({ ...c, set: m.day }))),
      now.toISOString(),
    ],
  );
  return result;
}

/**
 * "It did not happen": the interaction the calendar logged is removed and the attendees' last
 * contact dates go back to what they were (unless something newer was recorded since).
 */
export async function unlogMeeting(db: Db, meetingId: string, now: Date): Promise<{ accountId: string } | undefined> {
  const client = await db.pool.connect();
  try {
    await client.query("BEGIN");
    const r = await client.query<{
      accountId: string;
      interactionId: string | null;
      outcome: string | null;
      startsAt: Date;
      contactsBefore: { id: string; lastContact: string | null; set: string }[] | null;
    }>(
      `SELECT "accountId", "interactionId", outcome, "startsAt", "contactsBefore" FROM "Meeting" WHERE id = $1 FOR UPDATE`,
      [meetingId],
    );
    const m = r.rows[0];
    if (m?.outcome !== "logged" || !m.accountId) {
      await client.query("ROLLBACK");
      return undefined;
    }
    await client.query(`DELETE FROM "Interaction" WHERE id = $1 AND "externalId" = $2`, [
      m.interactionId,
      `calendar:${meetingId}`,
    ]);
    // Only a date this meeting set goes back: a later contact recorded since stays.
    for (const c of m.contactsBefore ?? [])
      await client.query(
        `UPDATE "Contact" SET "lastContact" = $2::date, "updatedAt" = $4::timestamp(3)
          WHERE id = $1 AND "lastContact" = $3::date AND ($2::date IS NULL OR $2::date < $3::date)`,
        [c.id, c.lastContact, c.set, now.toISOString()],
      );
    await client.query(
      `UPDATE "Meeting" SET outcome = 'missed', "interactionId" = NULL, "updatedAt" = $2::timestamp(3) WHERE id = $1`,
      [meetingId, now.toISOString()],
    );
    await client.query("COMMIT");
    return { accountId: m.accountId };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Upcoming meetings of a member with their account names (for `mine`, App Home and `calendar`). */
export async function upcomingMeetings(
  db: Db,
  memberId: string,
  from: Date,
  to: Date,
): Promise<{ id: string; accountId: string; accountName: string; title: string; startsAt: Date; allDay: boolean }[]> {
  const r = await db.pool.query<{
    id: string;
    accountId: string;
    accountName: string;
    title: string;
    startsAt: Date;
    allDay: boolean;
  }>(
    `SELECT m.id, m."accountId", a.name AS "accountName", m.title, m."startsAt", m."allDay"
       FROM "Meeting" m JOIN "Account" a ON a.id = m."accountId"
      WHERE m."memberId" = $1 AND m.status = 'confirmed' AND m."endsAt" > $2::timestamp(3) AND m."startsAt" < $3::timestamp(3)
      ORDER BY m."startsAt", m.id`,
    [memberId, from.toISOString(), to.toISOString()],
  );
  return r.rows;
}

/** An interaction the calendar logged for this member and account (notes go onto it). */
export async function calendarInteraction(
  db: Db,
  interactionId: string,
  accountId: string,
  memberId: string,
): Promise<{ id: string; day: string } | undefined> {
  const r = await db.pool.query<{ id: string; day: string }>(
    `SELECT id, to_char("occurredAt", 'YYYY-MM-DD') AS day FROM "Interaction"
      WHERE id = $1 AND "accountId" = $2 AND "memberId" = $3 AND "externalId" LIKE 'calendar:%'`,
    [interactionId, accountId, memberId],
  );
  return r.rows[0];
}

export async function updateCalendarInteraction(
  db: Db,
  id: string,
  v: { kind: string; notes: string | null; nextSteps: string | null },
): Promise<void> {
  await db.pool.query(
    `UPDATE "Interaction" SET kind = $2::"InteractionKind", notes = COALESCE($3, notes), "nextSteps" = COALESCE($4, "nextSteps")
      WHERE id = $1`,
    [id, v.kind, v.notes, v.nextSteps],
  );
}

/** Visits planned with `plan` on the member's own accounts from day `from` to day `to` (inclusive). */
export async function plannedVisits(
  db: Db,
  memberId: string,
  from: string,
  to: string,
): Promise<{ accountId: string; accountName: string; day: string }[]> {
  const r = await db.pool.query<{ accountId: string; accountName: string; day: string }>(
    `SELECT i."accountId", a.name AS "accountName", to_char(i."occurredAt", 'YYYY-MM-DD') AS day
       FROM "Interaction" i JOIN "Account" a ON a.id = i."accountId"
      WHERE i.scheduled AND a."ownerId" = $1 AND a.stage <> 'churned'
        AND i."occurredAt" >= $2::date AND i."occurredAt" < $3::date + 1
      ORDER BY i."occurredAt", a.name`,
    [memberId, from, to],
  );
  return r.rows;
}
