import type { Identity } from "../domain/identity.js";
import type { ActionId, FormId } from "../reply/model.js";
import type { MemberRow } from "../store/repos/members.js";

/** Where a command was typed: a direct conversation with Tend, or a group others read. */
export type Conversation = "direct" | "group";

/**
 * Who is asking. A chat surface that already resolved the member (src/chat/identify.ts) passes it
 * in `member` (null: nobody Tend knows), so the core does not look them up again.
 */
export interface Asking {
  identity: Identity;
  member?: MemberRow | null;
}

export interface CommandRequest extends Asking {
  /** Default "direct": slash commands, the CLI and the playground are private; Feishu groups are not. */
  conversation?: Conversation;
  /** The text after `/tend` (or the whole message on Feishu, mention stripped). */
  text: string;
  /**
   * Answers about many accounts (lists, metrics) get a "share to channel" button: for surfaces that
   * answer privately and can post into the channel (Slack's /tend).
   */
  offerShare?: boolean;
}

export interface ActionRequest extends Asking {
  actionId: ActionId;
  value: string;
}

export interface FormRequest extends Asking {
  formId: FormId;
  privateValue: string;
  values: Record<string, string | undefined>;
}
