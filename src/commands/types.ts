import type { Identity } from "../domain/identity.js";
import type { ActionId, FormId } from "../reply/model.js";

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
