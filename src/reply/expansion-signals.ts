// Expansion signals as sentences, for the `expansion` list and the manager's weekly summary.
import type { Signal } from "../domain/expansion.js";
import type { T } from "../i18n/catalogue.js";
import { type Locale, sep } from "../i18n/locale.js";

/** One signal as a sentence ("19 of 20 seats in use (95%)", "new contacts from Marketing in 90 days"). */
export function signalText(t: T, locale: Locale, s: Signal): string {
  if (!s.departments) return t(`expansion.sig_${s.kind}`, s.params);
  const departments = s.departments.map((x) => t(`dept.${x}`)).join(sep(locale, "items"));
  return t(`expansion.sig_${s.kind}`, { ...s.params, departments });
}

export function signalsText(t: T, locale: Locale, signals: readonly Signal[]): string {
  return signals.map((s) => signalText(t, locale, s)).join(sep(locale, "clauses"));
}
