import type { App } from "@slack/bolt";
import { failureText } from "../../chat/failure.js";
import { handleCommand, withinReach } from "../../conversation/index.js";
import { firstDelivery } from "../dedupe.js";
import { slackErrors } from "../errors.js";
import { identifySlackUser, resolveMentions, unescapeSlackText } from "../identity.js";
import { queueReplyFiles } from "../reply-files.js";
import { budgetLeft, privateMessage, type SlackServices } from "../services.js";

// /tend <text>: the conversation core's answer, privately. Answered inside the ack when ready within
// the budget (one round trip, nothing to rate-limit); otherwise acked empty at once and answered
// through response_url, which needs no Web API call either.

/** A delivery Slack repeated: acknowledged, nothing else. */
const REPEAT = "repeat" as const;

export function registerTendCommand(app: App, services: SlackServices) {
  const { ctx } = services;
  // Any command starting /tend (a workspace may install it as /tend-staging).
  app.command(/^\/tend/, async ({ command, ack, respond, client, context }) => {
    const work = (async () => {
      let locale = ctx.config.locale;
      try {
        if (!(await firstDelivery(context))) return REPEAT;
        // Bounded like the core's own work: a store that stopped answering gets a plain answer.
        const who = await withinReach(ctx, identifySlackUser(ctx, client, command.user_id, command.team_id));
        locale = who.locale;
        const text = await resolveMentions(ctx, client, unescapeSlackText(command.text ?? ""));
        // The member found here is the core's asker: one lookup and one parse per command.
        const reply = await handleCommand(ctx, { identity: who.identity, member: who.member, text, offerShare: true });
        // Files and pictures go to the asker's DM with Tend through the outbox (the ack carries none).
        const withNote = await queueReplyFiles(
          services,
          { user: command.user_id, locale: who.locale },
          command.trigger_id,
          reply,
        );
        return privateMessage(withNote, who.locale);
      } catch (err) {
        return {
          response_type: "ephemeral" as const,
          text: failureText(slackErrors, err, locale, ctx.log, "slack: /tend"),
          blocks: [],
        };
      }
    })();
    const ready = await services.gate.race(work, budgetLeft(services, context));
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
      ctx.log.error({ err }, "slack: response_url post failed; the answer to /tend was lost");
    }
  });
}
