import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../support/store.js";
import {
  cardButtons,
  cardText,
  type FeishuHarness,
  harnessPerBlock,
  NOW,
  OPEN_IDS,
  startFeishuHarness,
} from "./harness.js";
import { envelope, eventId, messagePush, TEST_TENANT, textMessage } from "./push.js";

// The Feishu endpoint over HTTP: pushes encrypted and signed as Feishu sends them reach Tend's own server,
// are verified and decrypted, and the conversation core's answer goes back through the real Lark SDK
// to a stand-in open API as a card (JSON 2.0) replying to the user's message.

const message = messagePush;

describe.each(STORE_KINDS)("Feishu events over HTTP (%s)", (kind) => {
  let h: FeishuHarness;
  harnessPerBlock(kind, (x) => {
    h = x;
  });

  it("answers Feishu's url_verification challenge (encrypted, and plain)", async () => {
    const challenge = { type: "url_verification", challenge: "ch-123", token: "tend-verification-token" };
    expect(await h.push(challenge, { sign: false })).toEqual({ status: 200, json: { challenge: "ch-123" } });
    expect(await h.push(challenge, { encrypt: false })).toEqual({ status: 200, json: { challenge: "ch-123" } });
    const wrong = await h.push({ ...challenge, token: "guess" }, { sign: false });
    expect(wrong.status).toBe(401);
  });

  it("answers a 1:1 message with a card in Chinese for a Chinese-speaking member", async () => {
    const res = await h.push(message(OPEN_IDS.lina, "星辰"));
    expect(res.status).toBe(200);
    expect(h.api.accepted).toHaveLength(1);
    const sent = h.api.accepted[0];
    expect(sent?.how).toBe("reply");
    expect(sent?.msgType).toBe("interactive");
    expect(sent?.card?.schema).toBe("2.0");
    const text = cardText(sent?.card);
    expect(text).toContain("上海星辰科技有限公司");
    expect(text).toMatch(/续约/);
    // Buttons carry the core's action ids for the card callbacks.
    expect(cardButtons(sent?.card).map((b) => b.value.action)).toEqual(
      expect.arrayContaining(["tend.snooze", "tend.log_form"]),
    );
    // The token came from the stand-in's tenant_access_token endpoint.
    expect(h.api.calls.find((c) => c.path.includes("/reply"))?.auth).toBe("Bearer t-test");
  });

  it("takes `/tend ...` and bare commands alike, in English for an English-speaking member", async () => {
    await h.push(message(OPEN_IDS.cara, "/tend brief acme corp"));
    await h.push(message(OPEN_IDS.cara, "brief acme corp"));
    expect(h.api.accepted).toHaveLength(2);
    const [a, b] = h.api.accepted.map((m) => cardText(m.card));
    expect(a).toContain("Acme Corp");
    expect(a).toBe(b);
    expect(a).not.toMatch(/[续约简报]/);
  });

  it("in a group, answers only when @mentioned, with the mention stripped", async () => {
    const group = { chatType: "group" as const, chatId: "oc_group_east" };
    await h.push(message(OPEN_IDS.cara, "acme corp", group));
    expect(h.api.accepted).toHaveLength(0);
    const mentions = [{ key: "@_user_1", id: { open_id: "ou_bot_tend" }, name: "Tend" }];
    await h.push(message(OPEN_IDS.cara, "@_user_1 acme corp", { ...group, mentions }));
    expect(h.api.accepted).toHaveLength(1);
    expect(cardText(h.api.accepted[0]?.card)).toContain("Acme Corp");
    // Someone else's mention is not the bot's.
    const other = [{ key: "@_user_1", id: { open_id: OPEN_IDS.max }, name: "Max" }];
    await h.push(message(OPEN_IDS.cara, "@_user_1 acme corp", { ...group, mentions: other }));
    expect(h.api.accepted).toHaveLength(1);
  });

  it("takes a rich-text (post) message in a group, the bot's @mention removed", async () => {
    const ev = textMessage(OPEN_IDS.cara, "", { chatType: "group", chatId: "oc_group_east" });
    ev.message.message_type = "post";
    // As Feishu delivers a post: {title, content: lines of nodes}, @mentions as @_user_N placeholders.
    ev.message.content = JSON.stringify({
      title: "",
      content: [
        [
          { tag: "at", user_id: "@_user_1", user_name: "Tend", style: [] },
          { tag: "text", text: " brief ", style: ["bold"] },
          { tag: "text", text: "acme corp", style: [] },
        ],
      ],
    });
    Object.assign(ev.message, { mentions: [{ key: "@_user_1", id: { open_id: "ou_bot_tend" }, name: "Tend" }] });
    await h.push(envelope("im.message.receive_v1", ev));
    expect(h.api.accepted).toHaveLength(1);
    expect(cardText(h.api.accepted[0]?.card)).toContain("Acme Corp");
  });

  it("resolves another member's @mention in a command (renewals @someone)", async () => {
    const mentions = [{ key: "@_user_1", id: { open_id: OPEN_IDS.cara }, name: "Cara" }];
    await h.push(message(OPEN_IDS.max, "renewals 90 @_user_1", { mentions }));
    const text = cardText(h.api.accepted[0]?.card);
    expect(text).toContain("Acme Corp");
    expect(text).not.toContain("Globex");
  });

  it("handles an event delivered again (Feishu's retry, re-signed later) once", async () => {
    const id = eventId();
    const first = await h.push(message(OPEN_IDS.cara, "acme corp", {}, id));
    const retry = await h.push(message(OPEN_IDS.cara, "acme corp", {}, id), { now: new Date(NOW.getTime() + 15_000) });
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(h.api.accepted).toHaveLength(1);
  });

  it("loses no event the store cannot claim: Feishu gets an error, and its next delivery is answered once", async () => {
    const id = eventId();
    const failed = await h.withoutTable("ProcessedEvent", () => h.push(message(OPEN_IDS.cara, "acme corp", {}, id)));
    expect(failed.status).toBe(500);
    expect(h.api.accepted).toHaveLength(0);
    const retry = await h.push(message(OPEN_IDS.cara, "acme corp", {}, id), { now: new Date(NOW.getTime() + 15_000) });
    const late = await h.push(message(OPEN_IDS.cara, "acme corp", {}, id), { now: new Date(NOW.getTime() + 300_000) });
    expect([retry.status, late.status]).toEqual([200, 200]);
    expect(h.api.accepted).toHaveLength(1);
    expect(cardText(h.api.accepted[0]?.card)).toContain("Acme Corp");
  });

  it("tells the user when a message it already accepted cannot be handled (no silence)", async () => {
    await h.withoutTable("Member", () => h.push(message(OPEN_IDS.lina, "星辰")));
    expect(h.api.accepted).toHaveLength(1);
    expect(cardText(h.api.accepted[0]?.card)).toContain("我们这边出了点问题");
  });

  it("refuses a bad signature, a wrong token and a stale timestamp - nothing read, written or sent", async () => {
    const before = await h.processed();
    const badSig = await h.push(message(OPEN_IDS.cara, "acme corp"), {
      tamper: (r) => {
        const sig = r.headers["x-lark-signature"] as string;
        r.headers["x-lark-signature"] = `${sig.slice(0, -1)}${sig.endsWith("0") ? "1" : "0"}`;
      },
    });
    const tamperedBody = await h.push(message(OPEN_IDS.cara, "acme corp"), {
      tamper: (r) => {
        r.body = r.body.replace('"}', ' "}');
      },
    });
    const unsigned = await h.push(message(OPEN_IDS.cara, "acme corp"), { sign: false });
    const wrongToken = await h.push(
      envelope("im.message.receive_v1", textMessage(OPEN_IDS.cara, "acme corp"), { token: "guess" }),
    );
    const stale = await h.push(message(OPEN_IDS.cara, "acme corp"), { now: new Date(NOW.getTime() - 6 * 60_000) });
    for (const r of [badSig, tamperedBody, unsigned, wrongToken, stale]) expect(r.status).toBe(401);
    expect(await h.processed()).toBe(before);
    expect(h.api.calls).toEqual([]);
  });

  it("refuses other tenants without touching the store or answering", async () => {
    const before = await h.processed();
    const res = await h.push(
      envelope("im.message.receive_v1", textMessage(OPEN_IDS.cara, "acme corp"), { tenant: "tenant_other" }),
    );
    expect(res.status).toBe(200);
    expect(await h.processed()).toBe(before);
    expect(h.api.calls).toEqual([]);
    expect(TEST_TENANT).not.toBe("tenant_other");
  });

  it("gives unknown people a polite refusal and no data; links a known email on first contact", async () => {
    await h.push(message(OPEN_IDS.stranger, "acme corp"));
    const refusal = cardText(h.api.accepted[0]?.card);
    expect(refusal).not.toContain("Acme");
    // Nobody says otherwise, so Feishu's default: Chinese.
    expect(refusal).toContain("抱歉，我还不认识你");
    // Ada is in the book by email only: the contact API gives her email, and she is linked.
    await h.push(message(OPEN_IDS.ada, "globex"));
    expect(cardText(h.api.accepted[1]?.card)).toContain("Globex Corporation");
    const ada = await h.db.prisma.member.findUnique({ where: { email: "ada@tend.test" } });
    expect(ada?.feishuOpenId).toBe(OPEN_IDS.ada);
  });

  it("answers the bot menu with the common command, in the user's 1:1 chat", async () => {
    await h.push(
      envelope("application.bot.menu_v6", {
        operator: { operator_name: "李娜", operator_id: { open_id: OPEN_IDS.lina } },
        event_key: "renewals",
        timestamp: 1795442400,
      }),
    );
    expect(h.api.accepted).toHaveLength(1);
    expect(h.api.accepted[0]).toMatchObject({ how: "create", chatId: OPEN_IDS.lina, receiveIdType: "open_id" });
    expect(cardText(h.api.accepted[0]?.card)).toContain("上海星辰科技有限公司");
  });

  it("answers a menu key that is itself a command, and an unknown key with help", async () => {
    const menu = (key: string) =>
      envelope("application.bot.menu_v6", { operator: { operator_id: { open_id: OPEN_IDS.lina } }, event_key: key });
    await h.push(menu("risk_team"));
    await h.push(menu("no_such_item"));
    expect(h.api.accepted).toHaveLength(2);
    expect(cardText(h.api.accepted[0]?.card)).not.toContain("Tend 命令");
    expect(h.api.accepted[0]?.text).toMatch(/风险/);
    expect(cardText(h.api.accepted[1]?.card)).toContain("Tend 命令");
  });

  it("retries an answer Feishu rate-limited after its reset time, with the same uuid (one message)", async () => {
    h.sleeps.length = 0;
    h.api.failNext.push({
      status: 429,
      code: 99991400,
      msg: "frequency limit",
      headers: { "x-ogw-ratelimit-reset": "2" },
    });
    h.api.failNext.push({ status: 500, code: 1, msg: "internal" });
    await h.push(message(OPEN_IDS.cara, "acme corp"));
    expect(h.sleeps).toEqual([2000, 1000]);
    expect(h.api.accepted).toHaveLength(1);
    expect(h.api.calls.filter((c) => c.path.endsWith("/reply"))).toHaveLength(3);
  });

  it("does not retry an answer Feishu refuses for good (bot removed from the chat)", async () => {
    h.sleeps.length = 0;
    h.api.failNext.push({ status: 400, code: 230002, msg: "Bot/User can NOT be out of the chat." });
    await h.push(message(OPEN_IDS.cara, "acme corp"));
    expect(h.sleeps).toEqual([]);
    expect(h.api.accepted).toHaveLength(0);
    expect(h.api.calls.filter((c) => c.path.endsWith("/reply"))).toHaveLength(1);
  });

  it("answers every command in Chinese for a Chinese-speaking member, buttons included", async () => {
    const cjk = /[\u4e00-\u9fff]/;
    const commands = [
      "帮助",
      "星辰",
      "简报 星辰",
      "健康 星辰",
      "续约 90",
      "风险",
      "我的",
      "记录 星辰 拜访 聊了续约",
      "计划 星辰 拜访 2026-12-02",
      "暂停 星辰 7",
      "指标",
    ];
    for (const command of commands) {
      h.api.accepted.length = 0;
      await h.push(message(OPEN_IDS.lina, command));
      expect(h.api.accepted, command).toHaveLength(1);
      const card = h.api.accepted[0]?.card;
      expect(h.api.accepted[0]?.text, command).toMatch(cjk);
      expect(cardText(card), command).not.toContain("出了点问题");
      for (const b of cardButtons(card)) expect(b.text, `${command}: ${b.text}`).toMatch(cjk);
    }
    const lina = await h.db.prisma.member.findUniqueOrThrow({ where: { feishuOpenId: OPEN_IDS.lina } });
    const xingchen = h.book.accounts.xingchen.id;
    expect(await h.db.prisma.interaction.count({ where: { accountId: xingchen, notes: "聊了续约" } })).toBe(1);
    expect(await h.db.prisma.snooze.count({ where: { memberId: lina.id, accountId: xingchen } })).toBe(1);
  });

  it("says what it takes when sent an image in a 1:1 chat", async () => {
    const ev = textMessage(OPEN_IDS.lina, "");
    ev.message.message_type = "image";
    ev.message.content = JSON.stringify({ image_key: "img_1" });
    await h.push(envelope("im.message.receive_v1", ev));
    expect(cardText(h.api.accepted[0]?.card)).toContain("请发送文字命令");
  });
});

