// Reason sentences: the health engine's renderer (src/domain/health/reasons.ts), one per key and locale.
import { renderReason } from "../domain/health/reasons.js";
import type { Reason } from "../domain/health/types.js";
import type { Locale } from "../i18n/locale.js";

export function reasonText(reason: Reason, locale: Locale): string {
  return renderReason(reason, locale);
}
