import { CALLS } from "../domain/forecast.js";
import type { T } from "../i18n/catalogue.js";
import type { Button } from "../reply/model.js";

/**
 * One button per renewal call: each runs `call id:<account> <call>` as the person who presses it
 * (the account card, renewal reminders and stale-call nudges carry them).
 */
export function callButtons(t: T, accountId: string): Button[] {
  return CALLS.map((c) => ({
    text: t(`button.call_${c}`),
    actionId: "tend.run" as const,
    value: `call id:${accountId} ${c}`,
  }));
}
