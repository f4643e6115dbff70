import type { AppContext } from "./context.js";
import type { ChatSender } from "./delivery/types.js";

// Which ChatSenders this process delivers through: one per configured platform. Composed here, at
// the top, so the outbox and the proactive engine know only the ChatSender contract, never a platform.

// Loaded only for a configured platform (each SDK costs tens of MB of memory).
const SENDERS = {
  slack: async () => (await import("./slack/sender.js")).createChatSender,
  feishu: async () => (await import("./feishu/sender.js")).createChatSender,
} as const;

export async function loadChatSenders(ctx: AppContext): Promise<ChatSender[]> {
  const out: ChatSender[] = [];
  for (const platform of ["slack", "feishu"] as const) {
    if (!ctx.config[platform]) continue;
    try {
      out.push((await SENDERS[platform]())(ctx));
    } catch (err) {
      ctx.log.error({ err, platform }, "delivery: cannot set up the platform's sender; its messages stay queued");
    }
  }
  return out;
}
