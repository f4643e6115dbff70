import type * as lark from "@larksuiteoapi/node-sdk";
import type { ChatUser } from "../chat/contract.js";
import { identifyChatUser } from "../chat/identify.js";
import type { AppContext } from "../context.js";

/**
 * Who is asking on Feishu (see src/chat/identify.ts): the contact API gives the email of someone not
 * linked yet (it needs the contact:user.email:readonly scope); a failure there treats the user as
 * unknown. `ctx.config.locale` is the Feishu default (FEISHU_LOCALE).
 */
export async function identifyFeishuUser(
  ctx: AppContext,
  client: lark.Client,
  openId: string,
  tenantKey: string | undefined,
): Promise<ChatUser> {
  const base = {
    surface: "feishu" as const,
    feishuOpenId: openId,
    ...(tenantKey ? { feishuTenantKey: tenantKey } : {}),
  };
  return identifyChatUser(ctx, base, async () => {
    try {
      const r = await client.contact.user.get({ path: { user_id: openId }, params: { user_id_type: "open_id" } });
      const user = r.data?.user;
      return { email: user?.enterprise_email || user?.email, displayName: user?.name };
    } catch (err) {
      ctx.log.warn({ err: errText(err), openId }, "feishu: contact lookup failed; treating the user as unknown");
      return undefined;
    }
  });
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
