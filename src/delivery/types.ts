import type { Reply } from "../reply/model.js";

export type { Platform } from "../domain/identity.js";

import type { Platform } from "../domain/identity.js";

/** How a platform send ended. Retryable failures go back to the outbox with backoff. */
export type SendResult =
  | { ok: true; externalId?: string }
  | {
      ok: false;
      retryable: boolean;
      retryAfterMs?: number;
      error: string;
      /** The platform may have accepted it (timeout, unreadable answer): the next try must check first. */
      unknown?: boolean;
    };

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
   * The outbox key, stable across retries of one row. Feishu sends a uuid derived from it (a repeat
   * within the hour is dropped by Feishu); Slack attaches it as message metadata, so a later attempt
   * can find the message in the channel's history.
   */
  dedupeKey?: string;
  /** An earlier attempt may have been accepted unseen: look before sending again (Slack). */
  outcomeUnknown?: boolean;
  /** When the message was queued: no earlier attempt can be older. */
  since?: Date;
  /**
   * Steps of this message already done by earlier attempts (a file uploaded, a file shared), kept in
   * the outbox row: a sender that makes several calls records each step as it succeeds, so a retry
   * (after a crash, a timeout, a rate limit) repeats none of them.
   */
  progress?: SendProgress;
}

export interface SendProgress {
  /** Step name -> what the step produced (a file id...), as recorded by earlier attempts. */
  done: Readonly<Record<string, string>>;
  /** Records a step as done; resolves once stored (a lost claim is ignored, like its other marks). */
  record(step: string, value: string): Promise<void>;
}
