import { webApi } from "@slack/bolt";
import { sendFailure } from "../chat/failure.js";
import type { AppContext } from "../context.js";
import type { ChatSender, SendOptions, SendProgress, SendResult } from "../delivery/types.js";
import { type AttachmentFile, attachmentFiles } from "../reply/attachments.js";
import { renderSlack } from "../reply/render-slack.js";
import { SLACK_CLIENT, type SlackConfig, slackWebClient } from "./client.js";
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

  /** Our message carrying `key` in the conversation, if it is there. */
  async function findPosted(
    recipient: string,
    key: string,
    since: Date | undefined,
  ): Promise<{ channel: string; ts: string } | undefined> {
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
      if (hit?.ts) return { channel, ts: hit.ts };
      cursor = r.response_metadata?.next_cursor || undefined;
      if (!cursor) return undefined;
    }
    return undefined;
  }

  /**
   * Uploads (not yet shares) each file through the external upload flow: files.getUploadURLExternal,
   * then the bytes POSTed to the URL it returns. Each file id is recorded as it is uploaded, so a
   * retry uploads only what is missing.
   */
  async function uploadAll(files: AttachmentFile[], progress: SendProgress | undefined): Promise<string[]> {
    const ids: string[] = [];
    for (const [i, f] of files.entries()) {
      const step = `slack.file.${i}`;
      const known = progress?.done[step];
      if (known) {
        ids.push(known);
        continue;
      }
      const u = await client.files.getUploadURLExternal({
        filename: f.fileName,
        length: f.bytes.length,
        ...(f.alt ? { alt_text: f.alt } : {}),
      });
      if (!u.upload_url || !u.file_id) throw new UploadFailed("files.getUploadURLExternal: no upload URL");
      const res = await fetch(u.upload_url, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: new Uint8Array(f.bytes),
        signal: AbortSignal.timeout(SLACK_CLIENT.timeoutMs),
      }).catch((err: unknown) => {
        throw new UploadFailed(`upload: ${err instanceof Error ? err.message : String(err)}`);
      });
      if (!res.ok) throw new UploadFailed(`upload: HTTP ${res.status}`);
      await progress?.record(step, u.file_id);
      ids.push(u.file_id);
    }
    return ids;
  }

  /**
   * Shares the uploaded files in the message's thread (files.completeUploadExternal). When an earlier
   * attempt started sharing and its outcome is unknown, files.info says whether they are there.
   */
  async function shareAll(
    files: AttachmentFile[],
    ids: string[],
    channel: string,
    ts: string,
    progress: SendProgress | undefined,
  ): Promise<void> {
    if (progress?.done["slack.shared"]) return;
    if (progress?.done["slack.sharing"]) {
      const info = await client.files.info({ file: ids[0] as string });
      const shares = info.file?.shares as Record<string, Record<string, unknown[]>> | undefined;
      const shared = Object.values(shares ?? {}).some((byChannel) => (byChannel[channel]?.length ?? 0) > 0);
      if (shared) {
        await progress.record("slack.shared", ts);
        return;
      }
    }
    await progress?.record("slack.sharing", ts);
    await client.files.completeUploadExternal({
      files: ids.map((id, i) => ({ id, title: files[i]?.title ?? "" })) as [{ id: string; title: string }],
      channel_id: channel,
      thread_ts: ts,
    });
    await progress?.record("slack.shared", ts);
  }

  return {
    platform: "slack",
    async send(recipient, reply, opts?: SendOptions): Promise<SendResult> {
      const files = attachmentFiles(reply.attachments);
      if (files.length === 0) {
        const { channel: _channel, ...result } = await postOnce(recipient, reply, opts);
        return result;
      }
      // With files: upload them, post the message, share the files in its thread; every step is
      // recorded, so a retry (even after a crash) redoes none that succeeded.
      const progress = opts?.progress;
      try {
        const ids = await uploadAll(files, progress);
        let posted = progress?.done["slack.message"];
        if (!posted) {
          const r = await postOnce(recipient, reply, opts);
          if (!r.ok) return r;
          if (!r.externalId || !r.channel) return { ok: true };
          posted = `${r.channel} ${r.externalId}`;
          await progress?.record("slack.message", posted);
        }
        const [channel, ts] = posted.split(" ") as [string, string];
        await shareAll(files, ids, channel, ts, progress);
        return { ok: true, externalId: ts };
      } catch (err) {
        if (err instanceof UploadFailed) return { ok: false, retryable: true, error: err.message };
        return sendFailure(classifySlackError(err));
      }
    },
  };

  /** One chat.postMessage for the outbox row (looking first when an earlier try may have posted it). */
  async function postOnce(
    recipient: string,
    reply: Parameters<ChatSender["send"]>[1],
    opts?: SendOptions,
  ): Promise<SendResult & { channel?: string }> {
    {
      const key = opts?.dedupeKey;
      if (key && opts?.outcomeUnknown) {
        try {
          const found = await findPosted(recipient, key, opts.since);
          if (found) return { ok: true, externalId: found.ts, channel: found.channel };
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
        return res.ts ? { ok: true, externalId: res.ts, channel: res.channel ?? recipient } : { ok: true };
      } catch (err) {
        const failed = sendFailure(classifySlackError(err));
        return slackAnswered(err) ? failed : { ...failed, unknown: true };
      }
    }
  }
}

/** A file's bytes did not reach Slack's upload URL: nothing was shared, try again. */
class UploadFailed extends Error {}

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
