import type * as lark from "@larksuiteoapi/node-sdk";
import { handleCommand } from "../../commands/index.js";
import { renderFeishuCard } from "../../reply/render-feishu.js";
import { admit } from "../admit.js";
import { type FeishuDeps, replyCard, withRetry } from "../deps.js";
import { feishuWho } from "../identity.js";
import { ft } from "../messages.js";
import { MessageEvent } from "../schemas.js";
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
      if (event.sender.sender_type !== "user") return;
      if (!(await admit(deps, event))) return;
      deps.later("message", () => answerMessage(deps, event));
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
  const who = await feishuWho(deps.ctx, deps.client, openId, event.tenant_key ?? event.sender.tenant_key);
  const card =
    raw === undefined
      ? renderFeishuCard({
          summary: ft(who.locale, "not_text"),
          blocks: [{ type: "text", text: ft(who.locale, "not_text") }],
        })
      : renderFeishuCard(await handleCommand(deps.ctx, { identity: who.identity, text }));
  // The uuid makes a second attempt at this reply (after a crash, on another replica) a no-op.
  await withRetry(deps, () => replyCard(deps.client, message.message_id, card, `re:${message.message_id}`));
}
