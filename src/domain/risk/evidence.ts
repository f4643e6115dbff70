// Sentences of the risk register, from the one catalogue (src/i18n/en.ts, zh-CN.ts): evidence the
// detector found (keys risk.evidence.*; other evidence keys are health reason keys), a next step per
// cause, and the note a detected risk closes itself with. Stored as key + numbers, rendered in the
// reader's language.

import { MESSAGES, type MessageKey, tPlain } from "../../i18n/catalogue.js";
import { type Locale, sep } from "../../i18n/locale.js";
import { renderReason } from "../health/reasons.js";
import type { RiskCause } from "./register.js";

type P = Record<string, string | number>;

const gaps = (locale: Locale, p: P) =>
  String(p.gaps ?? "")
    .split(",")
    .filter(Boolean)
    .map((g) => {
      const key = `risk.gap.${g}`;
      return Object.hasOwn(MESSAGES.en, key) ? tPlain(locale, key as MessageKey) : g;
    })
    .join(sep(locale, "items"));

/** An evidence sentence in `locale`: the register's own keys first, then the health reasons'. */
export function renderEvidence(evidence: { key: string; params?: P | null }, locale: Locale): string {
  const p = evidence.params ?? {};
  if (evidence.key.startsWith("risk.evidence.") && Object.hasOwn(MESSAGES.en, evidence.key))
    return tPlain(locale, evidence.key as MessageKey, { ...p, gaps: gaps(locale, p) });
  return renderReason({ key: evidence.key, params: p }, locale);
}

/** What to do about a cause, in the reader's language. */
export const nextStep = (locale: Locale, cause: RiskCause): string => tPlain(locale, `risk.next_step.${cause}`);
