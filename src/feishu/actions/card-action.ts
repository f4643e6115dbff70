import type * as lark from "@larksuiteoapi/node-sdk";
import { z } from "zod";
import { withinBudget } from "../../chat/budget.js";
import type { ChatUser } from "../../chat/contract.js";
import { failureText } from "../../chat/failure.js";
import { handleAction, handleForm } from "../../conversation/index.js";
import { tPlain } from "../../i18n/catalogue.js";
import type { Locale } from "../../i18n/locale.js";
import { ACTION_IDS, type ActionOutcome, FORM_IDS, type Tone } from "../../reply/model.js";
import { type FeishuCard, renderFeishuCard, renderFeishuForm } from "../../reply/render-feishu.js";
import { feishuErrors } from "../errors.js";
import { identifyFeishuUser } from "../identity.js";
import { firstDelivery, otherTenant } from "../incoming.js";
import { replyCard, sendCard, updateCard, withRetry } from "../messages.js";
import { CardActionEvent } from "../schemas.js";
import { FEISHU_TIMING, type FeishuServices, feishuToast } from "../services.js";

// Card buttons and form submissions (card.action.trigger). Feishu waits at most 3 s for the answer,
// which can carry a toast and a replacement card. The core decides within the budget (else the answer
// is "working on it" and the outcome follows in the chat); anything that
// needs another open API call (a new card with the answer, the log form, a share) is sent after the
// answer. Answers: run a command -> the answer as a new card under the clicked one; snooze / done ->
// a toast; log -> the form card; form saved -> the form card becomes a confirmation; share -> the
// answer posted into the chat, then the toast.

export interface CallbackAnswer {
  toast?: { type: "success" | "warning" | "error" | "info"; content: string };
  card?: { type: "raw"; data: FeishuCard };
}

const ButtonValue = z.object({ action: z.enum(ACTION_IDS), value: z.string().max(2000) });
const FormValue = z.object({ form: z.enum(FORM_IDS), privateValue: z.string().max(2000) });

interface Decision {
  answer: CallbackAnswer;
  /** Open API calls made after the answer has gone. */
  after?: () => Promise<void>;
}

export function registerCardActions(dispatcher: lark.EventDispatcher, services: FeishuServices) {
  // At most busyActions clicks are worked on at once; in a burst the rest wait their turn here
  // rather than crowd the store and the event loop, so every answer still goes out in time.
  const gate = new Gate(FEISHU_TIMING.busyActions);
  // The language each clicker was last answered in, for answers given before the lookup is done
  // ("working on it" in a burst). Bounded: the oldest entries go first.
  const lastLocale = new Map<string, Locale>();
  const remember = (openId: string, locale: Locale) => {
    lastLocale.delete(openId);
    lastLocale.set(openId, locale);
    if (lastLocale.size > FEISHU_TIMING.localeMemory) lastLocale.delete(lastLocale.keys().next().value as string);
  };
  dispatcher.register({
    "card.action.trigger": async (data: unknown): Promise<CallbackAnswer> => {
      // Feishu's 3 s run from delivery: the budget covers everything from here (the dedupe claim and
      // the user lookup included). In a burst, answer at once rather than queue behind the store.
      const budget = gate.full() ? 0 : services.ackBudgetMs;
      const deadline = performance.now() + budget;
      const parsed = CardActionEvent.safeParse(data);
      if (!parsed.success) return {};
      const event = parsed.data;
      const openId = event.operator?.open_id;
      const tenant = event.tenant_key ?? event.operator?.tenant_key;
      if (otherTenant(services, { ...event, tenant_key: tenant }))
        return {
          toast: feishuToast({ text: tPlain(services.ctx.config.locale, "feishu.tenant_refused"), tone: "warning" }),
        };
      if (!openId) return {};
      // The asker's language once known (a linked member costs one lookup; others a contact API call).
      let locale: Locale = lastLocale.get(openId) ?? services.ctx.config.locale;
      // Never rejects: a failure (the dedupe claim's included) becomes a toast, and clicking again is a
      // new event id, so nothing is lost.
      const work = gate.run(async (): Promise<Decision | "repeat"> => {
        try {
          if (!(await firstDelivery(services, event))) return "repeat";
          const who = await identifyFeishuUser(services.ctx, services.client, openId, tenant);
          locale = who.locale;
          remember(openId, locale);
          return await decide(services, event, who);
        } catch (err) {
          const text = failureText(feishuErrors, err, locale, services.ctx.log, "feishu: card action");
          return { answer: { toast: feishuToast({ text, tone: "warning" }) } };
        }
      });
      const ready = await withinBudget(work, deadline - performance.now());
      if (ready.done) {
        if (ready.value === "repeat") return {};
        if (ready.value.after) services.later("card action", ready.value.after);
        return ready.value.answer;
      }
      // Too slow for the 3 s answer: say so, and deliver the outcome into the chat when it is ready.
      services.later("late card action", async () => {
        const late = await work;
        if (late === "repeat") return;
        const where = event.context;
        const messageId = where?.open_message_id;
        if (late.answer.card && messageId) {
          const card = late.answer.card.data;
          await withRetry(services, () => updateCard(services.client, messageId, card));
        } else if (late.answer.toast) {
          const tone: Tone = late.answer.toast.type === "success" ? "good" : "warning";
          const card = renderFeishuCard({ summary: late.answer.toast.content, blocks: [], tone });
          const uuid = event.event_id ? `late:${event.event_id}` : undefined;
          await withRetry(
            services,
            () =>
              messageId
                ? replyCard(services.client, messageId, card, uuid)
                : sendCard(services.client, openId, card, uuid),
            where?.open_chat_id ?? openId,
          );
        }
        await late.after?.();
      });
      return { toast: feishuToast({ text: tPlain(locale, "feishu.working"), tone: "neutral" }) };
    },
  });
}

