import type * as lark from "@larksuiteoapi/node-sdk";
import { apologise } from "../../conversation/apology.js";
import { handleCommand } from "../../conversation/index.js";
import { tPlain } from "../../i18n/catalogue.js";
import { attachmentFiles } from "../../reply/attachments.js";
import type { Reply, Tone } from "../../reply/model.js";
import { type FeishuCard, renderFeishuCard } from "../../reply/render-feishu.js";
import { identifyFeishuUser } from "../identity.js";
import { claimBeforeAnswer, otherTenant } from "../incoming.js";
import { replyCard, withRetry } from "../messages.js";
import { MessageEvent } from "../schemas.js";
import { replyFileMessage, uploadReplyFiles } from "../sender.js";
import { FEISHU_TIMING, type FeishuServices } from "../services.js";
import { messageText, resolveMentions } from "./text.js";

// Messages to the bot: in a 1:1 chat any text is a command, in a group only when the bot is
// @mentioned. `/tend ...` and bare `...` both work (the core's parser accepts both). The event is
// answered at once; the conversation core's answer follows as a card replying to the message.

export function registerMessages(dispatcher: lark.EventDispatcher, services: FeishuServices) {
  dispatcher.register({
    "im.message.receive_v1": async (data) => {
      const parsed = MessageEvent.safeParse(data);
      if (!parsed.success) {
        services.ctx.log.warn(
          { issues: parsed.error.issues.length },
          "feishu: message event of an unknown shape ignored",
        );
        return;
      }
      const event = parsed.data;
      // Other bots (and our own messages) are not commands.
      if (event.sender.sender_type !== "user" || otherTenant(services, event)) return;
      // Only the dedupe claim happens before Feishu's answer (bounded); the card follows.
      const first = await claimBeforeAnswer(
        services,
        event,
        Math.min(services.ackBudgetMs, FEISHU_TIMING.claimBudgetMs),
      );
      if (!first) return;
      services.later("message", async () => {
        if (await first()) await answerMessage(services, event);
      });
    },
  });
}

export async function answerMessage(services: FeishuServices, event: MessageEvent): Promise<void> {
  const { message } = event;
  const openId = event.sender.sender_id?.open_id;
  if (!openId) return;
  const p2p = message.chat_type === "p2p";
  const raw = messageText(message.message_type, message.content);
  const bot = p2p ? undefined : await services.botOpenId();
  const { text, botMentioned } = resolveMentions(raw ?? "", message.mentions, bot);
  if (!p2p && !botMentioned) return;
  let card: FeishuCard;
  let docs: { i: number; fileKey: string }[] = [];
  try {
    const who = await identifyFeishuUser(
      services.ctx,
      services.client,
      openId,
      event.tenant_key ?? event.sender.tenant_key,
    );
    if (raw === undefined) card = textCard(tPlain(who.locale, "feishu.not_text"));
    else {
      const reply = await handleCommand(services.ctx, {
        identity: who.identity,
        member: who.member,
        text,
        conversation: p2p ? "direct" : "group",
      });
      const files = reply.error
        ? { images: [], docs: [] }
        : await uploadAnswerFiles(services, reply, message.message_id);
      card = renderFeishuCard(reply, files.images);
      docs = files.docs;
    }
  } catch (err) {
    // Feishu will not deliver this message again (it got its 200): say so rather than stay silent.
    const sorry = apologise(services.ctx.log, err, services.ctx.config.locale, "feishu: message", {
      messageId: message.message_id,
    });
    card = textCard(sorry.text, "warning");
  }
  // The uuid makes a second attempt at this reply (after a crash, on another replica) a no-op.
  await withRetry(
    services,
    () => replyCard(services.client, message.message_id, card, `re:${message.message_id}`),
    message.chat_id,
  );
  // Documents follow the card as file messages answering the same message (uuids: once each).
  for (const d of docs)
    await withRetry(
      services,
      () => replyFileMessage(services.client, message.message_id, d.fileKey, `re:${message.message_id}#f${d.i}`),
      message.chat_id,
    ).catch((err) => services.ctx.log.warn({ err, messageId: message.message_id }, "feishu: a document was not sent"));
}

/**
 * The answer's pictures (shown in its card) and documents, uploaded with retries. A file that still
 * cannot be uploaded is left out: the card's text says the same, and a repeat of the message (its
 * card and file messages carry uuids) sends nothing twice.
 */
async function uploadAnswerFiles(services: FeishuServices, reply: Reply, messageId: string) {
  return uploadReplyFiles(services.client, attachmentFiles(reply.attachments), (name, run) =>
    withRetry(services, run).catch((err: unknown) => {
      services.ctx.log.warn({ err, messageId, step: name }, "feishu: an answer's file could not be uploaded");
      return undefined;
    }),
  );
}

function textCard(text: string, tone?: Tone): FeishuCard {
  return renderFeishuCard({ summary: text, blocks: [{ type: "text", text }], ...(tone ? { tone } : {}) });
}
