import { type ChildProcess, spawn } from "node:child_process";
import cron from "node-cron";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RateLimiter, scaledClock } from "../../src/delivery/limits.js";
import { drainOnce, enqueue, type OutboxMessage, outboxKey } from "../../src/delivery/outbox.js";
import { claimFire, pgRunCoordinator } from "../../src/jobs/coordinator.js";
import { silentLogger } from "../../src/log.js";
import { type Db, openDb } from "../../src/store/db.js";
import { testDb } from "../support/store.js";
import { type ChatStandIn, startChatStandIn, webApiSender } from "./chat-stand-in.js";

// Several replicas on one PostgreSQL: separate pools in one process, and separate processes.
const URL_BASE = process.env.TEST_DATABASE_URL;

function batch(n: number, channels: number, tag: string): OutboxMessage[] {
  return Array.from({ length: n }, (_, i) => {
    const recipient = `C${i % channels}`;
    return {
      kind: "nudges",
      platform: "slack",
      recipient,
      key: outboxKey({ kind: "nudges", subject: `${tag}-${i}`, platform: "slack", recipient, period: "2026-11-23" }),
      reply: { summary: `${tag} ${i}`, blocks: [] },
    };
  });
}

function worker(url: string, chatUrl: string, leaseMs: number): { proc: ChildProcess; done: Promise<string> } {
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", "test/delivery/replica-worker.ts", url, chatUrl, String(leaseMs)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  proc.stdout?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  const done = new Promise<string>((resolve) => proc.on("exit", () => resolve(out)));
  return { proc, done };
}

function expectExactlyOnce(chat: ChatStandIn, expected: OutboxMessage[]) {
  const texts = chat.posted.map((p) => p.text);
  const dupes = texts.filter((t, i) => texts.indexOf(t) !== i);
  expect(dupes).toEqual([]);
  expect(texts.sort()).toEqual(expected.map((m) => m.reply.summary).sort());
}

describe.skipIf(!URL_BASE)("two replicas on one PostgreSQL", () => {
  let db: Db;
  let other: Db;
  let url: string;
  let chat: ChatStandIn;
  beforeAll(async () => {
    db = await testDb("postgres");
    const name = (await db.pool.query(`SELECT current_database() AS n`)).rows[0].n as string;
    const u = new URL(String(URL_BASE));
    u.pathname = `/${name}`;
    url = u.toString();
    other = await openDb({ databaseUrl: url });
    chat = await startChatStandIn();
  });
  afterAll(async () => {
    await chat?.close();
    await other?.close();
    await db?.close();
  });
  beforeEach(async () => {
    await db.pool.query(`DELETE FROM "Outbox"; DELETE FROM "JobRun"`);
    chat.posted.length = 0;
    chat.delayMs = 0;
  });

  it("two pools draining one outbox concurrently deliver every message exactly once", async () => {
    const msgs = batch(200, 5, "pool");
    await enqueue(db.pool, msgs, new Date());
    const drainAll = async (handle: Db) => {
      const limiter = new RateLimiter(scaledClock(500));
      for (;;) {
        const r = await drainOnce(handle, [webApiSender(chat.url)], silentLogger, { batch: 7, limiter });
        if (r.claimed === 0) return;
      }
    };
    await Promise.all([drainAll(db), drainAll(other), drainAll(db), drainAll(other)]);
    expectExactlyOnce(chat, msgs);
  });

  it("two processes draining one outbox deliver every message exactly once", async () => {
    const msgs = batch(200, 5, "proc");
    await enqueue(db.pool, msgs, new Date());
    chat.delayMs = 2;
    const a = worker(url, chat.url, 60_000);
    const b = worker(url, chat.url, 60_000);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    const sa = JSON.parse(ra).sent as number;
    const sb = JSON.parse(rb).sent as number;
    expect(sa + sb).toBe(200);
    expectExactlyOnce(chat, msgs);
  }, 60_000);

  it("killing a sender mid-run and starting another sends the rest, nothing twice", async () => {
    // One channel, so sends are sequential: the kill lands while message 6 is in flight, after
    // message 5 was marked sent (a kill between "accepted" and "marked" is the documented caveat).
    const msgs = batch(30, 1, "crash");
    await enqueue(db.pool, msgs, new Date());
    chat.delayMs = 300; // room for the killed process to be gone before the answer is due, even under load
    const a = worker(url, chat.url, 1_500);
    const killed = new Promise<void>((resolve) => {
      chat.onRequest = (n) => {
        if (n === 6) {
          a.proc.kill("SIGKILL");
          resolve();
        }
      };
    });
    await killed;
    chat.onRequest = undefined;
    await a.done;
    const inFlight = await db.pool.query(`SELECT count(*)::int AS n FROM "Outbox" WHERE status = 'sending'`);
    expect(inFlight.rows[0].n).toBeGreaterThan(0); // it died holding claimed rows
    const before = chat.posted.length;
    expect(before).toBe(5);
    chat.delayMs = 0;
    const b = worker(url, chat.url, 60_000);
    await b.done;
    expectExactlyOnce(chat, msgs);
  }, 60_000);

  it("both replicas fire the same cron schedule; exactly one runs each fire", async () => {
    const runs: string[] = [];
    const task = (handle: Db, who: string) =>
      cron.schedule("* * * * * *", (c) => void runs.push(`${c.date.toISOString()}|${who}`), {
        name: "tend-test-fire",
        distributed: true,
        runCoordinator: pgRunCoordinator(handle, who),
      });
    const tasks = [task(db, "a"), task(other, "b")];
    while (new Set(runs.map((r) => r.split("|")[0])).size < 3) await new Promise((r) => setTimeout(r, 50));
    for (const t of tasks) await t.destroy();
    await new Promise((r) => setTimeout(r, 300)); // let an in-flight fire finish
    const slots = runs.map((r) => r.split("|")[0]);
    expect(slots.length).toBe(new Set(slots).size);
    const rows = await db.pool.query(`SELECT "fireKey", owner, status FROM "JobRun" WHERE job = 'tend-test-fire'`);
    expect(rows.rows.length).toBe(new Set(rows.rows.map((r) => r.fireKey)).size);
    // A manual claim of an already-run fire is refused, from either handle.
    const key = rows.rows[0].fireKey as string;
    expect(await claimFire(db, key)).toBe(false);
    expect(await claimFire(other, key)).toBe(false);
  }, 30_000);
});
