import { daysBetween } from "../../domain/dates.js";
import { expansionSignals, nudgeWorthy } from "../../domain/expansion.js";
import { STALE_CALL_DAYS } from "../../domain/forecast.js";
import { BRIEF, CALL, nudge } from "./nudge.js";
import type { Rule } from "./types.js";

/**
 * A strong expansion signal (seats nearly full, a request for a higher plan's feature) on a healthy
 * account with no opportunity open yet. The fingerprint is the set of strong signals: the same
 * signals stay quiet for the cool-down, and the state layer keeps it to one nudge a week per account
 * even when a new signal appears (src/proactive/state.ts AT_MOST_WEEKLY).
 */
export const expansionSignal: Rule = (f) => {
  if (!f.expansion) return [];
  const signals = expansionSignals(f.expansion);
  const worthy = nudgeWorthy(f.expansion, signals);
  if (worthy.length === 0) return [];
  const seat = signals.find((s) => s.kind === "seat_limit");
  const plan = signals.find((s) => s.kind === "higher_plan");
  const key = seat && plan ? "nudge.expansion_both" : seat ? "nudge.expansion_seats" : "nudge.expansion_plan";
  return nudge(
    f,
    "expansion_signal",
    key,
    {
      used: seat?.params.used ?? 0,
      seats: seat?.params.seats ?? 0,
      pct: seat?.params.pct ?? 0,
      requests: plan?.params.count ?? 0,
    },
    [...worthy].sort().join(","),
    2,
    [CALL, BRIEF],
  );
};

/** The CSM's call on a renewal within 120 days is older than 30 days: confirm or change it. */
export const callStale: Rule = (f, { day }) => {
  for (const r of f.renewals) {
    if (r.status !== "upcoming" && r.status !== "in_progress") continue;
    if (!r.call) continue;
    const left = daysBetween(day, r.dueDate);
    const age = daysBetween(r.call.on, day);
    if (left < 0 || age <= STALE_CALL_DAYS) continue;
    return nudge(
      f,
      "call_stale",
      "nudge.call_stale",
      { call: r.call.call, age, days: left, due: r.dueDate },
      `${r.id}:${r.call.on}`,
      2,
      [CALL],
    );
  }
  return [];
};
