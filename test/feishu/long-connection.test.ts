import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cardText, type FeishuHarness, OPEN_IDS, startFeishuHarness } from "./harness.js";
import { cardAction, envelope, eventId, textMessage } from "./push.js";
import { type FeishuWsStandIn, startFeishuWsStandIn } from "./ws-stand-in.js";

// Long-connection mode (FEISHU_MODE=ws): the SDK's WSClient hands each event, already decrypted and
// merged from its frames, to our EventDispatcher with `invoke(data, { needCheck: false })` and sends
// the handler's result back as the answer. Covered here at that seam: the same dispatcher, the same
// dedupe, tenant check and answers as over HTTP; no HTTP route is mounted.

describe("Feishu long connection (dispatcher level)", () => {
  let h: FeishuHarness;
  // What WSClient does with a decoded frame.
  const deliver = (data: unknown) => h.feishu.dispatcher.invoke(data, { needCheck: false });

  beforeAll(async () => {
    h = await startFeishuHarness("pglite", {
      env: { FEISHU_MODE: "ws", FEISHU_ENCRYPT_KEY: "", FEISHU_VERIFICATION_TOKEN: "" },
    });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.api.accepted.length = 0;
  });

  it("mounts no HTTP route", async () => {
    const res = await fetch(h.url, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
  });

  it("answers a message event with a card, once even when delivered twice", async () => {
    const ev = envelope("im.message.receive_v1", textMessage(OPEN_IDS.lina, "续约 90"), { id: eventId() });
    await deliver(ev);
    await deliver(ev);
    await h.feishu.idle();
    expect(h.api.accepted).toHaveLength(1);
    expect(cardText(h.api.accepted[0]?.card)).toContain("上海星辰科技有限公司");
  });

  it("returns a card action's toast as the frame's answer", async () => {
    const snooze = { action: "tend.snooze", value: JSON.stringify({ accountId: h.book.accounts.acme.id, days: 14 }) };
    const answer = (await deliver(envelope("card.action.trigger", cardAction(OPEN_IDS.cara, snooze)))) as {
      toast?: { type: string; content: string };
    };
    expect(answer.toast?.type).toBe("success");
    const cara = await h.db.prisma.member.findUniqueOrThrow({ where: { feishuOpenId: OPEN_IDS.cara } });
    const saved = await h.db.prisma.snooze.findUnique({
      where: { memberId_accountId: { memberId: cara.id, accountId: h.book.accounts.acme.id } },
    });
    expect(saved?.until.toISOString().slice(0, 10)).toBe("2026-12-07");
  });

  it("refuses other tenants here too", async () => {
    await deliver(
      envelope("im.message.receive_v1", textMessage(OPEN_IDS.cara, "acme corp"), { tenant: "tenant_other" }),
    );
    await h.feishu.idle();
    expect(h.api.accepted).toHaveLength(0);
  });
});

describe("Feishu long connection (through the SDK's WSClient)", () => {
  let h: FeishuHarness;
  let gw: FeishuWsStandIn;

  beforeAll(async () => {
    gw = await startFeishuWsStandIn();
    h = await startFeishuHarness("pglite", {
      // WSClient insists on a real-looking App ID (cli_ + 16 hex digits).
      env: {
        FEISHU_MODE: "ws",
        FEISHU_APP_ID: "cli_a1b2c3d4e5f6a7b8",
        FEISHU_ENCRYPT_KEY: "",
        FEISHU_VERIFICATION_TOKEN: "",
      },
    });
    h.api.wsUrl = gw.url;
    await h.start();
    await gw.connected;
  });
  beforeEach(() => {
    h.api.accepted.length = 0;
  });
  afterAll(async () => {
    await h.close();
    await gw.close();
  });

  it("discovers the endpoint with the app's credentials, then answers events pushed as frames", async () => {
    expect(h.api.calls.some((c) => c.path === "/callback/ws/endpoint")).toBe(true);
    const ev = envelope("im.message.receive_v1", textMessage(OPEN_IDS.lina, "简报 星辰"), { id: eventId() });
    const ack = await gw.push(ev);
    expect(ack.code).toBe(200);
    await h.feishu.idle();
    expect(h.api.accepted).toHaveLength(1);
    expect(cardText(h.api.accepted[0]?.card)).toContain("上海星辰科技有限公司");
    // The same event again (Feishu's retry, perhaps to another connection) is answered and ignored.
    expect((await gw.push(ev)).code).toBe(200);
    await h.feishu.idle();
    expect(h.api.accepted).toHaveLength(1);
  });

  it("answers an event the store cannot claim with an error frame, so Feishu delivers it again", async () => {
    const ev = envelope("im.message.receive_v1", textMessage(OPEN_IDS.cara, "acme corp"), { id: eventId() });
    const failed = await h.withoutTable("ProcessedEvent", () => gw.push(ev));
    expect(failed.code).toBe(500);
    await h.feishu.idle();
    expect(h.api.accepted).toHaveLength(0);
    expect((await gw.push(ev)).code).toBe(200);
    expect((await gw.push(ev)).code).toBe(200);
    await h.feishu.idle();
    expect(h.api.accepted).toHaveLength(1);
    expect(cardText(h.api.accepted[0]?.card)).toContain("Acme Corp");
  });

  it("returns a card action's toast in the frame's answer", async () => {
    const snooze = {
      action: "tend.snooze",
      value: JSON.stringify({ accountId: h.book.accounts.xingchen.id, days: 7 }),
    };
    const ack = await gw.push(envelope("card.action.trigger", cardAction(OPEN_IDS.lina, snooze)));
    expect(ack.code).toBe(200);
    expect(ack.data).toMatchObject({
      toast: { type: "success", content: expect.stringContaining("上海星辰科技有限公司") },
    });
  });
});
