import { webApi } from "@slack/bolt";
import { apologise } from "../commands/apology.js";
import type { AppContext } from "../context.js";
import { tPlain } from "../i18n/catalogue.js";
import type { Locale } from "../i18n/locale.js";
import type { Logger } from "../log.js";
import type { Reply, Tone } from "../reply/model.js";
import { fallbackText, renderSlack, type SlackMessage } from "../reply/render-slack.js";
import type { Deduper } from "./dedupe.js";
import { classifySlackError } from "./errors.js";
import { SlackBusyError } from "./identity.js";

// What every Slack listener receives (handlers take their deps as arguments, no globals).

export const SLACK_TIMING = {
  /** Slack drops a request not acknowledged within 3 s; we answer in the ack only if ready by then. */
  ackDeadlineMs: 3_000,
  /**
   * How long a command or modal submission may think before we ack and answer later. Well under 3 s:
   * Slack's clock includes the network, and timers fire late when the embedded store is busy.
   */
  ackBudgetMs: 2_000,
  /** More answers than this being worked on at once: new and waiting ones ack now, answer later. */
  maxBusyAnswers: 8,
} as const;

export interface SlackDeps {
  ctx: AppContext;
  dedupe: Deduper;
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
      return withinBudget(work, 0);
    }
    let release: () => void = () => {};
    const early = new Promise<undefined>((r) => {
      release = () => r(undefined);
    });
    this.waiting.add(release);
    try {
      return await Promise.race([withinBudget(work, budgetMs), early]);
    } finally {
      this.waiting.delete(release);
    }
  }
}

/** What is left of the ack budget for a delivery that reached us at `arrivedAt` (performance.now()). */
export function budgetLeft(deps: SlackDeps, context: Record<string, unknown>): number {
  const at = context.tendArrivedAt;
  // A long write holds the embedded store: no answer can be ready in time, so ack now, answer later.
  if (deps.ackBudgetMs <= 0 || (deps.ctx.db.kind === "pglite" && deps.ctx.db.busy())) return 0;
  return typeof at === "number" ? Math.max(0, deps.ackBudgetMs - (performance.now() - at)) : deps.ackBudgetMs;
}

/**
 * Races `work` against the ack budget: its value when ready in time, else undefined (the work keeps
 * running). A budget of 0 always answers "later" since real work needs at least one I/O round.
 */
export async function withinBudget<T>(work: Promise<T>, budgetMs: number): Promise<T | undefined> {
  if (budgetMs <= 0) return Promise.race([work, Promise.resolve(undefined)]);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((r) => {
    timer = setTimeout(() => r(undefined), budgetMs);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
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

const SLACK_ERROR_CODES = new Set<unknown>(Object.values(webApi.ErrorCode));

/**
 * A short text for a failure on an interactive path (what the user is told); the failure is logged
 * here too. Slack's own refusals are named; anything else is an apology with an error id.
 */
export function failureText(
  err: unknown,
  locale: Locale,
  log: Logger,
  what: string,
  fields: Record<string, unknown> = {},
): string {
  if (err instanceof SlackBusyError)
    return tPlain(locale, "slack.rate_limited", { seconds: Math.ceil(err.retryAfterMs / 1000) });
  if (!SLACK_ERROR_CODES.has((err as { code?: unknown } | null)?.code))
    return apologise(log, err, locale, what, fields).text;
  log.warn({ err, what, ...fields }, `${what} failed`);
  const f = classifySlackError(err);
  if (f.kind === "rate_limited")
    return tPlain(locale, "slack.rate_limited", { seconds: Math.ceil(f.retryAfterMs / 1000) });
  if (f.error === "not_in_channel" || f.error === "channel_not_found") return tPlain(locale, "slack.not_in_channel");
  if (f.error === "expired_trigger_id") return tPlain(locale, "slack.too_slow");
  return tPlain(locale, "slack.slack_failed", { error: f.error });
}

/** Tells a user something privately where they are: in the channel if we can, else in our DM. */
export async function tellPrivately(
  deps: SlackDeps,
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
    deps.ctx.log.debug({ err }, "slack: ephemeral failed, falling back to a direct message");
  }
  try {
    await client.chat.postMessage({ channel: where.user, text });
  } catch (err) {
    deps.ctx.log.warn({ err, user: where.user }, "slack: could not tell the user");
  }
}
