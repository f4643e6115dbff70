import { z } from "zod";
import { addDays } from "../dates.js";

// Public holidays per team locale: usage on those days says nothing about the account (a Chinese
// team away for National Day is not disengaging), so they are kept out of baselines and drop
// detection. A calendar is a list of rules; a deployment replaces or adds calendars and maps team
// locales to them in TEND_HEALTH_CONFIG ("holidays": {"calendars": {...}, "locales": {...}}).

const month = z.number().int().min(1).max(12);
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const HolidaySchema = z.union([
  /** The same date every year, for `days` days (default 1). */
  z.strictObject({
    name: z.string(),
    month,
    day: z.number().int().min(1).max(31),
    days: z.number().int().min(1).max(31).optional(),
  }),
  /** The nth weekday (0 Sunday .. 6 Saturday) of a month; nth -1 is the last; for `days` days. */
  z.strictObject({
    name: z.string(),
    month,
    weekday: z.number().int().min(0).max(6),
    nth: z.number().int().min(-1).max(5),
    days: z.number().int().min(1).max(31).optional(),
  }),
  /** One dated period (holidays that follow the lunar calendar are listed per year). */
  z.strictObject({ name: z.string(), from: isoDay, to: isoDay }),
]);
export type Holiday = z.infer<typeof HolidaySchema>;

export const HolidaysSchema = z.strictObject({
  calendars: z.record(z.string(), z.array(HolidaySchema)).optional(),
  /** Team locale (e.g. "zh-CN") to calendar name; a locale not listed has no holidays. */
  locales: z.record(z.string(), z.string()).optional(),
});

export interface HolidayConfig {
  calendars: Record<string, Holiday[]>;
  locales: Record<string, string>;
}

const range = (name: string, from: string, to: string): Holiday => ({ name, from, to });

export const HOLIDAY_DEFAULTS: HolidayConfig = {
  calendars: {
    CN: [
      { name: "New Year", month: 1, day: 1 },
      // Spring Festival week (lunar calendar: listed per year, as the State Council announces them).
      range("Spring Festival", "2024-02-10", "2024-02-17"),
      range("Spring Festival", "2025-01-28", "2025-02-04"),
      range("Spring Festival", "2026-02-15", "2026-02-23"),
      range("Spring Festival", "2027-02-05", "2027-02-11"),
      range("Spring Festival", "2028-01-25", "2028-01-31"),
      { name: "Qingming", month: 4, day: 4, days: 3 },
      { name: "Labour Day", month: 5, day: 1, days: 5 },
      range("Dragon Boat", "2025-05-31", "2025-06-02"),
      range("Dragon Boat", "2026-06-19", "2026-06-21"),
      range("Dragon Boat", "2027-06-09", "2027-06-11"),
      range("Mid-Autumn", "2026-09-25", "2026-09-27"),
      range("Mid-Autumn", "2027-09-15", "2027-09-17"),
      { name: "National Day", month: 10, day: 1, days: 7 },
    ],
    US: [
      { name: "New Year's Day", month: 1, day: 1 },
      { name: "Martin Luther King Jr. Day", month: 1, weekday: 1, nth: 3 },
      { name: "Presidents' Day", month: 2, weekday: 1, nth: 3 },
      { name: "Memorial Day", month: 5, weekday: 1, nth: -1 },
      { name: "Juneteenth", month: 6, day: 19 },
      { name: "Independence Day", month: 7, day: 4 },
      { name: "Labor Day", month: 9, weekday: 1, nth: 1 },
      { name: "Columbus Day", month: 10, weekday: 1, nth: 2 },
      { name: "Veterans Day", month: 11, day: 11 },
      // Thanksgiving and the Friday after, when most US teams are away.
      { name: "Thanksgiving", month: 11, weekday: 4, nth: 4, days: 2 },
      { name: "Christmas Day", month: 12, day: 25 },
    ],
  },
  // Accounts without a team have no locale, hence no calendar.
  locales: { "zh-CN": "CN", en: "US" },
};

const pad = (n: number) => String(n).padStart(2, "0");

function nthWeekday(year: number, m: number, weekday: number, nth: number): string {
  if (nth === -1) {
    const last = new Date(Date.UTC(year, m, 0));
    const back = (last.getUTCDay() - weekday + 7) % 7;
    return `${year}-${pad(m)}-${pad(last.getUTCDate() - back)}`;
  }
  const first = new Date(Date.UTC(year, m - 1, 1)).getUTCDay();
  const day = 1 + ((weekday - first + 7) % 7) + (nth - 1) * 7;
  return `${year}-${pad(m)}-${pad(day)}`;
}

/** Every holiday day of a calendar between two days (inclusive), sorted. */
export function holidayDays(rules: readonly Holiday[], from: string, to: string): string[] {
  const out = new Set<string>();
  const add = (start: string, days: number) => {
    for (let i = 0; i < days; i++) {
      const d = addDays(start, i);
      if (d >= from && d <= to) out.add(d);
    }
  };
  const y0 = Number(from.slice(0, 4)) - 1;
  const y1 = Number(to.slice(0, 4));
  for (const r of rules) {
    if ("from" in r) {
      for (let d = r.from; d <= r.to; d = addDays(d, 1)) if (d >= from && d <= to) out.add(d);
      continue;
    }
    for (let y = y0; y <= y1; y++)
      add(
        "weekday" in r ? nthWeekday(y, r.month, r.weekday, r.nth) : `${y}-${pad(r.month)}-${pad(r.day)}`,
        r.days ?? 1,
      );
  }
  return [...out].sort();
}

/** Holiday days per team locale (every locale mapped, plus "default"), for a window of days. */
export function holidaysByLocale(config: HolidayConfig, from: string, to: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [locale, calendar] of Object.entries(config.locales))
    out[locale] = holidayDays(config.calendars[calendar] ?? [], from, to);
  return out;
}
