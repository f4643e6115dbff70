import type { Reply } from "../reply/model.js";

export type Platform = "slack" | "feishu";

/** How a platform send ended. Retryable failures go back to the outbox with backoff. */
export type SendResult =
  | { ok: true; externalId?: string }
  | { ok: false; retryable: boolean; retryAfterMs?: number; error: string };

/**
 * A chat platform's sending side, used by the outbox drainer for proactive messages.
 * `recipient` is a channel id / chat id, or a user id / open_id for a direct message.
 */
export interface ChatSender {
  platform: Platform;
  send(recipient: string, reply: Reply, opts?: SendOptions): Promise<SendResult>;
}

/** Optional per-send hints from the outbox. */
export interface SendOptions {
  /**
   * Stable across retries of one outbox row. Platforms that dedupe on a client key should pass it
   * (Feishu: `uuid` on im/v1/messages create, deduped for one hour) so a resend after a crash
   * between "platform accepted" and "marked sent" is dropped by the platform. Slack has no such key.
   */
  dedupeKey?: string;
}
