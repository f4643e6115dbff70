// What members did with nudges (NudgeState: one row per member x account x rule) and their account
// snoozes (Snooze). One writer for NudgeState: the engine recording a send and a person's "Done"
// go through the same upsert, so the two can never disagree on what a state means.
import { randomUUID } from "node:crypto";
import type { Db, Queryable } from "../db.js";

export interface NudgeStateRow {
  memberId: string;
  accountId: string;
  rule: string;
  fingerprint: string;
  state: "sent" | "done" | "snoozed";
  until: Date | null;
  lastSentAt: Date | null;
}

export async function loadNudgeStates(q: Queryable, memberIds?: string[]): Promise<NudgeStateRow[]> {
  const res = await q.query<{
    memberId: string;
    accountId: string;
    rule: string;
    fingerprint: string;
    state: NudgeStateRow["state"];
    until: string | null;
    lastSentAt: string | null;
  }>(
    `SELECT "memberId", "accountId", rule, fingerprint, state,
            to_char(until, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS until,
            to_char("lastSentAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "lastSentAt"
       FROM "NudgeState" WHERE ($1::text[] IS NULL OR "memberId" = ANY($1))`,
    [memberIds ?? null],
  );
  return res.rows.map((r) => ({
    ...r,
    until: r.until ? new Date(r.until) : null,
    lastSentAt: r.lastSentAt ? new Date(r.lastSentAt) : null,
  }));
}

export async function loadSnoozes(q: Queryable, now: Date) {
  const res = await q.query<{ memberId: string; accountId: string; until: string }>(
    `SELECT "memberId", "accountId", to_char(until, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS until
       FROM "Snooze" WHERE until > $1::timestamp(3)`,
    [now.toISOString()],
  );
  return res.rows.map((r) => ({ ...r, until: new Date(r.until) }));
}

/**
 * Sets the state of nudges for members; `sent` also stamps lastSentAt, the other states keep it
 * (a nudge marked done still remembers when it was last heard).
 */
export async function setNudgeStates(
  q: Queryable,
  rows: { memberId: string; accountId: string; rule: string; fingerprint: string }[],
  state: NudgeStateRow["state"],
  now: Date,
  until: Date | null = null,
): Promise<void> {
  if (rows.length === 0) return;
  await q.query(
    `INSERT INTO "NudgeState" (id, "memberId", "accountId", rule, fingerprint, state, until, "lastSentAt", "updatedAt")
     SELECT r.id, r.member, r.account, r.rule, r.fp, $6, $7::timestamp(3),
            CASE WHEN $6 = 'sent' THEN $8::timestamp(3) END, $8::timestamp(3)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS r(id, member, account, rule, fp)
     ON CONFLICT ("memberId", "accountId", rule) DO UPDATE
        SET fingerprint = EXCLUDED.fingerprint, state = EXCLUDED.state, until = EXCLUDED.until,
            "lastSentAt" = COALESCE(EXCLUDED."lastSentAt", "NudgeState"."lastSentAt"), "updatedAt" = EXCLUDED."updatedAt"`,
    [
      rows.map(() => randomUUID()),
      rows.map((r) => r.memberId),
      rows.map((r) => r.accountId),
      rows.map((r) => r.rule),
      rows.map((r) => r.fingerprint),
      state,
      until?.toISOString() ?? null,
      now.toISOString(),
    ],
  );
}

/** Silences every nudge about an account for a member until `until` (`snooze <account> <days>`). */
export async function snoozeAccount(db: Db, memberId: string, accountId: string, until: Date): Promise<void> {
  await db.prisma.snooze.upsert({
    where: { memberId_accountId: { memberId, accountId } },
    create: { memberId, accountId, until },
    update: { until },
  });
}
