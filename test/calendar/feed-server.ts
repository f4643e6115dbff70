import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

// A local stand-in for a calendar provider's secret iCalendar address: serves each path's feed with
// an ETag and a Last-Modified, answers conditional requests with 304 when nothing changed, and can be
// told to fail (any status) - as Google Calendar and Outlook publish their feeds.

export interface Feed {
  ics: string;
  /** Answer with this status instead of the feed (404 gone, 401, 500...). */
  status?: number;
  /** Serve without validators (a provider that sends neither). */
  noValidators?: boolean;
  modifiedAt: Date;
}

export interface FeedServer {
  url: (path: string) => string;
  feeds: Map<string, Feed>;
  /** Sets (or replaces) a path's feed; its validators change with it. */
  set(path: string, ics: string, at?: Date): void;
  fail(path: string, status: number | undefined): void;
  requests: { path: string; headers: IncomingHttpHeaders; status: number }[];
  close(): Promise<void>;
}

const etagOf = (ics: string) => `"${createHash("sha256").update(ics).digest("hex").slice(0, 16)}"`;

export async function startFeedServer(): Promise<FeedServer> {
  const feeds = new Map<string, Feed>();
  const requests: FeedServer["requests"] = [];
  let clock = Date.parse("2026-11-01T00:00:00Z");
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] as string;
    const feed = feeds.get(path);
    const answer = (status: number, headers: Record<string, string> = {}, body = "") => {
      requests.push({ path, headers: req.headers, status });
      res.writeHead(status, headers);
      res.end(body);
    };
    if (!feed) return answer(404);
    if (feed.status) return answer(feed.status);
    const etag = etagOf(feed.ics);
    const lastModified = feed.modifiedAt.toUTCString();
    if (!feed.noValidators) {
      const inm = req.headers["if-none-match"];
      const ims = req.headers["if-modified-since"];
      if (inm === etag || (!inm && ims && Date.parse(ims) >= Math.floor(feed.modifiedAt.getTime() / 1000) * 1000))
        return answer(304, { etag, "last-modified": lastModified });
    }
    answer(
      200,
      {
        "content-type": "text/calendar; charset=utf-8",
        ...(feed.noValidators ? {} : { etag, "last-modified": lastModified }),
      },
      feed.ics,
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    feeds,
    requests,
    set(path, ics, at) {
      clock += 60_000;
      feeds.set(path, { ics, modifiedAt: at ?? new Date(clock) });
    },
    fail(path, status) {
      const f = feeds.get(path);
      if (f) f.status = status;
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** One VEVENT; times as iCalendar text ("20261124T100000" with a TZID, or "...Z"). */
export function vevent(e: {
  uid: string;
  start: string;
  end: string;
  tz?: string;
  summary: string;
  attendees?: string[];
  organizer?: string;
  status?: string;
  klass?: string;
  rrule?: string;
  exdate?: string;
  recurrenceId?: string;
  location?: string;
  allDay?: boolean;
}): string {
  const when = (prop: string, v: string) =>
    e.allDay ? `${prop};VALUE=DATE:${v}` : e.tz ? `${prop};TZID=${e.tz}:${v}` : `${prop}:${v}`;
  return [
    "BEGIN:VEVENT",
    `UID:${e.uid}`,
    "DTSTAMP:20261101T000000Z",
    when("DTSTART", e.start),
    when("DTEND", e.end),
    ...(e.rrule ? [`RRULE:${e.rrule}`] : []),
    ...(e.exdate ? [when("EXDATE", e.exdate)] : []),
    ...(e.recurrenceId ? [when("RECURRENCE-ID", e.recurrenceId)] : []),
    `SUMMARY:${e.summary}`,
    ...(e.status ? [`STATUS:${e.status}`] : []),
    ...(e.klass ? [`CLASS:${e.klass}`] : []),
    ...(e.location ? [`LOCATION:${e.location}`] : []),
    ...(e.organizer ? [`ORGANIZER:mailto:${e.organizer}`] : []),
    ...(e.attendees ?? []).map((a) => `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${a}`),
    "END:VEVENT",
  ].join("\r\n");
}

export function vcalendar(...events: string[]): string {
  return ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tend tests//EN", ...events, "END:VCALENDAR", ""].join("\r\n");
}