describe("Feishu answers under a burst", () => {
  // The send pacer's clock only moves when asked to wait, so the waits are observed, not slept.
  let t = 0;
  const waits: number[] = [];
  const clock = {
    now: () => t,
    sleep: async (ms: number) => {
      waits.push(ms);
      t += ms;
    },
  };
  let h: FeishuHarness;
  beforeAll(async () => {
    h = await startFeishuHarness("pglite", { limiterClock: clock });
  });
  afterAll(() => h.close());

  it("keeps to Feishu's 5 messages a second per chat: a burst in one group is answered in full, paced", async () => {
    const group = { chatType: "group" as const, chatId: "oc_busy_group" };
    const mentions = [{ key: "@_user_1", id: { open_id: "ou_bot_tend" }, name: "Tend" }];
    const pushes = Array.from({ length: 8 }, () =>
      h.push(
        envelope("im.message.receive_v1", textMessage(OPEN_IDS.cara, "@_user_1 acme corp", { ...group, mentions })),
      ),
    );
    expect((await Promise.all(pushes)).map((r) => r.status)).toEqual(Array(8).fill(200));
    await h.feishu.idle();
    expect(h.api.accepted).toHaveLength(8);
    // Five go at once, the other three wait their turn: 3 x 200 ms of pacing in all.
    expect(waits.reduce((a, b) => a + b, 0)).toBeCloseTo(600, 0);
    // Another chat is not held up by the busy one.
    waits.length = 0;
    await h.push(envelope("im.message.receive_v1", textMessage(OPEN_IDS.lina, "星辰")));
    expect(waits).toEqual([]);
    expect(h.api.accepted).toHaveLength(9);
  });
});
