import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cardText, type FeishuHarness, OPEN_IDS, startFeishuHarness } from "./harness.js";
import { cardAction, envelope, eventId, textMessage } from "./push.js";

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
