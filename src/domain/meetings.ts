// Calendar meetings as Tend reads them (pure): which account a meeting is with, what kind of
// interaction it was, and when its brief is due. No store, no chat, no clock of its own.
import { localHour } from "./dates.js";

/** The interaction kinds a meeting can be logged as. */
export type MeetingKind = "visit" | "call" | "qbr" | "exec_visit" | "training";

export interface MeetingAttendee {
  email: string;
  name?: string;
  partstat?: string;
}

export interface MeetingInput {
  title: string;
  start: Date;
  end: Date;
  allDay: boolean;
  status: "confirmed" | "tentative" | "cancelled";
  private: boolean;
  organizer?: string;
  attendees: MeetingAttendee[];
  location?: string;
  online: boolean;
}

export interface ContactRef {
  id: string;
  accountId: string;
  email: string;
  name: string;
}

/** What matching reads: the store's contacts and accounts, seen from one member. */
export interface MatchBook {
  /** The member's own address(es): they are not "the customer". */
  own: Set<string>;
  /** Domains of the company's own people (every member's email domain): internal. */
  internalDomains: Set<string>;
  contactsByEmail: Map<string, ContactRef>;
  /** A customer's domain -> its account; null when several accounts share it (never guessed). */
  accountByDomain: Map<string, string | null>;
  /** Accounts the member may see (their team's and their own); others are never matched. */
  reachable: Set<string>;
  /** The member's own book, preferred on a tie. */
  owned: Set<string>;
}

export type Classified =
  | { kind: "ignored"; why: "private" | "declined" | "internal" | "unknown" }
  | { kind: "cancelled" }
  | {
      kind: "meeting";
      accountId: string;
      /** The customer's side: everyone external, with their contact when on record. */
      attendees: { email: string; name?: string; contactId?: string }[];
    };

/** Addresses anyone can get: never an account's domain. */
export const PUBLIC_MAIL_DOMAINS = new Set([
  "gmail.com",
  "googlemail.com",
  "outlook.com",
  "hotmail.com",
  "live.com",
  "msn.com",
  "yahoo.com",
  "icloud.com",
  "me.com",
  "aol.com",
  "proton.me",
  "protonmail.com",
  "gmx.com",
  "gmx.de",
  "qq.com",
  "163.com",
  "126.com",
  "sina.com",
  "sohu.com",
  "foxmail.com",
  "yeah.net",
  "aliyun.com",
]);

export const domainOf = (email: string) => email.slice(email.lastIndexOf("@") + 1).toLowerCase();

/**
 * Which account a meeting is with: an attendee (or the organizer) who is one of its contacts counts
 * twice, one from its domain once; accounts out of the member's reach never count; a tie goes to the
 * member's own book, then stays unmatched rather than guessed. Private meetings and meetings the
 * member declined are ignored, and so are meetings with only the company's own people.
 */
export function classifyMeeting(m: MeetingInput, book: MatchBook): Classified {
  if (m.private) return { kind: "ignored", why: "private" };
  if (m.status === "cancelled") return { kind: "cancelled" };
  const people = new Map<string, MeetingAttendee>();
  for (const a of m.attendees) people.set(a.email, a);
  if (m.organizer && !people.has(m.organizer)) people.set(m.organizer, { email: m.organizer });
  for (const own of book.own) if (people.get(own)?.partstat === "DECLINED") return { kind: "ignored", why: "declined" };
  const external = [...people.values()].filter(
    (a) => !book.own.has(a.email) && !book.internalDomains.has(domainOf(a.email)),
  );
  if (external.length === 0) return { kind: "ignored", why: "internal" };
  const weight = new Map<string, number>();
  const attendees: { email: string; name?: string; contactId?: string; accountId?: string }[] = [];
  for (const a of external) {
    const contact = book.contactsByEmail.get(a.email);
    const byDomain = book.accountByDomain.get(domainOf(a.email)) ?? undefined;
    const accountId = contact?.accountId ?? byDomain;
    const name = a.name ?? contact?.name;
    attendees.push({
      email: a.email,
      ...(name ? { name } : {}),
      ...(contact ? { contactId: contact.id } : {}),
      ...(accountId ? { accountId } : {}),
    });
    if (!accountId || !book.reachable.has(accountId)) continue;
    weight.set(accountId, (weight.get(accountId) ?? 0) + (contact ? 2 : 1));
  }
  const ranked = [...weight.entries()].sort(
    (a, b) => b[1] - a[1] || Number(book.owned.has(b[0])) - Number(book.owned.has(a[0])),
  );
  const [top, second] = ranked;
  if (!top) return { kind: "ignored", why: "unknown" };
  if (second && second[1] === top[1] && book.owned.has(second[0]) === book.owned.has(top[0]))
    return { kind: "ignored", why: "unknown" };
  return {
    kind: "meeting",
    accountId: top[0],
    // Only the account's own people are its attendees (a partner on the call is not their contact).
    attendees: attendees.filter((a) => a.accountId === top[0]).map(({ accountId: _a, ...rest }) => rest),
  };
}

