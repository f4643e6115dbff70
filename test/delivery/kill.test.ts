import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueue, type OutboxMessage, outboxKey } from "../../src/delivery/outbox.js";
import type { Platform } from "../../src/delivery/types.js";
import type { Db } from "../../src/store/db.js";
import { testDb } from "../support/store.js";
import { type ChatStandIn, startChatStandIn } from "./chat-stand-in.js";
import { type FeishuStandIn, startFeishuStandIn } from "./feishu-stand-in.js";
import { drainWorker } from "./workers.js";

// kill -9 in the middle of a drain: a replica process (test/delivery/drain-worker.ts, the service's
// background drainer with the real senders) is SIGKILLed while messages are in flight - some accepted
// by the platform but not yet answered - and restarted under the same instance id. Counted on the
// stand-ins: every message once, none lost, and the restart does not wait out the 2-minute lease.
// Needs a store two processes share: the local PostgreSQL (TEST_DATABASE_URL).

const URL_BASE = process.env.TEST_DATABASE_URL;

function batch(platform: Platform, recipients: string[], n: number): OutboxMessage[] {
  return Array.from({ length: n }, (_, i) => {
    const recipient = recipients[i % recipients.length] as string;
    return {
      kind: "nudges",
      platform,
      recipient,
      key: outboxKey({ kind: "nudges", subject: `kill-${i}`, platform, recipient, period: "2026-11-23" }),
      reply: { summary: `${platform} ${i}`, blocks: [] },
    };
  });
}

describe.skipIf(!URL_BASE)("kill -9 mid-drain, then a restart (PostgreSQL)", () => {
  let db: Db;
  let url: string;
  let chat: ChatStandIn;
  let lark: FeishuStandIn;
  beforeAll(async () => {
    db = await testDb("postgres");
    const name = (await db.pool.query(`SELECT current_database() AS n`)).rows[0].n as string;
    const u = new URL(String(URL_BASE));
    u.pathname = `/${name}`;
    url = u.toString();
    chat = await startChatStandIn();
    lark = await startFeishuStandIn();
  });
  afterAll(async () => {
    await chat?.close();
    await lark?.close();
    await db?.close();
  });

  it("no message lost, none posted twice, on Slack and Feishu", async () => {
    const slack = batch("slack", ["C_EAST", "C_WEST", "U_LINA"], 45);
    const feishu = batch("feishu", ["oc_east", "oc_west", "ou_lina"], 45);
    await enqueue(db.pool, [...slack, ...feishu], new Date());
    // Both platforms take the message at once and answer late: the kill catches sends in between.
    chat.postFirst = true;
    chat.delayMs = 40;
    lark.delayMs = 40;
    const first = drainWorker(url, chat.url, lark.url, "tend-a");
    await new Promise<void>((resolve) => {
      chat.onRequest = (n) => {
        if (n === 12) resolve();
      };
    });
    first.proc.kill("SIGKILL");
    await first.done;
    chat.onRequest = undefined;
    const held = await db.pool.query(`SELECT count(*)::int AS n FROM "Outbox" WHERE status = 'sending'`);
    expect(held.rows[0].n).toBeGreaterThan(0); // it died holding claims...
    const sent = await db.pool.query(`SELECT count(*)::int AS n FROM "Outbox" WHERE status = 'sent'`);
    expect(chat.posted.length + lark.accepted.length).toBeGreaterThan(sent.rows[0].n); // ...some accepted unmarked
    chat.delayMs = 0;
    lark.delayMs = 0;
    // The restart: same instance id, default 2-minute lease; the test's timeout is shorter than that.
    expect(await drainWorker(url, chat.url, lark.url, "tend-a").done).toContain("done");
    const texts = (xs: string[]) => [...xs].sort();
    expect(texts(chat.posted.map((p) => p.text))).toEqual(texts(slack.map((m) => m.reply.summary)));
    expect(texts(lark.accepted.map((m) => m.text))).toEqual(texts(feishu.map((m) => m.reply.summary)));
    const open = await db.pool.query(`SELECT count(*)::int AS n FROM "Outbox" WHERE status <> 'sent'`);
    expect(open.rows[0].n).toBe(0);
  }, 90_000);
});
