import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listOutbox } from "../../src/delivery/outbox.js";
import { createChatSender } from "../../src/feishu/sender.js";
import type { Db } from "../../src/store/db.js";
import { type FeishuStandIn, startFeishuStandIn } from "../delivery/feishu-stand-in.js";
import { drainAt, queueWeekly, replyWithFiles, ATTACHMENTS_T0 as T0, trendChart } from "../support/attachments.js";
import { isPng } from "../support/png.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";
import { cardText, harnessPerBlock, OPEN_IDS } from "./harness.js";
import { messagePush } from "./push.js";

// Pictures and documents on Feishu through the outbox, with the real Lark client: a chart goes to
// im/v1/images and is shown in the card (img element), a document to im/v1/files and follows as a
// file message; a retry repeats no upload or message that succeeded.

const withFiles = replyWithFiles(
  "每周总结",
  [
    { type: "header", text: "每周总结" },
    { type: "text", text: "本周团队情况" },
    { type: "buttons", buttons: [{ text: "风险", actionId: "tend.run", value: "risk" }] },
  ],
  trendChart("zh-CN", "近 90 天", "健康分从 60 升到 72"),
  { title: "价值报告", format: "html", text: "<!doctype html><p>报告</p>" },
);

describe("Feishu attachments through the outbox", () => {
  let api: FeishuStandIn;
  let db: Db;
  // The stand-in remembers uuids for an hour, like Feishu: each test queues its own message.
  let run = 0;
  beforeAll(async () => {
    api = await startFeishuStandIn();
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(async () => {
    api.accepted.length = 0;
    api.failNext.length = 0;
    api.failUploads.length = 0;
    api.calls.length = 0;
    api.images.clear();
    api.files.clear();
    await db?.close();
    db = await testDb();
    await queueWeekly(db, "feishu", "oc_team", withFiles, `2026-W48-${++run}`);
  });
  const sender = () =>
    createChatSender(
      testContext(db, { now: T0, env: { FEISHU_APP_ID: "cli_x", FEISHU_APP_SECRET: "s", FEISHU_DOMAIN: api.url } }),
    );
  const drain = (now: Date) => drainAt(db, sender(), now);

  it("uploads the chart as an image shown in the card, and the document as a file message", async () => {
    expect(await drain(T0)).toMatchObject({ sent: 1, failed: 0 });
    const [imageKey, image] = [...api.images.entries()][0]!;
    expect(image.imageType).toBe("message");
    expect(isPng(image.bytes)).toBe(true);
    const [fileKey, file] = [...api.files.entries()][0]!;
    expect(file).toMatchObject({ fileType: "stream", fileName: "value-report.html" });
    expect(file.bytes.toString("utf8")).toBe("<!doctype html><p>报告</p>");
    expect(api.accepted.map((m) => m.msgType)).toEqual(["interactive", "file"]);
    const card = api.accepted[0]!.card as {
      body: { elements: { tag: string; img_key?: string; alt?: { content: string } }[] };
    };
    const els = card.body.elements;
    const img = els.find((e) => e.tag === "img");
    expect(img).toMatchObject({ img_key: imageKey, alt: { content: "健康分从 60 升到 72" } });
    // The picture sits above the button row.
    expect(els.at(-1)?.tag).toBe("column_set");
    expect(api.accepted[1]!.text).toBeUndefined();
    expect((await listOutbox(db))[0]!.externalId).toBe(api.accepted[0]!.messageId);
    expect(api.calls.filter((c) => c.path === "/open-apis/im/v1/messages" && c.method === "POST")).toHaveLength(2);
    expect(fileKey).toMatch(/^file_v3_/);
  });

  it("a failed upload is retried, not dropped; the retry uploads only what is missing", async () => {
    // The first upload (the chart) fails: nothing is sent yet.
    api.failUploads.push({ status: 500, code: 2200, msg: "Internal Error" });
    expect(await drain(T0)).toMatchObject({ sent: 0, retried: 1 });
    expect(api.accepted).toHaveLength(0);
    expect(await drain(new Date(T0.getTime() + 60_000))).toMatchObject({ sent: 1 });
    expect(api.images.size).toBe(1);
    expect(api.files.size).toBe(1);
    expect(api.accepted.map((m) => m.msgType)).toEqual(["interactive", "file"]);
  });

  it("after a crash before the file message was recorded, the retry neither re-uploads nor resends", async () => {
    expect(await drain(T0)).toMatchObject({ sent: 1 });
    // Pretend the sender died after Feishu accepted the file message, before recording it.
    await db.pool.query(
      `UPDATE "Outbox" SET status = 'pending', "nextAttemptAt" = $1, progress = progress - 'feishu.filemsg.1', "outcomeUnknown" = true`,
      [T0.toISOString()],
    );
    expect(await drain(new Date(T0.getTime() + 1000))).toMatchObject({ sent: 1 });
    // Same uuid: Feishu keeps the first file message; no upload and no card was repeated.
    expect(api.accepted.map((m) => m.msgType)).toEqual(["interactive", "file"]);
    expect(api.images.size).toBe(1);
    expect(api.files.size).toBe(1);
    expect(api.calls.filter((c) => c.path === "/open-apis/im/v1/images")).toHaveLength(1);
  });
});

// A message to the bot (`report …`, `简报 …`): the answer card shows the picture (uploaded to
// im/v1/images), the documents follow as file messages answering the same message, and a repeat of
// the event sends nothing twice (uuids).
describe.each(STORE_KINDS)("Feishu: messages to the bot carry their files (%s)", (kind) => {
  const harness = harnessPerBlock(kind);
  const message = (openId: string, text: string, messageId: string) => messagePush(openId, text, { messageId });

  it("report: a card answering the message, then the Markdown and the HTML page as file messages", async () => {
    const h = harness();
    await h.push(message(OPEN_IDS.cara, "report Acme Corp", "om_report_1"));
    expect(h.api.accepted.map((m) => [m.how, m.msgType, m.replyTo])).toEqual([
      ["reply", "interactive", "om_report_1"],
      ["reply", "file", "om_report_1"],
      ["reply", "file", "om_report_1"],
    ]);
    expect(cardText(h.api.accepted[0]!.card)).toContain("Acme Corp");
    const files = [...h.api.files.values()];
    expect(files.map((f) => f.fileName.replace(/-[^-]+(\.\w+)$/, "$1"))).toEqual([
      "value-report.md",
      "value-report.html",
    ]);
    expect(files[1]!.bytes.toString("utf8")).toMatch(/^<!doctype html>/i);
    // Feishu pushes the same message again (another event id): nothing new reaches the chat.
    await h.push(message(OPEN_IDS.cara, "report Acme Corp", "om_report_1"));
    expect(h.api.accepted).toHaveLength(3);
  });

  it("brief in Chinese: the 90-day picture is shown in the card with its alt text", async () => {
    const h = harness();
    await h.push(message(OPEN_IDS.lina, "简报 上海星辰科技有限公司", "om_brief_zh"));
    expect(h.api.accepted.map((m) => m.msgType)).toEqual(["interactive"]);
    const [imageKey, image] = [...h.api.images.entries()][0]!;
    expect(isPng(image.bytes)).toBe(true);
    const img = findImg(h.api.accepted[0]!.card);
    expect(img?.img_key).toBe(imageKey);
    expect(img?.alt?.content).toMatch(/^近 90 天健康分从/);
  });

  it("an upload Feishu keeps refusing leaves the picture out; the card's text still answers", async () => {
    const h = harness();
    for (let i = 0; i < 10; i++) h.api.failUploads.push({ status: 500, code: 2200, msg: "Internal Error" });
    await h.push(message(OPEN_IDS.cara, "brief Acme Corp", "om_brief_fail"));
    expect(h.api.accepted.map((m) => m.msgType)).toEqual(["interactive"]);
    expect(findImg(h.api.accepted[0]!.card)).toBeUndefined();
    expect(cardText(h.api.accepted[0]!.card)).toContain("Acme Corp");
  });
});

function findImg(card: unknown): { img_key?: string; alt?: { content: string } } | undefined {
  const els = (card as { body: { elements: { tag: string; img_key?: string; alt?: { content: string } }[] } }).body
    .elements;
  return els.find((e) => e.tag === "img");
}
