import type * as lark from "@larksuiteoapi/node-sdk";
import type { ChatTiming } from "../chat/contract.js";
import type { DeliveryClaims } from "../chat/dedupe.js";
import type { AppContext } from "../context.js";
import type { Tone } from "../reply/model.js";
import { plain } from "../text/user-data.js";
import type { FeishuConfig } from "./client.js";

// What every Feishu listener receives (passed as an argument, no globals), and what they share.

export const FEISHU_TIMING: ChatTiming & {
  busyActions: number;
  claimBudgetMs: number;
  localeMemory: number;
} = {
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
};

export interface FeishuServices {
  /** The service context with `config.locale` set to the Feishu default (FEISHU_LOCALE). */
  ctx: AppContext;
  cfg: FeishuConfig;
  client: lark.Client;
  dedupe: DeliveryClaims;
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
