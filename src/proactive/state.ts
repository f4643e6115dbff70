import type { ProactiveConfig } from "../config/proactive.js";
import type { Db, Queryable } from "../store/db.js";
import { type NudgeStateRow, setNudgeStates } from "../store/repos/nudge-state.js";
import { rankByUrgency } from "./planner.js";
import type { Nudge } from "./rules/types.js";

export { loadNudgeStates, loadSnoozes, type NudgeStateRow } from "../store/repos/nudge-state.js";

// What a member did with a nudge (NudgeState rows, one per member x account x rule):
//  - sent:    delivered; silent for the rule's cool-down unless its fingerprint changes;
//  - done:    marked done (button tend.nudge_done); silent until the fingerprint changes;
//  - snoozed: silent until `until`, or until the fingerprint changes.
// Account snoozes (Snooze rows, `snooze <account> <days>`) silence every nudge about the account
// for that member, except the visit-prep brief for a visit they planned.

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

/** Records nudges as delivered (called in the same transaction that enqueues their message). */
export function recordSent(q: Queryable, nudges: Nudge[], now: Date) {
  return setNudgeStates(q, nudges, "sent", now);
}

/**
 * Marks a nudge done for a member (the tend.nudge_done button): it stays silent until what
 * triggered it changes. Returns false for a malformed key.
 */
export async function markNudgeDone(db: Db, memberId: string, key: string, now = new Date()): Promise<boolean> {
  const k = parseNudgeKey(key);
  if (!k) return false;
  await setNudgeStates(db.pool, [{ memberId, ...k }], "done", now);
  return true;
}
