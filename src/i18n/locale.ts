// Locales Tend speaks. Member's locale, else the team's, else the configured default.
export const LOCALES = ["en", "zh-CN"] as const;
export type Locale = (typeof LOCALES)[number];

export function asLocale(value: string | null | undefined): Locale | undefined {
  if (!value) return undefined;
  const v = value.toLowerCase();
  if (v.startsWith("zh")) return "zh-CN";
  if (v.startsWith("en")) return "en";
  return undefined;
}

export function resolveLocale(
  member: string | null | undefined,
  team: string | null | undefined,
  fallback: Locale = "en",
): Locale {
  return asLocale(member) ?? asLocale(team) ?? fallback;
}

/**
 * The punctuation that joins texts, per language (Chinese uses its own full-width marks): `items` a
 * list of names or words, `clauses` whole statements, `label` a name and what follows it, `phrases`
 * the short parts of one sentence, `reasons` the reasons given for one thing, `aside` a remark after a name.
 */
export const SEPARATORS = {
  en: { items: ", ", clauses: "; ", label: ": ", phrases: "; ", reasons: ", ", aside: " - " },
  "zh-CN": { items: "、", clauses: "；", label: "：", phrases: "，", reasons: "，", aside: "——" },
} as const satisfies Record<Locale, Record<string, string>>;

export type Separator = keyof (typeof SEPARATORS)["en"];

/** The separator of `kind` in `locale`. */
export const sep = (locale: Locale, kind: Separator): string => SEPARATORS[locale][kind];

/** A message catalogue: every key has an English and a Chinese text; `{name}` placeholders. */
export type Catalogue<K extends string> = Record<Locale, Record<K, string>>;

/**
 * A template's `{name}` placeholders filled from `params`, each value turned into text by `fill` (the
 * catalogue's `t` marks string values as user data); a placeholder with no parameter stays as written.
 */
export function fillIn(
  template: string,
  params: Record<string, string | number>,
  fill: (v: string | number) => string = String,
): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) =>
    name in params ? fill(params[name] as string | number) : m,
  );
}

export function translator<K extends string>(catalogue: Catalogue<K>, fill: (v: string | number) => string = String) {
  return (locale: Locale, key: K, params: Record<string, string | number> = {}) =>
    fillIn(catalogue[locale][key], params, fill);
}

export function formatNumber(locale: Locale, n: number, digits = 0): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n);
}

export function formatMoney(locale: Locale, amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency, maximumFractionDigits: 0 }).format(amount);
  } catch {
    return `${formatNumber(locale, amount)} ${currency}`;
  }
}

/**
 * Amounts summed per currency (never across), largest first, in one line: "$1,200,000; CN¥800,000"
 * (every ARR or at-risk total Tend shows). Empty for no amounts.
 */
export function formatMoneyTotals(locale: Locale, xs: { amount: number; currency: string }[]): string {
  const sums = new Map<string, number>();
  for (const x of xs) sums.set(x.currency, (sums.get(x.currency) ?? 0) + x.amount);
  return [...sums]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([c, v]) => formatMoney(locale, v, c))
    .join(sep(locale, "clauses"));
}

export function formatPercent(locale: Locale, ratio: number, digits = 0): string {
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: digits }).format(ratio);
}

/** A calendar date (stored as UTC midnight) in the reader's locale. */
export function formatDate(locale: Locale, date: Date): string {
  return new Intl.DateTimeFormat(locale, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" }).format(
    date,
  );
}

/** An instant in the reader's locale and time zone. */
export function formatDateTime(locale: Locale, date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(date);
}
