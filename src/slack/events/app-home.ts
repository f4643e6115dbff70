import type { App, webApi } from "@slack/bolt";
import { homeView } from "../../commands/index.js";
import { renderSlackHome } from "../../reply/render-slack.js";
import type { SlackDeps } from "../deps.js";
import { slackWho } from "../identity.js";

// App Home: the member's book (what needs them today, at-risk accounts, renewals in 90 days),
// rebuilt each time they open the tab, and after a Home button changes something.

/** Publishes the user's Home; `note` (a confirmation) is shown on top. Failures are logged only. */
export async function publishHome(
  deps: SlackDeps,
  client: webApi.WebClient,
  user: string,
  teamId: string | undefined,
  note?: string,
): Promise<void> {
  try {
    const who = await slackWho(deps.ctx, client, user, teamId);
    const reply = await homeView(deps.ctx, who.identity);
    const withNote = note ? { ...reply, blocks: [{ type: "context" as const, text: note }, ...reply.blocks] } : reply;
    await client.views.publish({ user_id: user, view: renderSlackHome(withNote, who.locale) as never });
  } catch (err) {
    // Nobody is waiting on a Home refresh; the next open rebuilds it.
    deps.ctx.log.warn({ err, user }, "slack: App Home publish failed");
  }
}

export function registerAppHome(app: App, deps: SlackDeps) {
  app.event("app_home_opened", async ({ event, client, context }) => {
    if (event.tab !== "home") return;
    await publishHome(deps, client, event.user, context.teamId);
  });
}
