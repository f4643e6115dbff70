import ICAL from "ical.js";
import { isTimeZone } from "../config/env.js";

// An iCalendar feed (RFC 5545) read with Mozilla's ical.js into the meeting occurrences of a window:
// recurring events expanded (RRULE, RDATE, EXDATE), moved or changed occurrences taken from their
// RECURRENCE-ID exceptions, cancelled ones marked, times converted to instants by their TZID (an IANA
// name through the runtime's time zone data; another name, such as Outlook's "China Standard Time",
// through the VTIMEZONE the feed carries; none: the owner's time zone), all-day events as local days.

export interface Attendee {
  email: string;
  name?: string;
  /** ACCEPTED, DECLINED, TENTATIVE, NEEDS-ACTION... */
  partstat?: string;
}

export interface Occurrence {
  uid: string;
  /** UID + the occurrence's original start: the same when the occurrence is moved. */
  instanceKey: string;
  title: string;
  start: Date;
  end: Date;
  allDay: boolean;
  /** All-day events: their first local day (YYYY-MM-DD) and the day after the last. */
  days?: { from: string; until: string };
  status: "confirmed" | "tentative" | "cancelled";
  /** CLASS:PRIVATE or CONFIDENTIAL: never read further. */
  private: boolean;
  organizer?: string;
  attendees: Attendee[];
  location?: string;
  /** A video call (a conference link, or a link as the location). */
  online: boolean;
}

export class UnparsableFeed extends Error {}

/**
 * A series is expanded from its first occurrence (RFC 5545 rules cannot start mid-way), at most this
 * many occurrences: a daily meeting for 50 years still reaches today.
 */
const MAX_OCCURRENCES = 20_000;

const email = (v: unknown): string | undefined => {
  if (typeof v !== "string") return undefined;
  const m = /^mailto:(.+)$/i.exec(v.trim());
  const addr = (m?.[1] ?? v).trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(addr) ? addr : undefined;
};

/** The UTC offset (ms) of `tz` at `instant`. */
function offsetMs(instant: number, tz: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: tz,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second")) - instant;
}

/** The instant a wall-clock time in `tz` names (a time skipped by a DST change moves forward). */
export function wallClockToInstant(
  wall: { year: number; month: number; day: number; hour: number; minute: number; second: number },
  tz: string,
): Date {
  const guess = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  let t = guess - offsetMs(guess, tz);
  const again = guess - offsetMs(t, tz);
  if (again !== t) t = Math.max(t, again);
  return new Date(t);
}

function instantOf(time: ICAL.Time, tzid: string | undefined, fallbackTz: string): Date {
  if (time.zone?.tzid === "UTC") return time.toJSDate();
  const name = tzid ?? "";
  const wall = {
    year: time.year,
    month: time.month,
    day: time.day,
    hour: time.hour,
    minute: time.minute,
    second: time.second,
  };
  if (name && isTimeZone(name)) return wallClockToInstant(wall, name);
  if (name && ICAL.TimezoneService.has(name)) {
    const zoned = time.clone();
    zoned.zone = ICAL.TimezoneService.get(name);
    return new Date(zoned.toUnixTime() * 1000);
  }
  return wallClockToInstant(wall, fallbackTz);
}

const dayOf = (t: ICAL.Time) =>
  `${String(t.year).padStart(4, "0")}-${String(t.month).padStart(2, "0")}-${String(t.day).padStart(2, "0")}`;

function tzidOf(component: ICAL.Component, prop: string): string | undefined {
  const p = component.getFirstProperty(prop);
  const v = p?.getParameter("tzid");
  return typeof v === "string" ? v : undefined;
}

function attendeesOf(c: ICAL.Component): Attendee[] {
  const out: Attendee[] = [];
  for (const p of c.getAllProperties("attendee")) {
    const addr = email(p.getFirstValue()) ?? email(p.getParameter("email"));
    if (!addr) continue;
    const cn = p.getParameter("cn");
    const partstat = p.getParameter("partstat");
    out.push({
      email: addr,
      ...(typeof cn === "string" && cn.trim() ? { name: cn.trim() } : {}),
      ...(typeof partstat === "string" ? { partstat: partstat.toUpperCase() } : {}),
    });
  }
  return out;
}