async function decide(services: FeishuServices, event: CardActionEvent, who: ChatUser): Promise<Decision> {
  const { identity, member, locale } = who;
  const value = event.action?.value;
  const where = event.context ?? {};
  const form = FormValue.safeParse(value);
  if (form.success) {
    const outcome = await handleForm(services.ctx, {
      identity,
      member,
      formId: form.data.form,
      privateValue: form.data.privateValue,
      values: formValues(event.action?.form_value),
    });
    if (outcome.errors) {
      // The form stays as filled in; the toast says what to fix.
      const errors = Object.values(outcome.errors).join("; ");
      return {
        answer: { toast: feishuToast({ text: tPlain(locale, "feishu.fix_fields", { errors }), tone: "warning" }) },
      };
    }
    const toast = outcome.toast ?? (outcome.reply ? { text: outcome.reply.summary, tone: "good" as Tone } : undefined);
    if (!toast) return { answer: {} };
    const answer: CallbackAnswer = { toast: feishuToast(toast) };
    if (toast.tone === "good") {
      // Saved: the form card turns into its confirmation, so it cannot be submitted twice.
      answer.card = {
        type: "raw",
        data: outcome.reply
          ? renderFeishuCard(outcome.reply)
          : renderFeishuCard({
              summary: toast.text,
              blocks: [{ type: "text", text: `✅ ${toast.text}` }],
              tone: "good",
            }),
      };
    }
    return { answer };
  }
  const button = ButtonValue.safeParse(value);
  if (!button.success)
    return { answer: { toast: feishuToast({ text: tPlain(locale, "feishu.stale_card"), tone: "warning" }) } };
  const outcome = await handleAction(services.ctx, {
    identity,
    member,
    actionId: button.data.action,
    value: button.data.value,
  });
  if (outcome.share && outcome.reply) {
    // Posted before the toast is decided, so "shared" is only said once it is true.
    const card = renderFeishuCard(outcome.reply);
    const to = where.open_chat_id ?? (identity.feishuOpenId as string);
    const uuid = event.event_id ? `share:${event.event_id}` : undefined;
    try {
      await withRetry(services, () => sendCard(services.client, to, card, uuid), to);
      return { answer: { toast: feishuToast({ text: tPlain(locale, "feishu.shared"), tone: "good" }) } };
    } catch (err) {
      const text = failureText(feishuErrors, err, locale, services.ctx.log, "feishu: share", { chat: to });
      return { answer: { toast: feishuToast({ text, tone: "warning" }) } };
    }
  }
  return fromOutcome(services, outcome, where, identity.feishuOpenId as string, locale, event.event_id);
}

function fromOutcome(
  services: FeishuServices,
  outcome: ActionOutcome,
  where: { open_message_id?: string; open_chat_id?: string },
  openId: string,
  locale: Locale,
  eventId: string | undefined,
): Decision {
  const uuid = (kind: string) => (eventId ? `${kind}:${eventId}` : undefined);
  // A new card under the clicked one (or in the chat, or to the user when neither is known).
  const post = (card: FeishuCard, kind: string) => async () => {
    const messageId = where.open_message_id;
    const chat = where.open_chat_id ?? openId;
    await withRetry(
      services,
      () =>
        messageId
          ? replyCard(services.client, messageId, card, uuid(kind))
          : sendCard(services.client, chat, card, uuid(kind)),
      chat,
    );
  };
  if (outcome.form)
    return {
      answer: { toast: feishuToast(outcome.toast ?? { text: tPlain(locale, "feishu.form_sent"), tone: "neutral" }) },
      after: post(renderFeishuForm(outcome.form), "form"),
    };
  if (outcome.reply)
    return {
      answer: { toast: feishuToast(outcome.toast ?? { text: tPlain(locale, "feishu.opened_below"), tone: "neutral" }) },
      after: post(renderFeishuCard(outcome.reply), "answer"),
    };
  return { answer: outcome.toast ? { toast: feishuToast(outcome.toast) } : {} };
}

/** Form values as strings; a date picker's "2026-11-20 +0800" becomes the day. */
export function formValues(raw: Record<string, unknown> | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(raw ?? {})) {
    const s = Array.isArray(v) ? v.map(String).join(",") : v === null || v === undefined ? undefined : String(v);
    const day = s?.match(/^(\d{4}-\d{2}-\d{2})(?:[ T].*)?$/);
    out[k] = day ? day[1] : s;
  }
  return out;
}

/** Runs at most `size` tasks at once; the others wait in arrival order. */
class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}

  /** True when a new task would have to wait. */
  full(): boolean {
    return this.running + this.waiting.length >= this.size;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.size) this.running++;
    else await new Promise<void>((r) => this.waiting.push(r));
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, if any.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
