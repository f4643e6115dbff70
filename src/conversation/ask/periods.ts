// Periods and days in plain language, English and Chinese: "next month", "this quarter", "下个季度",
// "30天内", "in two weeks", "tomorrow", "下周三", "12月3日". Pure: text and today in, days out.
import { addDays, daysBetween } from "../../domain/dates.js";

/** A renewal window as the grammar has it: days ahead, or the rest of this quarter. */
export type Window = { days: number } | { quarter: true };
export type MetricsPeriod = "month" | "quarter" | "year";

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
  一: 1,
  两: 2,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
  十: 10,
  十二: 12,
};

const own = <V>(t: Record<string, V>, k: string): V | undefined => (Object.hasOwn(t, k) ? t[k] : undefined);

function count(word: string): number | undefined {
  if (/^\d{1,3}$/.test(word)) return Number(word);
  return own(NUMBER_WORDS, word);
}

const UNIT_DAYS: Record<string, number> = {
  day: 1,
  days: 1,
  d: 1,
  week: 7,
  weeks: 7,
  month: 30,
  months: 30,
  year: 365,
  years: 365,
  天: 1,
  日: 1,
  周: 7,
  星期: 7,
  个星期: 7,
  个月: 30,
  月: 30,
  年: 365,
};

function endOfMonth(day: string, monthsAhead: number): string {
  const [y, m] = day.split("-").map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + monthsAhead + 1, 0));
  return d.toISOString().slice(0, 10);
}

function endOfQuarter(day: string, quartersAhead: number): string {
  const m = Number(day.slice(5, 7));
  const toQuarterEnd = 3 - ((m - 1) % 3) - 1; // months after this one to the quarter's last month
  return endOfMonth(day, toQuarterEnd + 3 * quartersAhead);
}

/** Sunday of this week (weeks run Monday to Sunday), plus whole weeks. */
function endOfWeek(today: string, weeksAhead: number): string {
  const dow = new Date(`${today}T00:00:00Z`).getUTCDay(); // 0 Sunday
  return addDays(today, ((7 - dow) % 7) + 7 * weeksAhead);
}

const days = (today: string, until: string) => ({ days: Math.max(1, daysBetween(today, until)) });

