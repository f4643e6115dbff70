import type { AppContext } from "../context.js";
import type { ChatSender, SendResult } from "../delivery/types.js";
import { renderSlack } from "../reply/render-slack.js";
import { type SlackConfig, slackWebClient } from "./client.js";
import { classifySlackError } from "./errors.js";

// The outbox's way into Slack: one chat.postMessage per proactive message (a channel id, or a user
// id for our direct message). The client never sleeps on a 429: the outbox reschedules with the
// Retry-After, and errors a person must fix (channel gone, bot not invited) fail permanently.

export function createChatSender(ctx: AppContext): ChatSender {
  const cfg = ctx.config.slack as SlackConfig | undefined;
  if (!cfg) throw new Error("slack: not configured (SLACK_BOT_TOKEN)");
  const client = slackWebClient(cfg, ctx.log);
  return {
    platform: "slack",
    async send(recipient, reply): Promise<SendResult> {
      // One message per outbox row (the long tail is cut with a note), so a retry never re-posts a part.
      const msg = renderSlack(reply, ctx.config.locale);
      try {
        const res = await client.chat.postMessage({
          channel: recipient,
          text: msg.text,
          blocks: msg.blocks as never,
          unfurl_links: false,
          unfurl_media: false,
        });
        return res.ts ? { ok: true, externalId: res.ts } : { ok: true };
      } catch (err) {
        const f = classifySlackError(err);
        if (f.kind === "rate_limited")
          return { ok: false, retryable: true, retryAfterMs: f.retryAfterMs, error: f.error };
        return { ok: false, retryable: f.kind === "transient", error: f.error };
      }
    },
  };
}