const KIND_WORDS: [RegExp, MeetingKind][] = [
  [/\bqbr\b|business review|quarterly review|季度.{0,4}回顾|业务回顾/i, "qbr"],
  [/\bexec(utive)?\b|高层/i, "exec_visit"],
  [/training|workshop|enablement|培训|工作坊/i, "training"],
  [/\bvisit\b|on-?site|in person|拜访|上门|现场/i, "visit"],
  [/\bcall\b|phone|电话/i, "call"],
];

/**
 * The interaction a meeting was: named by its title when the title says (QBR, executive, training,
 * visit, call - English or Chinese); otherwise a whole day is a visit, a video call a call, an hour
 * or more at a place a visit, anything shorter a call.
 */
export function meetingKind(
  m: Pick<MeetingInput, "title" | "start" | "end" | "allDay" | "online" | "location">,
): MeetingKind {
  for (const [re, kind] of KIND_WORDS) if (re.test(m.title)) return kind;
  if (m.allDay) return "visit";
  if (m.online) return "call";
  const minutes = (m.end.getTime() - m.start.getTime()) / 60_000;
  return m.location && minutes >= 60 ? "visit" : "call";
}

const STEP_MS = 15 * 60_000;

function quiet(t: Date, tz: string, start: number, end: number): boolean {
  if (start === end) return false;
  const h = localHour(t, tz);
  return start > end ? h >= start || h < end : h >= start && h < end;
}

/**
 * When a meeting's brief is due: `lead` minutes before it starts (an all-day meeting: at the morning
 * hour of its day). Inside the member's quiet hours it moves to when they end if that is still before
 * the meeting; otherwise to just before they began (the evening before an early meeting).
 */
export function briefDueAt(
  meeting: { start: Date; allDay: boolean },
  opts: { leadMinutes: number; morningHour: number; tz: string; quietStart: number; quietEnd: number },
): Date {
  const { tz, quietStart, quietEnd } = opts;
  const start = meeting.start;
  const due = meeting.allDay
    ? new Date(start.getTime() + opts.morningHour * 3_600_000)
    : new Date(start.getTime() - opts.leadMinutes * 60_000);
  if (!quiet(due, tz, quietStart, quietEnd)) return due;
  const limit = meeting.allDay ? start.getTime() + 24 * 3_600_000 : start.getTime();
  let t = new Date(Math.ceil(due.getTime() / STEP_MS) * STEP_MS);
  for (let i = 0; i < 96 && quiet(t, tz, quietStart, quietEnd); i++) t = new Date(t.getTime() + STEP_MS);
  if (!quiet(t, tz, quietStart, quietEnd) && t.getTime() < limit) return t;
  t = new Date(Math.floor(due.getTime() / STEP_MS) * STEP_MS);
  for (let i = 0; i < 96 && quiet(t, tz, quietStart, quietEnd); i++) t = new Date(t.getTime() - STEP_MS);
  return t;
}

/** The first instant at or after `t` outside quiet hours (a message due inside them waits). */
export function firstOutsideQuiet(t: Date, tz: string, quietStart: number, quietEnd: number): Date {
  let at = t;
  for (let i = 0; i < 96 && quiet(at, tz, quietStart, quietEnd); i++)
    at = new Date(Math.floor(at.getTime() / STEP_MS) * STEP_MS + STEP_MS);
  return at;
}
