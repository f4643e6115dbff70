import type { ActionId, FormId } from "../reply/model.js";

export type Surface = "slack" | "feishu" | "cli" | "web";

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

/** Where a command was typed: a direct conversation with Tend, or a group others read. */
export type Conversation = "direct" | "group";

export interface CommandRequest {
  identity: Identity;
  /** Default "direct": slash commands, the CLI and the playground are private; Feishu groups are not. */
  conversation?: Conversation;
  /** The text after `/tend` (or the whole message on Feishu, mention stripped). */
  text: string;
}

export interface ActionRequest {
  identity: Identity;
  actionId: ActionId;
  value: string;
}

export interface FormRequest {
  identity: Identity;
  formId: FormId;
  privateValue: string;
  values: Record<string, string | undefined>;
}
