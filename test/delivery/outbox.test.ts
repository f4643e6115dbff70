import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RateLimiter, scaledClock } from "../../src/delivery/limits.js";
import {
  claimDue,
  drainOnce,
  enqueue,
  listOutbox,
  type OutboxMessage,
  outboxKey,
  retryDelayMs,
} from "../../src/delivery/outbox.js";
import { silentLogger } from "../../src/log.js";
import type { Db } from "../../src/store/db.js";
import { STORE_KINDS, testDb } from "../support/store.js";
import { type ChatStandIn, startChatStandIn, webApiSender } from "./chat-stand-in.js";

const T0 = new Date("2026-11-23T09:00:00Z");
const at = (sec: number) => new Date(T0.getTime() + sec * 1000);
const fast = () => new RateLimiter(scaledClock(1000));

function msg(i: number, recipient = "C1"): OutboxMessage {
  return {
    kind: "digest",
    platform: "slack",
    recipient,
    key: outboxKey({ kind: "digest", subject: `team${i}`, platform: "slack", recipient, period: "2026-11-23" }),
    reply: { summary: `message ${i}`, blocks: [] },
  };
}

describe.each(STORE_KINDS)("outbox on %s", (kind) => {
  let db: Db;
  let chat: ChatStandIn;
  beforeAll(async () => {
    db = await testDb(kind);
    chat = await startChatStandIn();
  });
  afterAll(async () => {
    await chat.close();
    await db.close();
  });
  beforeEach(async () => {
    await db.pool.query(`DELETE FROM "Outbox"`);
    chat.posted.length = 0;
    chat.script.length = 0;
    chat.delayMs = 0;
  });
  const drain = (now: Date) =>
    drainOnce(db, [webApiSender(chat.url)], silentLogger, { now: () => now, limiter: fast(), random: () => 0.5 });

  it("enqueuing the same key twice keeps one message and sends it once", async () => {
    expect(await enqueue(db.pool, [msg(1)], T0)).toHaveLength(1);
    expect(await enqueue(db.pool, [msg(1), msg(2)], T0)).toEqual([msg(2).key]);
    const r = await drain(T0);
    expect(r.sent).toBe(2);
    await enqueue(db.pool, [msg(1)], at(60)); // a re-run of the job later the same day
    expect((await drain(at(61))).claimed).toBe(0);
    expect(chat.posted.map((p) => p.text).sort()).toEqual(["message 1", "message 2"]);
    const rows = await listOutbox(db);
    expect(rows.every((r) => r.status === "sent" && /^\d+\.\d{6}$/.test(r.externalId ?? ""))).toBe(true);
  });

  it("does not send before notBefore (quiet hours)", async () => {
    await enqueue(db.pool, [{ ...msg(1), notBefore: at(3600) }], T0);
    expect((await drain(at(60))).claimed).toBe(0);
    expect((await drain(at(3600))).sent).toBe(1);
  });

  it("honours Retry-After on a rate limit, then delivers, and holds the recipient's queue", async () => {
    await enqueue(db.pool, [msg(1), msg(2)], T0);
    chat.script.push({ status: 429, retryAfterSec: 30 });
    const first = await drain(T0);
    expect(first).toMatchObject({ sent: 0, retried: 2 });
    expect(chat.posted).toHaveLength(0);
    expect((await drain(at(20))).claimed).toBe(0); // still inside Retry-After
    const second = await drain(at(31));
    expect(second.sent).toBe(2);
    expect(chat.posted.map((p) => p.text).sort()).toEqual(["message 1", "message 2"]);
  });

  it("retries a transient error with backoff and gives up after maxAttempts", async () => {
    await enqueue(db.pool, [msg(1)], T0);
    chat.script.push({ error: "internal_error" }, { error: "internal_error" });
    expect((await drain(T0)).retried).toBe(1);
    const [row] = await listOutbox(db);
    expect(row?.status).toBe("pending");
    expect(row?.lastError).toBe("internal_error");
    expect(new Date(row!.nextAttemptAt).getTime()).toBe(at(5).getTime()); // base 5 s, jitter midpoint
    expect((await drain(at(6))).retried).toBe(1);
    expect((await drain(at(6 + 10))).sent).toBe(1);
    expect(chat.posted).toHaveLength(1);

    await enqueue(db.pool, [msg(9)], T0);
    for (let i = 0; i < 3; i++) chat.script.push({ error: "internal_error" });
    const opts = { limiter: fast(), random: () => 0.5, maxAttempts: 3 };
    for (const t of [0, 100, 1000])
      await drainOnce(db, [webApiSender(chat.url)], silentLogger, { ...opts, now: () => at(t) });
    expect((await listOutbox(db, { status: "failed" })).map((r) => r.key)).toEqual([msg(9).key]);
  });

  it("marks a permanent failure (channel not found) failed at once, visible to admins", async () => {
    await enqueue(db.pool, [msg(1, "C404"), msg(2, "C2")], T0);
    chat.script.push({ error: "channel_not_found" });
    const r = await drain(T0);
    expect(r.failed + r.sent).toBe(2);
    const failed = await listOutbox(db, { status: "failed" });
    expect(failed).toHaveLength(1);
    expect(failed[0]?.lastError).toBe("channel_not_found");
    expect((await drain(at(3600))).claimed).toBe(0); // never retried by itself
  });

  it("after a crash, rows left in 'sending' are re-sent once their lease expires, nothing twice", async () => {
    await enqueue(
      db.pool,
      [1, 2, 3, 4, 5].map((i) => msg(i, `C${i}`)),
      T0,
    );
    // A drainer claims two rows and dies before sending them.
    const orphaned = await claimDue(db.pool, { now: T0, leaseMs: 60_000, limit: 2, platforms: ["slack"] });
    expect(orphaned).toHaveLength(2);
    expect((await drain(at(10))).sent).toBe(3); // the restarted process sends the rest...
    expect((await drain(at(30))).claimed).toBe(0); // ...leaves the leased ones alone...
    expect((await drain(at(61))).sent).toBe(2); // ...and picks them up when the lease expires
    const texts = chat.posted.map((p) => p.text).sort();
    expect(texts).toEqual(["message 1", "message 2", "message 3", "message 4", "message 5"]);
  });

  it("a stale sender whose lease expired cannot overwrite the new claim", async () => {
    await enqueue(db.pool, [msg(1)], T0);
    const [stale] = await claimDue(db.pool, { now: T0, leaseMs: 1000, limit: 1, platforms: ["slack"] });
    const [fresh] = await claimDue(db.pool, { now: at(2), leaseMs: 60_000, limit: 1, platforms: ["slack"] });
    expect(fresh?.id).toBe(stale?.id);
    expect(fresh?.attempt).toBe(2);
    const { markSent } = await import("../../src/delivery/outbox.js");
    expect(await markSent(db.pool, stale!, "x", at(3))).toBe(false);
    expect(await markSent(db.pool, fresh!, "y", at(3))).toBe(true);
  });

  it("one claim takes only what can be sent to a recipient well within the lease", async () => {
    await enqueue(db.pool, [1, 2, 3, 4, 5].map((i) => msg(i, "C1")).concat([msg(6, "C2")]), T0);
    const claimed = await claimDue(db.pool, {
      now: T0,
      leaseMs: 60_000,
      limit: 100,
      platforms: ["slack"],
      perRecipient: 2,
    });
    expect(claimed.map((r) => r.recipient).sort()).toEqual(["C1", "C1", "C2"]);
  });

  it("rows whose lease is nearly over are given back unsent, without spending an attempt", async () => {
    await enqueue(db.pool, [msg(1, "C1"), msg(2, "C1")], T0);
    let calls = 0;
    // The clock jumps past 80% of the lease right after the claim (a very slow sender).
    const now = () => (calls++ === 0 ? T0 : at(100));
    const r = await drainOnce(db, [webApiSender(chat.url)], silentLogger, { now, leaseMs: 120_000, limiter: fast() });
    expect(r).toMatchObject({ claimed: 2, sent: 0 });
    expect(chat.posted).toEqual([]);
    const rows = await listOutbox(db, { status: "pending" });
    expect(rows.map((x) => x.attempts)).toEqual([0, 0]);
    expect((await drain(at(101))).sent).toBe(2);
  });

  it("only claims rows for platforms this process can send to", async () => {
    await enqueue(db.pool, [{ ...msg(1), platform: "feishu" }], T0);
    expect((await drain(T0)).claimed).toBe(0);
  });
});

describe("retry delay", () => {
  it("grows exponentially, is capped, and never comes before Retry-After", () => {
    const mid = () => 0.5;
    expect(retryDelayMs(1, undefined, mid)).toBe(5000);
    expect(retryDelayMs(3, undefined, mid)).toBe(20000);
    expect(retryDelayMs(30, undefined, mid)).toBe(30 * 60_000);
    expect(retryDelayMs(1, 90_000, mid)).toBe(90_000);
    expect(retryDelayMs(1, undefined, () => 0)).toBe(4000);
    expect(retryDelayMs(1, undefined, () => 1)).toBe(6000);
  });
});
