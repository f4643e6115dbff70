// Currencies as ISO 4217 codes. Spreadsheets write them many ways: RMB and 人民币 are CNY, US$ is USD.
// A sign that stands for several currencies (¥ is both CNY and JPY, $ a dozen dollars) is refused with
// the choice spelled out rather than guessed: ARR in the wrong currency would rank an account wrongly.

/** Every code the runtime knows as ISO 4217 (Intl's list), plus the aliases below. */
const ISO = new Set(Intl.supportedValuesOf("currency"));

const ALIASES: Record<string, string> = {
  RMB: "CNY",
  CNH: "CNY",
  人民币: "CNY",
  元: "CNY",
  US$: "USD",
  美元: "USD",
  "€": "EUR",
  欧元: "EUR",
  "£": "GBP",
  英镑: "GBP",
  HK$: "HKD",
  港币: "HKD",
  港元: "HKD",
  NT$: "TWD",
  新台币: "TWD",
  S$: "SGD",
  新加坡元: "SGD",
  A$: "AUD",
  澳元: "AUD",
  C$: "CAD",
  加元: "CAD",
  日元: "JPY",
  円: "JPY",
  "₩": "KRW",
  韩元: "KRW",
  "₹": "INR",
};

const AMBIGUOUS: Record<string, string> = {
  "¥": "CNY (Chinese yuan) or JPY (Japanese yen)",
  "￥": "CNY (Chinese yuan) or JPY (Japanese yen)",
  $: "USD, CAD, AUD, HKD, SGD, ... (write the code)",
};

/** The ISO 4217 code a cell names, or why it names none. */
export function readCurrency(v: string): { code: string } | { why: string } {
  const s = v.trim();
  const upper = s.toUpperCase();
  if (AMBIGUOUS[s]) return { why: `"${s}" could be ${AMBIGUOUS[s]}: write the 3-letter code` };
  const alias = ALIASES[upper] ?? ALIASES[s];
  if (alias) return { code: alias };
  if (/^[A-Z]{3}$/.test(upper) && ISO.has(upper)) return { code: upper };
  return { why: `"${s}" is not an ISO 4217 currency code such as USD, EUR or CNY` };
}
