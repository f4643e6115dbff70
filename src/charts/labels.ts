import { MESSAGES, type MessageKey, tPlain } from "../i18n/catalogue.js";
import { type Catalogue, LOCALES, type Locale } from "../i18n/locale.js";

// Every word a chart draws: the catalogue's chart.* texts. Charts draw only these, digits and dates,
// never a name someone typed: the bundled chart font (assets/fonts) covers exactly these characters
// (test/charts checks it), so a picture renders the same with no system fonts. Names go in the
// message text beside it.

type Strip<K> = K extends `chart.${infer Rest}` ? Rest : never;
export type ChartLabel = Strip<MessageKey>;

const CHART_LABEL_KEYS = (Object.keys(MESSAGES.en) as MessageKey[])
  .filter((k) => k.startsWith("chart."))
  .map((k) => k.slice("chart.".length) as ChartLabel);

/** The chart words of each locale, read from the catalogue (the font covers their characters). */
export const CHART_LABELS: Catalogue<ChartLabel> = Object.fromEntries(
  LOCALES.map((l) => [l, Object.fromEntries(CHART_LABEL_KEYS.map((k) => [k, MESSAGES[l][`chart.${k}`]]))]),
) as Catalogue<ChartLabel>;

/** A chart's word in `locale`, `{name}` filled with a number (plain: a chart draws no data marks). */
export const chartLabel = (locale: Locale, key: ChartLabel, params?: Record<string, number>): string =>
  tPlain(locale, `chart.${key}`, params);

/** Characters a chart may draw beyond the labels: numbers, dates, units, currency signs. */
export const CHART_EXTRA_CHARS = " 0123456789.,:-+%/()kKMBx$€£¥￥#|万亿年月日";
