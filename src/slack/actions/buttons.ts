import type { App, BlockAction, ButtonAction, webApi } from "@slack/bolt";
import type { ChatUser } from "../../chat/contract.js";
import { failureText } from "../../chat/failure.js";
import { handleAction } from "../../conversation/index.js";
import { tPlain } from "../../i18n/catalogue.js";
import type { Locale } from "../../i18n/locale.js";
import type { Reply, Tone } from "../../reply/model.js";
import {
  parseSlackActionId,
  renderSlack,
  renderSlackMessages,
  SLACK_ACTION_ID_PATTERN,
} from "../../reply/render-slack.js";
import { firstDelivery } from "../dedupe.js";
import { classifySlackError, slackErrors } from "../errors.js";
import { publishHome } from "../events/app-home.js";
import { identifySlackUser } from "../identity.js";
import { queueReplyFiles } from "../reply-files.js";
import { privateMessage, type SlackServices, tellPrivately, toastText } from "../services.js";
import { openForm } from "../views/log-interaction.js";

// Every button on our messages and on App Home (run a command, snooze, open the log form, mark a
// nudge done, share, pick among ambiguous accounts). Ack first; then the core decides, and we show
// the outcome where the button was: the ephemeral card is replaced, a channel message gets a private
// answer next to it, App Home is refreshed.

type Respond = (msg: Record<string, unknown>) => Promise<unknown>;

export function registerButtons(app: App, services: SlackServices) {
  app.action<BlockAction<ButtonAction>>(
    SLACK_ACTION_ID_PATTERN,
    async ({ ack, body, action, client, respond, context }) => {
      await ack();
      const actionId = parseSlackActionId(action.action_id);
      if (!actionId || !(await firstDelivery(context))) return;
      const user = body.user.id;
      const channel = body.channel?.id;
      const fromHome = body.view?.type === "home";
      const ephemeral = (body.container as { is_ephemeral?: boolean } | undefined)?.is_ephemeral === true;
      const answer: Respond | undefined = body.response_url && respond ? (m) => respond(m as never) : undefined;
      let locale: Locale = services.ctx.config.locale;
      try {
        const who = await identifySlackUser(services.ctx, client, user, body.team?.id ?? body.user.team_id);
        locale = who.locale;
        const outcome = await handleAction(services.ctx, {
          identity: who.identity,
          member: who.member,
          actionId,
          value: action.value ?? "",
        });
        // The trigger id expires 3 s after the click: open the form before anything else.
        if (outcome.form)
          await openForm(client, body.trigger_id, outcome.form, { channel, responseUrl: body.response_url });
        if (outcome.share && outcome.reply && channel) {
          await share(client, channel, outcome.reply);
          if (answer && ephemeral)
            await answer({ replace_original: true, text: `✅ ${tPlain(locale, "slack.shared")}` });
        } else if (outcome.reply) {
          await show(
            services,
            client,
            { user, channel, fromHome, ephemeral, answer, trigger: body.trigger_id },
            outcome.reply,
            locale,
          );
        }
        if (outcome.toast) await toast(services, client, who, { user, channel, fromHome, answer }, outcome.toast);
        else if (fromHome && !outcome.form && !outcome.reply) await publishHome(services, client, who);
      } catch (err) {
        const text = `⚠️ ${failureText(slackErrors, err, locale, services.ctx.log, "slack: button", { actionId })}`;
        // response_url is not a Web API call, so it still works when the Web API is rate-limiting us.
        const told = answer
          ? await answer({ response_type: "ephemeral", replace_original: false, text }).then(
              () => true,
              () => false,
            )
          : false;
        if (!told) await tellPrivately(services, client, { user, channel }, text);
      }
    },
  );

  // A button we no longer know (an old message after an upgrade): acknowledge it so Slack does not
  // show the user an error, and do nothing.
  app.action(/.*/, async ({ action, ack }) => {
    const id = (action as { action_id?: string }).action_id ?? "";
    if (!SLACK_ACTION_ID_PATTERN.test(id)) await ack();
  });
}

/** Posts a reply in the channel for everyone (split over several messages when long). */
async function share(client: webApi.WebClient, channel: string, reply: Reply) {
  for (const msg of renderSlackMessages(reply))
    await client.chat.postMessage({ channel, text: msg.text, blocks: msg.blocks as never, unfurl_links: false });
}

interface Where {
  user: string;
  channel: string | undefined;
  fromHome: boolean;
  ephemeral?: boolean;
  answer: Respond | undefined;
  /** The click's trigger id: the key of the answer's files in the outbox. */
  trigger?: string;
}

async function show(services: SlackServices, client: webApi.WebClient, where: Where, answer: Reply, locale: Locale) {
  if (where.answer) {
    // Pictures and documents go to our direct messages through the outbox (response_url carries none).
    const reply = where.trigger
      ? await queueReplyFiles(services, { user: where.user, locale }, where.trigger, answer)
      : answer;
    const msg = privateMessage(reply, locale);
    // Replacing is only right for our own private card; a shared message stays as everyone saw it.
    await where.answer({ ...msg, response_type: "ephemeral", replace_original: where.ephemeral === true });
    return;
  }
  // App Home has no response_url: the answer goes to our direct messages with the user, at once and
  // as text (its pictures are on the card and brief typed in chat).
  const dm = renderSlack(answer, locale);
  try {
    await client.chat.postMessage({ channel: where.user, text: dm.text, blocks: dm.blocks as never });
  } catch (err) {
    if (classifySlackError(err).kind === "rate_limited") throw err;
    services.ctx.log.warn({ err }, "slack: could not answer a Home button in DM");
  }
}

async function toast(
  services: SlackServices,
  client: webApi.WebClient,
  who: ChatUser,
  where: Where,
  toast: { text: string; tone?: Tone },
) {
  const text = toastText(toast);
  if (where.fromHome) {
    await publishHome(services, client, who, text);
    return;
  }
  if (where.answer) {
    await where.answer({ response_type: "ephemeral", replace_original: false, text });
    return;
  }
  await tellPrivately(services, client, { user: where.user, channel: where.channel }, text);
}
