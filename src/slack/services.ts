import type { webApi } from "@slack/bolt";
import { type Budgeted, withinBudget } from "../chat/budget.js";
import type { ChatTiming } from "../chat/contract.js";
import type { DeliveryClaims } from "../chat/dedupe.js";
import type { AppContext } from "../context.js";
import type { Locale } from "../i18n/locale.js";
import type { Reply, Tone } from "../reply/model.js";
import { fallbackText, renderSlack, type SlackMessage } from "../reply/render-slack.js";

// What every Slack listener receives (passed as an argument, no globals), and what they share.

export const SLACK_TIMING: ChatTiming & { maxBusyAnswers: number } = {
  /** Slack drops a request not acknowledged within 3 s; we answer in the ack only if ready by then. */
  ackDeadlineMs: 3_000,
  /**
   * How long a command or modal submission may think before we ack and answer later. Well under 3 s:
   * Slack's clock includes the network, and timers fire late when the embedded store is busy.
   */
  ackBudgetMs: 2_000,
  /** More answers than this being worked on at once: new and waiting ones ack now, answer later. */
  maxBusyAnswers: 8,
};

export interface SlackServices {
  ctx: AppContext;
  dedupe: DeliveryClaims;
  /** See SLACK_TIMING.ackBudgetMs; tests set 0 to take the "answer later" path deterministically. */
  ackBudgetMs: number;
  gate: AckGate;
}

/**
 * Races answers against their ack budget. Under a burst (more than `maxBusy` answers being worked
 * on at once) everyone acks at once and answers through response_url: waiting would only push every
 * ack towards Slack's 3 s while the store works through the queue.
 */
export class AckGate {
  private readonly waiting = new Set<() => void>();
  private busy = 0;
  constructor(private readonly maxBusy: number = SLACK_TIMING.maxBusyAnswers) {}

  /** `work`'s value when ready within `budgetMs`, else undefined (the work keeps running). */
  async race<T>(work: Promise<T>, budgetMs: number): Promise<T | undefined> {
    this.busy++;
    work.then(
      () => this.busy--,
      () => this.busy--,
    );
    if (budgetMs <= 0 || this.busy > this.maxBusy) {
      for (const release of this.waiting) release();
      return answerIfReady(withinBudget(work, 0));
    }
    let release: () => void = () => {};
    const early = new Promise<undefined>((r) => {
      release = () => r(undefined);
    });
    this.waiting.add(release);
    try {
      return await Promise.race([answerIfReady(withinBudget(work, budgetMs)), early]);
    } finally {
      this.waiting.delete(release);
    }
  }
}

/** What is left of the ack budget for a delivery that reached us at `arrivedAt` (performance.now()). */
export function budgetLeft(services: SlackServices, context: Record<string, unknown>): number {
  const at = context.tendArrivedAt;
  // A long write holds the embedded store: no answer can be ready in time, so ack now, answer later.
  if (services.ackBudgetMs <= 0 || (services.ctx.db.kind === "pglite" && services.ctx.db.busy())) return 0;
  return typeof at === "number" ? Math.max(0, services.ackBudgetMs - (performance.now() - at)) : services.ackBudgetMs;
}

/** The answer when it was ready in time, else undefined (Slack then gets an empty ack). */
async function answerIfReady<T>(raced: Promise<Budgeted<T>>): Promise<T | undefined> {
  const r = await raced;
  return r.done ? r.value : undefined;
}

const TONE_MARK: Record<Tone, string> = { good: "✅", warning: "⚠️", danger: "❗", neutral: "" };

export function toastText(toast: { text: string; tone?: Tone }): string {
  const mark = TONE_MARK[toast.tone ?? "neutral"];
  // Posted as a message's mrkdwn text: escaped like any reply text (a name in it stays literal).
  const text = fallbackText(toast.text);
  return mark ? `${mark} ${text}` : text;
}

/** A reply as the user's private message (chat surfaces default to ephemeral). */
export function privateMessage(reply: Reply, locale: Locale): SlackMessage {
  return renderSlack({ ...reply, visibility: reply.visibility ?? "ephemeral" }, locale);
}

/** Tells a user something privately where they are: in the channel if we can, else in our DM. */
export async function tellPrivately(
  services: SlackServices,
  client: webApi.WebClient,
  where: { user: string; channel?: string | undefined },
  text: string,
): Promise<void> {
  try {
    if (where.channel) {
      await client.chat.postEphemeral({ channel: where.channel, user: where.user, text });
      return;
    }
  } catch (err) {
    services.ctx.log.debug({ err }, "slack: ephemeral failed, falling back to a direct message");
  }
  try {
    await client.chat.postMessage({ channel: where.user, text });
  } catch (err) {
    services.ctx.log.warn({ err, user: where.user }, "slack: could not tell the user");
  }
}
