import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseFeed } from "../../src/calendar/parse.js";
import { syncCalendars } from "../../src/calendar/sync.js";
import { runCli } from "../../src/cli/main.js";
import { meetingVisitBrief } from "../../src/commands/handlers/visit-brief.js";
import { handleAction, handleCommand, handleForm } from "../../src/commands/index.js";
import { resolveProactiveConfig } from "../../src/config/proactive.js";
import type { AppContext } from "../../src/context.js";
import { drainOnce } from "../../src/delivery/outbox.js";
import { briefDueAt } from "../../src/domain/meetings.js";
import { calendarTick } from "../../src/jobs/scheduler.js";
import { silentLogger } from "../../src/log.js";
import type { Db } from "../../src/store/db.js";
import { stripData } from "../../src/text/user-data.js";
import { type ChatStandIn, startChatStandIn, webApiSender } from "../delivery/chat-stand-in.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";
import { type FeedServer, startFeedServer, vcalendar, vevent } from "./feed-server.js";

const KEY = "7f".repeat(32);
const ENV = { TEND_SECRET_KEY: KEY, SLACK_BOT_TOKEN: "xoxb-test", SLACK_SIGNING_SECRET: "test-secret" };
const config = resolveProactiveConfig();
const alice = { surface: "cli" as const, email: "alice@vendor.test" };
const li = { surface: "cli" as const, email: "li.na@vendor.test" };

/** A Tuesday: Acme's QBR 10:00-10:30 in New York (15:00Z), the team's weekly sync with Acme on Mondays. */
const DAY = "2026-11-24";
const at = (iso: string) => new Date(iso);

/** The value of a button on a stored reply. */
function buttonValue(reply: unknown, actionId: string): string {
  const blocks = (reply as { blocks: { type: string; buttons?: { actionId: string; value: string }[] }[] }).blocks;
  const b = blocks.flatMap((x) => x.buttons ?? []).find((x) => x.actionId === actionId);
  if (!b) throw new Error(`no ${actionId} button`);
  return b.value;
}

function acmeFeed(qbr: { start?: string; end?: string; status?: string } = {}, extra: string[] = []) {
  return vcalendar(
    vevent({
      uid: "qbr-1@google.test",
      tz: "America/New_York",
      start: qbr.start ?? "20261124T100000",
      end: qbr.end ?? "20261124T103000",
      summary: "Acme QBR",
      organizer: "alice@vendor.test",
      attendees: ["alice@vendor.test", "dana@acme.test", "bo@acme.test", "sam@vendor.test"],
      ...(qbr.status ? { status: qbr.status } : {}),
    }),
    // Internal only: never stored.
    vevent({
      uid: "standup@google.test",
      tz: "America/New_York",
      start: "20261124T090000",
      end: "20261124T091500",
      summary: "Team standup",
      attendees: ["alice@vendor.test", "sam@vendor.test"],
      rrule: "FREQ=DAILY",
    }),
    // Private, with a customer: never stored either.
    vevent({
      uid: "private@google.test",
      tz: "America/New_York",
      start: "20261124T120000",
      end: "20261124T130000",
      summary: "Lunch",
      klass: "PRIVATE",
      attendees: ["alice@vendor.test", "dana@acme.test"],
    }),
    ...extra,
  );
}

