import type { webApi } from "@slack/bolt";
import type { AppContext } from "../context.js";
import type { Identity } from "../domain/identity.js";
import { asLocale, type Locale, resolveLocale } from "../i18n/locale.js";
import { findMemberByIdentity } from "../store/repos/members.js";
import { classifySlackError } from "./errors.js";

export interface SlackWho {
  identity: Identity;
  locale: Locale;
}

/** Thrown when Slack rate-limits a call we needed to answer (the listener tells the user). */
export class SlackBusyError extends Error {
  constructor(public readonly retryAfterMs: number) {
    super("slack rate limited");
  }
}

/**
 * The Identity the conversation core should see for a Slack user. A member already linked by Slack
 * user id costs one lookup; otherwise users.info gives the email the core links by (the core then
 * stores the Slack id, so this happens once per person). Unknown people pass through without an
 * email and get the core's polite refusal.
 */
export async function slackWho(
  ctx: AppContext,
  client: webApi.WebClient,
  userId: string,
  teamId: string | undefined,
): Promise<SlackWho> {
  const base: Identity = { surface: "slack", slackUserId: userId };
  if (teamId) base.slackTeamId = teamId;
  const linked = await findMemberByIdentity(ctx.db, base);
  if (linked) return { identity: base, locale: resolveLocale(linked.locale, linked.team?.locale, ctx.config.locale) };
  let info: webApi.UsersInfoResponse;
  try {
    info = await client.users.info({ user: userId, include_locale: true });
  } catch (err) {
    const f = classifySlackError(err);
    if (f.kind === "rate_limited") throw new SlackBusyError(f.retryAfterMs);
    ctx.log.warn({ err, userId }, "slack: users.info failed; treating the user as unknown");
    return { identity: base, locale: ctx.config.locale };
  }
  const user = info.user;
  const identity: Identity = { ...base };
  const email = user?.profile?.email;
  if (email) identity.email = email;
  const name = user?.real_name ?? user?.profile?.display_name;
  if (name) identity.displayName = name;
  const member = email ? await findMemberByIdentity(ctx.db, identity) : undefined;
  return {
    identity,
    locale: member
      ? resolveLocale(member.locale, member.team?.locale, ctx.config.locale)
      : (asLocale(user?.locale) ?? ctx.config.locale),
  };
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
    if (await ctx.db.prisma.member.findUnique({ where: { slackUserId: id }, select: { id: true } })) continue;
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
