import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadChatSenders } from "../../src/chat-senders.js";
import { parseConfig } from "../../src/config/env.js";
import { PLATFORM_LIMITS, RateLimiter, scaledClock } from "../../src/delivery/limits.js";
import { drainOnce, enqueue, listOutbox, outboxKey } from "../../src/delivery/outbox.js";
import { createChatSender, outboxUuid } from "../../src/feishu/sender.js";
import { silentLogger } from "../../src/log.js";
import type { Reply } from "../../src/reply/model.js";
import { FEISHU_CARD_LIMITS } from "../../src/reply/render-feishu.js";
import type { Db } from "../../src/store/db.js";
import { type FeishuStandIn, startFeishuStandIn } from "../delivery/feishu-stand-in.js";
import { testDb } from "../support/store.js";

// The outbox's Feishu sender over the real Lark client: a card per message with the outbox row's id
// as `uuid`, and each failure classified (429 / 99991400 -> retry after the reset, a person-must-fix
// code -> permanent, the rest -> retried).

const T0 = new Date("2026-11-23T09:00:00Z");
const digest: Reply = {
  summary: "3 个客户有风险",
  blocks: [
    { type: "header", text: "风险日报" },
    {
      type: "list",
      items: Array.from({ length: 1000 }, (_, i) => ({ text: `客户 ${i} 健康度下降`, tone: "danger" as const })),
    },
    { type: "buttons", buttons: [{ text: "查看风险", actionId: "tend.run", value: "risk" }] },
  ],
};

describe("the Feishu ChatSender", () => {
  let api: FeishuStandIn;
  let db: Db;
  const ctx = () => ({
    config: parseConfig({ TEND_DEMO: "off", FEISHU_APP_ID: "cli_x", FEISHU_APP_SECRET: "s", FEISHU_DOMAIN: api.url }),
    log: silentLogger,
    db,
    now: () => T0,
  });
  beforeAll(async () => {
    api = await startFeishuStandIn();
    db = await testDb();
  });
  afterAll(async () => {
    await api.close();
    await db.close();
  });
  beforeEach(() => {
    api.accepted.length = 0;
    api.failNext.length = 0;
  });

  it("sends one card within Feishu's size limit, to a member (open_id) or a group (chat_id)", async () => {
    const sender = createChatSender(ctx());
    const a = await sender.send("ou_lina", digest, { dedupeKey: "row-1" });
    const b = await sender.send("oc_team_east", digest, { dedupeKey: "row-2" });
    expect(a).toEqual({ ok: true, externalId: api.accepted[0]?.messageId });
    expect(b.ok).toBe(true);
    expect(api.accepted.map((m) => [m.receiveIdType, m.chatId, m.msgType])).toEqual([
      ["open_id", "ou_lina", "interactive"],
      ["chat_id", "oc_team_east", "interactive"],
    ]);
    expect(Buffer.byteLength(JSON.stringify(api.accepted[0]?.card))).toBeLessThanOrEqual(FEISHU_CARD_LIMITS.cardBytes);
    expect(api.accepted[0]?.text).toBe("3 个客户有风险");
  });

  it("passes the dedupe key as uuid, so a resend of the same row is dropped by Feishu", async () => {
    const sender = createChatSender(ctx());
    const first = await sender.send("oc_team_east", digest, { dedupeKey: "row-same" });
    const again = await sender.send("oc_team_east", digest, { dedupeKey: "row-same" });
    expect(api.accepted).toHaveLength(1);
    expect(api.accepted[0]?.uuid).toBe(outboxUuid("row-same"));
    expect(again).toEqual(first);
  });

  it("maps a 429 to retryable with the reset time", async () => {
    api.failNext.push({
      status: 429,
      code: 99991400,
      msg: "request trigger frequency limit",
      headers: { "x-ogw-ratelimit-reset": "3" },
    });
    const r = await createChatSender(ctx()).send("oc_team_east", digest);
    expect(r).toMatchObject({ ok: false, retryable: true, retryAfterMs: 3000 });
  });

  it("maps code 99991400 (and per-chat 230020) on a 400 to retryable with backoff", async () => {
    api.failNext.push({ status: 400, code: 99991400, msg: "frequency limit" });
    api.failNext.push({ status: 400, code: 230020, msg: "chat frequency limit" });
    const sender = createChatSender(ctx());
    expect(await sender.send("oc_team_east", digest)).toMatchObject({ ok: false, retryable: true, retryAfterMs: 1000 });
    expect(await sender.send("oc_team_east", digest)).toMatchObject({ ok: false, retryable: true });
  });

  it.each([
    [230002, "Bot/User can NOT be out of the chat."],
    [99991672, "Access denied. One of the following scopes is required: [im:message:send_as_bot]"],
    [230013, "Bot has NO availability to this user."],
  ])("fails permanently on code %i (a person must fix it)", async (code, msg) => {
    api.failNext.push({ status: 400, code, msg });
    const r = await createChatSender(ctx()).send("oc_team_east", digest);
    expect(r).toEqual({ ok: false, retryable: false, error: `${code} ${msg}` });
  });

  it("retries server errors and unknown codes", async () => {
    api.failNext.push({ status: 500, code: 1, msg: "internal" });
    api.failNext.push({ status: 400, code: 123456, msg: "something new" });
    const sender = createChatSender(ctx());
    expect(await sender.send("oc_team_east", digest)).toMatchObject({ ok: false, retryable: true });
    expect(await sender.send("oc_team_east", digest)).toMatchObject({ ok: false, retryable: true });
  });

  it("is what the outbox drains through when Feishu is configured, paced by the declared limits", async () => {
    expect(PLATFORM_LIMITS.feishu).toEqual({ perRecipient: { rate: 5, burst: 5 }, perApp: { rate: 50, burst: 50 } });
    const senders = await loadChatSenders(ctx());
    expect(senders.map((s) => s.platform)).toEqual(["feishu"]);
    const key = outboxKey({
      kind: "digest",
      subject: "east",
      platform: "feishu",
      recipient: "oc_team_east",
      period: "2026-11-23",
    });
    await enqueue(db.pool, [{ kind: "digest", platform: "feishu", recipient: "oc_team_east", key, reply: digest }], T0);
    api.failNext.push({
      status: 429,
      code: 99991400,
      msg: "frequency limit",
      headers: { "x-ogw-ratelimit-reset": "5" },
    });
    const limiter = new RateLimiter(scaledClock(1000));
    const first = await drainOnce(db, senders, silentLogger, { now: () => T0, limiter });
    expect(first).toMatchObject({ claimed: 1, sent: 0, retried: 1 });
    // Not before the reset Feishu gave.
    const early = await drainOnce(db, senders, silentLogger, { now: () => new Date(T0.getTime() + 4_000), limiter });
    expect(early.claimed).toBe(0);
    const later = new Date(T0.getTime() + 60_000);
    const second = await drainOnce(db, senders, silentLogger, { now: () => later, limiter });
    expect(second).toMatchObject({ claimed: 1, sent: 1 });
    expect(api.accepted).toHaveLength(1);
    const [row] = await listOutbox(db);
    expect(row).toMatchObject({ status: "sent", externalId: api.accepted[0]?.messageId });
    expect(api.accepted[0]?.uuid).toBeDefined();
  });
});
