// Reads every connected calendar and acts on it (docs/calendar.md):
//  1. the feed, with a conditional request; its occurrences in a window around now, matched to
//     accounts (internal, private, declined and unknown meetings are never stored);
//  2. stored meetings follow the feed: changed, moved (a queued brief is withdrawn and planned again
//     for the new time) or cancelled (its brief is withdrawn);
//  3. before: a brief goes to the outbox when it is due within the next poll, with an idempotency key
//     per occurrence and time, held by quiet hours, at most `dailyCap` a day;
//  4. after: a meeting that ended is logged as an interaction, its attendees' last contact dates move,
//     the account is scored again, and the member gets a note with "add notes" / "it did not happen";
//  5. a feed that keeps failing is reported to its owner once per run of failures.
import type { ProactiveConfig } from "../config/proactive.js";
import type { AppContext } from "../context.js";
import { enqueue, type OutboxMessage, outboxKey } from "../delivery/outbox.js";
import type { Platform } from "../delivery/types.js";
import { localDay } from "../domain/dates.js";
import {
  briefDueAt,
  classifyMeeting,
  domainOf,
  firstOutsideQuiet,
  type MatchBook,
  meetingKind,
  PUBLIC_MAIL_DOMAINS,
} from "../domain/meetings.js";
import { rescoreAccounts } from "../health/rescore.js";
import { t as coreT } from "../i18n/catalogue.js";
import { formatDate, type Locale, resolveLocale, sep } from "../i18n/locale.js";
import type { Block, Reply } from "../reply/model.js";
import { inTransaction } from "../store/db.js";
import {
  allFeeds,
  cancelMeetings,
  cancelPendingOutbox,
  type FeedRow,
  logMeeting,
  type MatchRows,
  type MeetingRow,
  type MeetingWrite,
  matchRows,
  meetingsOf,
  saveFeedState,
  setBriefKey,
  upsertMeetings,
} from "../store/repos/calendar.js";
import { loadPeople, type MemberInfo, type TeamInfo } from "../store/repos/members.js";
import { type FeedError, fetchFeed } from "./fetch.js";
import { ct } from "./messages.js";
import { type Occurrence, parseFeed, UnparsableFeed, wallClockToInstant } from "./parse.js";
import { unseal } from "./secret.js";

/** How far back ended meetings are still logged, and how far ahead meetings are read. */
export const CALENDAR_WINDOW = { backMs: 36 * 3_600_000, aheadMs: 14 * 86_400_000 };
/** A feed is read in full (not conditionally) at least this often: the window moves, contacts change. */
export const FULL_READ_MS = 24 * 3_600_000;

export interface CalendarMessage extends OutboxMessage {
  to: string;
  what: "brief" | "logged" | "failing";
}

export interface FeedReport {
  member: string;
  read: "ok" | "not_modified" | "error";
  error?: FeedError | "key_changed";
  /** Customer meetings in the window after this read. */
  meetings: number;
  cancelled: number;
  moved: number;
  logged: { account: string; kind: string; outcome: "logged" | "matched" }[];
}

export interface CalendarReport {
  feeds: FeedReport[];
  messages: CalendarMessage[];
  enqueued: number;
  note?: string;
}

export interface SyncOptions {
  config: ProactiveConfig;
  platforms: Platform[];
  dryRun?: boolean;
  /** Only this member's calendar (right after they connected it). */
  memberId?: string;
  /**
   * The visit brief of an account as this member would get it by asking: the meeting brief carries it.
   * Given by the caller (the conversation core composes it), so the calendar knows no command.
   */
  visitBrief?: VisitBriefOf;
}

/** The member's visit brief of an account (undefined when they cannot have it). */
export type VisitBriefOf = (memberEmail: string, account: { id: string; name: string }) => Promise<Reply | undefined>;

interface Person {
  m: MemberInfo;
  team: TeamInfo | undefined;
  tz: string;
  locale: Locale;
  quietStart: number;
  quietEnd: number;
  target: { platform: Platform; recipient: string } | undefined;
}

function personOf(ctx: AppContext, m: MemberInfo, team: TeamInfo | undefined, p: SyncOptions): Person {
  const target =
    m.slackUserId && p.platforms.includes("slack")
      ? { platform: "slack" as const, recipient: m.slackUserId }
      : m.feishuOpenId && p.platforms.includes("feishu")
        ? { platform: "feishu" as const, recipient: m.feishuOpenId }
        : undefined;
  return {
    m,
    team,
    tz: m.timezone ?? team?.timezone ?? ctx.config.timezone,
    locale: resolveLocale(m.locale, team?.locale, ctx.config.locale),
    quietStart: m.quietStart ?? p.config.quietStart,
    quietEnd: m.quietEnd ?? p.config.quietEnd,
    target,
  };
}

