import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { Analytics } from "@segment/analytics-node";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { parseConfig } from "../../src/config/env.js";
import type { AppContext } from "../../src/context.js";
import { HttpApp } from "../../src/http/server.js";
import { createLogger, silentLogger } from "../../src/log.js";
import { createService, type Service } from "../../src/service.js";
import { mountSegment } from "../../src/signals/mount.js";
import type { Db } from "../../src/store/db.js";
import { intakeStatus, pruneEvents, rollUpDays } from "../../src/store/repos/product-events.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";

// The real @segment/analytics-node client sending to Tend's running HTTP server, on each store kind.

const KEY = "seg-write-key-0123456789";
const FEATURES = ["reports", "dashboards", "automations"];

async function eventsConfig(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "tend-events-"));
  const file = path.join(dir, "events.json");
  await writeFile(
    file,
    JSON.stringify({
      features: {
        reports: ["Report Created", "Report Exported"],
        dashboards: ["Dashboard *"],
        automations: ["Workflow Run"],
      },
      logins: ["Signed In"],
      ignore: ["Heartbeat"],
      accountTrait: "crm_id",
    }),
  );
  return file;
}

/** Two accounts: one in a Shanghai team (days end at 16:00 UTC), one in a UTC team. */
async function seed(db: Db) {
  const sh = await db.prisma.team.create({ data: { name: "APAC", timezone: "Asia/Shanghai" } });
  const eu = await db.prisma.team.create({ data: { name: "EMEA", timezone: "UTC" } });
  const star = await db.prisma.account.create({
    data: { name: "Star Corp", externalId: "CRM-STAR", teamId: sh.id, seats: 40 },
  });
  const bolt = await db.prisma.account.create({ data: { name: "Bolt Ltd", externalId: "CRM-BOLT", teamId: eu.id } });
  return { star: star.id, bolt: bolt.id };
}

async function usage(db: Db, accountId: string) {
  await rollUpDays(db.pool, FEATURES);
  const rows = await db.pool.query<{
    day: string;
    activeUsers: number;
    activatedUsers: number;
    logins: number;
    coreFeaturesUsed: number;
    coreFeaturesTotal: number;
    seats: number;
  }>(
    `SELECT to_char("day", 'YYYY-MM-DD') AS day, "activeUsers", "activatedUsers", "logins", "coreFeaturesUsed", "coreFeaturesTotal", "seats"
     FROM "UsageSnapshot" WHERE "accountId" = $1 ORDER BY "day"`,
    [accountId],
  );
  return rows.rows;
}

function client(url: string, extra: Partial<ConstructorParameters<typeof Analytics>[0]> = {}) {
  const a = new Analytics({
    writeKey: KEY,
    host: url,
    path: "/segment/v1/batch",
    flushAt: 20,
    flushInterval: 20,
    maxRetries: 3,
    ...extra,
  });
  const statuses: number[] = [];
  const failures: unknown[] = [];
  a.on("http_response", (r) => statuses.push(r.status));
  a.on("error", (e) => failures.push(e));
  return { a, statuses, failures };
}

/** The VACUUM statements the store is sent from now on (the intake's upkeep of its tables). */
function vacuumsSent(ctx: AppContext): string[] {
  const vacuums: string[] = [];
  const query = ctx.db.pool.query.bind(ctx.db.pool);
  ctx.db.pool.query = ((sql: unknown, ...rest: unknown[]) => {
    if (typeof sql === "string" && sql.startsWith("VACUUM")) vacuums.push(sql);
    return (query as (...a: unknown[]) => unknown)(sql, ...rest);
  }) as typeof ctx.db.pool.query;
  return vacuums;
}

