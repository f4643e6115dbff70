// CSV as RFC 4180 describes it, plus what real exports do: a UTF-8 byte order mark (Excel), LF, CRLF
// or lone CR line ends, quoted fields spanning lines. Streams: text arrives in chunks, records leave
// with the physical line they start on (the header is line 1).

export interface CsvRecord {
  line: number;
  fields: string[];
}

export interface CsvError {
  line: number;
  /** 1-based field position in the record. */
  field: number;
  reason: string;
}

export type CsvItem = CsvRecord | { error: CsvError };

/**
 * Incremental parser. A malformed record (stray quote, text after a closing quote) becomes an error
 * item and parsing goes on with the next record, so one bad line does not hide the others.
 */
export class CsvParser {
  private line = 1;
  private recordLine = 1;
  private fields: string[] = [];
  private field = "";
  private quoted = false;
  private afterQuote = false;
  private started = false; // the current record has a character (tells a blank line from "")
  private broken: CsvError | undefined;
  private carry = "";
  private first = true;

  /** `delimiter`: "," (default), ";" (European Excel) or a tab. */
  constructor(delimiter = ",") {
    this.delim = delimiter.charCodeAt(0);
  }
  private delim: number;

  push(text: string): CsvItem[] {
    let s = this.carry + text;
    if (this.first && s.length) {
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      this.first = false;
    }
    // A CR or a quote at the end needs the next character to be understood.
    let keep = s.length;
    if (s.charCodeAt(keep - 1) === 13) keep--;
    else while (keep > 0 && s.charCodeAt(keep - 1) === 34) keep--;
    this.carry = s.slice(keep);
    s = s.slice(0, keep);
    return this.scan(s);
  }

  end(): CsvItem[] {
    const out = this.scan(this.carry);
    this.carry = "";
    if (this.quoted) {
      out.push({
        error: {
          line: this.recordLine,
          field: this.fields.length + 1,
          reason: 'a quoted value is never closed (missing ")',
        },
      });
      this.quoted = false;
      return out;
    }
    const item = this.endRecord();
    if (item) out.push(item);
    return out;
  }

  private scan(raw: string): CsvItem[] {
    // Every line end becomes LF; inside a quoted value too (values keep their line breaks as \n).
    const s = raw.indexOf("\r") >= 0 ? raw.replace(/\r\n?/g, "\n") : raw;
    const out: CsvItem[] = [];
    const n = s.length;
    let i = 0;
    while (i < n) {
      if (this.quoted) {
        const q = s.indexOf('"', i);
        const end = q < 0 ? n : q;
        for (let k = s.indexOf("\n", i); k >= 0 && k < end; k = s.indexOf("\n", k + 1)) this.line++;
        this.field += s.slice(i, end);
        if (q < 0) return out;
        if (q + 1 < n && s.charCodeAt(q + 1) === 34) {
          this.field += '"';
          i = q + 2;
        } else {
          this.quoted = false;
          this.afterQuote = true;
          i = q + 1;
        }
        continue;
      }
      const c = s.charCodeAt(i);
      if (c === this.delim) {
        this.fields.push(this.field);
        this.field = "";
        this.afterQuote = false;
        this.started = true;
        i++;
      } else if (c === 10) {
        const item = this.endRecord();
        if (item) out.push(item);
        this.line++;
        this.recordLine = this.line;
        i++;
      } else if (c === 34) {
        if (this.field === "" && !this.afterQuote) this.quoted = true;
        else
          this.breakRecord('a quote (") inside an unquoted value: quote the whole value and double inner quotes ("")');
        this.started = true;
        i++;
      } else {
        if (this.afterQuote) this.breakRecord("text after the closing quote of a quoted value");
        let j = i + 1;
        while (j < n) {
          const d = s.charCodeAt(j);
          if (d === this.delim || d === 10 || d === 34) break;
          j++;
        }
        this.field += s.slice(i, j);
        this.started = true;
        i = j;
      }
    }
    return out;
  }

  private breakRecord(reason: string) {
    this.broken ??= { line: this.recordLine, field: this.fields.length + 1, reason };
  }

  private endRecord(): CsvItem | undefined {
    this.fields.push(this.field);
    const blank = !this.started && this.fields.length === 1 && this.fields[0] === "";
    const item: CsvItem | undefined = this.broken
      ? { error: this.broken }
      : blank
        ? undefined
        : { line: this.recordLine, fields: this.fields };
    this.fields = [];
    this.field = "";
    this.afterQuote = false;
    this.started = false;
    this.broken = undefined;
    return item;
  }
}

/** Records of a stream of text chunks, a batch per chunk (one await per chunk, not per record). */
export async function* parseCsvBatches(
  chunks: AsyncIterable<string> | Iterable<string>,
  delimiter = ",",
): AsyncGenerator<CsvItem[]> {
  const p = new CsvParser(delimiter);
  for await (const chunk of chunks) {
    const batch = p.push(chunk);
    if (batch.length) yield batch;
  }
  const last = p.end();
  if (last.length) yield last;
}

export const DELIMITERS = [",", ";", "\t"] as const;

/**
 * The delimiter of a file from its header line: the one of `,` `;` tab seen most often outside quotes
 * (a header names columns, so it has one fewer than its columns). A tie or none keeps the comma.
 */
export function detectDelimiter(firstLine: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ",";
  for (const d of DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

/** Records of a stream of text chunks (a decoded file, a request body). */
export async function* parseCsv(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<CsvItem> {
  for await (const batch of parseCsvBatches(chunks)) yield* batch;
}