/** Matching data seen from one member: their own address, internal domains, reachable accounts. */
function bookFor(rows: MatchRows, m: MemberInfo): MatchBook {
  const internalDomains = new Set(rows.memberEmails.map(domainOf).filter((d) => !PUBLIC_MAIL_DOMAINS.has(d)));
  const contactsByEmail = new Map<string, MatchRows["contacts"][number]>();
  for (const c of rows.contacts) if (!contactsByEmail.has(c.email)) contactsByEmail.set(c.email, c);
  const accountByDomain = new Map<string, string | null>();
  for (const c of rows.contacts) {
    const d = domainOf(c.email);
    if (PUBLIC_MAIL_DOMAINS.has(d) || internalDomains.has(d)) continue;
    const seen = accountByDomain.get(d);
    accountByDomain.set(d, seen === undefined || seen === c.accountId ? c.accountId : null);
  }
  const admin = m.role === "admin";
  const reachable = new Set(
    rows.accounts
      .filter((a) => admin || a.ownerId === m.id || (m.teamId !== null && a.teamId === m.teamId))
      .map((a) => a.id),
  );
  const owned = new Set(rows.accounts.filter((a) => a.ownerId === m.id).map((a) => a.id));
  return { own: new Set([m.email.toLowerCase()]), internalDomains, contactsByEmail, accountByDomain, reachable, owned };
}

const timeText = (locale: Locale, at: Date, tz: string) =>
  new Intl.DateTimeFormat(locale, { weekday: "short", hour: "2-digit", minute: "2-digit", timeZone: tz }).format(at);

const peopleText = (locale: Locale, row: Pick<MeetingRow, "attendees">) => {
  const names = row.attendees.map((a) => a.name ?? a.email);
  return names.length ? names.join(sep(locale, "items")) : ct(locale, "calendar.brief.someone");
};

function errorText(locale: Locale, error: string): string {
  if (error.startsWith("http_")) return ct(locale, "calendar.error.http", { status: error.slice(5) });
  const key = `calendar.error.${error}` as const;
  return ct(
    locale,
    ([
      "calendar.error.gone",
      "calendar.error.unauthorized",
      "calendar.error.unparsable",
      "calendar.error.unreachable",
      "calendar.error.too_large",
      "calendar.error.key_changed",
    ].includes(key)
      ? key
      : "calendar.error.unauthorized") as "calendar.error.gone",
  );
}

export { errorText as calendarErrorText };

/** The brief for one meeting: what the meeting is, then the full visit brief of the account. */
async function composeMeetingBrief(
  p: Person,
  row: MeetingRow & { accountName: string },
  /** Absent on a dry run: the meeting line only. */
  visitBrief: VisitBriefOf | undefined,
): Promise<Reply> {
  const { locale, tz } = p;
  const time = timeText(locale, row.startsAt, tz);
  const minutes = Math.round((row.endsAt.getTime() - row.startsAt.getTime()) / 60_000);
  const line = row.allDay
    ? ct(locale, "calendar.brief.meeting_all_day", { title: row.title, people: peopleText(locale, row) })
    : ct(locale, "calendar.brief.meeting", { title: row.title, time, minutes, people: peopleText(locale, row) });
  const blocks: Block[] = [
    { type: "header", text: ct(locale, "calendar.brief.header", { account: row.accountName, time }) },
    { type: "context", text: line },
  ];
  let attachments: Reply["attachments"];
  if (visitBrief && row.accountId) {
    // The brief as the member would get it by asking, for the account by id (no lookup by name).
    const reply = await visitBrief(p.m.email, { id: row.accountId, name: row.accountName });
    if (reply && !reply.error) {
      blocks.push(...reply.blocks.filter((b) => b.type !== "header").slice(0, 45));
      // With its picture (the account's 90-day trend), as the visit-prep brief.
      attachments = reply.attachments;
    }
  }
  return {
    summary: ct(locale, "calendar.brief.summary", { account: row.accountName, time }),
    blocks,
    tone: "neutral",
    ...(attachments?.length ? { attachments } : {}),
  };
}

