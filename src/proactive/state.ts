import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { Db } from "../store/db.js";
import type { ProactiveConfig } from "./config.js";
import { rankByUrgency } from "./planner.js";
import type { Nudge } from "./rules/types.js";

// What a member did with a nudge (NudgeState rows, one per member x account x rule):
//  - sent:    delivered; silent for the rule's cool-down unless its fingerprint changes;
//  - done:    marked done (button tend.nudge_done); silent until the fingerprint changes;
//  - snoozed: silent until `until`, or until the fingerprint changes.
// Account snoozes (Snooze rows, `snooze <account> <days>`) silence every nudge about the account
// for that member, except the visit-prep brief for a visit they planned.

export interface NudgeStateRow {
  memberId: string;
  accountId: string;
  rule: string;
  fingerprint: string;
  state: "sent" | "done" | "snoozed";
  until: Date | null;
  lastSentAt: Date | null;
}

/** The value carried by a nudge's "Done" button (ActionId tend.nudge_done, value {nudgeKey}). */
export function nudgeKey(n: Pick<Nudge, "accountId" | "rule" | "fingerprint">): string {
  return `${n.accountId}|${n.rule}|${n.fingerprint}`;
}

export function parseNudgeKey(key: string): { accountId: string; rule: string; fingerprint: string } | undefined {
  const [accountId, rule, ...rest] = key.split("|");
  if (!accountId || !rule || rest.length === 0) return undefined;
  return { accountId, rule, fingerprint: rest.join("|") };
}

const stateKey = (memberId: string, accountId: string, rule: string) => `${memberId}|${accountId}|${rule}`;

/** Rules heard at most once a week per account, whatever changed (an expansion signal). */
export const AT_MOST_WEEKLY = new Set<string>(["expansion_signal"]);

export type Silenced = { nudge: Nudge; why: "done" | "snoozed" | "cool_down" | "account_snoozed" };

/** Drops nudges the member silenced or already got within the cool-down (pure). */
export function filterNudges(
  nudges: Nudge[],
  opts: {
    states: NudgeStateRow[];
    snoozes: { memberId: string; accountId: string; until: Date }[];
    now: Date;
    config: ProactiveConfig;
  },
): { due: Nudge[]; silenced: Silenced[] } {
  const states = new Map(opts.states.map((s) => [stateKey(s.memberId, s.accountId, s.rule), s]));
  const snoozed = new Map(opts.snoozes.map((s) => [`${s.memberId}|${s.accountId}`, s.until]));
  const due: Nudge[] = [];
  const silenced: Silenced[] = [];
  for (const n of nudges) {
    const until = snoozed.get(`${n.memberId}|${n.accountId}`);
    if (until && until > opts.now && n.rule !== "visit_prep") {
      silenced.push({ nudge: n, why: "account_snoozed" });
      continue;
    }
    const s = states.get(stateKey(n.memberId, n.accountId, n.rule));
    // Some rules speak at most weekly per account, even when what triggers them changes.
    if (s?.lastSentAt && AT_MOST_WEEKLY.has(n.rule) && opts.now.getTime() - s.lastSentAt.getTime() < 7 * 86_400_000) {
      silenced.push({ nudge: n, why: "cool_down" });
      continue;
    }
    if (s && s.fingerprint === n.fingerprint) {
      if (s.state === "done") {
        silenced.push({ nudge: n, why: "done" });
        continue;
      }
      if (s.state === "snoozed" && s.until && s.until > opts.now) {
        silenced.push({ nudge: n, why: "snoozed" });
        continue;
      }
      const coolDays = opts.config.coolDownDays[n.rule] ?? 7;
      if (s.lastSentAt && opts.now.getTime() - s.lastSentAt.getTime() < coolDays * 86_400_000) {
        silenced.push({ nudge: n, why: "cool_down" });
        continue;
      }
    }
    due.push(n);
  }
  return { due, silenced };
}

/** Most urgent first (the planner's order: src/proactive/planner.ts), then ARR, then account name. */
export function rankNudges(nudges: Nudge[]): Nudge[] {
  return rankByUrgency(nudges);
}

/**
 * The per-member daily cap, counted in accounts: the `cap` most urgent accounts are shown with
 * everything due about each (a reader acts on an account, and a champion who left must not hide
 * in the overflow line under an account already on screen); the rest are summarised and not marked
 * sent, so they can come tomorrow.
 */
export function capNudges(nudges: Nudge[], cap: number): { shown: Nudge[]; overflow: Nudge[] } {
  const accounts = new Set<string>();
  const shown: Nudge[] = [];
  const overflow: Nudge[] = [];
  for (const n of rankNudges(nudges)) {
    if (!accounts.has(n.accountId) && accounts.size < cap) accounts.add(n.accountId);
    (accounts.has(n.accountId) ? shown : overflow).push(n);
  }
  return { shown, overflow };
}

type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

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

async function upsertState(
  q: Queryable,
  rows: { memberId: string; accountId: string; rule: string; fingerprint: string }[],
  state: NudgeStateRow["state"],
  now: Date,
  until: Date | null,
) {
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

/** Records nudges as delivered (called in the same transaction that enqueues their message). */
export function recordSent(q: Queryable, nudges: Nudge[], now: Date) {
  return upsertState(q, nudges, "sent", now, null);
}

/**
 * Marks a nudge done for a member (the tend.nudge_done button): it stays silent until what
 * triggered it changes. Returns false for a malformed key.
 */
export async function markNudgeDone(db: Db, memberId: string, key: string, now = new Date()): Promise<boolean> {
  const k = parseNudgeKey(key);
  if (!k) return false;
  await upsertState(db.pool, [{ memberId, ...k }], "done", now, null);
  return true;
}

/** Snoozes one nudge for a member for `days` (it also wakes up early if its fingerprint changes). */
export async function snoozeNudge(db: Db, memberId: string, key: string, days: number, now = new Date()) {
  const k = parseNudgeKey(key);
  if (!k) return false;
  await upsertState(db.pool, [{ memberId, ...k }], "snoozed", now, new Date(now.getTime() + days * 86_400_000));
  return true;
}
