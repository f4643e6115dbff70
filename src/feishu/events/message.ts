import type * as lark from "@larksuiteoapi/node-sdk";
import { apologise } from "../../commands/apology.js";
import { handleCommand } from "../../commands/index.js";
import { tPlain } from "../../i18n/catalogue.js";
import { attachmentFiles } from "../../reply/attachments.js";
import type { Reply, Tone } from "../../reply/model.js";
import { type FeishuCard, renderFeishuCard } from "../../reply/render-feishu.js";
import { claimBeforeAnswer, otherTenant } from "../admit.js";
import { FEISHU_TIMING, type FeishuDeps, messageUuid, replyCard, withRetry } from "../deps.js";
import { feishuWho } from "../identity.js";
import { MessageEvent } from "../schemas.js";
import { sendFileMessage, uploadReplyFiles } from "../sender.js";
import { messageText, resolveMentions } from "./text.js";

// Messages to the bot: in a 1:1 chat any text is a command, in a group only when the bot is
// @mentioned. `/tend ...` and bare `...` both work (the core's parser accepts both). The event is
// answered at once; the conversation core's answer follows as a card replying to the message.

export function registerMessages(dispatcher: lark.EventDispatcher, deps: FeishuDeps) {
  dispatcher.register({
    "im.message.receive_v1": async (data) => {
      const parsed = MessageEvent.safeParse(data);
      if (!parsed.success) {
        deps.ctx.log.warn({ issues: parsed.error.issues.length }, "feishu: message event of an unknown shape ignored");
        return;
      }
      const event = parsed.data;
      // Other bots (and our own messages) are not commands.
      if (event.sender.sender_type !== "user" || otherTenant(deps, event)) return;
      // Only the dedupe claim happens before Feishu's answer (bounded); the card follows.
      const first = await claimBeforeAnswer(deps, event, Math.min(deps.ackBudgetMs, FEISHU_TIMING.claimBudgetMs));
      if (!first) return;
      deps.later("message", async () => {
        if (await first()) await answerMessage(deps, event);
      });
    },
  });
}

export async function answerMessage(deps: FeishuDeps, event: MessageEvent): Promise<void> {
  const { message } = event;
  const openId = event.sender.sender_id?.open_id;
  if (!openId) return;
  const p2p = message.chat_type === "p2p";
  const raw = messageText(message.message_type, message.content);
  const bot = p2p ? undefined : await deps.botOpenId();
  const { text, botMentioned } = resolveMentions(raw ?? "", message.mentions, bot);
  if (!p2p && !botMentioned) return;
  let card: FeishuCard;
  let docs: { i: number; fileKey: string }[] = [];
  try {
    const who = await feishuWho(deps.ctx, deps.client, openId, event.tenant_key ?? event.sender.tenant_key);
    if (raw === undefined) card = textCard(tPlain(who.locale, "feishu.not_text"));
    else {
      const reply = await handleCommand(deps.ctx, {
        identity: who.identity,
        text,
        conversation: p2p ? "direct" : "group",
      });
      const files = reply.error ? { images: [], docs: [] } : await uploadAnswerFiles(deps, reply, message.message_id);
      card = renderFeishuCard(reply, files.images);
      docs = files.docs;
    }
  } catch (err) {
    // Feishu will not deliver this message again (it got its 200): say so rather than stay silent.
    const sorry = apologise(deps.ctx.log, err, deps.ctx.config.locale, "feishu: message", {
      messageId: message.message_id,
    });
    card = textCard(sorry.text, "warning");
  }
  // The uuid makes a second attempt at this reply (after a crash, on another replica) a no-op.
  await withRetry(
    deps,
    () => replyCard(deps.client, message.message_id, card, `re:${message.message_id}`),
    message.chat_id,
  );
  // Documents follow the card as file messages answering the same message (uuids: once each).
  for (const d of docs)
    await withRetry(
      deps,
      () =>
        sendFileMessage(
          deps.client,
          { replyTo: message.message_id },
          d.fileKey,
          messageUuid(`re:${message.message_id}#f${d.i}`),
        ),
      message.chat_id,
    ).catch((err) => deps.ctx.log.warn({ err, messageId: message.message_id }, "feishu: a document was not sent"));
}

/**
 * The answer's pictures (shown in its card) and documents, uploaded with retries. A file that still
 * cannot be uploaded is left out: the card's text says the same, and a repeat of the message (its
 * card and file messages carry uuids) sends nothing twice.
 */
async function uploadAnswerFiles(deps: FeishuDeps, reply: Reply, messageId: string) {
  return uploadReplyFiles(deps.client, attachmentFiles(reply.attachments), (name, run) =>
    withRetry(deps, run).catch((err: unknown) => {
      deps.ctx.log.warn({ err, messageId, step: name }, "feishu: an answer's file could not be uploaded");
      return undefined;
    }),
  );
}

function textCard(text: string, tone?: Tone): FeishuCard {
  return renderFeishuCard({ summary: text, blocks: [{ type: "text", text }], ...(tone ? { tone } : {}) });
}
