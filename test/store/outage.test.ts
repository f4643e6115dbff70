import { Writable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/env.js";
import { handleCommand } from "../../src/conversation/index.js";
import { startDrainer } from "../../src/delivery/outbox.js";
import { t } from "../../src/i18n/catalogue.js";
import { createLogger } from "../../src/log.js";
import { createService, openStore } from "../../src/service.js";
import { type Db, isStoreUnavailable, openDb } from "../../src/store/db.js";
import { startChatStandIn, webApiSender } from "../delivery/chat-stand-in.js";
import { type BlackholeProxy, startBlackholeProxy } from "../support/blackhole-proxy.js";
import { testDb } from "../support/store.js";

// The PostgreSQL store behind a proxy that drops packets (test/support/blackhole-proxy.ts): nothing
// may hang. Queries fail as "store unavailable", /healthz says 503 within its 2 s, a person gets
// "can't reach its store", start-up waits and says for what, and an outage is logged once each way.

const URL_BASE = process.env.TEST_DATABASE_URL;
const SHORT = { connectMs: 500, statementMs: 1_000 };

function capture() {
  const lines: Record<string, unknown>[] = [];
  const out = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { log: createLogger("debug", out), lines };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!URL_BASE)("the store stops answering (PostgreSQL behind a blackhole)", () => {
  let base: Db;
  let url: string;
  let proxy: BlackholeProxy;
  const opened: Db[] = [];
  const through = async (timeouts = SHORT) => {
    const db = await openDb({ databaseUrl: proxy.through(url), timeouts });
    opened.push(db);
    return db;
  };
  beforeAll(async () => {
    base = await testDb("postgres");
    const name = (await base.pool.query(`SELECT current_database() AS n`)).rows[0].n as string;
    const u = new URL(String(URL_BASE));
    u.pathname = `/${name}`;
    url = u.toString();
    proxy = await startBlackholeProxy({ host: u.hostname, port: Number(u.port || 5432) });
  });
  afterEach(() => {
    proxy.blackhole = false;
  });
  afterAll(async () => {
    proxy.blackhole = false;
    for (const db of opened) await db.close().catch(() => {});
    await proxy?.close();
    await base?.close();
  });

  it("a query fails as store-unavailable instead of hanging, and the pool recovers", async () => {
    const db = await through();
    expect((await db.pool.query("SELECT 1 AS one")).rows[0].one).toBe(1);
    proxy.blackhole = true;
    const err = await db.pool.query("SELECT 1").catch((e: unknown) => e);
    expect(isStoreUnavailable(err)).toBe(true);
    const fresh = await db.prisma.account.count().catch((e: unknown) => e); // a new connection: connect timeout
    expect(isStoreUnavailable(fresh)).toBe(true);
    expect(await db.ping()).toBe(false);
    proxy.blackhole = false;
    expect((await db.pool.query("SELECT 2 AS two")).rows[0].two).toBe(2);
  });

  it("/healthz answers 503 when the store does not answer", async () => {
    const db = await through({ connectMs: 5_000, statementMs: 60_000 }); // the defaults
    const service = await createService(
      parseConfig({ TEND_DEMO: "off", TEND_SCHEDULER: "off", PORT: "0" }),
      createLogger("silent"),
      db,
    );
    const addr = await service.start();
    try {
      const healthz = () => fetch(`http://127.0.0.1:${addr.port}/healthz`);
      expect((await healthz()).status).toBe(200);
      proxy.blackhole = true;
      const res = await healthz();
      expect(res.status).toBe(503);
      expect(((await res.json()) as { store: { reachable: boolean } }).store.reachable).toBe(false);
      proxy.blackhole = false;
      expect((await healthz()).status).toBe(200);
    } finally {
      proxy.blackhole = false;
      await service.http.close();
    }
  });

  it("a chat command is told the store is out of reach, in the person's language", async () => {
    const db = await through({ connectMs: 5_000, statementMs: 60_000 }); // the defaults: no quick driver timeout
    await db.pool.query("SELECT 1"); // an open connection the blackhole will swallow a query on
    proxy.blackhole = true;
    for (const locale of ["en", "zh-CN"] as const) {
      const ctx = {
        config: parseConfig({ TEND_DEMO: "off", TEND_LOCALE: locale }),
        log: createLogger("silent"),
        db,
        now: () => new Date(),
      };
      const reply = await handleCommand(ctx, {
        identity: { surface: "slack", slackUserId: "U1", slackTeamId: "T1" },
        text: "risk",
      });
      expect(reply.summary).toBe(t(locale, "error.store"));
      expect(reply.error).toBe("store_unavailable");
    }
  }, 60_000);

  it("start-up waits for an unreachable store, says what it waits for, and starts when it is back", async () => {
    proxy.blackhole = true;
    const { log, lines } = capture();
    const config = parseConfig({
      TEND_DEMO: "off",
      DATABASE_URL: proxy.through(url),
      TEND_DB_CONNECT_TIMEOUT_MS: "300",
    });
    const started = openStore(config, log, { firstMs: 100, maxMs: 200 });
    while (lines.filter((l) => /waiting for PostgreSQL at 127\.0\.0\.1/.test(String(l.msg))).length < 2)
      await sleep(50);
    proxy.blackhole = false;
    const { db } = await started;
    opened.push(db);
    expect(await db.ping()).toBe(true);
    expect(lines.some((l) => l.msg === "store reachable: starting")).toBe(true);
  }, 60_000);

  it("the outbox drainer logs one line when the store goes and one when it is back, no stack traces", async () => {
    const db = await through();
    const chat = await startChatStandIn();
    const { log, lines } = capture();
    const drainer = startDrainer(db, [webApiSender(chat.url)], log, { pollMs: 50 });
    try {
      await sleep(300);
      proxy.blackhole = true;
      await sleep(3_000);
      proxy.blackhole = false;
      while (!lines.some((l) => String(l.msg).includes("store back"))) await sleep(50);
    } finally {
      await drainer.stop();
      await chat.close();
    }
    const outage = lines.filter((l) => /store (down|back)/.test(String(l.msg))).map((l) => l.msg);
    expect(outage).toEqual([
      "outbox: store down, messages wait until it is back",
      "outbox: store back, delivering again",
    ]);
    expect(lines.filter((l) => Number(l.level) >= 50)).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain("    at ");
  }, 60_000);
});
