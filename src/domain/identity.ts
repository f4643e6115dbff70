// Who is asking, as a chat surface knows them, and which accounts a question covers. Shared by the
// store (which turns a filter into a query) and the conversation core (which decides the filter).

export type Surface = "slack" | "feishu" | "cli" | "web";

/** The chat platforms Tend delivers to. */
export type Platform = "slack" | "feishu";

/** Who is asking, as the surface knows them. The core maps this to a member (or refuses). */
export interface Identity {
  surface: Surface;
  slackUserId?: string;
  slackTeamId?: string;
  feishuOpenId?: string;
  feishuTenantKey?: string;
  /** When the platform tells us (Slack users.info, Feishu contact API, CLI --as): used to auto-link. */
  email?: string;
  displayName?: string;
}

/** Which accounts a query covers. */
export type AccountFilter =
  | { kind: "all" }
  | { kind: "team"; teamId: string; alsoOwnerId?: string }
  | { kind: "owner"; ownerId: string };
