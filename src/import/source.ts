import { createReadStream } from "node:fs";
import { type CsvItem, detectDelimiter, parseCsvBatches } from "./csv.js";

// Readers turn a file or a request body into rows with the line each starts on. Column names are
// normalized so "Account Name", "account-name" and "accountName" all mean account_name.

export interface SourceRow {
  line: number;
  /** 1-based position among the rows (JSON), so API callers can find a row without counting lines. */
  row?: number;
  values: Record<string, unknown>;
}

export interface Problem {
  line: number;
  row?: number;
  column?: string;
  reason: string;
}

export type SourceItem = SourceRow | { problem: Problem };

export interface RowSource {
  format: "csv" | "json" | "ndjson";
  /** Normalized column names of a CSV header (JSON has none). */
  header?: string[];
  /** The CSV delimiter detected from the header line. */
  delimiter?: string;
  /** Normalized name -> the name as written, for messages. */
  labels: Map<string, string>;
  /** A problem that makes the whole source unreadable (bad header, not JSON). */
  fatal?: Problem;
  /** The rows in file order, in batches (a million rows should not cost a million awaits). */
  items: AsyncIterable<SourceItem[]>;
}

/** What a UTF-8 decoder puts where the bytes were not UTF-8. */
const REPLACEMENT = "\uFFFD";

function notUtf8(line: number, column?: string): Problem {
  return {
    line,
    ...(column ? { column } : {}),
    reason: "not UTF-8 text: save the file as UTF-8 (Excel: CSV UTF-8; Excel on Chinese Windows otherwise writes GBK)",
  };
}

export function normalizeKey(k: string): string {
  return k
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[\s\-.]+/g, "_");
}

/** Blank cells and nulls are absent fields; text is trimmed. */
function clean(v: unknown): unknown {
  if (v === null) return undefined;
  if (typeof v === "string") {
    const t = v.trim();
    return t === "" ? undefined : t;
  }
  return v;
}

/** The first chunk is read ahead to find the delimiter in the header line, then fed to the parser. */
async function* withFirst(first: string, rest: AsyncIterator<string> | Iterator<string>): AsyncGenerator<string> {
  if (first) yield first;
  for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
}

export async function csvSource(chunks: AsyncIterable<string> | Iterable<string>): Promise<RowSource> {
  const src =
    Symbol.asyncIterator in chunks
      ? (chunks as AsyncIterable<string>)[Symbol.asyncIterator]()
      : (chunks as Iterable<string>)[Symbol.iterator]();
  let ahead = "";
  // Enough text for the header line (a header longer than 64 KiB is not a header).
  while (!/[\r\n]/.test(ahead) && ahead.length < 65_536) {
    const r = await src.next();
    if (r.done) break;
    ahead += r.value;
  }
  const headerLine = ahead.replace(/^\uFEFF/, "").split(/\r?\n|\r/, 1)[0] ?? "";
  const delimiter = detectDelimiter(headerLine);
  const it = parseCsvBatches(withFirst(ahead, src), delimiter)[Symbol.asyncIterator]();
  const head = await it.next();
  const rest: CsvItem[] = head.done ? [] : head.value;
  const first = rest.shift();
  const labels = new Map<string, string>();
  const empty = (async function* () {})();
  if (!first)
    return { format: "csv", header: [], labels, fatal: { line: 1, reason: "the file is empty" }, items: empty };
  if ("error" in first)
    return {
      format: "csv",
      header: [],
      labels,
      fatal: { line: 1, reason: `header: ${first.error.reason}` },
      items: empty,
    };
  if (first.fields.some((f) => f.includes(REPLACEMENT)))
    return { format: "csv", header: [], labels, fatal: notUtf8(1), items: empty };
  const header = first.fields.map((f) => normalizeKey(f));
  for (const [i, h] of header.entries()) {
    const label = first.fields[i]!.trim();
    if (h === "")
      return {
        format: "csv",
        header,
        labels,
        fatal: { line: 1, reason: `header column ${i + 1} has no name` },
        items: empty,
      };
    if (labels.has(h))
      return {
        format: "csv",
        header,
        labels,
        fatal: { line: 1, column: label, reason: `column "${label}" appears twice in the header` },
        items: empty,
      };
    labels.set(h, label);
  }
  const toItem = (item: CsvItem): SourceItem => {
    if ("error" in item) {
      const label = header[item.error.field - 1];
      return { problem: { line: item.error.line, column: label && labels.get(label), reason: item.error.reason } };
    }
    if (item.fields.length !== header.length)
      return {
        problem: {
          line: item.line,
          reason: `${item.fields.length} values but the header has ${header.length} columns (a value with a comma must be quoted)`,
        },
      };
    const values: Record<string, unknown> = {};
    for (let i = 0; i < header.length; i++) {
      if (item.fields[i]!.includes(REPLACEMENT)) return { problem: notUtf8(item.line, labels.get(header[i]!)) };
      const v = clean(item.fields[i]);
      if (v !== undefined) values[header[i]!] = v;
    }
    return { line: item.line, values };
  };
  async function* items(): AsyncGenerator<SourceItem[]> {
    if (rest.length) yield rest.map(toItem);
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value.map(toItem);
  }
  return { format: "csv", header, delimiter, labels, items: items() };
}

