import { MESSAGES, type MessageKey, tPlain, tPlainPlural } from "../../i18n/catalogue.js";
import type { Locale } from "../../i18n/locale.js";
import { isRiskCause } from "../risk/register.js";
import type { Reason } from "./types.js";

// Reason sentences: the catalogue's reason.* texts (src/i18n/en.ts, zh-CN.ts), one short sentence with
// numbers per key. Reasons are stored as key + params (HealthScore.reasons), so a reader sees them in
// their own language.

type P = Record<string, string | number>;

const n = (v: unknown) => (typeof v === "number" ? v : Number(v));

/** Every reason key the scorer can give: the catalogue's reason.* keys without the prefix. */
export const REASON_KEYS = Object.keys(MESSAGES.en)
  .filter((k) => k.startsWith("reason."))
  .map((k) => k.slice("reason.".length));

const sentenceKey = (key: string) => `reason.${key}` as MessageKey;

/** Sentences that read differently for one item, or for today: their own text (reason_case.*). */
const CASE: Record<string, (p: P) => string | undefined> = {
  "relationship.recent_contact": (p) => (n(p.days) === 0 ? "today" : undefined),
  "value.promises_overdue": (p) => (n(p.count) === 1 ? "one" : undefined),
  "value.urgent_tickets_late": (p) => (n(p.count) === 1 ? "one" : undefined),
};

const per = (v: unknown): MessageKey =>
  v === "weekly" ? "reason_word.per.weekly" : v === "monthly" ? "reason_word.per.monthly" : "reason_word.per.daily";

/** A risk cause in words: its name in the register (risk.*), "other risk" for other. */
function riskKind(locale: Locale, kind: unknown): string {
  const k = String(kind);
  if (k === "other") return tPlain(locale, "reason_word.risk_other");
  return isRiskCause(k) ? tPlain(locale, `risk.${k}`) : k;
}

/** A reason as one short sentence in `locale`; unknown keys (newer data, older build) stay readable. */
export function renderReason(reason: Pick<Reason, "key" | "params">, locale: Locale): string {
  const p = reason.params ?? {};
  if (Object.hasOwn(MESSAGES.en, sentenceKey(reason.key))) {
    const variant = CASE[reason.key]?.(p);
    const key = variant ? (`reason_case.${reason.key}.${variant}` as MessageKey) : sentenceKey(reason.key);
    // Codes in the parameters read as words: a period ("weekly": week) and a risk cause.
    return tPlainPlural(locale, key, { ...p, per: tPlain(locale, per(p.per)), kind: riskKind(locale, p.kind) });
  }
  const words = reason.key.replace(/^[a-z]+\./, "").replace(/[_.]/g, " ");
  const params = Object.entries(p)
    .map(([k, v]) => `${k.replace(/_/g, " ")} ${v}`)
    .join(", ");
  return params ? `${words} (${params})` : words;
}
