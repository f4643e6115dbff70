import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listOutbox } from "../../src/delivery/outbox.js";
import { createChatSender } from "../../src/feishu/sender.js";
import type { Db } from "../../src/store/db.js";
import { type FeishuStandIn, startFeishuStandIn } from "../delivery/feishu-stand-in.js";
import {
  drainAt,
  queueWeekly,
  replyWithFiles,
  senderContext,
  ATTACHMENTS_T0 as T0,
  trendChart,
} from "../support/attachments.js";
import { isPng } from "../support/png.js";
import { testDb } from "../support/store.js";

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
    createChatSender(senderContext(db, { FEISHU_APP_ID: "cli_x", FEISHU_APP_SECRET: "s", FEISHU_DOMAIN: api.url }));
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
