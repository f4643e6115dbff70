import type { ChatPlatform } from "./chat/contract.js";
import type { AppContext } from "./context.js";
import type { ChatSender } from "./delivery/types.js";

// Which ChatSenders this process delivers through: one per configured platform. Composed here, at
// the top, so the outbox and the proactive engine know only the ChatSender contract, never a platform.

// Each platform's contract object, loaded only when that platform is configured: each SDK costs tens
// of MB of memory (docs/scale.md). The imports are literal, so the wiring stays explicit.
const PLATFORMS: Record<"slack" | "feishu", () => Promise<ChatPlatform<never>>> = {
  slack: async () => (await import("./slack/platform.js")).slackPlatform,
  feishu: async () => (await import("./feishu/platform.js")).feishuPlatform,
};

export async function loadChatSenders(ctx: AppContext): Promise<ChatSender[]> {
  const out: ChatSender[] = [];
  for (const platform of ["slack", "feishu"] as const) {
    if (!ctx.config[platform]) continue;
    try {
      out.push((await PLATFORMS[platform]()).sender(ctx));
    } catch (err) {
      ctx.log.error({ err, platform }, "delivery: cannot set up the platform's sender; its messages stay queued");
    }
  }
  return out;
}