const URL_RE = /https?:\/\/\S+/i;

interface Span {
  start: Date;
  end: Date;
  days?: { from: string; until: string };
}

/** When an event (or an exception) takes place, from its own DTSTART and DTEND / DURATION. */
function spanOf(ev: ICAL.Event, fallbackTz: string): Span {
  const c = ev.component;
  const s = ev.startDate;
  const e = ev.endDate;
  if (s.isDate) {
    const from = dayOf(s);
    const until = e && e.compare(s) > 0 ? dayOf(e) : nextDay(from);
    return allDaySpan(from, until, fallbackTz);
  }
  const start = instantOf(s, tzidOf(c, "dtstart"), fallbackTz);
  const end = e ? instantOf(e, tzidOf(c, "dtend") ?? tzidOf(c, "dtstart"), fallbackTz) : start;
  return { start, end: new Date(Math.max(end.getTime(), start.getTime())) };
}

function allDaySpan(from: string, until: string, tz: string): Span {
  const midnight = (d: string) => wallClockToInstant({ ...dateParts(d), hour: 0, minute: 0, second: 0 }, tz);
  return { start: midnight(from), end: midnight(until), days: { from, until } };
}

function describe(ev: ICAL.Event, uid: string, instanceKey: string, span: Span, parentStatus?: string): Occurrence {
  const c = ev.component;
  const status = String(c.getFirstPropertyValue("status") ?? parentStatus ?? "CONFIRMED").toUpperCase();
  const klass = String(c.getFirstPropertyValue("class") ?? "PUBLIC").toUpperCase();
  const organizer = email(c.getFirstPropertyValue("organizer"));
  const location = c.getFirstPropertyValue("location");
  const conference = c.getFirstPropertyValue("conference") ?? c.getFirstPropertyValue("x-google-conference");
  const loc = typeof location === "string" && location.trim() ? location.trim() : undefined;
  return {
    uid,
    instanceKey,
    title: String(ev.summary ?? "").trim(),
    start: span.start,
    end: span.end,
    allDay: span.days !== undefined,
    ...(span.days ? { days: span.days } : {}),
    status: status === "CANCELLED" ? "cancelled" : status === "TENTATIVE" ? "tentative" : "confirmed",
    private: klass === "PRIVATE" || klass === "CONFIDENTIAL",
    ...(organizer ? { organizer } : {}),
    attendees: attendeesOf(c),
    ...(loc ? { location: loc } : {}),
    online: Boolean(conference) || (loc !== undefined && URL_RE.test(loc)),
  };
}

/** An occurrence's identity: its original start as an instant, or its day for all-day events. */
function originalKey(t: ICAL.Time, tzid: string | undefined, fallbackTz: string): string {
  return t.isDate ? dayOf(t) : instantOf(t, tzid, fallbackTz).toISOString();
}