function composeLogged(p: Person, row: MeetingRow & { accountName: string }, kind: string): Reply {
  const { locale } = p;
  const kindText = coreT(locale, `kind.${kind as "visit"}`);
  const text = ct(locale, "calendar.logged.text", {
    kind: kindText,
    account: row.accountName,
    date: formatDate(locale, new Date(`${localDay(row.startsAt, p.tz)}T00:00:00Z`)),
    title: row.title,
    people: peopleText(locale, row),
  });
  return {
    summary: ct(locale, "calendar.logged.summary", { kind: kindText, account: row.accountName }),
    blocks: [
      { type: "text", text },
      {
        type: "buttons",
        buttons: [
          {
            text: ct(locale, "calendar.logged.add_notes"),
            actionId: "tend.log_form",
            value: JSON.stringify({ accountId: row.accountId, kind, interactionId: row.interactionId }),
            style: "primary",
          },
          {
            text: ct(locale, "calendar.logged.missed"),
            actionId: "tend.meeting_missed",
            value: JSON.stringify({ meetingId: row.id }),
          },
        ],
      },
    ],
    tone: "good",
  };
}

function composeFailing(p: Person, error: string, since: Date): Reply {
  const text = ct(p.locale, "calendar.failing.text", {
    since: new Intl.DateTimeFormat(p.locale, { dateStyle: "medium", timeStyle: "short", timeZone: p.tz }).format(since),
    reason: errorText(p.locale, error),
  });
  return { summary: ct(p.locale, "calendar.failing.summary"), blocks: [{ type: "text", text }], tone: "warning" };
}

const label = (m: MemberInfo) => `${m.name} <${m.email}>`;

/** Reads every connected calendar (or one member's) and does what its meetings call for. */
export async function syncCalendars(ctx: AppContext, opts: SyncOptions): Promise<CalendarReport> {
  const report: CalendarReport = { feeds: [], messages: [], enqueued: 0 };
  const key = ctx.config.secretKey;
  const feeds = (await allFeeds(ctx.db)).filter((f) => !opts.memberId || f.memberId === opts.memberId);
  if (feeds.length === 0) return { ...report, note: "no calendar connected" };
  if (!key) return { ...report, note: "TEND_SECRET_KEY is not set: connected calendars cannot be read" };
  const { members, teams } = await loadPeople(ctx.db);
  const memberBy = new Map(members.map((m) => [m.id, m]));
  const teamBy = new Map(teams.map((t) => [t.id, t]));
  const rows = await matchRows(ctx.db);
  const accountName = new Map(rows.accounts.map((a) => [a.id, a.name]));
  const rescore = new Map<string, Set<string>>();
  for (const feed of feeds) {
    const m = memberBy.get(feed.memberId);
    if (!m?.active) continue;
    const person = personOf(ctx, m, m.teamId ? teamBy.get(m.teamId) : undefined, opts);
    try {
      const r = await syncFeed(ctx, opts, feed, key, person, bookFor(rows, m), accountName, report);
      const today = localDay(ctx.now(), person.tz);
      for (const id of r.accounts) rescore.set(today, (rescore.get(today) ?? new Set()).add(id));
    } catch (err) {
      // One calendar's trouble (the store aside) never stops the others.
      ctx.log.error({ err, feed: feed.id }, "calendar: a feed could not be synced");
    }
  }
  // Contact dates and the relationship dimension move today, not at tonight's recompute.
  for (const [today, ids] of rescore) await rescoreAccounts(ctx, [...ids], today);
  return report;
}

