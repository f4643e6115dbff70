import { MESSAGES } from "../i18n/catalogue.js";

// Choice cells (stage, tier, status, ...) accept the value's name in any case and spacing, and the words
// the product itself shows for it in English and Chinese ("Steady Use", "稳定使用" for steady): a team
// exporting what Tend displayed gets it back. Words come from the message catalogue, not a second copy.

const squash = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s\-_]+/g, "_");

/** Display word (squashed) -> value names it labels, over every `<group>.<value>` catalogue entry. */
const WORDS: Map<string, Set<string>> = (() => {
  const words = new Map<string, Set<string>>();
  for (const catalogue of Object.values(MESSAGES))
    for (const [key, word] of Object.entries(catalogue as Record<string, string>)) {
      const m = /^[a-z]+\.([a-z_]+)$/.exec(key);
      if (!m || word.includes("{")) continue;
      const w = squash(word);
      const set = words.get(w) ?? new Set<string>();
      set.add(m[1] as string);
      words.set(w, set);
    }
  return words;
})();

/** The value of `allowed` a cell names, by name or display word; undefined when none or several. */
export function readChoice(v: string, allowed: ReadonlySet<string>): string | undefined {
  const s = squash(v);
  if (allowed.has(s)) return s;
  const named = [...(WORDS.get(s) ?? [])].filter((x) => allowed.has(x));
  return named.length === 1 ? named[0] : undefined;
}
