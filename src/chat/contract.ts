import type { AppContext } from "../context.js";
import type { ChatSender, Platform } from "../delivery/types.js";
import type { Identity } from "../domain/identity.js";
import type { MessageKey } from "../i18n/catalogue.js";
import type { Locale } from "../i18n/locale.js";
import type { MountPart } from "../service-part.js";
import type { MemberRow } from "../store/repos/members.js";

// The one contract every chat platform implements (src/slack/platform.ts, src/feishu/platform.ts):
// receive (mount its listeners), identify (who is asking, once per request), send (the outbox's
// way in), dedupe (a delivery id per repeatable delivery), budget (how long an answer may think
// before the platform's deadline), and classify errors. What is the same logic on every platform
// lives beside this file; a platform folder holds only what talks to its SDK.

/** How a platform call's failure should be treated: wait and retry, retry, or give up. */
export type ChatFailure =
  | { kind: "rate_limited"; retryAfterMs: number; error: string }
  | { kind: "transient"; error: string }
  | { kind: "permanent"; error: string };

/**
 * Who is asking on a chat platform, resolved once per request and passed down: the Identity the
 * core sees, the language to answer in, and the member behind it (null: nobody Tend knows).
 */
export interface ChatUser {
  identity: Identity;
  locale: Locale;
  member: MemberRow | null;
}

/** A platform's errors: which failures are its own, how to treat them, and how to name them. */
export interface PlatformErrors {
  /** Whether a failure came from the platform (its API or the way there), not from Tend itself. */
  isPlatformError(err: unknown): boolean;
  classify(err: unknown): ChatFailure;
  /** The user's words for a refusal the platform names (bot not in the channel...), if any. */
  refusalText(failure: ChatFailure, err: unknown, locale: Locale): string | undefined;
  /** Texts for "rate limited, try in {seconds} s" and "the platform said {error}". */
  texts: { rateLimited: MessageKey; failed: MessageKey };
}

/** The deadlines a platform sets on answers to people. */
export interface ChatTiming {
  /** The platform drops (or retries) a request not answered within this. */
  ackDeadlineMs: number;
  /** How long an answer may think before we answer "later" (well under the deadline). */
  ackBudgetMs: number;
}

/** One chat platform, as the service and the outbox see it. */
export interface ChatPlatform<Client> {
  platform: Platform;
  /** receive: mounts the platform's listeners (an HTTP route or a socket) on the service. */
  mount: MountPart;
  /** identify: the asker behind a platform user id (and workspace or tenant). */
  identify(ctx: AppContext, client: Client, userId: string, tenant: string | undefined): Promise<ChatUser>;
  /** send: the outbox's sender for proactive messages. */
  sender(ctx: AppContext): ChatSender;
  /** dedupe: the prefix of this platform's delivery ids in the store. */
  deliveryPrefix: string;
  /** budget */
  timing: ChatTiming;
  /** classify errors */
  errors: PlatformErrors;
}