describe.each(STORE_KINDS)("Segment intake over HTTP (%s)", (kind) => {
  let db: Db;
  let service: Service;
  let url: string;
  let ids: { star: string; bolt: string };

  beforeAll(async () => {
    db = await testDb(kind);
    ids = await seed(db);
    const config = parseConfig({
      PORT: "0",
      TEND_DEMO: "off",
      TEND_SCHEDULER: "off",
      TEND_PLAYGROUND: "off",
      TEND_SEGMENT_WRITE_KEY: KEY,
      TEND_EVENTS_CONFIG: await eventsConfig(),
    });
    // The clock only dates requests' receipt; events carry their own timestamps.
    service = await createService(config, createLogger("silent"), db, () => new Date("2026-11-23T12:00:00Z"));
    const { port } = await service.start();
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await service?.stop();
  });

  it("rolls group-tied users' events into the day's usage in the account's time zone; unmapped names are listed", async () => {
    const { a, failures } = client(url);
    // Users of Star are tied by a group call naming the CRM id in a trait; Bolt's by context.groupId.
    a.group({
      userId: "u1",
      groupId: "g-star",
      traits: { name: "Star", crm_id: "CRM-STAR" },
      timestamp: "2026-11-22T01:00:00Z",
    });
    a.group({ userId: "u2", groupId: "g-star", traits: { crm_id: "CRM-STAR" }, timestamp: "2026-11-22T01:00:00Z" });
    // 17:30 UTC on the 22nd is already the 23rd in Shanghai.
    for (const [userId, event] of [
      ["u1", "Signed In"],
      ["u1", "Report Created"],
      ["u1", "Dashboard Viewed"],
      ["u2", "Report Exported"],
      ["u2", "Heartbeat"],
      ["u2", "Invoice Downloaded"],
    ] as const)
      a.track({ userId, event, timestamp: "2026-11-22T17:30:00Z" });
    a.track({ userId: "u1", event: "Report Created", timestamp: "2026-11-22T09:00:00Z" });
    a.track({
      userId: "b1",
      event: "Workflow Run",
      context: { groupId: "CRM-BOLT" },
      timestamp: "2026-11-22T17:30:00Z",
    });
    a.page({
      userId: "b2",
      name: "Dashboard Home",
      context: { groupId: "CRM-BOLT" },
      timestamp: "2026-11-22T18:00:00Z",
    });
    await a.closeAndFlush();
    expect(failures).toEqual([]);

    const star = await usage(db, ids.star);
    expect(star).toEqual([
      {
        day: "2026-11-22",
        activeUsers: 1,
        activatedUsers: 1,
        logins: 0,
        coreFeaturesUsed: 1,
        coreFeaturesTotal: 3,
        seats: 40,
      },
      {
        day: "2026-11-23",
        activeUsers: 2,
        activatedUsers: 2,
        logins: 1,
        coreFeaturesUsed: 2,
        coreFeaturesTotal: 3,
        seats: 40,
      },
    ]);
    const bolt = await usage(db, ids.bolt);
    expect(bolt).toEqual([
      {
        day: "2026-11-22",
        activeUsers: 2,
        activatedUsers: 2,
        logins: 0,
        coreFeaturesUsed: 2,
        coreFeaturesTotal: 3,
        seats: 0,
      },
    ]);
    const status = await intakeStatus(db.pool);
    expect(status.unmapped.map((u) => [u.name, u.count])).toEqual([["Invoice Downloaded", 1]]);
  });

  it("a retried messageId never counts twice; a late event updates its own day; events before the group call count once it comes", async () => {
    const { a, failures } = client(url);
    const before = await usage(db, ids.bolt);
    a.track({
      userId: "b1",
      event: "Report Created",
      context: { groupId: "CRM-BOLT" },
      messageId: "m-dup-1",
      timestamp: "2026-11-22T10:00:00Z",
    });
    await a.closeAndFlush();
    const { a: again } = client(url);
    again.track({
      userId: "b1",
      event: "Report Created",
      context: { groupId: "CRM-BOLT" },
      messageId: "m-dup-1",
      timestamp: "2026-11-22T10:00:00Z",
    });
    // A user seen before any group call: stored, counted for Bolt once tied to it.
    again.track({ userId: "b3", event: "Report Created", timestamp: "2026-11-20T10:00:00Z" });
    await again.closeAndFlush();
    expect(failures).toEqual([]);
    let bolt = await usage(db, ids.bolt);
    expect(bolt.find((r) => r.day === "2026-11-20")).toBeUndefined();
    const b22 = bolt.find((r) => r.day === "2026-11-22")!;
    // b1 already counted on the 22nd: same users; one more core feature (reports).
    expect(b22.activeUsers).toBe(before[0]!.activeUsers);
    expect(b22.coreFeaturesUsed).toBe(3);
    const stored = await db.pool.query(`SELECT 1 FROM "ProductEvent" WHERE "messageId" = 'm-dup-1'`);
    expect(stored.rowCount).toBe(1);

    const { a: third } = client(url);
    third.group({ userId: "b3", groupId: "CRM-BOLT", timestamp: "2026-11-23T10:00:00Z" });
    await third.closeAndFlush();
    bolt = await usage(db, ids.bolt);
    expect(bolt.find((r) => r.day === "2026-11-20")).toMatchObject({ activeUsers: 1, coreFeaturesUsed: 1 });
    // b3 was first seen on the 20th: activated by the 22nd too, though that row was written before.
    const ud = await db.pool.query(`SELECT "firstDay" FROM "ProductAccountUser" WHERE "userKey" = 'b3'`);
    expect(ud.rowCount).toBe(1);
  });

  it("answers bad input as the spec's clients expect: 401, 400 with the reason, 413 past the limits", async () => {
    const auth = `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`;
    const post = (p: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${url}/segment/v1/${p}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: auth, ...headers },
        body,
      });
    const wrong = await post("track", JSON.stringify({ userId: "x", event: "E" }), {
      authorization: `Basic ${Buffer.from("nope:").toString("base64")}`,
    });
    expect(wrong.status).toBe(401);
    const noEvent = await post("track", JSON.stringify({ userId: "x" }));
    expect(noEvent.status).toBe(400);
    expect((await noEvent.json()).problems[0]).toMatchObject({ path: "event" });
    const noUser = await post("batch", JSON.stringify({ batch: [{ type: "track", event: "E" }] }));
    expect(noUser.status).toBe(400);
    expect(JSON.stringify(await noUser.json())).toContain("userId or anonymousId");
    const bigEvent = await post(
      "track",
      JSON.stringify({ userId: "x", event: "E", properties: { blob: "x".repeat(33 * 1024) } }),
    );
    expect(bigEvent.status).toBe(413);
    const oneBig = await post(
      "batch",
      JSON.stringify({
        batch: [{ type: "track", userId: "x", event: "E", properties: { blob: "x".repeat(33 * 1024) } }],
      }),
    );
    expect(oneBig.status).toBe(413);
    const bigBatch = await post(
      "batch",
      JSON.stringify({
        batch: Array.from({ length: 30 }, () => ({
          type: "track",
          userId: "x",
          event: "E",
          properties: { b: "x".repeat(20_000) },
        })),
      }),
    );
    expect(bigBatch.status).toBe(413);
    // The write key in the body (Segment's HTTP API allows it) and a gzipped body are taken.
    const gz = await fetch(`${url}/segment/v1/track`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: gzipSync(JSON.stringify({ writeKey: KEY, userId: "x", event: "Report Created", messageId: "gz-1" })),
    });
    expect(gz.status).toBe(200);
    // Nothing of the refused requests was stored.
    const stored = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "ProductEvent" WHERE "userKey" = 'x'`,
    );
    expect(stored.rows[0]!.n).toBe(1);
  });

  it("shows in tend sync status: the last event and its lag, what was refused and why, unmapped names", async () => {
    // The intake writes its tallies with its next roll-up (every few seconds).
    for (let i = 0; i < 100; i++) {
      const s = await intakeStatus(db.pool);
      if (s.outcomes.some((o) => o.outcome === "too_large")) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const ctx = testContext(db, { now: new Date(), env: { TEND_SEGMENT_WRITE_KEY: KEY } });
    const out: string[] = [];
    const code = await runCli(["sync", "status"], { out: (l) => out.push(l), err: (l) => out.push(l) }, { ctx });
    expect(code).toBe(0);
    const text = out.join("\n");
    expect(text).toContain("segment: configured");
    // Events are dated by their receipt on the server's clock: seen within the last minute.
    expect(text).toMatch(/last event \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(0 min ago\); \d+ events in 24 h/);
    expect(text).toMatch(/accepted\s+\d+ requests/);
    expect(text).toMatch(/unauthorized\s+1 requests, 0 events/);
    expect(text).toMatch(/bad_request\s+\d+ requests, \d+ events \(today and yesterday\); last: /);
    expect(text).toMatch(/too_large\s+\d+ requests, \d+ events \(today and yesterday\); last: .*larger than/);
    expect(text).toContain(
      "unmapped event names (1; map them in TEND_EVENTS_CONFIG or ignore them): Invoice Downloaded x1",
    );
  });
});

describe.each(STORE_KINDS)("Segment intake under pressure (%s)", (kind) => {
  let db: Db;
  let http: HttpApp | undefined;
  afterEach(async () => {
    await http?.close();
    await db?.close();
  });

  it("answers 429 with Retry-After when the store falls behind; the client retries and nothing counts twice", async () => {
    db = await testDb(kind);
    const ids = await seed(db);
    const ctx = testContext(db, { env: { TEND_SEGMENT_WRITE_KEY: KEY } });
    ctx.log = silentLogger;
    http = new HttpApp(silentLogger);
    const part = await mountSegment(ctx, http, { maxQueued: 25, maxFlush: 25 });
    const { port } = await http.listen(0, "127.0.0.1");
    // Stall the store: the embedded store's one connection is held; on PostgreSQL the events table is locked.
    let release: () => Promise<void>;
    if (kind === "pglite") {
      const held = await db.pool.connect();
      release = async () => held.release();
    } else {
      const locker = new pg.Client({
        connectionString: (db.pool as unknown as { options: { connectionString: string } }).options.connectionString,
      });
      await locker.connect();
      await locker.query(`BEGIN; LOCK TABLE "ProductEvent" IN EXCLUSIVE MODE`);
      release = async () => {
        await locker.query("COMMIT");
        await locker.end();
      };
    }
    const { a, statuses, failures } = client(`http://127.0.0.1:${port}`, { flushAt: 20, flushInterval: 50 });
    for (let i = 0; i < 40; i++)
      a.track({
        userId: `p${i % 4}`,
        event: "Report Created",
        context: { groupId: "CRM-BOLT" },
        messageId: `p-${i}`,
        timestamp: "2026-11-22T10:00:00Z",
      });
    // The first batch waits on the stalled store; the second finds the queue full.
    while (!statuses.includes(429)) await new Promise((r) => setTimeout(r, 20));
    await release!();
    await a.closeAndFlush();
    expect(failures).toEqual([]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    await part.intake!.settle();
    const n = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "ProductEvent"`);
    expect(n.rows[0]!.n).toBe(40);
    expect(await usage(db, ids.bolt)).toMatchObject([{ day: "2026-11-22", activeUsers: 4 }]);
    const status = await intakeStatus(db.pool);
    expect(status.outcomes.find((o) => o.outcome === "overloaded")?.requests).toBe(1);
    await part.stop?.();
  });

  it("a track sent alongside the group call that ties its user counts for the account (flushes run side by side)", async () => {
    db = await testDb(kind);
    const ids = await seed(db);
    const ctx = testContext(db, { env: { TEND_SEGMENT_WRITE_KEY: KEY } });
    http = new HttpApp(silentLogger);
    const part = await mountSegment(ctx, http);
    const { port } = await http.listen(0, "127.0.0.1");
    const auth = `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`;
    const post = (p: string, body: unknown) =>
      fetch(`http://127.0.0.1:${port}/segment/v1/${p}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: auth },
        body: JSON.stringify(body),
      });
    // Each round: a new user's group call and their first events, sent at the same moment.
    for (let i = 0; i < 10; i++) {
      const answers = await Promise.all([
        post("group", { userId: `side-${i}`, groupId: "CRM-BOLT", timestamp: "2026-11-22T09:00:00Z" }),
        post("batch", {
          batch: [0, 1, 2].map((k) => ({
            type: "track",
            userId: `side-${i}`,
            event: "Report Created",
            messageId: `side-${i}-${k}`,
            timestamp: "2026-11-22T10:00:00Z",
          })),
        }),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
    }
    await part.intake!.settle();
    const orphans = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "ProductEvent" WHERE "kind" = 'track' AND "accountId" IS NULL`,
    );
    expect(orphans.rows[0]!.n).toBe(0);
    expect(await usage(db, ids.bolt)).toMatchObject([{ day: "2026-11-22", activeUsers: 10 }]);
    await part.stop?.();
  });

  it("with no write key the intake is off and says how to turn it on", async () => {
    db = await testDb(kind);
    http = new HttpApp(silentLogger);
    await mountSegment(testContext(db), http);
    const { port } = await http.listen(0, "127.0.0.1");
    const res = await fetch(`http://127.0.0.1:${port}/segment/v1/batch`, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    expect((await res.json()).error).toContain("TEND_SEGMENT_WRITE_KEY");
  });
});

