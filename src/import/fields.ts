import { z } from "zod";
import { isTimeZone } from "../config/env.js";
import { readChoice } from "./choices.js";
import { readCurrency } from "./currency.js";
import { type DateOrder, readDay, readMoment } from "./dates.js";

export type { DateOrder } from "./dates.js";

// Cell schemas shared by every import kind. A cell arrives as a string (CSV) or as a JSON value, so
// each accepts both; blank cells never reach them (a blank cell is an absent field, see normalize).

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day YYYY-MM-DD that exists, as a Date at UTC midnight (how @db.Date columns read back). */
export function parseDay(v: string): Date | undefined {
  const m = DAY.exec(v);
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === v ? d : undefined;
}

/**
 * The date order of the import being validated. Schemas are shared constants, so the order is set
 * around each (synchronous) parse rather than threaded through every kind's schema.
 */
let dateOrder: DateOrder | undefined;

export function withDateOrder<T>(order: DateOrder | undefined, parse: () => T): T {
  const before = dateOrder;
  dateOrder = order;
  try {
    return parse();
  } finally {
    dateOrder = before;
  }
}

const DAY_FORMS = "YYYY-MM-DD (also YYYY/MM/DD, YYYY.MM.DD, an ISO date-time or an Excel date number)";

export const day = z
  .union([z.string(), z.number()], { error: `expected a day as ${DAY_FORMS}` })
  .transform((v, ctx) => {
    const r = readDay(v, dateOrder);
    if ("date" in r) return r.date;
    ctx.addIssue({
      code: "custom",
      message: /^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}$/.test(String(v).trim())
        ? `"${v}" ${r.why}`
        : `"${v}" is not a day as ${DAY_FORMS}: it ${r.why}`,
    });
    return z.NEVER;
  });

/** A moment: a day (midnight UTC), an ISO timestamp (without an offset read as UTC), a day and a time. */
export const stamp = z
  .union([z.string(), z.number()], { error: "expected YYYY-MM-DD or an ISO timestamp" })
  .transform((v, ctx) => {
    const r = readMoment(v, dateOrder);
    if ("date" in r) return r.date;
    ctx.addIssue({
      code: "custom",
      message: `"${v}" is not YYYY-MM-DD or an ISO timestamp (2026-03-01T14:30:00Z): it ${r.why}`,
    });
    return z.NEVER;
  });

export function int(min: number, max: number) {
  const range = `a whole number from ${min} to ${max}`;
  return z.union([z.number(), z.string()], { error: `expected ${range}` }).transform((v, ctx) => {
    const n = typeof v === "number" ? v : /^[+-]?\d+$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: "custom", message: `"${v}" is not ${range}` });
      return z.NEVER;
    }
    return n;
  });
}

/** Money as in Decimal(14,2): at most two decimals; thousands separators are not accepted (ambiguous). */
export const money = z
  .union([z.number(), z.string()], { error: "expected an amount such as 12000 or 12000.50" })
  .transform((v, ctx) => {
    const s = typeof v === "number" ? String(v) : v.trim();
    if (!/^\d{1,12}(\.\d{1,2})?$/.test(s)) {
      ctx.addIssue({
        code: "custom",
        message: `"${v}" is not an amount such as 12000 or 12000.50 (no currency sign, no thousands separator)`,
      });
      return z.NEVER;
    }
    return Number(s);
  });

const TRUE = new Set(["true", "yes", "y", "1"]);
const FALSE = new Set(["false", "no", "n", "0"]);

export const bool = z
  .union([z.boolean(), z.string(), z.number()], { error: "expected true or false" })
  .transform((v, ctx) => {
    if (typeof v === "boolean") return v;
    const s = String(v).trim().toLowerCase();
    if (TRUE.has(s)) return true;
    if (FALSE.has(s)) return false;
    ctx.addIssue({ code: "custom", message: `"${v}" is not true/false (yes/no, 1/0 also work)` });
    return z.NEVER;
  });

/**
 * One of `values`; case, spaces and hyphens do not matter ("Long tail" = long_tail), and the product's
 * own display words in English and Chinese name a value too ("Steady Use", "稳定使用" = steady).
 */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const allowed = new Set<string>(values);
  return z.string({ error: `expected one of ${values.join(", ")}` }).transform((v, ctx) => {
    const s = readChoice(v, allowed);
    if (s !== undefined) return s as T[number];
    ctx.addIssue({ code: "custom", message: `"${v}" is not one of ${values.join(", ")}` });
    return z.NEVER;
  });
}

/** PostgreSQL text cannot hold a NUL character: refuse it here rather than fail the whole statement. */
const NUL = "contains a NUL character (\\0), which text cannot hold";

export function text(max = 500) {
  return z
    .union([z.string(), z.number()], { error: "expected text" })
    .transform((v) => String(v).trim())
    .pipe(
      z
        .string()
        .min(1, "must not be blank")
        .max(max, `longer than ${max} characters`)
        .refine((s) => !s.includes("\0"), NUL),
    );
}

export const email = z
  .string({ error: "expected an email address" })
  .transform((v) => v.trim().toLowerCase())
  .pipe(z.email({ error: (iss) => `"${iss.input}" is not an email address` }));

/** A list: a JSON array of strings, or one cell with items separated by ";" or "|". */
export const list = z
  .union([z.array(z.string()), z.string()], { error: "expected a list (a;b;c)" })
  .transform((v) => (typeof v === "string" ? v.split(/[;|]/) : v).map((s) => s.trim()).filter((s) => s.length > 0))
  .refine((items) => items.every((s) => !s.includes("\0")), NUL);

export const timezone = z.string().refine(isTimeZone, {
  error: (iss) => `"${iss.input}" is not an IANA time zone (e.g. Europe/Berlin, Asia/Shanghai)`,
});

/** An ISO 4217 currency code; common aliases (RMB, US$, 人民币) become their code. */
export const currency = z.string({ error: "expected a currency code such as USD or CNY" }).transform((v, ctx) => {
  const r = readCurrency(v);
  if ("code" in r) return r.code;
  ctx.addIssue({ code: "custom", message: r.why });
  return z.NEVER;
});

export const locale = z.enum(["en", "zh-CN"], { error: (iss) => `"${iss.input}" is not en or zh-CN` });
