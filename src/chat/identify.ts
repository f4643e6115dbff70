import type { AppContext } from "../context.js";
import type { Identity } from "../domain/identity.js";
import { type Locale, resolveLocale } from "../i18n/locale.js";
import { findMemberByIdentity } from "../store/repos/members.js";
import type { ChatUser } from "./contract.js";

// Who is asking, the same way on every platform: a member already linked by their platform id costs
// one lookup; otherwise the platform's profile gives the email the member is linked by (the link is
// then stored, so this happens once per person). Unknown people pass through without a member and
// get the core's polite refusal.

/** What a platform's profile API says about a user. */
export interface ChatProfile {
  email?: string | undefined;
  displayName?: string | undefined;
  /** The user's own language on the platform, for people Tend does not know. */
  locale?: Locale | undefined;
}

/**
 * The asker behind `base` (surface and platform ids). `profile` asks the platform about the user:
 * undefined when it could not say (the user is then treated as unknown); a throw goes to the caller
 * (a rate limit the user should hear about). `ctx.config.locale` is the platform's default language.
 */
export async function identifyChatUser(
  ctx: AppContext,
  base: Identity,
  profile: () => Promise<ChatProfile | undefined>,
): Promise<ChatUser> {
  const localeOf = (m: NonNullable<ChatUser["member"]>) => resolveLocale(m.locale, m.team?.locale, ctx.config.locale);
  const linked = await findMemberByIdentity(ctx.db, base);
  if (linked) return { identity: base, locale: localeOf(linked), member: linked };
  const p = await profile();
  if (!p) return { identity: base, locale: ctx.config.locale, member: null };
  const identity: Identity = { ...base };
  if (p.email) identity.email = p.email;
  if (p.displayName) identity.displayName = p.displayName;
  const member = (p.email ? await findMemberByIdentity(ctx.db, identity) : undefined) ?? null;
  return { identity, locale: member ? localeOf(member) : (p.locale ?? ctx.config.locale), member };
}
