import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadChatSenders } from "../../src/chat-senders.js";
import { parseConfig } from "../../src/config/env.js";
import { RateLimiter, scaledClock } from "../../src/delivery/limits.js";
import { drainOnce, enqueue, listOutbox, outboxKey } from "../../src/delivery/outbox.js";
import { silentLogger } from "../../src/log.js";
import type { Reply } from "../../src/reply/model.js";
import { checkBlockKitLimits, type SlackBlock } from "../../src/reply/render-slack.js";
import { createChatSender } from "../../src/slack/sender.js";
import type { Db } from "../../src/store/db.js";
import { testDb } from "../support/store.js";
import { type SlackApiStandIn, startSlackApiStandIn } from "./api-stand-in.js";

// The outbox's Slack sender over the real Web API client: what it posts, and how each failure is
// classified (429 -> retry after Retry-After, a person-must-fix error -> permanent).

const T0 = new Date("2026-11-23T09:00:00Z");
const digest: Reply = {
  summary: "3 accounts at risk",
  blocks: [
    { type: "header", text: "At-risk digest" },
    { type: "list", items: Array.from({ length: 80 }, (_, i) => ({ text: `Account ${i}`, tone: "danger" as const })) },
    { type: "buttons", buttons: [{ text: "Open risk", actionId: "tend.run", value: "risk" }] },
  ],
};

describe("the Slack ChatSender", () => {
  let api: SlackApiStandIn;
  let db: Db;
  const ctx = () => ({
    config: parseConfig({
      TEND_DEMO: "off",
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: "s",
      SLACK_API_URL: api.url.replace(/\/$/, ""), // the trailing slash is optional
    }),
    log: silentLogger,
    db,
    now: () => T0,
  });
  beforeAll(async () => {
    api = await startSlackApiStandIn();
    db = await testDb();
  });
  afterAll(async () => {
    await api.close();
    await db.close();
  });
  beforeEach(() => {
    api.calls.length = 0;
    api.script = {};
  });

  it("posts one Block Kit message within Slack's limits and returns its ts", async () => {
    const sender = createChatSender(ctx());
    const r = await sender.send("C_TEAM", digest);
    expect(r).toEqual({ ok: true, externalId: "1700000000.000001" });
    const posted = api.of("chat.postMessage");
    expect(posted).toHaveLength(1);
    expect(posted[0]!.body).toMatchObject({ channel: "C_TEAM", text: "3 accounts at risk" });
    expect(checkBlockKitLimits(posted[0]!.body.blocks as SlackBlock[])).toEqual([]);
  });

  it("maps a 429 to retryable with Retry-After, without waiting inside the client", async () => {
    api.script["chat.postMessage"] = [{ status: 429, retryAfterSec: 42 }];
    const started = Date.now();
    const r = await createChatSender(ctx()).send("C_TEAM", digest);
    expect(r).toEqual({ ok: false, retryable: true, retryAfterMs: 42_000, error: "ratelimited" });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it.each(["channel_not_found", "not_in_channel", "is_archived", "account_inactive", "invalid_auth", "invalid_blocks"])(
    "treats %s as permanent",
    async (error) => {
      api.script["chat.postMessage"] = [{ error }];
      expect(await createChatSender(ctx()).send("C_GONE", digest)).toEqual({ ok: false, retryable: false, error });
    },
  );

  it.each(["internal_error", "service_unavailable", "something_new"])("retries %s", async (error) => {
    api.script["chat.postMessage"] = [{ error }];
    expect(await createChatSender(ctx()).send("C_TEAM", digest)).toEqual({ ok: false, retryable: true, error });
  });

  it("is what the outbox drains through when Slack is configured", async () => {
    const senders = await loadChatSenders(ctx());
    expect(senders.map((s) => s.platform)).toEqual(["slack"]);
    const key = outboxKey({
      kind: "digest",
      subject: "east",
      platform: "slack",
      recipient: "C_TEAM",
      period: "2026-11-23",
    });
    await enqueue(db.pool, [{ kind: "digest", platform: "slack", recipient: "C_TEAM", key, reply: digest }], T0);
    api.script["chat.postMessage"] = [{ status: 429, retryAfterSec: 5 }];
    const limiter = new RateLimiter(scaledClock(1000));
    const first = await drainOnce(db, senders, silentLogger, { now: () => T0, limiter });
    expect(first).toMatchObject({ claimed: 1, sent: 0, retried: 1 });
    const later = new Date(T0.getTime() + 60_000);
    const second = await drainOnce(db, senders, silentLogger, { now: () => later, limiter });
    expect(second).toMatchObject({ claimed: 1, sent: 1 });
    expect(api.of("chat.postMessage")).toHaveLength(1);
    const [row] = await listOutbox(db);
    expect(row).toMatchObject({ status: "sent", externalId: expect.stringMatching(/^1700000000\./) });
  });
});