function dateParts(day: string) {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return { year: y, month: m, day: d };
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The occurrences that overlap [from, to). Throws UnparsableFeed when the text is not iCalendar.
 * `fallbackTz` places floating times and all-day events (the owner's time zone).
 */
export function parseFeed(text: string, window: { from: Date; to: Date }, fallbackTz: string): Occurrence[] {
  let root: ICAL.Component;
  try {
    const parsed = ICAL.parse(text);
    root = new ICAL.Component(parsed as never);
  } catch (err) {
    throw new UnparsableFeed(err instanceof Error ? err.message : String(err));
  }
  if (root.name !== "vcalendar") throw new UnparsableFeed(`not a VCALENDAR (${root.name})`);
  for (const tz of root.getAllSubcomponents("vtimezone")) {
    const tzid = tz.getFirstPropertyValue("tzid");
    // IANA names are converted with the runtime's own data; only other names need the feed's rules.
    if (typeof tzid === "string" && !isTimeZone(tzid)) ICAL.TimezoneService.register(tz);
  }
  // Exceptions (RECURRENCE-ID) are matched to their series' occurrences by the instant they
  // replace, whatever zone either is written in (a UTC RECURRENCE-ID for a New York series).
  const masters = new Map<string, ICAL.Event>();
  const exceptions = new Map<string, Map<string, ICAL.Event>>();
  for (const v of root.getAllSubcomponents("vevent")) {
    const ev = new ICAL.Event(v);
    if (!ev.uid) continue;
    if (!v.hasProperty("recurrence-id")) {
      masters.set(ev.uid, ev);
      continue;
    }
    const key = originalKey(ev.recurrenceId, tzidOf(v, "recurrence-id"), fallbackTz);
    const byKey = exceptions.get(ev.uid) ?? new Map<string, ICAL.Event>();
    // The highest SEQUENCE wins when an exception appears twice.
    const seen = byKey.get(key);
    if (!seen || Number(ev.sequence ?? 0) >= Number(seen.sequence ?? 0)) byKey.set(key, ev);
    exceptions.set(ev.uid, byKey);
  }
  const out: Occurrence[] = [];
  const from = window.from.getTime();
  const to = window.to.getTime();
  const keep = (o: Occurrence) => {
    if (o.end.getTime() > from && o.start.getTime() < to) out.push(o);
  };
  for (const [uid, ev] of masters) {
    const own = exceptions.get(uid) ?? new Map<string, ICAL.Event>();
    exceptions.delete(uid);
    const span = spanOf(ev, fallbackTz);
    const masterStatus = ev.component.getFirstPropertyValue("status");
    const parentStatus = typeof masterStatus === "string" ? masterStatus : undefined;
    if (!ev.isRecurring()) {
      keep(describe(ev, uid, uid, span));
      continue;
    }
    const tzid = tzidOf(ev.component, "dtstart");
    const excluded = new Set<string>();
    for (const p of ev.component.getAllProperties("exdate")) {
      const ptz = p.getParameter("tzid");
      for (const v of p.getValues())
        if (v instanceof ICAL.Time) excluded.add(originalKey(v, typeof ptz === "string" ? ptz : tzid, fallbackTz));
    }
    const lengthMs = span.end.getTime() - span.start.getTime();
    const spanDays = span.days ? daysApart(span.days.from, span.days.until) : 0;
    const it = ev.iterator();
    for (let n = 0; n < MAX_OCCURRENCES; n++) {
      const next = it.next();
      if (!next) break;
      const key = originalKey(next, tzid, fallbackTz);
      const exception = own.get(key);
      own.delete(key);
      if (!exception && excluded.has(key)) continue;
      let o: Occurrence;
      if (exception) o = describe(exception, uid, `${uid}|${key}`, spanOf(exception, fallbackTz), parentStatus);
      else {
        const s = next.isDate
          ? allDaySpan(dayOf(next), addDaysIso(dayOf(next), spanDays), fallbackTz)
          : (() => {
              const start = instantOf(next, tzid, fallbackTz);
              return { start, end: new Date(start.getTime() + lengthMs) };
            })();
        o = describe(ev, uid, `${uid}|${key}`, s);
      }
      const originalAt = next.isDate ? o.start.getTime() : new Date(key).getTime();
      // Past the window in both its original and (moved) time: the rest of the series is too.
      if (originalAt >= to && o.start.getTime() >= to) break;
      keep(o);
    }
    // Exceptions the rule did not produce (an occurrence added by RDATE-less moves) still happen.
    for (const [key, exception] of own) keep(describe(exception, uid, `${uid}|${key}`, spanOf(exception, fallbackTz)));
  }
  // An exception whose series is not in the feed (an invitation to one occurrence) stands alone.
  for (const [uid, byKey] of exceptions)
    for (const [key, ev] of byKey) keep(describe(ev, uid, `${uid}|${key}`, spanOf(ev, fallbackTz)));
  return out.sort((a, b) => a.start.getTime() - b.start.getTime() || a.instanceKey.localeCompare(b.instanceKey));
}

function daysApart(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

function addDaysIso(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + Math.max(1, n));
  return d.toISOString().slice(0, 10);
}
