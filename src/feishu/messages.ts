import { createHash } from "node:crypto";
import type * as lark from "@larksuiteoapi/node-sdk";
import type { FeishuCard } from "../reply/render-feishu.js";
import { classifyFeishuError, FeishuApiError } from "./errors.js";
import type { FeishuServices } from "./services.js";

// The open API calls that answer people: send, reply to and update a card, each retried on rate
// limits and transient failures (with a uuid, so Feishu drops a repeat).

/** Answers to people are retried a few times on rate limits and transient failures (same uuid). */
export const FEISHU_RETRY = {
  attempts: 3,
  firstDelayMs: 500,
  /** Longer waits than this are not worth it for an interactive answer. */
  maxWaitMs: 10_000,
} as const;

export const FEISHU_MESSAGE = {
  /** Feishu drops a repeated create/reply with the same uuid within an hour; at most 50 chars. */
  uuidMax: 50,
} as const;

/** A uuid Feishu accepts (<= 50 chars), stable for the same key. */
export function messageUuid(key: string): string {
  return key.length <= FEISHU_MESSAGE.uuidMax ? key : createHash("sha256").update(key).digest("hex").slice(0, 32);
}

/** Which kind of id a recipient is: open_id (ou_), chat_id (oc_), union_id (on_), email, or user_id. */
export function receiveIdType(recipient: string): "open_id" | "chat_id" | "union_id" | "email" | "user_id" {
  if (recipient.startsWith("ou_")) return "open_id";
  if (recipient.startsWith("oc_")) return "chat_id";
  if (recipient.startsWith("on_")) return "union_id";
  if (recipient.includes("@")) return "email";
  return "user_id";
}

/** Throws Feishu's business error (an HTTP 200 with a non-zero code). */
function check(r: { code?: number | undefined; msg?: string | undefined } | undefined | null): void {
  if (r && typeof r.code === "number" && r.code !== 0) throw new FeishuApiError(r.code, r.msg ?? "");
}

/**
 * Runs an open API call, again after a rate limit (waiting Feishu's reset time) or a transient
 * failure; permanent failures are thrown at once. Safe for sends because they carry a uuid. With
 * `chat` (where a message goes), each attempt first waits its turn under Feishu's send limits.
 */
export async function withRetry<T>(
  services: Pick<FeishuServices, "sleep" | "pace">,
  fn: () => Promise<T>,
  chat?: string,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      if (chat !== undefined) await services.pace(chat);
      return await fn();
    } catch (err) {
      const f = classifyFeishuError(err);
      const wait = f.kind === "rate_limited" ? f.retryAfterMs : FEISHU_RETRY.firstDelayMs * 2 ** (attempt - 1);
      if (f.kind === "permanent" || attempt >= FEISHU_RETRY.attempts || wait > FEISHU_RETRY.maxWaitMs) throw err;
      await services.sleep(wait);
    }
  }
}

/** Sends a message (`content` as Feishu's JSON for `msgType`) to a user or chat; returns its id. */
export async function sendMessage(
  client: lark.Client,
  recipient: string,
  msgType: "interactive" | "file",
  content: unknown,
  uuid?: string,
) {
  const r = await client.im.message.create({
    params: { receive_id_type: receiveIdType(recipient) },
    data: {
      receive_id: recipient,
      msg_type: msgType,
      content: JSON.stringify(content),
      ...(uuid ? { uuid: messageUuid(uuid) } : {}),
    },
  });
  check(r);
  return r.data?.message_id;
}

/** Sends a card to a user or chat; returns the message id. */
export function sendCard(client: lark.Client, recipient: string, card: FeishuCard, uuid?: string) {
  return sendMessage(client, recipient, "interactive", card, uuid);
}

/** Answers a message (threaded under it in groups, inline in a 1:1 chat). */
export async function replyCard(client: lark.Client, messageId: string, card: FeishuCard, uuid?: string) {
  const r = await client.im.message.reply({
    path: { message_id: messageId },
    data: { msg_type: "interactive", content: JSON.stringify(card), ...(uuid ? { uuid: messageUuid(uuid) } : {}) },
  });
  check(r);
  return r.data?.message_id;
}

/** Replaces a card we sent (its config has update_multi, so everyone sees the new one). */
export async function updateCard(client: lark.Client, messageId: string, card: FeishuCard) {
  const r = await client.im.message.patch({ path: { message_id: messageId }, data: { content: JSON.stringify(card) } });
  check(r);
}