async function syncFeed(
  ctx: AppContext,
  opts: SyncOptions,
  feed: FeedRow,
  key: Buffer,
  p: Person,
  book: MatchBook,
  accountName: Map<string, string>,
  report: CalendarReport,
): Promise<{ accounts: Set<string> }> {
  const now = ctx.now();
  const dry = opts.dryRun === true;
  const windowFrom = new Date(now.getTime() - CALENDAR_WINDOW.backMs);
  const windowTo = new Date(now.getTime() + CALENDAR_WINDOW.aheadMs);
  const fr: FeedReport = { member: label(p.m), read: "ok", meetings: 0, cancelled: 0, moved: 0, logged: [] };
  report.feeds.push(fr);
  const existing = await meetingsOf(ctx.db, p.m.id, windowFrom);
  const byKey = new Map(existing.map((r) => [r.instanceKey, r]));

  // 1. Read.
  const url = unseal(key, feed.urlEnc, feed.memberId);
  let error: FeedError | "key_changed" | undefined;
  let occurrences: Occurrence[] | undefined;
  let validators: { etag?: string | null; lastModified?: string | null } | undefined;
  if (!url) error = "key_changed";
  else {
    const full = !feed.lastParsedAt || now.getTime() - feed.lastParsedAt.getTime() >= FULL_READ_MS;
    const res = await fetchFeed(url, full ? {} : { etag: feed.etag, lastModified: feed.lastModified });
    if (res.kind === "error") error = res.error;
    else if (res.kind === "not_modified") fr.read = "not_modified";
    else {
      try {
        occurrences = parseFeed(res.body, { from: windowFrom, to: windowTo }, p.tz);
        validators = { etag: res.etag ?? null, lastModified: res.lastModified ?? null };
      } catch (err) {
        if (!(err instanceof UnparsableFeed)) throw err;
        error = "unparsable";
      }
    }
  }

  // 2. Stored meetings follow the feed.
  const current = new Map(existing.map((r) => [r.instanceKey, { ...r }]));
  if (occurrences) {
    const seen = new Set<string>();
    const writes: MeetingWrite[] = [];
    const withdraw: MeetingRow[] = [];
    for (const o of occurrences) {
      const c = classifyMeeting(o, book);
      if (c.kind !== "meeting") continue;
      const before = byKey.get(o.instanceKey);
      seen.add(o.instanceKey);
      if (before?.outcome) continue; // held and logged: history
      if (before?.briefKey && before.startsAt.getTime() !== o.start.getTime()) {
        withdraw.push(before);
        fr.moved++;
      }
      const w: MeetingWrite = {
        instanceKey: o.instanceKey,
        accountId: c.accountId,
        title: o.title,
        startsAt: o.start,
        endsAt: o.end,
        allDay: o.allDay,
        attendees: c.attendees,
      };
      writes.push(w);
      current.set(o.instanceKey, {
        ...(before ?? {
          id: `new:${o.instanceKey}`,
          memberId: p.m.id,
          briefKey: null,
          interactionId: null,
          outcome: null,
          createdAt: now,
        }),
        ...w,
        status: "confirmed",
      } as MeetingRow);
    }
    const gone = existing.filter(
      (r) => r.status === "confirmed" && !r.outcome && r.startsAt >= windowFrom && !seen.has(r.instanceKey),
    );
    fr.cancelled = gone.length;
    for (const r of gone) current.set(r.instanceKey, { ...r, status: "cancelled" });
    if (!dry) {
      // A brief still queued is withdrawn; one already on its way stays (once per occurrence).
      for (const r of [...withdraw, ...gone]) {
        if (!r.briefKey) continue;
        if (await cancelPendingOutbox(ctx.db.pool, [r.briefKey], now)) {
          await setBriefKey(ctx.db, r.id, null);
          const cur = current.get(r.instanceKey);
          if (cur) cur.briefKey = null;
        }
      }
      await upsertMeetings(ctx.db, p.m.id, writes, now);
      await cancelMeetings(
        ctx.db,
        gone.map((r) => r.id),
        now,
      );
    } else {
      for (const r of withdraw) {
        const cur = current.get(r.instanceKey);
        if (cur) cur.briefKey = null;
      }
    }
  }
  if (error) {
    fr.read = "error";
    fr.error = error;
  }

  // Feed state, and the failure report (once per run of failures).
  const failures = error ? feed.failures + 1 : 0;
  const failingSince = error ? (feed.failingSince ?? now) : null;
  const report1 =
    error !== undefined && !feed.failureReported && failures >= opts.config.calendarFailuresToReport && p.target;
  if (report1 && failingSince && p.target) {
    report.messages.push({
      kind: "calendar",
      what: "failing",
      ...p.target,
      to: label(p.m),
      key: outboxKey({
        kind: "calendar",
        subject: `feed:${feed.id}`,
        ...p.target,
        period: failingSince.toISOString(),
      }),
      reply: composeFailing(p, error as string, failingSince),
      notBefore: outsideQuiet(now, p),
    });
  }
  if (!dry) {
    await saveFeedState(ctx.db.pool, feed.id, {
      ...(validators ?? {}),
      lastFetchAt: now,
      ...(error ? {} : { lastSyncAt: now }),
      ...(occurrences ? { lastParsedAt: now } : {}),
      lastError: error ?? null,
      failures,
      failingSince,
      failureReported: error ? feed.failureReported || Boolean(report1) : false,
    });
    if (report1) report.enqueued += (await enqueue(ctx.db.pool, report.messages.slice(-1), now)).length;
  }

  const meetings = [...current.values()]
    .filter((r) => r.status === "confirmed" && r.accountId)
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  fr.meetings = meetings.filter((r) => r.endsAt > now).length;
  // Without a fresh read, the stored meetings still stand: a brief or a log is not held back by one
  // failed read (the owner is told when failures go on).
  const rows =
    dry || !occurrences
      ? meetings
      : (await meetingsOf(ctx.db, p.m.id, windowFrom)).filter((r) => r.status === "confirmed" && r.accountId);

  // 3. Before: briefs due by the next poll.
  const horizon = now.getTime() + opts.config.calendarPollMinutes * 60_000;
  const perDay = new Map<string, MeetingRow[]>();
  for (const r of rows) {
    const d = localDay(r.startsAt, p.tz);
    perDay.set(d, [...(perDay.get(d) ?? []), r]);
  }
  const lead = feed.leadMinutes ?? opts.config.meetingBriefMinutes;
  for (const r of rows) {
    if (r.briefKey || r.outcome || r.startsAt <= now || !p.target || !r.accountId) continue;
    const due = briefDueAt(
      { start: r.startsAt, allDay: r.allDay },
      {
        leadMinutes: lead,
        morningHour: opts.config.morningHour,
        tz: p.tz,
        quietStart: p.quietStart,
        quietEnd: p.quietEnd,
      },
    );
    if (due.getTime() > horizon) continue;
    const day = localDay(r.startsAt, p.tz);
    // The daily cap: the day's first meetings get a brief, the rest are in `mine`.
    if ((perDay.get(day) ?? []).indexOf(r) >= opts.config.dailyCap) continue;
    const name = accountName.get(r.accountId) ?? "?";
    const msg: CalendarMessage = {
      kind: "brief",
      what: "brief",
      ...p.target,
      to: label(p.m),
      key: outboxKey({
        kind: "brief",
        subject: `meeting:${r.id}:${r.startsAt.toISOString()}`,
        ...p.target,
        period: day,
      }),
      reply: await composeMeetingBrief(p, { ...r, accountName: name }, dry ? undefined : opts.visitBrief),
      notBefore: new Date(Math.max(due.getTime(), now.getTime())),
    };
    report.messages.push(msg);
    if (!dry) {
      report.enqueued += (await enqueue(ctx.db.pool, [msg], now)).length;
      await setBriefKey(ctx.db, r.id, msg.key);
    }
  }

  // 4. After: meetings that ended since the calendar was connected are logged.
  const accounts = new Set<string>();
  if (p.m.role === "viewer") return { accounts };
  for (const r of rows) {
    const accountId = r.accountId;
    if (r.outcome || r.endsAt > now || r.endsAt < feed.createdAt || !accountId) continue;
    const kind = meetingKind({ title: r.title, start: r.startsAt, end: r.endsAt, allDay: r.allDay, online: false });
    const name = accountName.get(accountId) ?? "?";
    const day = localDay(r.startsAt, p.tz);
    if (dry) {
      fr.logged.push({ account: name, kind, outcome: "logged" });
      continue;
    }
    await inTransaction(ctx.db, async (tx) => {
      const dayFrom = dayStart(day, p.tz);
      const contactIds = r.attendees.flatMap((a) => (a.contactId ? [a.contactId] : []));
      const out = await logMeeting(
        tx,
        {
          meetingId: r.id,
          accountId,
          memberId: p.m.id,
          kind,
          startsAt: r.startsAt,
          day,
          dayFrom,
          dayTo: dayStart(nextDay(day), p.tz),
          contactIds,
          contactName: r.attendees.find((a) => a.contactId)?.name ?? null,
        },
        now,
      );
      if (out.outcome !== "already") {
        fr.logged.push({ account: name, kind, outcome: out.outcome });
        accounts.add(accountId);
        if (out.outcome === "logged" && p.target) {
          const msg: CalendarMessage = {
            kind: "calendar",
            what: "logged",
            ...p.target,
            to: label(p.m),
            key: outboxKey({ kind: "calendar", subject: `logged:${r.id}`, ...p.target, period: day }),
            reply: composeLogged(p, { ...r, accountName: name, interactionId: out.interactionId }, kind),
            notBefore: outsideQuiet(now, p),
          };
          report.messages.push(msg);
          report.enqueued += (await enqueue(tx, [msg], now)).length;
        }
      }
    });
  }
  return { accounts };
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The instant a local day begins in `tz`. */
function dayStart(day: string, tz: string): Date {
  const [year, month, d] = day.split("-").map(Number) as [number, number, number];
  return wallClockToInstant({ year, month, day: d, hour: 0, minute: 0, second: 0 }, tz);
}

const outsideQuiet = (now: Date, p: Person) => firstOutsideQuiet(now, p.tz, p.quietStart, p.quietEnd);
