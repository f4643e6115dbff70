import type { ChatPlatform } from "./chat/contract.js";
import type { AppContext } from "./context.js";
import type { ChatSender } from "./delivery/types.js";
import { feishuPlatform } from "./feishu/platform.js";
import { slackPlatform } from "./slack/platform.js";

// Which ChatSenders this process delivers through: one per configured platform. Composed here, at
// the top, so the outbox and the proactive engine know only the ChatSender contract, never a platform.

const PLATFORMS: ChatPlatform<never>[] = [slackPlatform, feishuPlatform];

export async function loadChatSenders(ctx: AppContext): Promise<ChatSender[]> {
  const out: ChatSender[] = [];
  for (const { platform, sender } of PLATFORMS) {
    if (!ctx.config[platform]) continue;
    try {
      out.push(sender(ctx));
    } catch (err) {
      ctx.log.error({ err, platform }, "delivery: cannot set up the platform's sender; its messages stay queued");
    }
  }
  return out;
}
