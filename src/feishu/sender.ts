import { createHash } from "node:crypto";
import type * as lark from "@larksuiteoapi/node-sdk";
import { sendFailure } from "../chat/failure.js";
import type { AppContext } from "../context.js";
import type { ChatSender, SendProgress, SendResult } from "../delivery/types.js";
import { type AttachmentFile, attachmentFiles } from "../reply/attachments.js";
import type { Reply } from "../reply/model.js";
import { type FeishuCardImage, renderFeishuCard } from "../reply/render-feishu.js";
import { type FeishuConfig, larkClient } from "./client.js";
import { classifyFeishuError, FeishuApiError } from "./errors.js";
import { messageUuid, sendCard, sendMessage } from "./messages.js";

// The outbox's way into Feishu: one card message per proactive message (an open_id for the member's
// 1:1 chat with the bot, or a chat_id for a team group). A uuid derived from the outbox key goes with
// it, so a resend after a crash, a timeout or an unreadable answer is dropped by Feishu (within the hour). Pacing (5/s per chat,
// 50/s per app) is the outbox limiter's (src/delivery/limits.ts); a 429 or code 99991400 goes back to
// the outbox with the reset time, and errors a person must fix (bot not in the chat, missing scope)
// fail permanently.

/** The message uuid of an outbox key: within Feishu's 50 characters, the same for every attempt. */
export function outboxUuid(key: string): string {
  return `tend-${createHash("sha256").update(key).digest("hex").slice(0, 40)}`;
}

export function createChatSender(ctx: AppContext): ChatSender {
  const cfg = ctx.config.feishu as FeishuConfig | undefined;
  if (!cfg) throw new Error("feishu: not configured (FEISHU_APP_ID, FEISHU_APP_SECRET)");
  const client = larkClient(cfg, ctx.log);
  return {
    platform: "feishu",
    async send(recipient, reply, opts): Promise<SendResult> {
      try {
        const uuid = opts?.dedupeKey ? outboxUuid(opts.dedupeKey) : undefined;
        if (reply.attachments?.length)
          return await sendWithFiles(client, recipient, reply, opts?.dedupeKey, opts?.progress);
        const id = await sendCard(client, recipient, renderFeishuCard(reply), uuid);
        // Success always names the message; an answer without one was not Feishu's (a proxy page):
        // try again, the uuid makes that safe.
        if (!id) return { ok: false, retryable: true, unknown: true, error: "unreadable answer" };
        return { ok: true, externalId: id };
      } catch (err) {
        return sendFailure(classifyFeishuError(err));
      }
    },
  };
}

/** Feishu answered an upload without a key: nothing usable was stored, try again. */
class UploadFailed extends Error {}

/** Uploads a chart to im/v1/images (for a card) and returns its image_key. */
export async function uploadImage(client: lark.Client, f: AttachmentFile): Promise<string> {
  const r = await client.im.image.create({ data: { image_type: "message", image: f.bytes } });
  const key = (r as { image_key?: string } | null)?.image_key;
  if (!key) throw new UploadFailed("im/v1/images: no image_key");
  return key;
}

/** Uploads a document to im/v1/files and returns its file_key. */
export async function uploadFile(client: lark.Client, f: AttachmentFile): Promise<string> {
  const r = await client.im.file.create({ data: { file_type: "stream", file_name: f.fileName, file: f.bytes } });
  const key = (r as { file_key?: string } | null)?.file_key;
  if (!key) throw new UploadFailed("im/v1/files: no file_key");
  return key;
}

/** A step of a send: its value when done (recorded, or skipped with undefined), never twice. */
export type UploadStep = (name: string, run: () => Promise<string>) => Promise<string | undefined>;

/**
 * Uploads a reply's files: charts to im/v1/images (shown in the card), documents to im/v1/files
 * (sent as file messages after it). Each upload is one named step (`feishu.image.<i>`,
 * `feishu.file.<i>`), so the outbox records it and a caller may skip a file that failed.
 */
export async function uploadReplyFiles(
  client: lark.Client,
  files: AttachmentFile[],
  step: UploadStep,
): Promise<{ images: FeishuCardImage[]; docs: { i: number; fileKey: string }[] }> {
  const images: FeishuCardImage[] = [];
  const docs: { i: number; fileKey: string }[] = [];
  for (const [i, f] of files.entries()) {
    if (f.image) {
      const imgKey = await step(`feishu.image.${i}`, () => uploadImage(client, f));
      if (imgKey) images.push({ imgKey, alt: f.alt ?? f.title, title: f.title });
    } else {
      const fileKey = await step(`feishu.file.${i}`, () => uploadFile(client, f));
      if (fileKey) docs.push({ i, fileKey });
    }
  }
  return { images, docs };
}

/** A file message answering a message (a typed command's documents, after its card). */
export async function replyFileMessage(
  client: lark.Client,
  replyTo: string,
  fileKey: string,
  uuid: string | undefined,
): Promise<string> {
  const r = await client.im.message.reply({
    path: { message_id: replyTo },
    data: {
      msg_type: "file",
      content: JSON.stringify({ file_key: fileKey }),
      ...(uuid ? { uuid: messageUuid(uuid) } : {}),
    },
  });
  if (typeof r.code === "number" && r.code !== 0) throw new FeishuApiError(r.code, r.msg ?? "");
  const id = r.data?.message_id;
  if (!id) throw new UploadFailed("unreadable answer");
  return id;
}

/**
 * A card with its charts, then each document as a file message. Every upload and message is a step
 * recorded in the outbox row; the messages carry uuids derived from the outbox key (Feishu drops a
 * repeat within the hour), so no step is done twice.
 */
async function sendWithFiles(
  client: lark.Client,
  recipient: string,
  reply: Reply,
  key: string | undefined,
  progress: SendProgress | undefined,
): Promise<SendResult> {
  const files = attachmentFiles(reply.attachments);
  const step = async (name: string, run: () => Promise<string>): Promise<string> => {
    const known = progress?.done[name];
    if (known) return known;
    const value = await run();
    await progress?.record(name, value);
    return value;
  };
  try {
    const { images, docs } = await uploadReplyFiles(client, files, step);
    const cardId = await step("feishu.card", async () => {
      const id = await sendCard(client, recipient, renderFeishuCard(reply, images), key ? outboxUuid(key) : undefined);
      if (!id) throw new UploadFailed("unreadable answer");
      return id;
    });
    for (const d of docs)
      await step(`feishu.filemsg.${d.i}`, async () => {
        const uuid = key ? outboxUuid(`${key}#file${d.i}`) : undefined;
        const id = await sendMessage(client, recipient, "file", { file_key: d.fileKey }, uuid);
        if (!id) throw new UploadFailed("unreadable answer");
        return id;
      });
    return { ok: true, externalId: cardId };
  } catch (err) {
    if (err instanceof UploadFailed) return { ok: false, retryable: true, unknown: true, error: err.message };
    return sendFailure(classifyFeishuError(err));
  }
}
