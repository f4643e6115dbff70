import type { Grade } from "../domain/health/types.js";
import { type MessageKey, tPlural as t } from "../i18n/catalogue.js";
import { formatMoneyTotals, type Locale } from "../i18n/locale.js";
import type { RuleFacts } from "./rules/types.js";

// Words and sums the proactive messages share.

/** A grade in full words ("green", "绿色"), or "no score". */
export function gradeText(locale: Locale, g: Grade | undefined) {
  return t(locale, g ? (`grade.full.${g}` as MessageKey) : "grade.full.none");
}

/** The account's score on a day, if the recompute ran that day. */
export const scoreOn = (f: RuleFacts, day: string) => f.scores.find((s) => s.day === day);

/** ARR summed per currency (never across), largest first: "$1,200,000; CN¥800,000". */
export function arrByCurrency(locale: Locale, xs: { arr: number; currency: string }[]): string {
  return formatMoneyTotals(
    locale,
    xs.map((x) => ({ amount: x.arr, currency: x.currency })),
  );
}
