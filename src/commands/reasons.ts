// Reason sentences. The health engine (src/domain/health) owns the real per-key sentences; until its
// renderer is available this adapter turns a reason key and numbers into a readable line.
import type { Reason } from "../domain/health/types.js";
import type { Locale } from "../i18n/locale.js";

export function reasonText(reason: Reason, _locale: Locale): string {
  const words = reason.key.replace(/^[a-z]+\./, "").replace(/[_.]/g, " ");
  const params = Object.entries(reason.params)
    .map(([k, v]) => `${k.replace(/_/g, " ")} ${v}`)
    .join(", ");
  return params ? `${words} (${params})` : words;
}
