import { createHash } from "node:crypto";
import type { AppContext } from "../context.js";
import type { ChatSender, SendResult } from "../delivery/types.js";
import { renderFeishuCard } from "../reply/render-feishu.js";
import { type FeishuConfig, larkClient } from "./client.js";
import { sendCard } from "./deps.js";
import { classifyFeishuError } from "./errors.js";

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
        const id = await sendCard(client, recipient, renderFeishuCard(reply), uuid);
        // Success always names the message; an answer without one was not Feishu's (a proxy page):
        // try again, the uuid makes that safe.
        if (!id) return { ok: false, retryable: true, unknown: true, error: "unreadable answer" };
        return { ok: true, externalId: id };
      } catch (err) {
        const f = classifyFeishuError(err);
        if (f.kind === "rate_limited")
          return { ok: false, retryable: true, retryAfterMs: f.retryAfterMs, error: f.error };
        return { ok: false, retryable: f.kind === "transient", error: f.error };
      }
    },
  };
}
