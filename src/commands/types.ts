import type { Identity } from "../domain/identity.js";
import type { ActionId, FormId } from "../reply/model.js";

export interface CommandRequest {
  identity: Identity;
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
