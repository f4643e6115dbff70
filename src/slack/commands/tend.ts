import type { App } from "@slack/bolt";
import { handleCommand, withinReach } from "../../commands/index.js";
import { parseCommand } from "../../commands/parse.js";
import { t } from "../../i18n/catalogue.js";
import type { Locale } from "../../i18n/locale.js";
import type { Reply } from "../../reply/model.js";
import { firstDelivery } from "../dedupe.js";
import { budgetLeft, failureText, privateMessage, type SlackDeps } from "../deps.js";
import { resolveMentions, slackWho, unescapeSlackText } from "../identity.js";
import { queueReplyFiles } from "../reply-files.js";

// /tend <text>: the conversation core's answer, privately. Answered inside the ack when ready within
// the budget (one round trip, nothing to rate-limit); otherwise acked empty at once and answered
// through response_url, which needs no Web API call either.

/** Answers about many accounts (lists, metrics) get a "share to channel" button here. */
const SHAREABLE = new Set(["renewals", "risk", "metrics"]);

export function withShareButton(reply: Reply, text: string, locale: Locale): Reply {
  if (reply.error) return reply;
  const parsed = parseCommand(text);
  if (!parsed.ok || !SHAREABLE.has(parsed.command.kind)) return reply;
  if (reply.blocks.some((b) => b.type === "buttons" && b.buttons.some((x) => x.actionId === "tend.share")))
    return reply;
  return {
    ...reply,
    blocks: [
      ...reply.blocks,
      { type: "buttons", buttons: [{ text: t(locale, "button.share"), actionId: "tend.share", value: text.trim() }] },
    ],
  };
}

/** A delivery Slack repeated: acknowledged, nothing else. */
const REPEAT = "repeat" as const;

export function registerTendCommand(app: App, deps: SlackDeps) {
  // Any command starting /tend (a workspace may install it as /tend-staging).
  app.command(/^\/tend/, async ({ command, ack, respond, client, context }) => {
    const work = (async () => {
      let locale = deps.ctx.config.locale;
      try {
        if (!(await firstDelivery(context))) return REPEAT;
        // Bounded like the core's own work: a store that stopped answering gets a plain answer.
        const who = await withinReach(deps.ctx, slackWho(deps.ctx, client, command.user_id, command.team_id));
        locale = who.locale;
        const text = await resolveMentions(deps.ctx, client, unescapeSlackText(command.text ?? ""));
        const answer = await handleCommand(deps.ctx, { identity: who.identity, text });
        const reply = await queueReplyFiles(
          deps,
          { user: command.user_id, locale: who.locale },
          command.trigger_id,
          answer,
        );
        return privateMessage(withShareButton(reply, text, who.locale), who.locale);
      } catch (err) {
        return {
          response_type: "ephemeral" as const,
          text: failureText(err, locale, deps.ctx.log, "slack: /tend"),
          blocks: [],
        };
      }
    })();
    const ready = await deps.gate.race(work, budgetLeft(deps, context));
    if (ready === REPEAT) {
      await ack();
      return;
    }
    if (ready) {
      await ack(ready);
      return;
    }
    await ack();
    const late = await work;
    if (late === REPEAT) return;
    try {
      await respond({ ...late, response_type: "ephemeral" });
    } catch (err) {
      deps.ctx.log.error({ err }, "slack: response_url post failed; the answer to /tend was lost");
    }
  });
}