/** A span of time mentioned in the text ("next quarter", "30天内"), as a renewal window. */
export function readWindow(text: string, today: string): Window | undefined {
  const t = text;
  const n =
    /(?:next|within|in|over|coming|upcoming|due|for)\s+(?:the\s+)?(?:next\s+)?(\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s*(days?|weeks?|months?|years?|d)\b/.exec(
      t,
    );
  if (n) return span(count(n[1] as string), n[2] as string);
  const bare = /\b(\d{1,3})\s*(days?|d)\b/.exec(t);
  if (bare) return span(Number(bare[1]), "days");
  const zh = /(\d{1,3}|[一两二三四五六七八九十]{1,2}|半)\s*(个星期|星期|个月|天|日|周|月|年)(?:内|之内|以内|里)?/.exec(
    t,
  );
  if (zh) {
    if (zh[1] === "半") return zh[2] === "年" ? { days: 180 } : zh[2]?.includes("月") ? { days: 15 } : undefined;
    return span(count(zh[1] as string), zh[2] as string);
  }
  if (/this week|本周|这周|这个星期|本星期/.test(t)) return days(today, endOfWeek(today, 0));
  if (/next week|下周|下个星期|下星期/.test(t)) return days(today, endOfWeek(today, 1));
  if (/next month|下个月|下月/.test(t)) return days(today, endOfMonth(today, 1));
  if (/this month|本月|这个月|当月/.test(t)) return days(today, endOfMonth(today, 0));
  if (/next quarter|下个季度|下季度|下一季度|下一个季度|明年一季度/.test(t)) return days(today, endOfQuarter(today, 1));
  if (/this quarter|the quarter|本季度|这个季度|这季度|当季|本季/.test(t)) return { quarter: true };
  if (/next year|明年/.test(t))
    return { days: Math.min(730, daysBetween(today, endOfMonth(today, 12 - Number(today.slice(5, 7)) + 12))) };
  if (/this year|end of (?:the )?year|year[- ]end|今年|年底|年内|本年|年末/.test(t))
    return days(today, endOfMonth(today, 12 - Number(today.slice(5, 7))));
  return undefined;
}

function span(n: number | undefined, unit: string): Window | undefined {
  const per = own(UNIT_DAYS, unit);
  if (n === undefined || per === undefined) return undefined;
  const total = n * per;
  return total >= 1 && total <= 730 ? { days: total } : undefined;
}

/** A number of days for snoozing ("for a week", "30 days", "两周", "一个月"). */
export function readDays(text: string): number | undefined {
  const m =
    /(\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s*(days?|weeks?|months?|d)\b/.exec(text) ??
    /(\d{1,3}|[一两二三四五六七八九十]{1,2})\s*(个星期|星期|个月|天|日|周|月)/.exec(text);
  if (!m) return undefined;
  const w = span(count(m[1] as string), m[2] as string);
  return w && "days" in w ? w.days : undefined;
}

/** The metrics period a question names, if any. */
export function readPeriod(text: string): MetricsPeriod | undefined {
  if (/\bmonth\b|本月|这个月|当月|月度/.test(text)) return "month";
  if (/\bquarter\b|季度|本季/.test(text)) return "quarter";
  if (/\byear\b|今年|本年|年度/.test(text)) return "year";
  return undefined;
}

const WEEKDAYS: Record<string, number> = {
  sunday: 0,
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  日: 0,
  天: 0,
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
};

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** A calendar day mentioned in the text, as an ISO day. */
export function readDay(text: string, today: string): string | undefined {
  const iso = /\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b/.exec(text);
  if (iso) return valid(`${iso[1]}-${pad(iso[2])}-${pad(iso[3])}`);
  const zhDate = /(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]/.exec(text);
  if (zhDate) return ahead(today, Number(zhDate[1]), Number(zhDate[2]));
  const enDate = new RegExp(`\\b(${MONTHS.join("|")})[a-z]*\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b`).exec(text);
  if (enDate) return ahead(today, MONTHS.indexOf(enDate[1] as string) + 1, Number(enDate[2]));
  if (/\bday after tomorrow\b|后天/.test(text)) return addDays(today, 2);
  if (/\btomorrow\b|明天/.test(text)) return addDays(today, 1);
  if (/\byesterday\b|昨天/.test(text)) return addDays(today, -1);
  if (/前天/.test(text)) return addDays(today, -2);
  if (/\btoday\b|今天/.test(text)) return today;
  const dow = new Date(`${today}T00:00:00Z`).getUTCDay();
  const zhNext = /下(?:周|个?星期)([一二三四五六日天])/.exec(text);
  if (zhNext) {
    const target = own(WEEKDAYS, zhNext[1] as string) as number;
    const monday = addDays(today, -((dow + 6) % 7) + 7);
    return addDays(monday, (target + 6) % 7);
  }
  const zhThis = /(?:本|这)?(?:周|星期|礼拜)([一二三四五六日天])/.exec(text);
  const enDay = /\b(?:on |this |next )?(sunday|monday|tuesday|wednesday|thursday|friday|saturday)\b/.exec(text);
  const target = zhThis ? own(WEEKDAYS, zhThis[1] as string) : enDay ? own(WEEKDAYS, enDay[1] as string) : undefined;
  if (target !== undefined) return addDays(today, (target - dow + 7) % 7 || 7);
  return undefined;
}

const pad = (s: string | undefined) => (s ?? "").padStart(2, "0");

function valid(day: string): string | undefined {
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day ? day : undefined;
}

/** Month and day without a year: this year's, or next year's when that day has passed. */
function ahead(today: string, month: number, dayOfMonth: number): string | undefined {
  const year = Number(today.slice(0, 4));
  const thisYear = valid(`${year}-${pad(String(month))}-${pad(String(dayOfMonth))}`);
  if (thisYear && thisYear >= addDays(today, -7)) return thisYear;
  return valid(`${year + 1}-${pad(String(month))}-${pad(String(dayOfMonth))}`);
}
