import type * as lark from "@larksuiteoapi/node-sdk";
import type { AppContext } from "../context.js";
import type { Identity } from "../domain/identity.js";
import { type Locale, resolveLocale } from "../i18n/locale.js";
import { findMemberByIdentity } from "../store/repos/members.js";

export interface FeishuWho {
  identity: Identity;
  locale: Locale;
}

/**
 * The Identity the conversation core should see for a Feishu user. A member already linked by open_id
 * costs one lookup; otherwise the contact API gives the email the core links by (the core then stores
 * the open_id, so this happens once per person; it needs the contact:user.email:readonly scope).
 * Unknown people pass through without an email and get the core's polite refusal. `ctx.config.locale`
 * is the Feishu default (FEISHU_LOCALE).
 */
export async function feishuWho(
  ctx: AppContext,
  client: lark.Client,
  openId: string,
  tenantKey: string | undefined,
): Promise<FeishuWho> {
  const base: Identity = { surface: "feishu", feishuOpenId: openId };
  if (tenantKey) base.feishuTenantKey = tenantKey;
  const linked = await findMemberByIdentity(ctx.db, base);
  if (linked) return { identity: base, locale: resolveLocale(linked.locale, linked.team?.locale, ctx.config.locale) };
  const identity: Identity = { ...base };
  try {
    const r = await client.contact.user.get({ path: { user_id: openId }, params: { user_id_type: "open_id" } });
    const user = r.data?.user;
    const email = user?.enterprise_email || user?.email;
    if (email) identity.email = email;
    if (user?.name) identity.displayName = user.name;
  } catch (err) {
    ctx.log.warn({ err: errText(err), openId }, "feishu: contact lookup failed; treating the user as unknown");
    return { identity: base, locale: ctx.config.locale };
  }
  const member = identity.email ? await findMemberByIdentity(ctx.db, identity) : undefined;
  return {
    identity,
    locale: member ? resolveLocale(member.locale, member.team?.locale, ctx.config.locale) : ctx.config.locale,
  };
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
