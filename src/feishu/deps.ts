import { createHash } from "node:crypto";
import type * as lark from "@larksuiteoapi/node-sdk";
import { apologise } from "../commands/apology.js";
import type { AppContext } from "../context.js";
import { tPlain } from "../i18n/catalogue.js";
import type { Locale } from "../i18n/locale.js";
import type { Logger } from "../log.js";
import type { Tone } from "../reply/model.js";
import type { FeishuCard } from "../reply/render-feishu.js";
import { plain } from "../text/user-data.js";
import type { FeishuConfig } from "./client.js";
import type { FeishuDeduper } from "./dedupe.js";
import { classifyFeishuError, FeishuApiError, feishuCode, isFeishuError } from "./errors.js";

// What every Feishu listener receives (handlers take their deps as arguments, no globals), and the
// few open API calls they make.

export const FEISHU_TIMING = {
  /** Feishu drops (and later retries) an event or card callback not answered within 3 s. */
  ackDeadlineMs: 3_000,
  /**
   * How long a card action may think before we answer "working on it" and finish in the chat. Well
   * under 3 s: timers fire late when the process is busy, and Feishu's clock includes the network.
   */
  ackBudgetMs: 2_000,
  /** With this many card actions already being worked on, new ones are answered "working" at once. */
  busyActions: 8,
  /**
   * How long a message or menu event waits for its dedupe claim before Feishu is answered (the claim
   * then finishes after the answer). Short: in a burst the store queues claims.
   */
  claimBudgetMs: 1_000,
  /** How many clickers' languages are remembered for answers given before their lookup is done. */
  localeMemory: 10_000,
} as const;

/** Answers to people are retried a few times on rate limits and transient failures (same uuid). */
export const FEISHU_RETRY = {
  attempts: 3,
  firstDelayMs: 500,
  /** Longer waits than this are not worth it for an interactive answer. */
  maxWaitMs: 10_000,
} as const;

export const FEISHU_MESSAGE = {
  /** Feishu drops a repeated create/reply with the same uuid within an hour; at most 50 chars. */
  uuidMax: 50,
} as const;

export interface FeishuDeps {
  /** The service context with `config.locale` set to the Feishu default (FEISHU_LOCALE). */
  ctx: AppContext;
  cfg: FeishuConfig;
  client: lark.Client;
  dedupe: FeishuDeduper;
  /** See FEISHU_TIMING.ackBudgetMs; tests set 0 to take the "answer later" path deterministically. */
  ackBudgetMs: number;
  /** Runs work after the answer has gone (tracked so shutdown and tests can wait for it). */
  later(what: string, work: () => Promise<void>): void;
  /** Waits between retries (injectable so tests do not sleep). */
  sleep(ms: number): Promise<void>;
  /** Resolves when one more message to `chat` keeps within Feishu's limits (5/s per chat, 50/s per app). */
  pace(chat: string): Promise<void>;
  /** The bot's own open_id (to tell an @mention of the bot from one of someone else). */
  botOpenId(): Promise<string | undefined>;
}

/** A uuid Feishu accepts (<= 50 chars), stable for the same key. */
export function messageUuid(key: string): string {
  return key.length <= FEISHU_MESSAGE.uuidMax ? key : createHash("sha256").update(key).digest("hex").slice(0, 32);
}

/** Which kind of id a recipient is: open_id (ou_), chat_id (oc_), union_id (on_), email, or user_id. */
export function receiveIdType(recipient: string): "open_id" | "chat_id" | "union_id" | "email" | "user_id" {
  if (recipient.startsWith("ou_")) return "open_id";
  if (recipient.startsWith("oc_")) return "chat_id";
  if (recipient.startsWith("on_")) return "union_id";
  if (recipient.includes("@")) return "email";
  return "user_id";
}

function check(r: { code?: number | undefined; msg?: string | undefined } | undefined | null): void {
  if (r && typeof r.code === "number" && r.code !== 0) throw new FeishuApiError(r.code, r.msg ?? "");
}

/**
 * Runs an open API call, again after a rate limit (waiting Feishu's reset time) or a transient
 * failure; permanent failures are thrown at once. Safe for sends because they carry a uuid. With
 * `chat` (where a message goes), each attempt first waits its turn under Feishu's send limits.
 */
