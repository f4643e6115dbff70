import type { AppContext } from "../context.js";
import type { ChatSender, Platform } from "./types.js";

// Which ChatSenders this process can deliver through. A platform module provides its sender as
// `export function createChatSender(ctx: AppContext): ChatSender` in src/<platform>/sender.ts; it
// is loaded only when that platform is configured (so a Feishu-only install never loads Slack).

const MODULES: Record<Platform, string> = {
  slack: "../slack/sender.js",
  feishu: "../feishu/sender.js",
};

type SenderModule = { createChatSender?: (ctx: AppContext) => ChatSender };

export async function loadChatSenders(ctx: AppContext): Promise<ChatSender[]> {
  const wanted: Platform[] = [];
  if (ctx.config.slack) wanted.push("slack");
  if (ctx.config.feishu) wanted.push("feishu");
  const out: ChatSender[] = [];
  for (const platform of wanted) {
    try {
      const mod = (await import(/* @vite-ignore */ MODULES[platform])) as SenderModule;
      if (typeof mod.createChatSender === "function") out.push(mod.createChatSender(ctx));
      else ctx.log.error({ platform }, "delivery: the platform module has no createChatSender(ctx)");
    } catch (err) {
      ctx.log.error({ err, platform }, "delivery: cannot load the platform's sender; its messages stay queued");
    }
  }
  return out;
}
