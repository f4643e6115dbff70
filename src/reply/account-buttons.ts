import { CALLS } from "../domain/forecast.js";
import type { T } from "../i18n/catalogue.js";
import type { Button } from "./model.js";

// The buttons that act on one account, built in one place for every message that carries them (the
// account card's accountButtons in handlers/common.ts, the morning nudges, renewal calls): the
// values are what handleAction reads.

/** Runs a command as the person who presses it. */
export function runButton(text: string, command: string): Button {
  return { text, actionId: "tend.run", value: command };
}

/** Opens the log form for a visit or call on the account. */
export function logButton(text: string, accountId: string, kind: string, style?: Button["style"]): Button {
  return {
    text,
    actionId: "tend.log_form",
    value: JSON.stringify({ accountId, kind }),
    ...(style ? { style } : {}),
  };
}

/** Snoozes the account's nudges for `days`. */
export function snoozeButton(text: string, accountId: string, days: number): Button {
  return { text, actionId: "tend.snooze", value: JSON.stringify({ accountId, days }) };
}

/**
 * One button per renewal call: each runs `call id:<account> <call>` as the person who presses it
 * (the account card, renewal reminders and stale-call nudges carry them).
 */
export function callButtons(t: T, accountId: string): Button[] {
  return CALLS.map((c) => runButton(t(`button.call_${c}`), `call id:${accountId} ${c}`));
}
