// Dates as spreadsheets write them. Year-first forms (2026-11-25, 2026/11/25 - Chinese Excel's default -
// 2026.11.25), ISO date-times and Excel serial numbers are read as they are. Day-first and month-first
// forms (25/11/2026, 11/25/2026) are only read when the import says which (--date-format DMY|MDY):
// 03/04/2026 is two different days, and a wrong guess would file every row a month off.

export type DateOrder = "DMY" | "MDY";
export const DATE_ORDERS: readonly DateOrder[] = ["DMY", "MDY"];

/** A day, or why the text is not one (a sentence that completes `"<text>" ...`). */
export type DayRead = { date: Date } | { why: string };

const YMD = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/;
const XMY = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$/;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;
const ZONE = /(Z|[+-]\d{2}:?\d{2})$/;
const ISO_STAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/;
/** Excel's day 0 is 1899-12-30 (it counts the 1900 leap day that never was). */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
/** Serial numbers read as dates: 1950-01-01 to 2149-12-31; outside that a number is not a date. */
const EXCEL_MIN = 18_264;
const EXCEL_MAX = 91_313;
const DAY_MS = 86_400_000;

function utcDay(y: number, m: number, d: number): Date | undefined {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? date : undefined;
}

const iso = (d: Date) => d.toISOString().slice(0, 10);

function dayFirstOrMonthFirst(a: number, b: number, y: number, order?: DateOrder): DayRead {
  if (!order) {
    const hint = a > 12 && b <= 12 ? "DMY" : b > 12 && a <= 12 ? "MDY" : undefined;
    return {
      why: `could be day-first or month-first: say which with --date-format DMY or --date-format MDY${
        hint ? ` (this one reads only as ${hint})` : ""
      }, or write it as YYYY-MM-DD`,
    };
  }
  const [d, m] = order === "DMY" ? [a, b] : [b, a];
  const date = utcDay(y, m, d);
  if (!date)
    return { why: `is not a day read ${order === "DMY" ? "day-first" : "month-first"} (--date-format ${order})` };
  return { date };
}

/** A calendar day from any of the accepted forms; a date-time gives the day it names. */
export function readDay(v: string | number, order?: DateOrder): DayRead {
  if (typeof v === "number") return excelDay(v);
  const s = v.trim();
  const ymd = YMD.exec(s);
  if (ymd) {
    const date = utcDay(Number(ymd[1]), Number(ymd[3]), Number(ymd[4]));
    return date ? { date } : { why: "is not a day that exists" };
  }
  const xmy = XMY.exec(s);
  if (xmy) return dayFirstOrMonthFirst(Number(xmy[1]), Number(xmy[3]), Number(xmy[4]), order);
  if (ISO_STAMP.test(s)) return readDay(s.slice(0, 10), order);
  if (/^\d+(\.\d+)?$/.test(s)) return excelDay(Number(s));
  return { why: "is not a day" };
}

function excelDay(n: number): DayRead {
  if (!Number.isFinite(n) || n < EXCEL_MIN || n > EXCEL_MAX)
    return { why: "is a number but not an Excel date (1950 to 2149)" };
  return { date: new Date(EXCEL_EPOCH + Math.floor(n) * DAY_MS) };
}

/** A moment: a day (midnight UTC), an ISO timestamp, a day followed by a time, or an Excel serial. */
export function readMoment(v: string | number, order?: DateOrder): DayRead {
  if (typeof v === "number" || /^\d+(\.\d+)?$/.test(v.trim())) {
    const n = typeof v === "number" ? v : Number(v.trim());
    if (!Number.isFinite(n) || n < EXCEL_MIN || n > EXCEL_MAX)
      return { why: "is a number but not an Excel date (1950 to 2149)" };
    return { date: new Date(EXCEL_EPOCH + Math.round(n * DAY_MS)) };
  }
  const s = v.trim();
  if (ISO_STAMP.test(s)) {
    const t = s.replace(" ", "T");
    const date = new Date(ZONE.test(t) ? t : `${t}Z`);
    return Number.isNaN(date.getTime()) ? { why: "is not a moment that exists" } : { date };
  }
  const [dayPart = "", timePart, ...rest] = s.split(/\s+/);
  const day = readDay(dayPart, order);
  if (!("date" in day) || timePart === undefined) return rest.length ? { why: "is not a date and time" } : day;
  const m = TIME.exec(timePart);
  if (!m || rest.length) return { why: "has a time that is not HH:MM or HH:MM:SS" };
  const [h, min, sec, ms] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0), Number((m[4] ?? "0").padEnd(3, "0"))];
  if (h > 23 || min > 59 || sec > 59) return { why: "has a time that does not exist" };
  return { date: new Date(Date.parse(`${iso(day.date)}T00:00:00Z`) + ((h * 60 + min) * 60 + sec) * 1000 + ms) };
}
