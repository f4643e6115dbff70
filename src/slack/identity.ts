import type { webApi } from "@slack/bolt";
import type { ChatUser } from "../chat/contract.js";
import { identifyChatUser } from "../chat/identify.js";
import type { AppContext } from "../context.js";
import { asLocale } from "../i18n/locale.js";
import { isSlackUserLinked } from "../store/repos/members.js";
import { classifySlackError, SlackBusyError } from "./errors.js";

/**
 * Who is asking on Slack (see src/chat/identify.ts): users.info gives the email and language of
 * someone not linked yet. A rate limit there is thrown (the listener tells the user); any other
 * failure treats the user as unknown.
 */
export async function identifySlackUser(
  ctx: AppContext,
  client: webApi.WebClient,
  userId: string,
  teamId: string | undefined,
): Promise<ChatUser> {
  return identifyChatUser(
    ctx,
    { surface: "slack", slackUserId: userId, ...(teamId ? { slackTeamId: teamId } : {}) },
    async () => {
      let info: webApi.UsersInfoResponse;
      try {
        info = await client.users.info({ user: userId, include_locale: true });
      } catch (err) {
        const f = classifySlackError(err);
        if (f.kind === "rate_limited") throw new SlackBusyError(f.retryAfterMs);
        ctx.log.warn({ err, userId }, "slack: users.info failed; treating the user as unknown");
        return undefined;
      }
      const user = info.user;
      return {
        email: user?.profile?.email,
        displayName: user?.real_name ?? user?.profile?.display_name,
        locale: asLocale(user?.locale),
      };
    },
  );
}

/** Slack escapes &, < and > in what people type; the core wants the text as typed. */
export function unescapeSlackText(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/**
 * `/tend renewals <@U123|cara>` (a picked mention): a member not linked to their Slack id yet is
 * named by email instead (users.info), so scopes work for people who never used Tend themselves.
 */
export async function resolveMentions(ctx: AppContext, client: webApi.WebClient, text: string): Promise<string> {
  const ids = [...text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)].map((m) => m[1] as string);
  let out = text;
  for (const id of new Set(ids)) {
    if (await isSlackUserLinked(ctx.db, id)) continue;
    try {
      const info = await client.users.info({ user: id });
      const email = info.user?.profile?.email;
      if (email) out = out.replace(new RegExp(`<@${id}(?:\\|[^>]*)?>`, "g"), `@${email}`);
    } catch (err) {
      const f = classifySlackError(err);
      if (f.kind === "rate_limited") throw new SlackBusyError(f.retryAfterMs);
    }
  }
  return out;
}
