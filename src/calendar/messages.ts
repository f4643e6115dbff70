import { t } from "../i18n/catalogue.js";
import type { MessageKey } from "../i18n/en.js";
import type { Locale } from "../i18n/locale.js";

// Calendar texts live in the one catalogue (src/i18n/en.ts, zh-CN.ts) under "calendar.".

export type CalendarKey = Extract<MessageKey, `calendar.${string}`>;
export const ct = (locale: Locale, key: CalendarKey, params?: Record<string, string | number>): string =>
  t(locale, key, params);