export async function withRetry<T>(
  deps: Pick<FeishuDeps, "sleep" | "pace">,
  fn: () => Promise<T>,
  chat?: string,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      if (chat !== undefined) await deps.pace(chat);
      return await fn();
    } catch (err) {
      const f = classifyFeishuError(err);
      const wait = f.kind === "rate_limited" ? f.retryAfterMs : FEISHU_RETRY.firstDelayMs * 2 ** (attempt - 1);
      if (f.kind === "permanent" || attempt >= FEISHU_RETRY.attempts || wait > FEISHU_RETRY.maxWaitMs) throw err;
      await deps.sleep(wait);
    }
  }
}

/** Sends a card to a user or chat; returns the message id. */
export async function sendCard(client: lark.Client, recipient: string, card: FeishuCard, uuid?: string) {
  const r = await client.im.message.create({
    params: { receive_id_type: receiveIdType(recipient) },
    data: {
      receive_id: recipient,
      msg_type: "interactive",
      content: JSON.stringify(card),
      ...(uuid ? { uuid: messageUuid(uuid) } : {}),
    },
  });
  check(r);
  return r.data?.message_id;
}

/** Answers a message (threaded under it in groups, inline in a 1:1 chat). */
export async function replyCard(client: lark.Client, messageId: string, card: FeishuCard, uuid?: string) {
  const r = await client.im.message.reply({
    path: { message_id: messageId },
    data: { msg_type: "interactive", content: JSON.stringify(card), ...(uuid ? { uuid: messageUuid(uuid) } : {}) },
  });
  check(r);
  return r.data?.message_id;
}

/** Replaces a card we sent (its config has update_multi, so everyone sees the new one). */
export async function updateCard(client: lark.Client, messageId: string, card: FeishuCard) {
  const r = await client.im.message.patch({ path: { message_id: messageId }, data: { content: JSON.stringify(card) } });
  check(r);
}

const TOAST_TYPE: Record<Tone, "success" | "warning" | "error" | "info"> = {
  good: "success",
  warning: "warning",
  danger: "error",
  neutral: "info",
};

/** The `toast` of a card callback answer. */
export function feishuToast(toast: { text: string; tone?: Tone }) {
  return { type: TOAST_TYPE[toast.tone ?? "neutral"], content: plain(toast.text) };
}

/** Feishu's "the bot is not in this chat / may not post here" codes: the fix is adding the bot. */
const NOT_IN_CHAT = new Set([230002, 230017]);

/**
 * A short text for a failure on an interactive path (what the user is told); the failure is logged
 * here too. Feishu's own refusals are named; anything else is an apology with an error id.
 */
export function failureText(
  err: unknown,
  locale: Locale,
  log: Logger,
  what: string,
  fields: Record<string, unknown> = {},
): string {
  if (!isFeishuError(err)) return apologise(log, err, locale, what, fields).text;
  log.warn({ err, what, ...fields }, `${what} failed`);
  if (NOT_IN_CHAT.has(feishuCode(err) ?? 0)) return tPlain(locale, "feishu.not_in_chat");
  const f = classifyFeishuError(err);
  if (f.kind === "rate_limited")
    return tPlain(locale, "feishu.rate_limited", { seconds: Math.ceil(f.retryAfterMs / 1000) });
  return tPlain(locale, "feishu.feishu_failed", { error: f.error });
}

/**
 * Races `work` against the budget; the work keeps running when it loses (and its failure is then
 * left to whoever awaits `work`, never an unhandled rejection here). A failure within the budget is
 * thrown.
 */
export async function withinBudget<T>(
  work: Promise<T>,
  budgetMs: number,
): Promise<{ done: true; value: T } | { done: false }> {
  const won = work.then((value) => ({ done: true as const, value }));
  won.catch(() => {});
  if (budgetMs <= 0) return Promise.race([won, Promise.resolve({ done: false as const })]);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ done: false }>((r) => {
    timer = setTimeout(() => r({ done: false }), budgetMs);
  });
  try {
    return await Promise.race([won, late]);
  } finally {
    clearTimeout(timer);
  }
}
