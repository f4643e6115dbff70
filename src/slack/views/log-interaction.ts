import type { App, webApi } from "@slack/bolt";
import { z } from "zod";
import type { ChatUser } from "../../chat/contract.js";
import { failureText } from "../../chat/failure.js";
import { handleForm } from "../../conversation/index.js";
import { tPlain } from "../../i18n/catalogue.js";
import type { Form, FormOutcome } from "../../reply/model.js";
import { BLOCK_KIT_LIMITS, renderSlackModal, slackModalValues } from "../../reply/render-slack.js";
import { firstDelivery } from "../dedupe.js";
import { slackErrors } from "../errors.js";
import { publishHome } from "../events/app-home.js";
import { identifySlackUser } from "../identity.js";
import { budgetLeft, type SlackServices, tellPrivately, toastText } from "../services.js";

// The log-a-visit/call modal: opened from a button (views.open), submitted here. Field errors go back
// in the ack (response_action "errors") so the modal stays open with the message under the field;
// a saved interaction closes it and the user gets the core's confirmation where they clicked.

/**
 * What we carry in private_metadata: the core's opaque value and where the button was (channel,
 * and the card's response_url, which reaches the user even in a channel Tend was not invited to).
 */
const Meta = z.object({ p: z.string(), c: z.string().optional(), r: z.url({ protocol: /^https?$/ }).optional() });

export async function openForm(
  client: webApi.WebClient,
  triggerId: string,
  form: Form,
  where: { channel?: string | undefined; responseUrl?: string | undefined },
): Promise<void> {
  const view = renderSlackModal(form);
  const meta = JSON.stringify({
    p: form.privateValue,
    ...(where.channel ? { c: where.channel } : {}),
    ...(where.responseUrl ? { r: where.responseUrl } : {}),
  });
  // The core's value is tiny (an account id); drop where-it-came-from before ever truncating it.
  view.private_metadata =
    meta.length <= BLOCK_KIT_LIMITS.privateMetadata ? meta : JSON.stringify({ p: form.privateValue });
  await client.views.open({ trigger_id: triggerId, view: view as never });
}

/** Posts a private note through a response_url; false when that did not work. */
async function viaResponseUrl(url: string, text: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ response_type: "ephemeral", replace_original: false, text }),
      signal: AbortSignal.timeout(5_000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/** A submission Slack repeated: acknowledged, nothing else. */
const REPEAT = "repeat" as const;

export function registerLogInteractionView(app: App, services: SlackServices) {
  app.view("tend.log_interaction", async ({ ack, body, view, client, context }) => {
    const user = body.user.id;
    const meta = Meta.safeParse(safeJson(view.private_metadata));
    if (!meta.success) {
      await ack({
        response_action: "errors",
        errors: { [view.blocks[0]?.block_id ?? "date"]: tPlain(services.ctx.config.locale, "slack.stale_form") },
      });
      return;
    }
    const channel = meta.data.c;
    const teamId = body.team?.id ?? body.user.team_id;
    let locale = services.ctx.config.locale;
    let asker: ChatUser | undefined;
    const work = (async (): Promise<FormOutcome | typeof REPEAT> => {
      try {
        if (!(await firstDelivery(context))) return REPEAT;
        const who = await identifySlackUser(services.ctx, client, user, teamId);
        asker = who;
        locale = who.locale;
        return await handleForm(services.ctx, {
          identity: who.identity,
          member: who.member,
          formId: "tend.log_interaction",
          privateValue: meta.data.p,
          values: slackModalValues(view.state.values as never),
        });
      } catch (err) {
        return {
          toast: {
            text: failureText(slackErrors, err, locale, services.ctx.log, "slack: modal submission"),
            tone: "warning",
          },
        };
      }
    })();
    const ready = await services.gate.race(work, budgetLeft(services, context));
    if (ready && ready !== REPEAT && ready.errors) {
      await ack({ response_action: "errors", errors: ready.errors });
      return;
    }
    await ack();
    const outcome = ready ?? (await work);
    if (outcome === REPEAT) return;
    const tell = async (text: string) => {
      if (meta.data.r && (await viaResponseUrl(meta.data.r, text))) return;
      if (channel) await tellPrivately(services, client, { user, channel }, text);
      else await publishHome(services, client, asker ?? { userId: user, teamId: body.team?.id }, text);
    };
    if (outcome.errors) {
      // Too slow to keep the modal open: say what was wrong instead (nothing was saved).
      await tell(`⚠️ ${Object.values(outcome.errors).join("\n")}`);
      return;
    }
    if (outcome.toast) await tell(toastText(outcome.toast));
  });
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