describe("reading iCalendar feeds", () => {
  it("expands a New York series with a moved, a removed and a cancelled occurrence, Shanghai times and all-day events", () => {
    const ics = vcalendar(
      vevent({
        uid: "weekly@test",
        tz: "America/New_York",
        start: "20261102T100000",
        end: "20261102T103000",
        rrule: "FREQ=WEEKLY;BYDAY=MO",
        exdate: "20261116T100000",
        summary: "Acme weekly",
        attendees: ["dana@acme.test"],
      }),
      // Moved: the 23rd's occurrence (written in UTC) takes place at 14:00 New York time.
      [
        "BEGIN:VEVENT",
        "UID:weekly@test",
        "RECURRENCE-ID:20261123T150000Z",
        "DTSTART;TZID=America/New_York:20261123T140000",
        "DTEND;TZID=America/New_York:20261123T150000",
        "SUMMARY:Acme weekly (moved)",
        "END:VEVENT",
      ].join("\r\n"),
      vevent({
        uid: "weekly@test",
        tz: "America/New_York",
        recurrenceId: "20261130T100000",
        start: "20261130T100000",
        end: "20261130T103000",
        status: "CANCELLED",
        summary: "Acme weekly",
      }),
      vevent({
        uid: "sh@test",
        tz: "Asia/Shanghai",
        start: "20261125T140000",
        end: "20261125T150000",
        summary: "星辰 季度业务回顾",
      }),
      vevent({ uid: "onsite@test", allDay: true, start: "20261126", end: "20261127", summary: "Onsite" }),
    );
    const got = parseFeed(ics, { from: at("2026-11-01T00:00:00Z"), to: at("2026-12-10T00:00:00Z") }, "Europe/Berlin");
    const lines = got.map((o) => `${o.start.toISOString()} ${o.status} ${o.title}`);
    expect(lines).toEqual([
      // 10:00 EST is 15:00Z (daylight saving ended on Nov 1).
      "2026-11-02T15:00:00.000Z confirmed Acme weekly",
      "2026-11-09T15:00:00.000Z confirmed Acme weekly",
      "2026-11-23T19:00:00.000Z confirmed Acme weekly (moved)",
      "2026-11-25T06:00:00.000Z confirmed 星辰 季度业务回顾",
      // All day in the owner's zone (Berlin): from local midnight.
      "2026-11-25T23:00:00.000Z confirmed Onsite",
      "2026-11-30T15:00:00.000Z cancelled Acme weekly",
      "2026-12-07T15:00:00.000Z confirmed Acme weekly",
    ]);
    // A moved occurrence keeps the identity of the one it replaces.
    expect(got.find((o) => o.title.includes("moved"))?.instanceKey).toBe("weekly@test|2026-11-23T15:00:00.000Z");
    expect(got.find((o) => o.title === "Onsite")).toMatchObject({ allDay: true, days: { from: "2026-11-26" } });
  });

  it("refuses what is not a calendar", () => {
    expect(() => parseFeed("<html>login</html>", { from: new Date(0), to: new Date() }, "UTC")).toThrow();
  });

  it("a brief is due its lead before the meeting, outside quiet hours", () => {
    const opts = { leadMinutes: 30, morningHour: 8, tz: "America/New_York", quietStart: 20, quietEnd: 7 };
    // 10:00 New York: 09:30.
    expect(briefDueAt({ start: at("2026-11-24T15:00:00Z"), allDay: false }, opts).toISOString()).toBe(
      "2026-11-24T14:30:00.000Z",
    );
    // 07:15: 06:45 is quiet, quiet ends at 07:00 - still before the meeting.
    expect(briefDueAt({ start: at("2026-11-24T12:15:00Z"), allDay: false }, opts).toISOString()).toBe(
      "2026-11-24T12:00:00.000Z",
    );
    // 06:30: quiet until after it starts, so the evening before, just before quiet hours (19:45).
    expect(briefDueAt({ start: at("2026-11-24T11:30:00Z"), allDay: false }, opts).toISOString()).toBe(
      "2026-11-24T00:45:00.000Z",
    );
    // All day: the morning hour of the day.
    expect(briefDueAt({ start: at("2026-11-24T05:00:00Z"), allDay: true }, opts).toISOString()).toBe(
      "2026-11-24T13:00:00.000Z",
    );
  });
});