function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < pos; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

interface Span {
  line: number;
  start: number;
  end: number;
}

/** Where each top-level element of a JSON array starts and ends (a scan that tolerates bad JSON). */
function elementSpans(text: string): Span[] {
  const spans: Span[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let current: Span | undefined;
  const close = (end: number) => {
    if (current) spans.push({ ...current, end });
    current = undefined;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === "\n") continue;
    if (depth === 1 && c === ",") {
      close(i);
      continue;
    }
    if (depth === 1 && !current && c !== "]") current = { line, start: i, end: text.length };
    if (c === '"') inString = true;
    else if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") {
      depth--;
      if (depth === 0) close(i);
    }
  }
  close(text.length);
  return spans;
}

function rowOf(line: number, row: number, v: unknown): SourceItem {
  if (v === null || typeof v !== "object" || Array.isArray(v))
    return { problem: { line, row, reason: "expected an object with the row's columns as keys" } };
  const values: Record<string, unknown> = {};
  for (const [k, raw] of Object.entries(v)) {
    const c = clean(raw);
    if (c !== undefined) values[normalizeKey(k)] = c;
  }
  return { line, row, values };
}

/** Node's JSON errors do not always say where: find the first element that does not parse on its own. */
function parseError(text: string, err: unknown): Problem {
  const msg = err instanceof Error ? err.message : String(err);
  const pos = /position (\d+)/.exec(msg);
  if (pos) return { line: lineAt(text, Number(pos[1])), reason: `not valid JSON: ${msg}` };
  for (const span of elementSpans(text)) {
    try {
      JSON.parse(text.slice(span.start, span.end));
    } catch (e) {
      return { line: span.line, reason: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  return { line: 1, reason: `not valid JSON: ${msg}` };
}

/** A JSON array of row objects, or NDJSON (one object a line); NDJSON when `ndjson` or not starting with "[". */
export function jsonSource(text: string, opts: { ndjson?: boolean } = {}): RowSource {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const labels = new Map<string, string>();
  const empty = (async function* () {})();
  const bad = body.indexOf(REPLACEMENT);
  if (bad >= 0) return { format: "json", labels, fatal: notUtf8(lineAt(body, bad)), items: empty };
  const isArray = !opts.ndjson && body.trimStart().startsWith("[");
  if (isArray) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (err) {
      return { format: "json", labels, fatal: parseError(body, err), items: empty };
    }
    if (!Array.isArray(parsed))
      return { format: "json", labels, fatal: { line: 1, reason: "expected a JSON array of rows" }, items: empty };
    const lines = elementSpans(body).map((sp) => sp.line);
    const rows = parsed as unknown[];
    return {
      format: "json",
      labels,
      items: (async function* () {
        yield rows.map((v, i) => rowOf(lines[i] ?? 1, i + 1, v));
      })(),
    };
  }
  if (body.trim() === "") return { format: "ndjson", labels, fatal: { line: 1, reason: "no rows" }, items: empty };
  if (!opts.ndjson && body.trimStart().startsWith("{") === false)
    return {
      format: "json",
      labels,
      fatal: { line: 1, reason: "expected a JSON array of rows or NDJSON (one object a line)" },
      items: empty,
    };
  return {
    format: "ndjson",
    labels,
    items: (async function* () {
      const lines = body.split("\n");
      const out: SourceItem[] = [];
      let row = 0;
      for (const [i, raw] of lines.entries()) {
        if (raw.trim() === "") continue;
        row++;
        try {
          out.push(rowOf(i + 1, row, JSON.parse(raw)));
        } catch (err) {
          out.push({
            problem: {
              line: i + 1,
              row,
              reason: `not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
            },
          });
        }
      }
      yield out;
    })(),
  };
}

/** A file by its extension: .csv (streamed), .json (array or NDJSON), .ndjson / .jsonl. */
export async function fileSource(file: string): Promise<RowSource> {
  const ext = file.toLowerCase().split(".").pop();
  if (ext === "csv") return csvSource(createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 }));
  if (ext === "json" || ext === "ndjson" || ext === "jsonl") {
    const { readFile } = await import("node:fs/promises");
    return jsonSource(await readFile(file, "utf8"), { ndjson: ext !== "json" });
  }
  throw new Error(`cannot tell the format of "${file}": use a .csv, .json, .ndjson or .jsonl file`);
}
