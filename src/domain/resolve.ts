// Forgiving account-name resolution: people type "acme", "ACME corp.", "xingchen", "星辰" or
// "acme crop". Pure: candidates in, a verdict out.

export interface NamedAccount {
  id: string;
  name: string;
  aliases: readonly string[];
  /** The CRM's id ("QNA-103"): typed as is, it names the account whatever its name. */
  externalId?: string | null;
}

export type Resolution<T extends NamedAccount> =
  | { kind: "exact"; account: T }
  | { kind: "ambiguous"; candidates: T[] }
  | { kind: "unknown"; suggestions: T[] };

/** Legal-form words that people leave out ("Acme" for "Acme Corp, Inc."). */
const LEGAL_SUFFIXES = [
  "incorporated",
  "corporation",
  "company",
  "limited",
  "gmbh",
  "corp",
  "inc",
  "ltd",
  "llc",
  "plc",
  "co",
  "ag",
  "sa",
  "股份有限公司",
  "有限责任公司",
  "有限公司",
  "集团",
  "公司",
];

/** The Chinese legal forms, which are written without a space before them. */
const HAN_SUFFIXES = LEGAL_SUFFIXES.filter((s) => /\p{Script=Han}/u.test(s));

/** Lower-case, width-folded, without punctuation, spaces or a trailing legal form. */
export function nameKey(name: string): string {
  const words = name
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .split(" ")
    .filter(Boolean);
  while (words.length > 1 && LEGAL_SUFFIXES.includes(words[words.length - 1] as string)) words.pop();
  let key = words.join("");
  for (const suffix of HAN_SUFFIXES) {
    if (key.length > suffix.length + 1 && key.endsWith(suffix)) {
      key = key.slice(0, -suffix.length);
      break;
    }
  }
  return key;
}

/** Levenshtein distance with an early exit above `max`. */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  return splitDistance(a, [...a], b, [...b], max);
}

/** editDistance with both strings already split into code points (a scan over many names splits each once). */
function splitDistance(a: string, ca: readonly string[], b: string, cb: readonly string[], max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = new Uint32Array(cb.length + 1);
  let cur = new Uint32Array(cb.length + 1);
  for (let j = 0; j <= cb.length; j++) prev[j] = j;
  for (let i = 1; i <= ca.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= cb.length; j++) {
      const cost = ca[i - 1] === cb[j - 1] ? 0 : 1;
      const v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[cb.length] as number;
}

/** Typos tolerated for a query of this length: none for tiny names, up to 2 for long ones. */
function typoBudget(key: string): number {
  const n = [...key].length;
  const cjk = /\p{Script=Han}/u.test(key);
  if (cjk) return n >= 3 ? 1 : 0;
  if (n <= 3) return 0;
  if (n <= 7) return 1;
  return 2;
}

const keysOf = (a: NamedAccount) => [a.name, ...a.aliases].map(nameKey).filter((k) => k !== "");

function verdict<T extends NamedAccount>(matches: T[]): Resolution<T> | undefined {
  const unique = [...new Map(matches.map((m) => [m.id, m])).values()];
  if (unique.length === 1) return { kind: "exact", account: unique[0] as T };
  if (unique.length > 1) return { kind: "ambiguous", candidates: unique.sort((a, b) => a.name.localeCompare(b.name)) };
  return undefined;
}

export const MAX_SUGGESTIONS = 5;

/**
 * Resolves a typed name: exact (name or alias, forgiving case/spacing/punctuation/legal form), then
 * prefix, then substring, then small typos. Several equally good matches are ambiguous; none gives
 * the closest names as suggestions.
 */
export function resolveAccount<T extends NamedAccount>(query: string, accounts: readonly T[]): Resolution<T> {
  // A CRM id is exact or nothing (ignoring case): no prefixes or typos, "QNA-10" is not "QNA-103".
  const typedId = query.trim().toLowerCase();
  const byId = verdict(accounts.filter((a) => a.externalId && a.externalId.toLowerCase() === typedId));
  if (byId) return byId;
  const q = nameKey(query);
  if (q === "") return { kind: "unknown", suggestions: [] };
  const keyed = accounts.map((a) => ({ a, keys: keysOf(a) }));

  const exact = verdict(keyed.filter((k) => k.keys.includes(q)).map((k) => k.a));
  if (exact) return exact;
  const prefix = verdict(keyed.filter((k) => k.keys.some((key) => key.startsWith(q))).map((k) => k.a));
  if (prefix) return prefix;
  if ([...q].length >= 2) {
    const inner = verdict(keyed.filter((k) => k.keys.some((key) => key.includes(q))).map((k) => k.a));
    if (inner) return inner;
  }

  // Typos: compare with the whole key and with the key's prefix of the query's length
  // ("acme crop" vs "acmecorp", "globx" vs "globex").
  const budget = typoBudget(q);
  const qc = [...q];
  const scored = keyed.map(({ a, keys }) => {
    let best = Number.POSITIVE_INFINITY;
    let lead = 0;
    for (const key of keys) {
      const kc = [...key];
      let common = 0;
      while (common < qc.length && qc[common] === kc[common]) common++;
      lead = Math.max(lead, common);
      best = Math.min(best, splitDistance(q, qc, key, kc, 4));
      if (kc.length > qc.length) {
        const hc = kc.slice(0, qc.length);
        best = Math.min(best, splitDistance(q, qc, hc.join(""), hc, 4) + 0.5);
      }
    }
    return { a, d: best, lead };
  });
  const within = scored.filter((s) => s.d <= budget);
  if (within.length > 0) {
    const min = Math.min(...within.map((s) => s.d));
    const found = verdict(within.filter((s) => s.d === min).map((s) => s.a));
    if (found) return found;
  }
  // Suggest names within about a third of the query's length (at most 4, the distance's early exit;
  // looser, and a long query "suggests" every name in the book), or that start the same way
  // ("initrode" -> Initech, "brightwave" -> Brightwood).
  const cjk = /\p{Script=Han}/u.test(q);
  const reach = Math.min(4, Math.max(cjk ? 1 : 2, Math.floor(qc.length / 3)));
  const sameStart = Math.min(qc.length, cjk ? 2 : 4);
  const suggestions = scored
    .filter((s) => s.d <= reach || s.lead >= sameStart)
    .sort((x, y) => x.d - y.d || y.lead - x.lead || x.a.name.localeCompare(y.a.name))
    .slice(0, MAX_SUGGESTIONS)
    .map((s) => s.a);
  return { kind: "unknown", suggestions };
}