describe.each(STORE_KINDS)("Segment intake: which events are the same (%s)", (kind) => {
  let db: Db;
  let http: HttpApp | undefined;
  afterEach(async () => {
    await http?.close();
    await db?.close();
  });

  /** The intake over HTTP; `post` answers each request's status and body (one request, one flush). */
  async function intake(opts: Parameters<typeof mountSegment>[2] = {}) {
    db = await testDb(kind);
    const ids = await seed(db);
    const ctx = testContext(db, { env: { TEND_SEGMENT_WRITE_KEY: KEY } });
    http = new HttpApp(silentLogger);
    const part = await mountSegment(ctx, http, opts);
    const { port } = await http.listen(0, "127.0.0.1");
    const auth = `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`;
    const post = async (p: string, body: unknown) => {
      const res = await fetch(`http://127.0.0.1:${port}/segment/v1/${p}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: auth },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { stored: number; duplicates: number } };
    };
    return { ids, part, post, ctx };
  }

  const count = async (messageId: string) =>
    (await db.pool.query(`SELECT 1 FROM "ProductEvent" WHERE "messageId" = $1`, [messageId])).rowCount;

  it("a retry counts once: without a timestamp, without a messageId, sent later by a client whose clock is off, or of an event stored before events had a stamp", async () => {
    const { part, post } = await intake();
    const bolt = { context: { groupId: "CRM-BOLT" } };
    // A messageId and no timestamp: dated by its receipt, which a retry does not repeat.
    const noStamp = { userId: "r1", event: "Report Created", messageId: "nots-1", ...bolt };
    expect((await post("track", noStamp)).body).toMatchObject({ stored: 1, duplicates: 0 });
    await new Promise((r) => setTimeout(r, 20));
    expect((await post("track", noStamp)).body).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await count("nots-1")).toBe(1);
    // Neither: the same content is the same event.
    const bare = { userId: "r2", event: "Report Created", ...bolt };
    expect((await post("track", bare)).body).toMatchObject({ stored: 1, duplicates: 0 });
    expect((await post("track", bare)).body).toMatchObject({ stored: 0, duplicates: 1 });
    // A clock ten minutes slow: the event's time is corrected by each request's sentAt, and the retry,
    // sent five minutes later, is corrected differently; its stamp as sent is the same.
    const slow = (sentAt: string) => ({
      batch: [
        {
          type: "track",
          userId: "r3",
          event: "Report Created",
          messageId: "skew-1",
          timestamp: "2026-11-22T09:50:00Z",
          ...bolt,
        },
      ],
      sentAt,
    });
    expect((await post("batch", slow("2026-11-22T09:51:00Z"))).body).toMatchObject({ stored: 1 });
    expect((await post("batch", slow("2026-11-22T09:56:00Z"))).body).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await count("skew-1")).toBe(1);
    // Forwarded by a Segment or RudderStack webhook: each delivery recomputes `timestamp`, the client's
    // own stamp (`originalTimestamp`) stays.
    const forwarded = (timestamp: string) => ({
      userId: "r5",
      event: "Report Created",
      messageId: "fwd-1",
      originalTimestamp: "2026-11-22T09:00:00Z",
      timestamp,
      ...bolt,
    });
    expect((await post("track", forwarded("2026-11-22T09:00:01.200Z"))).body).toMatchObject({ stored: 1 });
    expect((await post("track", forwarded("2026-11-22T09:00:01.900Z"))).body).toMatchObject({
      stored: 0,
      duplicates: 1,
    });
    expect(await count("fwd-1")).toBe(1);
    // Stored before the key had a stamp (the migration gives those 1970-01-01): known by its messageId.
    await db.pool.query(
      `INSERT INTO "ProductEvent" ("stampedAt","messageId","ts","kind","name","userKey","groupId")
       VALUES ('1970-01-01', 'legacy-1', '2026-11-21 10:00', 'track', 'Report Created', 'r4', 'CRM-BOLT')`,
    );
    const legacy = {
      userId: "r4",
      event: "Report Created",
      messageId: "legacy-1",
      timestamp: "2026-11-21T10:00:00Z",
      ...bolt,
    };
    expect((await post("track", legacy)).body).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await count("legacy-1")).toBe(1);
    const perUser = await db.pool.query<{ userKey: string; n: number }>(
      `SELECT "userKey", count(*)::int AS n FROM "ProductEvent" WHERE "userKey" LIKE 'r_' GROUP BY 1 ORDER BY 1`,
    );
    expect(perUser.rows).toEqual(["r1", "r2", "r3", "r4", "r5"].map((userKey) => ({ userKey, n: 1 })));
    await part.stop?.();
  });

  it("takes an event whose timestamp the store cannot hold, dated by its receipt (it used to fail the whole flush)", async () => {
    const { part, post } = await intake();
    const far = {
      type: "track",
      userId: "f1",
      event: "Report Created",
      messageId: "far-1",
      timestamp: "-100000-01-01T00:00:00Z",
    };
    const res = await post("batch", {
      batch: [far, { ...far, messageId: "far-2", timestamp: "2026-11-22T10:00:00Z" }],
    });
    expect(res).toMatchObject({ status: 200, body: { stored: 2 } });
    const r = await db.pool.query<{ stamped: string; recent: boolean }>(
      `SELECT to_char("stampedAt", 'YYYY-MM-DD') AS stamped, "ts" > now() AT TIME ZONE 'UTC' - interval '1 day' AS recent
       FROM "ProductEvent" WHERE "messageId" = 'far-1'`,
    );
    expect(r.rows).toEqual([{ stamped: "1970-01-01", recent: true }]);
    await part.stop?.();
  });

  it("lets events go after the dedupe window: a retry after it is taken again; an event received since with the same messageId stays", async () => {
    const { part, post } = await intake();
    const old = { userId: "o1", event: "Report Created", messageId: "old-1", timestamp: "2026-10-01T10:00:00Z" };
    expect((await post("track", old)).body).toMatchObject({ stored: 1 });
    // Another event that happens to reuse the messageId, stamped otherwise: a different event.
    expect((await post("track", { ...old, timestamp: "2026-11-22T10:00:00Z" })).body).toMatchObject({ stored: 1 });
    await db.pool.query(
      `UPDATE "ProductEvent" SET "receivedAt" = now() AT TIME ZONE 'UTC' - interval '40 days'
       WHERE "messageId" = 'old-1' AND "stampedAt" = '2026-10-01 10:00'`,
    );
    expect(await pruneEvents(db.pool, 35)).toBe(1);
    const left = await db.pool.query<{ stamped: string }>(
      `SELECT to_char("stampedAt", 'YYYY-MM-DD') AS stamped FROM "ProductEvent" WHERE "messageId" = 'old-1'`,
    );
    expect(left.rows).toEqual([{ stamped: "2026-11-22" }]);
    // Past the window nothing remembers it: a retry now is stored (and counted) again.
    expect((await post("track", old)).body).toMatchObject({ stored: 1, duplicates: 0 });
    await part.stop?.();
  });

  it("a backlog of old events is let go a batch per roll-up until none is left, then hourly again", async () => {
    const { part, post, ctx } = await intake({ pruneBatch: 2, vacuumEveryMs: 0 });
    const vacuums = vacuumsSent(ctx);
    const ev = (i: number) => ({ userId: "b1", event: "Report Created", messageId: `backlog-${i}` });
    for (let i = 1; i <= 5; i++) expect((await post("track", ev(i))).body).toMatchObject({ stored: 1 });
    const age = () =>
      db.pool.query(
        `UPDATE "ProductEvent" SET "receivedAt" = now() AT TIME ZONE 'UTC' - interval '40 days'
          WHERE "messageId" LIKE 'backlog-%'`,
      );
    const left = async () =>
      (await db.pool.query(`SELECT 1 FROM "ProductEvent" WHERE "messageId" LIKE 'backlog-%'`)).rowCount;
    await age();
    await part.intake!.rollup(); // the first prune of the hour: a full batch, so more may wait
    expect(await left()).toBe(3);
    // Rows let go: the events table is vacuumed with the others, so their space is used again.
    expect(vacuums.at(-1)).toContain(`"ProductEvent"`);
    await part.intake!.rollup();
    expect(await left()).toBe(1);
    await part.intake!.rollup(); // the last one: not a full batch, the backlog is gone
    expect(await left()).toBe(0);
    // Caught up: the next old event waits for the hourly prune.
    expect((await post("track", ev(6))).body).toMatchObject({ stored: 1 });
    await part.intake!.settle();
    await age();
    await part.intake!.rollup();
    expect(await left()).toBe(1);
    await part.stop?.();
  });

  it("the roll-up also vacuums the tables the intake keeps rewriting", async () => {
    const { part, post, ctx } = await intake({ vacuumEveryMs: 0 });
    const vacuums = vacuumsSent(ctx);
    const warned: unknown[] = [];
    ctx.log = { ...silentLogger, warn: (...a: unknown[]) => warned.push(a) } as unknown as typeof ctx.log;
    await post("track", {
      userId: "v1",
      event: "Report Created",
      messageId: "vac-1",
      context: { groupId: "CRM-BOLT" },
    });
    await part.intake!.settle();
    expect(vacuums.length).toBeGreaterThan(0);
    // Nothing pruned: the events table, the largest, is left alone.
    expect(vacuums.every((s) => !s.includes(`"ProductEvent"`))).toBe(true);
    expect(warned).toEqual([]);
    // Nothing rewritten since: an idle roll-up leaves the tables alone.
    vacuums.length = 0;
    await part.intake!.rollup();
    expect(vacuums).toEqual([]);
    await part.stop?.();
  });
});
