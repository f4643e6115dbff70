import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RateLimiter, scaledClock } from "../../src/delivery/limits.js";
import {
  beat,
  claimDue,
  drainOnce,
  enqueue,
  type OutboxMessage,
  outboxKey,
  type ReplicaIdentity,
} from "../../src/delivery/outbox.js";
import type { ChatSender, Platform } from "../../src/delivery/types.js";
import { createChatSender as feishuSender } from "../../src/feishu/sender.js";
import { silentLogger } from "../../src/log.js";
import { createChatSender as slackSender } from "../../src/slack/sender.js";
import type { Db } from "../../src/store/db.js";
import { testContext, testDb } from "../support/store.js";
import { type ChatStandIn, startChatStandIn } from "./chat-stand-in.js";
import { type FeishuStandIn, startFeishuStandIn } from "./feishu-stand-in.js";

// The delivery guarantee (docs/proactive.md): after a crash or an unknown outcome, a message is not
// posted twice and none is lost. The real senders (src/slack/sender.ts over @slack/web-api,
// src/feishu/sender.ts over the Lark SDK) against the stand-ins, which keep what they were sent.
// Feishu drops a repeated uuid; on Slack the sender finds its earlier message by its metadata.
// (The same with a drainer process killed by SIGKILL: kill.test.ts.)

const T0 = new Date("2026-11-23T09:00:00Z");
const LEASE_MS = 120_000;

interface Platform_ {
  platform: Platform;
  recipients: string[];
  sender: ChatSender;
  /** What the platform shows: one entry per message posted. */
  shown(): string[];
  /** The next send is accepted, then its answer is lost: "hang" past the client's timeout, or not JSON. */
  loseNextAnswer(how: "hang" | "garbage"): void;
  reset(): void;
}

let batchNo = 0;
const messages = (platform: Platform, recipients: string[], n: number): OutboxMessage[] => {
  // Keys unique to the test: the Feishu stand-in remembers uuids for an hour, as Feishu does.
  const batch = ++batchNo;
  return Array.from({ length: n }, (_, i) => {
    const recipient = recipients[i % recipients.length] as string;
    return {
      kind: "digest",
      platform,
      recipient,
      key: outboxKey({ kind: "digest", subject: `team-${batch}-${i}`, platform, recipient, period: "2026-11-23" }),
      reply: { summary: `digest ${i}`, blocks: [] },
    };
  });
};

const replica = (id: string, boot: string): ReplicaIdentity => ({ id, boot, staleMs: 30_000 });
const fastLimiter = () => new RateLimiter(scaledClock(1000));
const status = async (db: Db) =>
  (
    await db.pool.query<{ status: string }>(`SELECT status::text AS status FROM "Outbox" ORDER BY "idempotencyKey"`)
  ).rows.map((r) => r.status);

function expectEachOnce(shown: string[], sent: OutboxMessage[]) {
  expect([...shown].sort()).toEqual(sent.map((m) => m.reply.summary).sort());
}

