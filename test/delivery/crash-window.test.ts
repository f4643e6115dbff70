import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimiter, scaledClock } from "../../src/delivery/limits.js";
import { claimDue, drainOnce, enqueue, outboxKey } from "../../src/delivery/outbox.js";
import type { ChatSender, Platform } from "../../src/delivery/types.js";
import { silentLogger } from "../../src/log.js";
import type { Db } from "../../src/store/db.js";
import { testDb } from "../support/store.js";
import { startChatStandIn, webApiSender } from "./chat-stand-in.js";
import { larkSender, startFeishuStandIn } from "./feishu-stand-in.js";

// The one window the outbox cannot close alone: the platform accepted a message and the process
// died before marking it sent. The row is re-sent after its lease with the same dedupe key.
// Feishu drops the repeat (uuid); Slack has no such key and shows it twice. docs/proactive.md says so.

const T0 = new Date("2026-11-23T09:00:00Z");

async function crashAfterAccept(db: Db, sender: ChatSender, platform: Platform, recipient: string) {
  await db.pool.query(`DELETE FROM "Outbox"`);
  const key = outboxKey({ kind: "digest", subject: "east", platform, recipient, period: "2026-11-23" });
  await enqueue(
    db.pool,
    [{ kind: "digest", platform, recipient, key, reply: { summary: "East digest", blocks: [] } }],
    T0,
  );
  // The first drainer claims, the platform accepts... and the process dies before the "sent" mark.
  const [row] = await claimDue(db.pool, { now: T0, leaseMs: 60_000, limit: 1, platforms: [platform] });
  expect((await sender.send(row!.recipient, row!.reply, { dedupeKey: row!.id })).ok).toBe(true);
  // After the lease, a restarted drainer sends the row again with the same dedupe key.
  const r = await drainOnce(db, [sender], silentLogger, {
    now: () => new Date(T0.getTime() + 61_000),
    limiter: new RateLimiter(scaledClock(1000)),
  });
  expect(r.sent).toBe(1);
}

describe("the accepted-then-crashed window", () => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb();
  });
  afterAll(() => db.close());

  it("Feishu: the repeat carries the same uuid and the platform drops it - one message", async () => {
    const feishu = await startFeishuStandIn();
    try {
      await crashAfterAccept(db, larkSender(feishu.url), "feishu", "oc_team_east");
      expect(feishu.accepted.map((m) => m.text)).toEqual(["East digest"]);
      const row = await db.pool.query(`SELECT "externalId" FROM "Outbox"`);
      expect(row.rows[0].externalId).toBe(feishu.accepted[0]?.messageId);
    } finally {
      await feishu.close();
    }
  });

  it("Slack: no client dedupe key exists, so that window shows the message twice (documented)", async () => {
    const slack = await startChatStandIn();
    try {
      await crashAfterAccept(db, webApiSender(slack.url), "slack", "C_EAST");
      expect(slack.posted.map((p) => p.text)).toEqual(["East digest", "East digest"]);
    } finally {
      await slack.close();
    }
  });
});
