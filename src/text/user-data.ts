// User-sourced text inside Tend's own texts. A reply's strings carry Tend's light markdown; any value
// a person typed or imported (an account name, a note, an NPS comment) is wrapped by `data()` between
// two private-use characters, so each renderer can show it literally - no mention, link, tag or
// formatting - with one escaping step at render time. The catalogue translators wrap every string
// parameter, so most user values are marked where a message is filled in. Markers a person types or
// imports are never trusted: data() drops them and renderers drop any stray one.

const OPEN = "\uE000";
const CLOSE = "\uE001";
// Placeholders a renderer puts where a data segment was while it converts Tend's markdown.
const HOLD_OPEN = "\uE002";
const HOLD_CLOSE = "\uE003";
const MARKERS = /[\uE000-\uE003]/g;

// C0/C1 controls (but tab and newline), bidi overrides and isolates, and line/paragraph separators:
// they could reorder or hide what a reader sees (U+202E turns "exe.txt" around).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** Removes control and bidi characters; CR LF and separators become plain newlines. */
export function neutralise(s: string): string {
  return s.replace(/\r\n?|[\u2028\u2029]/g, "\n").replace(CONTROLS, "");
}

/** Marks a user-sourced value: every renderer shows it literally. */
export function data(value: string | number): string {
  const s = String(value);
  return `${OPEN}${s.replace(MARKERS, "")}${CLOSE}`;
}

/**
 * A translator parameter: every string is data. Markers already inside it are dropped rather than
 * trusted - a stored note could carry them - so a composed value shows entirely literally.
 */
export function param(v: string | number): string {
  return typeof v === "number" ? String(v) : data(v);
}

/** The text as a reader sees it, without markers (plain surfaces: Slack plain_text, toasts, logs). */
export function plain(s: string): string {
  return neutralise(s.replace(MARKERS, ""));
}

/** The characters of `s` that are user data, without markers (for tests and matching). */
export function stripData(s: string): string {
  return s.replace(MARKERS, "");
}

/**
 * Renders one text: Tend's parts through `markup` (escape + light-markdown conversion), each data
 * segment through `literal` (escape everything). Data is held out of `markup` by placeholders, so
 * a user's `**x**` never meets the markdown conversion.
 */
export function renderRich(s: string, markup: (tend: string) => string, literal: (value: string) => string): string {
  const values: string[] = [];
  let tend = "";
  let i = 0;
  while (i < s.length) {
    const open = s.indexOf(OPEN, i);
    if (open < 0) {
      tend += s.slice(i);
      break;
    }
    tend += s.slice(i, open);
    const close = s.indexOf(CLOSE, open + 1);
    const end = close < 0 ? s.length : close;
    values.push(s.slice(open + 1, end));
    tend += `${HOLD_OPEN}${values.length - 1}${HOLD_CLOSE}`;
    i = end + 1;
  }
  const converted = markup(neutralise(tend.replace(/[\uE000\uE001]/g, "")));
  return converted.replace(new RegExp(`${HOLD_OPEN}(\\d+)${HOLD_CLOSE}`, "g"), (_, n: string) =>
    literal(neutralise(values[Number(n)] ?? "")),
  );
}
