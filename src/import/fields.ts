import { z } from "zod";
import { isTimeZone } from "../config/env.js";

// Cell schemas shared by every import kind. A cell arrives as a string (CSV) or as a JSON value, so
// each accepts both; blank cells never reach them (a blank cell is an absent field, see normalize).

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const STAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** A calendar day YYYY-MM-DD that exists, as a Date at UTC midnight (how @db.Date columns read back). */
export function parseDay(v: string): Date | undefined {
  const m = DAY.exec(v);
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === v ? d : undefined;
}

export const day = z.string({ error: "expected a day as YYYY-MM-DD" }).transform((v, ctx) => {
  const d = parseDay(v.trim());
  if (!d) {
    ctx.addIssue({ code: "custom", message: `"${v}" is not a day as YYYY-MM-DD` });
    return z.NEVER;
  }
  return d;
});

/** A moment: YYYY-MM-DD (midnight UTC) or an ISO timestamp; without an offset it is read as UTC. */
export const stamp = z.string({ error: "expected YYYY-MM-DD or an ISO timestamp" }).transform((v, ctx) => {
  const s = v.trim();
  const d = parseDay(s);
  if (d) return d;
  if (STAMP.test(s)) {
    const iso = s.replace(" ", "T");
    const t = new Date(/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`);
    if (!Number.isNaN(t.getTime())) return t;
  }
  ctx.addIssue({ code: "custom", message: `"${v}" is not YYYY-MM-DD or an ISO timestamp (2026-03-01T14:30:00Z)` });
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

/** One of `values`; case, spaces and hyphens do not matter ("Long tail" = long_tail). */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const allowed = new Set<string>(values);
  return z.string({ error: `expected one of ${values.join(", ")}` }).transform((v, ctx) => {
    const s = v
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, "_");
    if (allowed.has(s)) return s as T[number];
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

export const locale = z.enum(["en", "zh-CN"], { error: (iss) => `"${iss.input}" is not en or zh-CN` });
