import type { App, webApi } from "@slack/bolt";
import type { ChatUser } from "../../chat/contract.js";
import { homeView } from "../../conversation/index.js";
import { renderSlackHome } from "../../reply/render-slack.js";
import { identifySlackUser } from "../identity.js";
import type { SlackServices } from "../services.js";

// App Home: the member's book (what needs them today, at-risk accounts, renewals in 90 days),
// rebuilt each time they open the tab, and after a Home button changes something.

/**
 * Publishes the Home of `who` (a Slack user id and workspace when not identified yet); `note` (a
 * confirmation) is shown on top. Failures are logged only.
 */
export async function publishHome(
  services: SlackServices,
  client: webApi.WebClient,
  who: ChatUser | { userId: string; teamId: string | undefined },
  note?: string,
): Promise<void> {
  const { ctx } = services;
  const user = "identity" in who ? (who.identity.slackUserId as string) : who.userId;
  try {
    const asker = "identity" in who ? who : await identifySlackUser(ctx, client, who.userId, who.teamId);
    const reply = await homeView(ctx, asker.identity, asker.member);
    const withNote = note ? { ...reply, blocks: [{ type: "context" as const, text: note }, ...reply.blocks] } : reply;
    await client.views.publish({ user_id: user, view: renderSlackHome(withNote, asker.locale) as never });
  } catch (err) {
    // Nobody is waiting on a Home refresh; the next open rebuilds it.
    ctx.log.warn({ err, user }, "slack: App Home publish failed");
  }
}

export function registerAppHome(app: App, services: SlackServices) {
  app.event("app_home_opened", async ({ event, client, context }) => {
    if (event.tab !== "home") return;
    await publishHome(services, client, { userId: event.user, teamId: context.teamId });
  });
}