describe.each(STORE_KINDS)("calendar-aware briefs and logs on %s", (kind) => {
  let db: Db;
  let feeds: FeedServer;
  let chat: ChatStandIn;
  const ctxAt = (iso: string, env: Record<string, string> = ENV): AppContext => testContext(db, { now: at(iso), env });
  const sync = (iso: string, opts: { dryRun?: boolean } = {}) => {
    const ctx = ctxAt(iso);
    return syncCalendars(ctx, {
      config,
      platforms: ["slack", "feishu"],
      visitBrief: (email, a) => meetingVisitBrief(ctx, email, a),
      ...opts,
    });
  };
  const count = async (sql: string, params: unknown[] = []) =>
    (await db.pool.query<{ n: number }>(sql, params)).rows[0]?.n ?? 0;
  const outbox = async () =>
    (
      await db.pool.query<{ key: string; status: string; kind: string; next: Date; summary: string }>(
        `SELECT "idempotencyKey" AS key, status::text AS status, kind, "nextAttemptAt" AS next, payload->>'summary' AS summary
           FROM "Outbox" ORDER BY "createdAt", "idempotencyKey"`,
      )
    ).rows.map((r) => ({ ...r, summary: stripData(r.summary) }));
  const connect = async (who = alice, path = "/alice.ics", iso = `${DAY}T13:00:00Z`) =>
    handleCommand(ctxAt(iso), { identity: who, text: `calendar ${feeds.url(path)}` });

  beforeAll(async () => {
    db = await testDb(kind);
    feeds = await startFeedServer();
    chat = await startChatStandIn();
    const east = await db.prisma.team.create({ data: { name: "East", timezone: "America/New_York" } });
    const china = await db.prisma.team.create({ data: { name: "华东", timezone: "Asia/Shanghai", locale: "zh-CN" } });
    const a = await db.prisma.member.create({
      data: { email: "alice@vendor.test", name: "Alice Chen", teamId: east.id, slackUserId: "U_ALICE" },
    });
    await db.prisma.member.create({ data: { email: "sam@vendor.test", name: "Sam Roe", teamId: east.id } });
    const l = await db.prisma.member.create({
      data: { email: "li.na@vendor.test", name: "Li Na", teamId: china.id, feishuOpenId: "ou_li", locale: "zh-CN" },
    });
    const acme = await db.prisma.account.create({
      data: { name: "Acme", ownerId: a.id, teamId: east.id, tier: "key" },
    });
    await db.prisma.contact.createMany({
      data: [
        { accountId: acme.id, name: "Dana Lee", email: "Dana@acme.test", role: "decision_maker" },
        { accountId: acme.id, name: "Bo Chen", email: "bo@acme.test", role: "champion" },
      ],
    });
    const xc = await db.prisma.account.create({ data: { name: "星辰科技", ownerId: l.id, teamId: china.id } });
    await db.prisma.contact.create({ data: { accountId: xc.id, name: "王强", email: "wang@xingchen.cn" } });
  });
  afterAll(async () => {
    await feeds.close();
    await chat.close();
    await db.close();
  });
  beforeEach(async () => {
    await db.pool.query(
      `DELETE FROM "Outbox"; DELETE FROM "Meeting"; DELETE FROM "CalendarFeed"; DELETE FROM "Interaction";
       DELETE FROM "AuditLog"; UPDATE "Contact" SET "lastContact" = NULL`,
    );
    feeds.feeds.clear();
    feeds.requests.length = 0;
    chat.posted.length = 0;
    feeds.set("/alice.ics", acmeFeed());
  });
  afterEach(() => {});

  it("connects only in a direct conversation, with a key, to an address that is a calendar; the address is stored sealed", async () => {
    const url = feeds.url("/alice.ics");
    const noKey = await handleCommand(ctxAt(`${DAY}T13:00:00Z`, { TEND_SECRET_KEY: "" }), {
      identity: alice,
      text: `calendar ${url}`,
    });
    expect(noKey.summary).toContain("TEND_SECRET_KEY");
    const group = await handleCommand(ctxAt(`${DAY}T13:00:00Z`), {
      identity: alice,
      text: `calendar ${url}`,
      conversation: "group",
    });
    expect(group.summary).toContain("direct message");
    const notCalendar = await handleCommand(ctxAt(`${DAY}T13:00:00Z`), { identity: alice, text: "calendar not-a-url" });
    expect(notCalendar.error).toBe("invalid");
    const gone = await connect(alice, "/nothing-here.ics");
    expect(stripData(gone.summary)).toContain("no longer exists");
    expect(await count(`SELECT count(*)::int AS n FROM "CalendarFeed"`)).toBe(0);

    const ok = await connect();
    expect(ok.error).toBeUndefined();
    const text = stripData(JSON.stringify(ok.blocks));
    expect(text).toContain("Meetings with customers in the next 7 days: 1");
    expect(text).toContain("Acme QBR");
    const stored = await db.pool.query<{ urlEnc: string }>(`SELECT "urlEnc" FROM "CalendarFeed"`);
    expect(stored.rows[0]?.urlEnc).toMatch(/^v1:/);
    expect(stored.rows[0]?.urlEnc).not.toContain("127.0.0.1");
    const audits = await db.pool.query<{ detail: unknown }>(`SELECT detail FROM "AuditLog"`);
    expect(JSON.stringify(audits.rows)).not.toContain("alice.ics");
    // Internal and private meetings are never stored.
    const titles = (await db.pool.query<{ title: string }>(`SELECT title FROM "Meeting"`)).rows.map((r) => r.title);
    expect(titles).toEqual(["Acme QBR"]);

    // `mine` (and App Home) show planned visits and calendar meetings together, in time order.
    await handleCommand(ctxAt(`${DAY}T13:02:00Z`), { identity: alice, text: "plan Acme visit 2026-11-26" });
    const mine = await handleCommand(ctxAt(`${DAY}T13:03:00Z`), { identity: alice, text: "mine" });
    const agenda = (mine.blocks as { type: string; title?: string; items?: { text: string }[] }[]).find(
      (b) => b.title === "Visits and meetings",
    );
    expect(agenda?.items?.map((i) => stripData(i.text))).toEqual([
      expect.stringMatching(/Acme: Acme QBR$/),
      expect.stringMatching(/Acme: planned visit$/),
    ]);
    const status = await handleCommand(ctxAt(`${DAY}T13:05:00Z`), { identity: alice, text: "calendar" });
    expect(stripData(JSON.stringify(status.blocks))).toContain("Last read");
    const off = await handleCommand(ctxAt(`${DAY}T13:06:00Z`), { identity: alice, text: "calendar off" });
    expect(off.summary).toContain("disconnected");
    expect(await count(`SELECT count(*)::int AS n FROM "CalendarFeed"`)).toBe(0);
  });

  it("sends the brief 30 minutes before, once per meeting, with conditional reads in between", async () => {
    await connect();
    const acme = await db.prisma.account.findFirstOrThrow({ where: { name: "Acme" } });
    await db.prisma.usageSnapshot.create({
      data: { accountId: acme.id, day: at(`${DAY}T00:00:00Z`), activeUsers: 12, activatedUsers: 20, seats: 40 },
    });
    // 09:00 New York: the 10:00 QBR's brief is not due by the next poll.
    await sync(`${DAY}T14:00:00Z`);
    expect(await outbox()).toEqual([]);
    // 09:25: due at 09:30, queued now for then.
    const r = await sync(`${DAY}T14:25:00Z`);
    expect(r.enqueued).toBe(1);
    const [brief] = await outbox();
    expect(brief?.kind).toBe("brief");
    expect(brief?.next.toISOString()).toBe(`${DAY}T14:30:00.000Z`);
    expect(brief?.summary).toContain("Acme");
    // With the account's 90-day health and usage picture, as the visit-prep brief.
    const pic = await db.pool.query<{ name: string }>(
      `SELECT payload->'attachments'->0->>'name' AS name FROM "Outbox"`,
    );
    expect(pic.rows[0]?.name).toBe("health-usage-90-days");
    // The next polls do not queue it again.
    await sync(`${DAY}T14:28:00Z`);
    await sync(`${DAY}T14:35:00Z`);
    expect(await outbox()).toHaveLength(1);
    // Reads after the first were conditional, and answered "not modified".
    const later = feeds.requests.slice(1);
    expect(later.every((q) => q.headers["if-none-match"] && q.headers["if-modified-since"])).toBe(true);
    expect(later.map((q) => q.status)).toEqual([304, 304, 304, 304]);

    // The drainer sends it at 09:30, once.
    const sender = webApiSender(`${chat.url}/api/`);
    const early = await drainOnce(db, [sender], silentLogger, { now: () => at(`${DAY}T14:29:00Z`) });
    expect(early.sent).toBe(0);
    await drainOnce(db, [sender], silentLogger, { now: () => at(`${DAY}T14:30:00Z`) });
    await drainOnce(db, [sender], silentLogger, { now: () => at(`${DAY}T14:31:00Z`) });
    expect(chat.posted.map((p) => [p.channel, stripData(p.text)])).toEqual([
      ["U_ALICE", expect.stringContaining("Brief for your meeting with Acme")],
    ]);
  });

  it("the scheduler's calendar poll queues the meeting brief with the account's full visit brief", async () => {
    await connect();
    const acme = await db.prisma.account.findFirstOrThrow({ where: { name: "Acme" } });
    const usage = { activeUsers: 12, activatedUsers: 20, seats: 40 };
    await db.prisma.usageSnapshot.upsert({
      where: { accountId_day: { accountId: acme.id, day: at(`${DAY}T00:00:00Z`) } },
      create: { accountId: acme.id, day: at(`${DAY}T00:00:00Z`), ...usage },
      update: usage,
    });
    const r = await calendarTick(ctxAt(`${DAY}T14:25:00Z`), config, [webApiSender(`${chat.url}/api/`)]);
    expect(r.enqueued).toBe(1);
    const row = await db.pool.query<{ blocks: { type: string; text?: string }[]; picture: string | null }>(
      `SELECT payload->'blocks' AS blocks, payload->'attachments'->0->>'name' AS picture FROM "Outbox"`,
    );
    const queued = row.rows[0];
    // Beyond the meeting's own header and line: the visit brief's sections and its 90-day picture.
    expect(queued?.blocks.length).toBeGreaterThan(4);
    expect(stripData(JSON.stringify(queued?.blocks))).toContain("Dana Lee");
    expect(queued?.picture).toBe("health-usage-90-days");
  });

  it("a moved meeting moves its brief; a cancelled one cancels it", async () => {
    await connect();
    await sync(`${DAY}T14:25:00Z`);
    expect((await outbox()).map((o) => o.status)).toEqual(["pending"]);
    // Moved to 11:00 before the brief went out: the queued brief is withdrawn...
    feeds.set("/alice.ics", acmeFeed({ start: "20261124T110000", end: "20261124T113000" }));
    const moved = await sync(`${DAY}T14:27:00Z`);
    expect(moved.feeds[0]?.moved).toBe(1);
    expect((await outbox()).map((o) => o.status)).toEqual(["cancelled"]);
    // ...and planned again for the new time.
    await sync(`${DAY}T15:25:00Z`);
    const now = await outbox();
    expect(now.map((o) => o.status)).toEqual(["cancelled", "pending"]);
    expect(now[1]?.next.toISOString()).toBe(`${DAY}T15:30:00.000Z`);
    // Cancelled in the calendar: the brief is withdrawn and the meeting never logged.
    feeds.set("/alice.ics", acmeFeed({ start: "20261124T110000", end: "20261124T113000", status: "CANCELLED" }));
    await sync(`${DAY}T15:27:00Z`);
    expect((await outbox()).map((o) => o.status)).toEqual(["cancelled", "cancelled"]);
    await sync(`${DAY}T17:00:00Z`);
    expect(await count(`SELECT count(*)::int AS n FROM "Interaction"`)).toBe(0);
    const sender = webApiSender(`${chat.url}/api/`);
    await drainOnce(db, [sender], silentLogger, { now: () => at(`${DAY}T16:00:00Z`) });
    expect(chat.posted).toEqual([]);
  });

  it("logs the meeting after it ends: attendees touched, relationship rescored, and 'it did not happen' undoes it", async () => {
    await connect();
    await sync(`${DAY}T14:25:00Z`);
    const r = await sync(`${DAY}T15:40:00Z`);
    expect(r.feeds[0]?.logged).toEqual([{ account: "Acme", kind: "qbr", outcome: "logged" }]);
    const inter = await db.pool.query<{ kind: string; contactName: string; memberId: string }>(
      `SELECT kind::text AS kind, "contactName", "memberId" FROM "Interaction"`,
    );
    expect(inter.rows).toEqual([expect.objectContaining({ kind: "qbr", contactName: "Dana Lee" })]);
    const contacts = await db.pool.query<{ name: string; last: string | null }>(
      `SELECT name, to_char("lastContact", 'YYYY-MM-DD') AS last FROM "Contact" WHERE email LIKE '%acme%' ORDER BY name`,
    );
    expect(contacts.rows).toEqual([
      { name: "Bo Chen", last: DAY },
      { name: "Dana Lee", last: DAY },
    ]);
    // Scored at once: the relationship dimension reads the new contact.
    const score = await db.pool.query<{ components: { dimension: string; inputs: Record<string, unknown> }[] }>(
      `SELECT components FROM "HealthScore" h JOIN "Account" a ON a.id = h."accountId" WHERE a.name = 'Acme' AND day = $1::date`,
      [DAY],
    );
    const relationship = score.rows[0]?.components.find((c) => c.dimension === "relationship");
    expect(relationship?.inputs.days_since_contact).toBe(0);
    // The note to the member, with its buttons; not twice.
    await sync(`${DAY}T15:50:00Z`);
    const notes = (await outbox()).filter((o) => o.kind === "calendar");
    expect(notes).toHaveLength(1);
    expect(notes[0]?.summary).toContain("Logged from your calendar");
    const payload = await db.pool.query<{ payload: unknown }>(`SELECT payload FROM "Outbox" WHERE kind = 'calendar'`);
    const value = buttonValue(payload.rows[0]?.payload, "tend.meeting_missed");

    // Someone else's click does nothing.
    const sams = await handleAction(ctxAt(`${DAY}T16:00:00Z`), {
      identity: { surface: "cli", email: "sam@vendor.test" },
      actionId: "tend.meeting_missed",
      value,
    });
    expect(sams.toast?.tone).toBe("warning");
    const undo = await handleAction(ctxAt(`${DAY}T16:00:00Z`), {
      identity: alice,
      actionId: "tend.meeting_missed",
      value,
    });
    expect(stripData(undo.toast?.text ?? "")).toContain("no longer counted");
    expect(await count(`SELECT count(*)::int AS n FROM "Interaction"`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM "Contact" WHERE "lastContact" IS NOT NULL`)).toBe(0);
  });

  it("notes go onto the logged meeting, and a visit logged by hand for the same meeting is not counted twice", async () => {
    await connect();
    await sync(`${DAY}T15:40:00Z`);
    const payload = await db.pool.query<{ payload: unknown }>(`SELECT payload FROM "Outbox" WHERE kind = 'calendar'`);
    const opened = await handleAction(ctxAt(`${DAY}T16:00:00Z`), {
      identity: alice,
      actionId: "tend.log_form",
      value: buttonValue(payload.rows[0]?.payload, "tend.log_form"),
    });
    expect(opened).toMatchObject({ form: { formId: "tend.log_interaction" } });
    const saved = await handleForm(ctxAt(`${DAY}T16:00:00Z`), {
      identity: alice,
      formId: "tend.log_interaction",
      privateValue: opened.form?.privateValue ?? "",
      values: { date: DAY, kind: "qbr", notes: "Renewal terms agreed" },
    });
    expect(saved.toast?.tone).toBe("good");
    const rows = await db.pool.query<{ notes: string }>(`SELECT notes FROM "Interaction"`);
    expect(rows.rows).toEqual([{ notes: "Renewal terms agreed" }]);

    // Next day: Alice logs the visit by hand before the calendar sees it end.
    await db.pool.query(`DELETE FROM "Outbox"; DELETE FROM "Meeting"; DELETE FROM "Interaction"`);
    feeds.set("/alice.ics", acmeFeed({ start: "20261125T100000", end: "20261125T110000" }));
    await sync("2026-11-25T14:00:00Z");
    const logged = await handleCommand(ctxAt("2026-11-25T15:20:00Z"), {
      identity: alice,
      text: "log Acme visit met Dana",
    });
    expect(logged.tone).toBe("good");
    const after = await sync("2026-11-25T16:10:00Z");
    expect(after.feeds[0]?.logged).toEqual([{ account: "Acme", kind: "qbr", outcome: "matched" }]);
    expect(await count(`SELECT count(*)::int AS n FROM "Interaction"`)).toBe(1);
    expect((await outbox()).filter((o) => o.kind === "calendar")).toEqual([]);
  });

  it("a meeting the calendar logged, then logged by hand the same day, is one interaction; other logs are kept", async () => {
    await connect();
    await sync(`${DAY}T15:40:00Z`); // the QBR (15:00-15:30Z) has ended: logged from the calendar
    const interactions = () =>
      db.pool.query<{ kind: string; notes: string | null; ext: string | null }>(
        `SELECT kind::text AS kind, notes, "externalId" AS ext FROM "Interaction" ORDER BY "createdAt"`,
      );
    expect((await interactions()).rows).toEqual([
      { kind: "qbr", notes: null, ext: expect.stringMatching(/^calendar:/) },
    ]);

    // Alice, not knowing, logs it by hand that afternoon: recognised, not written twice.
    const again = await handleCommand(ctxAt(`${DAY}T17:00:00Z`), { identity: alice, text: "log Acme visit" });
    expect(stripData(again.summary)).toContain("already logged");
    const value = JSON.parse(buttonValue(again, "tend.log_form")) as { interactionId: string };
    const calendarRow = await db.pool.query<{ id: string }>(`SELECT id FROM "Interaction"`);
    expect(value.interactionId).toBe(calendarRow.rows[0]?.id);
    expect((await interactions()).rows).toHaveLength(1);

    // With notes: they go onto the calendar's interaction rather than being lost or doubled.
    const noted = await handleCommand(ctxAt(`${DAY}T17:05:00Z`), {
      identity: alice,
      text: "log Acme call pricing agreed",
    });
    expect(stripData(noted.summary)).toContain("notes were added");
    expect((await interactions()).rows).toEqual([
      { kind: "qbr", notes: "pricing agreed", ext: expect.stringMatching(/^calendar:/) },
    ]);

    // Not a meeting (an email), another day, or another account: logged as always.
    const email = await handleCommand(ctxAt(`${DAY}T17:10:00Z`), { identity: alice, text: "log Acme email" });
    expect(email.tone).toBe("good");
    const yesterday = await handleCommand(ctxAt(`${DAY}T17:15:00Z`), {
      identity: alice,
      text: "log Acme visit --date 2026-11-23",
    });
    expect(yesterday.tone).toBe("good");
    expect((await interactions()).rows.map((r) => r.kind)).toEqual(["qbr", "email", "visit"]);
  });

  it("log is unchanged when the calendar logged no meeting that day", async () => {
    await connect();
    await sync(`${DAY}T14:25:00Z`); // read, but the QBR has not ended: nothing logged from the calendar yet
    const logged = await handleCommand(ctxAt(`${DAY}T14:50:00Z`), { identity: alice, text: "log Acme visit" });
    expect(logged.tone).toBe("good");
    expect(stripData(logged.summary)).toContain("Logged a");
    expect(await count(`SELECT count(*)::int AS n FROM "Interaction" WHERE kind = 'visit'`)).toBe(1);
  });

  it("a feed that keeps failing is reported to its owner once, and again only after it worked", async () => {
    await connect();
    feeds.fail("/alice.ics", 500);
    for (const minute of ["10", "20", "30", "40", "50"]) await sync(`${DAY}T14:${minute}:00Z`);
    const reports = () => outbox().then((o) => o.filter((x) => x.key.includes("feed:")));
    expect(await reports()).toHaveLength(1);
    expect((await reports())[0]?.summary).toContain("can't read your calendar");
    const status = await handleCommand(ctxAt(`${DAY}T14:55:00Z`), { identity: alice, text: "calendar" });
    expect(stripData(JSON.stringify(status.blocks))).toContain("HTTP 500");
    // It works again, then fails again: a new run of failures, told once more.
    feeds.fail("/alice.ics", undefined);
    await sync(`${DAY}T15:00:00Z`);
    feeds.fail("/alice.ics", 401);
    for (const minute of ["10", "20", "30", "40"]) await sync(`${DAY}T16:${minute}:00Z`);
    expect(await reports()).toHaveLength(2);
  });

  it("a dry run reads and shows, and writes nothing", async () => {
    await connect();
    const before = await db.pool.query(`SELECT * FROM "CalendarFeed"`);
    const meetings = await db.pool.query(`SELECT * FROM "Meeting"`);
    const out: string[] = [];
    const code = await runCli(
      ["run", "calendar", "--dry-run"],
      { out: (l) => out.push(l), err: (l) => out.push(l) },
      { ctx: ctxAt(`${DAY}T14:25:00Z`) },
    );
    expect(code).toBe(0);
    const text = stripData(out.join("\n"));
    expect(text).toContain("Alice Chen <alice@vendor.test>: not modified; 1 customer meeting ahead");
    expect(text).toContain("--- brief -> Alice Chen <alice@vendor.test> via slack U_ALICE (dry run)");
    expect((await db.pool.query(`SELECT * FROM "Meeting"`)).rows).toEqual(meetings.rows);
    expect(await outbox()).toEqual([]);
    expect((await db.pool.query(`SELECT * FROM "CalendarFeed"`)).rows).toEqual(before.rows);
  });

  it("a Shanghai member's meeting: matched by domain, brief in Chinese at the right local time", async () => {
    feeds.set(
      "/li.ics",
      vcalendar(
        vevent({
          uid: "xc@outlook.test",
          tz: "Asia/Shanghai",
          start: "20261125T140000",
          end: "20261125T150000",
          summary: "星辰 拜访",
          // Not a contact on record, but from the account's domain.
          attendees: ["li.na@vendor.test", "zhao@xingchen.cn"],
          location: "上海 浦东",
        }),
      ),
    );
    await connect(li, "/li.ics", "2026-11-25T01:00:00Z");
    // 14:00 Shanghai is 06:00Z; the brief is due at 05:30Z.
    await sync("2026-11-25T05:25:00Z");
    const [brief] = await outbox();
    expect(brief?.key).toContain("|feishu|ou_li|2026-11-25");
    expect(brief?.next.toISOString()).toBe("2026-11-25T05:30:00.000Z");
    expect(brief?.summary).toContain("星辰科技");
    expect(brief?.summary).toContain("简报");
    await sync("2026-11-25T07:05:00Z");
    const inter = await db.pool.query<{ kind: string }>(`SELECT kind::text AS kind FROM "Interaction"`);
    expect(inter.rows).toEqual([{ kind: "visit" }]);
  });
});
