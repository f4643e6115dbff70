import type * as lark from "@larksuiteoapi/node-sdk";
import { apologise } from "../../conversation/apology.js";
import { handleCommand } from "../../conversation/index.js";
import { parseCommand } from "../../conversation/parse.js";
import { type FeishuCard, renderFeishuCard } from "../../reply/render-feishu.js";
import { identifyFeishuUser } from "../identity.js";
import { claimBeforeAnswer, otherTenant } from "../incoming.js";
import { sendCard, withRetry } from "../messages.js";
import { MenuEvent } from "../schemas.js";
import { FEISHU_TIMING, type FeishuServices } from "../services.js";

// The bot menu (application.bot.menu_v6): each menu item's event key names a common command; the
// answer arrives in the user's 1:1 chat with the bot. Keys are set in the developer console (see
// docs/feishu.md); a key that is itself a command ("renewals 30") works too.

export const FEISHU_MENU = {
  mine: "mine",
  risk: "risk",
  renewals: "renewals 90",
  renewals_30: "renewals 30",
  metrics: "metrics",
  help: "help",
} as const;

/** The command a menu key stands for, or undefined for an unknown key. */
export function menuCommand(key: string | undefined): string | undefined {
  if (!key) return undefined;
  const known = (FEISHU_MENU as Record<string, string>)[key];
  if (known) return known;
  const parsed = parseCommand(key.replace(/[_-]/g, " "));
  // Only real verbs: a bare word would otherwise be read as an account name.
  return parsed.ok && parsed.command.kind !== "account" ? key.replace(/[_-]/g, " ") : undefined;
}

export function registerBotMenu(dispatcher: lark.EventDispatcher, services: FeishuServices) {
  dispatcher.register({
    "application.bot.menu_v6": async (data) => {
      const parsed = MenuEvent.safeParse(data);
      if (!parsed.success) return;
      const event = parsed.data;
      const openId = event.operator?.operator_id?.open_id;
      if (!openId || otherTenant(services, event)) return;
      const command = menuCommand(event.event_key) ?? "help";
      const first = await claimBeforeAnswer(
        services,
        event,
        Math.min(services.ackBudgetMs, FEISHU_TIMING.claimBudgetMs),
      );
      if (!first) return;
      services.later("menu", async () => {
        if (!(await first())) return;
        let card: FeishuCard;
        try {
          const who = await identifyFeishuUser(services.ctx, services.client, openId, event.tenant_key);
          card = renderFeishuCard(
            await handleCommand(services.ctx, { identity: who.identity, member: who.member, text: command }),
          );
        } catch (err) {
          // Feishu will not deliver this event again (it got its 200): say so rather than stay silent.
          const text = apologise(services.ctx.log, err, services.ctx.config.locale, "feishu: menu event", {
            key: event.event_key,
          }).text;
          card = renderFeishuCard({ summary: text, blocks: [{ type: "text", text }], tone: "warning" });
        }
        // No event id, no uuid: a uuid per person would swallow their next menu click for an hour.
        const uuid = event.event_id ? `menu:${event.event_id}` : undefined;
        await withRetry(services, () => sendCard(services.client, openId, card, uuid), openId);
      });
    },
  });
}
