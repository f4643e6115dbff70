// Calendar-day helpers. Calendar dates are "YYYY-MM-DD" strings or UTC-midnight Dates.

const DAY_MS = 86_400_000;

export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The local calendar day of an instant in a time zone, as YYYY-MM-DD. */
export function localDay(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    instant,
  );
}

/** The local hour (0-23) of an instant in a time zone. */
export function localHour(instant: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", hourCycle: "h23" }).format(instant));
}

export function dayToDate(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

export function addDays(day: string, n: number): string {
  return isoDay(new Date(dayToDate(day).getTime() + n * DAY_MS));
}

/** Whole days from a to b (b - a). */
export function daysBetween(a: string | Date, b: string | Date): number {
  const ta =
    typeof a === "string" ? dayToDate(a).getTime() : Date.UTC(a.getUTCFullYear(), a.getUTCMonth(), a.getUTCDate());
  const tb =
    typeof b === "string" ? dayToDate(b).getTime() : Date.UTC(b.getUTCFullYear(), b.getUTCMonth(), b.getUTCDate());
  return Math.round((tb - ta) / DAY_MS);
}
