import type * as lark from "@larksuiteoapi/node-sdk";
import { z } from "zod";
import { handleAction, handleForm } from "../../commands/index.js";
import type { Locale } from "../../i18n/locale.js";
import { ACTION_IDS, type ActionOutcome, FORM_IDS, type Tone } from "../../reply/model.js";
import { type FeishuCard, renderFeishuCard, renderFeishuForm } from "../../reply/render-feishu.js";
import { admission } from "../admit.js";
import { type FeishuDeps, failureText, feishuToast, replyCard, sendCard, updateCard, withRetry } from "../deps.js";
import { feishuWho } from "../identity.js";
import { ft } from "../messages.js";
import { CardActionEvent } from "../schemas.js";

// Card buttons and form submissions (card.action.trigger). Feishu waits at most 3 s for the answer,
// which can carry a toast and a replacement card. The core decides within the budget; anything that
// needs another open API call (a new card with the answer, the log form, a share) is sent after the
// answer. Answers: run a command -> the answer as a new card under the clicked one; snooze / done ->
// a toast; log -> the form card; form saved -> the form card becomes a confirmation.

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

export function registerCardActions(dispatcher: lark.EventDispatcher, deps: FeishuDeps) {
  dispatcher.register({
    "card.action.trigger": async (data: unknown): Promise<CallbackAnswer> => {
      // Feishu's 3 s run from delivery: the budget covers everything from here, lookups included.
      const deadline = performance.now() + deps.ackBudgetMs;
      const parsed = CardActionEvent.safeParse(data);
      if (!parsed.success) return {};
      const event = parsed.data;
      const openId = event.operator?.open_id;
      const tenant = event.tenant_key ?? event.operator?.tenant_key;
      const admitted = await admission(deps, { ...event, ...(tenant ? { tenant_key: tenant } : {}) });
      if (admitted === "other_tenant")
        return { toast: feishuToast({ text: ft(deps.ctx.config.locale, "tenant_refused"), tone: "warning" }) };
      if (admitted === "repeat" || !openId) return {};
      // The asker's language once known (a linked member costs one lookup; others a contact API call).
      let locale: Locale = deps.ctx.config.locale;
      const work = (async (): Promise<Decision> => {
        try {
          const who = await feishuWho(deps.ctx, deps.client, openId, tenant);
          locale = who.locale;
          return await decide(deps, event, who.identity, who.locale);
        } catch (err) {
          deps.ctx.log.warn({ err }, "feishu: card action failed");
          return { answer: { toast: feishuToast({ text: failureText(err, locale), tone: "warning" }) } };
        }
      })();
      const ready = await withinBudget(work, deadline - performance.now());
      if (ready) {
        if (ready.after) deps.later("card action", ready.after);
        return ready.answer;
      }
      // Too slow for the 3 s answer: say so, and deliver the outcome into the chat when it is ready.
      deps.later("late card action", async () => {
        const late = await work;
        const where = event.context;
        const messageId = where?.open_message_id;
        if (late.answer.card && messageId) {
          const card = late.answer.card.data;
          await withRetry(deps, () => updateCard(deps.client, messageId, card));
        } else if (late.answer.toast) {
          const tone: Tone = late.answer.toast.type === "success" ? "good" : "warning";
          const card = renderFeishuCard({ summary: late.answer.toast.content, blocks: [], tone });
          const uuid = event.event_id ? `late:${event.event_id}` : undefined;
          await withRetry(deps, () =>
            messageId ? replyCard(deps.client, messageId, card, uuid) : sendCard(deps.client, openId, card, uuid),
          );
        }
        await late.after?.();
      });
      return { toast: feishuToast({ text: ft(locale, "working"), tone: "neutral" }) };
    },
  });
}

async function decide(
  deps: FeishuDeps,
  event: CardActionEvent,
  identity: Parameters<typeof handleAction>[1]["identity"],
  locale: Locale,
): Promise<Decision> {
  const value = event.action?.value;
  const where = event.context ?? {};
  const form = FormValue.safeParse(value);
  if (form.success) {
    const outcome = await handleForm(deps.ctx, {
      identity,
      formId: form.data.form,
      privateValue: form.data.privateValue,
      values: formValues(event.action?.form_value),
    });
    if (outcome.errors) {
      // The form stays as filled in; the toast says what to fix.
      const errors = Object.values(outcome.errors).join("; ");
      return { answer: { toast: feishuToast({ text: ft(locale, "fix_fields", { errors }), tone: "warning" }) } };
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
  if (!button.success) return { answer: { toast: feishuToast({ text: ft(locale, "stale_card"), tone: "warning" }) } };
  const outcome = await handleAction(deps.ctx, { identity, actionId: button.data.action, value: button.data.value });
  return fromOutcome(deps, outcome, where, identity.feishuOpenId as string, locale, event.event_id);
}

function fromOutcome(
  deps: FeishuDeps,
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
    await withRetry(deps, () =>
      messageId
        ? replyCard(deps.client, messageId, card, uuid(kind))
        : sendCard(deps.client, where.open_chat_id ?? openId, card, uuid(kind)),
    );
  };
  if (outcome.form)
    return {
      answer: { toast: feishuToast(outcome.toast ?? { text: ft(locale, "form_sent"), tone: "neutral" }) },
      after: post(renderFeishuForm(outcome.form), "form"),
    };
  if (outcome.share && outcome.reply) {
    const card = renderFeishuCard(outcome.reply);
    return {
      answer: { toast: feishuToast({ text: ft(locale, "shared"), tone: "good" }) },
      after: async () => {
        await withRetry(deps, () => sendCard(deps.client, where.open_chat_id ?? openId, card, uuid("share")));
      },
    };
  }
  if (outcome.reply)
    return {
      answer: { toast: feishuToast(outcome.toast ?? { text: ft(locale, "opened_below"), tone: "neutral" }) },
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

async function withinBudget<T>(work: Promise<T>, budgetMs: number): Promise<T | undefined> {
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
