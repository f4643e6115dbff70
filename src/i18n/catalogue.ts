// The one text catalogue (./en.ts, ./zh-CN.ts) and the ways a text is filled in.
import { param, stripData } from "../text/user-data.js";
import { en, type MessageKey } from "./en.js";
import { type Catalogue, fillIn, type Locale, translator } from "./locale.js";
import { zhCN } from "./zh-CN.js";

export type { MessageKey };
export const MESSAGES: Catalogue<MessageKey> = { en, "zh-CN": zhCN };

// String parameters are marked as data: a value filled into a sentence shows literally on every surface.
export const t = translator(MESSAGES, param);
export type T = (key: MessageKey, params?: Record<string, string | number>) => string;
export const tFor =
  (locale: Locale): T =>
  (key, params) =>
    t(locale, key, params);

/** A platform's own notice (a toast, an ephemeral line): plain text, no data markers. */
export const tPlain = translator(MESSAGES);

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const isCjk = (c: string) => CJK.test(c);

/** `{count|item|items}` in a template: the first words when that parameter is 1, else the second. */
const chooseByCount = (template: string, params: Record<string, string | number>) =>
  template.replace(/\{(\w+)\|([^|{}]*)\|([^|{}]*)\}/g, (_, name: string, one: string, many: string) =>
    Number(params[name]) === 1 ? one : many,
  );

/**
 * A proactive sentence in the reader's language. A text chooses words by a count as
 * `{count|item|items}`: the first when that parameter is 1, else the second (English plurals;
 * Chinese has no plural and uses it only where the words differ, such as 最久 for "oldest"). Chosen
 * on the template, before any value (a title with braces) is filled in. In Chinese, a space the
 * template puts next to a value is dropped between two Chinese characters ("与 孙俊杰 有" reads
 * "与孙俊杰有"), kept next to Latin text and numbers.
 */
export function tPlural(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = chooseByCount(MESSAGES[locale][key], params);
  // String values are marked as data: a name or a quote shows literally on every surface.
  if (locale !== "zh-CN") return fillIn(template, params, param);
  const value = (name: string, m: string) => (name in params ? param(params[name] as string | number) : m);
  // Fill each placeholder with the template's own spaces around it joined or kept by what meets.
  return template.replace(/( ?)\{(\w+)\}( ?)/g, (m, before: string, name: string, after: string, at: number) => {
    const v = value(name, m.trim());
    const prev = template[at - 1] ?? "";
    const next = template[at + m.length] ?? "";
    const shown = stripData(v);
    const lead = before && !(isCjk(prev) && isCjk(shown[0] ?? "")) ? " " : "";
    const trail = after && !(isCjk(next) && isCjk(shown.at(-1) ?? "")) ? " " : "";
    return `${lead}${v}${trail}`;
  });
}

/**
 * A sentence stored as a key and numbers (a health reason, a risk's evidence): plain text (no data
 * marks, the template's own spaces kept in every language), words chosen by a count as in tPlural.
 */
export function tPlainPlural(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  return fillIn(chooseByCount(MESSAGES[locale][key], params), params);
}