describe("delivery guarantee: nothing posted twice, nothing lost", () => {
  let db: Db;
  let chat: ChatStandIn;
  let lark: FeishuStandIn;
  const platforms: Platform_[] = [];
  beforeAll(async () => {
    db = await testDb();
    chat = await startChatStandIn();
    lark = await startFeishuStandIn();
    const ctx = testContext(db, {
      env: {
        SLACK_BOT_TOKEN: "xoxb-test",
        SLACK_SIGNING_SECRET: "s",
        SLACK_API_URL: chat.url,
        FEISHU_APP_ID: "cli_x",
        FEISHU_APP_SECRET: "s",
        FEISHU_DOMAIN: lark.url,
      },
    });
    platforms.push(
      {
        platform: "slack",
        recipients: ["C_EAST", "U_LINA"], // a channel, and a member's DM
        sender: slackSender(ctx),
        shown: () => chat.posted.map((p) => p.text),
        loseNextAnswer: (how) =>
          chat.script.push(how === "hang" ? { postThenHangMs: 12_000 } : { postThenGarbage: true }),
        reset: () => {
          chat.posted.length = 0;
          chat.script.length = 0;
        },
      },
      {
        platform: "feishu",
        recipients: ["oc_team_east", "ou_lina"],
        sender: feishuSender(ctx),
        shown: () => lark.accepted.map((m) => m.text),
        loseNextAnswer: (how) => lark.unknownNext.push(how === "hang" ? { hangMs: 12_000 } : "garbage"),
        reset: () => {
          lark.accepted.length = 0;
          lark.unknownNext.length = 0;
        },
      },
    );
  });
  afterAll(async () => {
    await chat?.close();
    await lark?.close();
    await db?.close();
  });
  beforeEach(async () => {
    await db.pool.query(`DELETE FROM "Outbox"; DELETE FROM "Replica"`);
    for (const p of platforms) p.reset();
  });

  for (const name of ["slack", "feishu"] as const) {
    const of = () => platforms.find((p) => p.platform === name) as Platform_;

    it(`${name}: accepted, then the replica died before marking it sent - the restart repeats nothing and waits out no lease`, async () => {
      const p = of();
      const msgs = messages(name, p.recipients, 4);
      await enqueue(db.pool, msgs, T0);
      // Boot 1 claims everything, the platform accepts two messages, and the process dies.
      await beat(db.pool, replica("tend-1", "boot-1"), T0);
      const claimed = await claimDue(db.pool, {
        now: T0,
        leaseMs: LEASE_MS,
        limit: 10,
        platforms: [name],
        replica: replica("tend-1", "boot-1"),
      });
      expect(claimed).toHaveLength(4);
      for (const row of claimed.slice(0, 2))
        expect((await p.sender.send(row.recipient, row.reply, { dedupeKey: row.key })).ok).toBe(true);
      // The same replica restarts a second later, long before the 2-minute lease ends.
      const r = await drainOnce(db, [p.sender], silentLogger, {
        now: () => new Date(T0.getTime() + 1_000),
        leaseMs: LEASE_MS,
        limiter: fastLimiter(),
        replica: replica("tend-1", "boot-2"),
      });
      expect(r.sent).toBe(4);
      expectEachOnce(p.shown(), msgs);
      expect(await status(db)).toEqual(["sent", "sent", "sent", "sent"]);
    });

    it(`${name}: another replica takes over a silent replica's claims once its heartbeat stops, not before`, async () => {
      const p = of();
      const msgs = messages(name, p.recipients, 2);
      await enqueue(db.pool, msgs, T0);
      await beat(db.pool, replica("tend-1", "boot-1"), T0);
      const [row] = await claimDue(db.pool, {
        now: T0,
        leaseMs: LEASE_MS,
        limit: 10,
        platforms: [name],
        replica: replica("tend-1", "boot-1"),
      });
      expect((await p.sender.send(row!.recipient, row!.reply, { dedupeKey: row!.key })).ok).toBe(true);
      const other = (at: number) =>
        drainOnce(db, [p.sender], silentLogger, {
          now: () => new Date(T0.getTime() + at),
          leaseMs: LEASE_MS,
          limiter: fastLimiter(),
          replica: replica("tend-2", "boot-9"),
        });
      expect((await other(10_000)).claimed).toBe(0); // tend-1 beat 10 s ago: still alive
      expect((await other(31_000)).sent).toBe(2);
      expectEachOnce(p.shown(), msgs);
    });

    it(`${name}: answers lost to a timeout or unreadable JSON are not posted again`, async () => {
      const p = of();
      const msgs = messages(name, p.recipients.slice(0, 1), 3);
      await enqueue(db.pool, msgs, new Date());
      p.loseNextAnswer("hang");
      p.loseNextAnswer("garbage");
      let unknown = 0;
      for (let pass = 0; pass < 20 && (await status(db)).some((s) => s !== "sent"); pass++) {
        const r = await drainOnce(db, [p.sender], silentLogger, {
          leaseMs: LEASE_MS,
          backoffBaseMs: 1,
          backoffMaxMs: 5,
          limiter: fastLimiter(),
        });
        unknown += r.retried;
        if (r.claimed === 0) await new Promise((res) => setTimeout(res, 20));
      }
      expect(unknown).toBeGreaterThanOrEqual(2); // both answers were lost...
      expectEachOnce(p.shown(), msgs); // ...and each message is there once
      expect(await status(db)).toEqual(["sent", "sent", "sent"]);
    }, 60_000);
  }
});
