import { webApi } from "@slack/bolt";
import type { AppContext } from "../context.js";
import type { ChatSender, SendOptions, SendResult } from "../delivery/types.js";
import { renderSlack } from "../reply/render-slack.js";
import { type SlackConfig, slackWebClient } from "./client.js";
import { classifySlackError } from "./errors.js";

// The outbox's way into Slack: one chat.postMessage per proactive message (a channel id, or a user
// id for our direct message). The client never sleeps on a 429: the outbox reschedules with the
// Retry-After, and errors a person must fix (channel gone, bot not invited) fail permanently.
//
// Slack has no client dedupe key, so each message carries its outbox key as message metadata. When an
// earlier attempt's outcome is unknown (its answer timed out or was unreadable, or the sender died),
// the channel's recent history is searched for that key before posting again.

/** The metadata event type Tend's outbox messages carry (payload: `{ key }`). */
export const OUTBOX_EVENT_TYPE = "tend_outbox";

/** How far back before the row was queued a search starts (clock skew between us and Slack). */
const HISTORY_SLACK_MS = 5 * 60_000;
/** History pages read at most (200 messages each) before deciding the message is not there. */
const HISTORY_PAGES = 5;

export function createChatSender(ctx: AppContext): ChatSender {
  const cfg = ctx.config.slack as SlackConfig | undefined;
  if (!cfg) throw new Error("slack: not configured (SLACK_BOT_TOKEN)");
  const client = slackWebClient(cfg, ctx.log);
  let botId: Promise<string | undefined> | undefined;
  const ownBotId = () => {
    botId ??= client.auth.test().then(
      (r) => r.bot_id,
      (err) => {
        botId = undefined;
        throw err;
      },
    );
    return botId;
  };

  /** The ts of our message carrying `key` in the conversation, if it is there. */
  async function findPosted(recipient: string, key: string, since: Date | undefined): Promise<string | undefined> {
    // A user id is our direct message with them: its history lives under the DM's channel id.
    const channel = /^[UW]/.test(recipient)
      ? ((await client.conversations.open({ users: recipient })).channel?.id ?? recipient)
      : recipient;
    const bot = await ownBotId();
    const oldest = since ? String((since.getTime() - HISTORY_SLACK_MS) / 1000) : undefined;
    let cursor: string | undefined;
    for (let page = 0; page < HISTORY_PAGES; page++) {
      const r = await client.conversations.history({
        channel,
        include_all_metadata: true,
        limit: 200,
        ...(oldest ? { oldest } : {}),
        ...(cursor ? { cursor } : {}),
      });
      const hit = r.messages?.find(
        (m) =>
          m.metadata?.event_type === OUTBOX_EVENT_TYPE &&
          (m.metadata.event_payload as { key?: unknown } | undefined)?.key === key &&
          (bot === undefined || m.bot_id === bot),
      );
      if (hit?.ts) return hit.ts;
      cursor = r.response_metadata?.next_cursor || undefined;
      if (!cursor) return undefined;
    }
    return undefined;
  }

  return {
    platform: "slack",
    async send(recipient, reply, opts?: SendOptions): Promise<SendResult> {
      const key = opts?.dedupeKey;
      if (key && opts?.outcomeUnknown) {
        try {
          const ts = await findPosted(recipient, key, opts.since);
          if (ts) return { ok: true, externalId: ts };
        } catch (err) {
          const f = classifySlackError(err);
          // Cannot look (no history scope, channel gone): post again rather than lose the message.
          if (f.kind !== "permanent")
            return { ok: false, retryable: true, unknown: true, error: `history: ${f.error}` };
          ctx.log.warn({ recipient, error: f.error }, "slack: cannot search history for an unconfirmed message");
        }
      }
      // One message per outbox row (the long tail is cut with a note), so a retry never re-posts a part.
      const msg = renderSlack(reply, ctx.config.locale);
      try {
        const res = await client.chat.postMessage({
          channel: recipient,
          text: msg.text,
          blocks: msg.blocks as never,
          unfurl_links: false,
          unfurl_media: false,
          ...(key ? { metadata: { event_type: OUTBOX_EVENT_TYPE, event_payload: { key } } } : {}),
        });
        return res.ts ? { ok: true, externalId: res.ts } : { ok: true };
      } catch (err) {
        const f = classifySlackError(err);
        if (f.kind === "rate_limited")
          return { ok: false, retryable: true, retryAfterMs: f.retryAfterMs, error: f.error };
        return {
          ok: false,
          retryable: f.kind === "transient",
          error: f.error,
          ...(slackAnswered(err) ? {} : { unknown: true }),
        };
      }
    },
  };
}

/**
 * Whether Slack definitely answered (an error it returned, a 4xx): then nothing was posted. A
 * timeout, a cut connection, a 5xx or an answer that is not Slack's JSON may hide a posted message.
 */
function slackAnswered(err: unknown): boolean {
  const e = err as { code?: string; statusCode?: number; data?: { error?: unknown } };
  if (e?.code === webApi.ErrorCode.RateLimitedError) return true;
  // The client reports a body it could not parse as a platform error whose "error" is that body.
  if (e?.code === webApi.ErrorCode.PlatformError) return /^[a-z0-9_]+$/.test(String(e.data?.error ?? ""));
  if (e?.code === webApi.ErrorCode.HTTPError) return Number(e.statusCode) >= 400 && Number(e.statusCode) < 500;
  return false;
}
