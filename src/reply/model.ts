// The platform-neutral reply model. Handlers build these; one renderer per surface turns them into
// Slack Block Kit, Feishu card JSON 2.0, HTML (playground) or plain text (CLI). Handlers never
// build platform JSON themselves.

import type { ChartSpec } from "../charts/spec.js";

export type Tone = "good" | "warning" | "danger" | "neutral";

/** A button. `actionId` is one of ACTION_IDS; `value` is a short opaque string (<= 2000 chars). */
export interface Button {
  text: string;
  actionId: ActionId;
  value: string;
  style?: "primary" | "danger";
}

export type Block =
  | { type: "header"; text: string }
  /** Markdown-light text: **bold**, _italic_, `code`, and line breaks. No platform syntax. */
  | { type: "text"; text: string }
  | { type: "fields"; fields: { label: string; value: string }[] }
  | { type: "list"; title?: string; items: { text: string; tone?: Tone; detail?: string }[] }
  | { type: "context"; text: string }
  | { type: "divider" }
  | { type: "buttons"; buttons: Button[] }
  /** Pick one of several (ambiguous account names): each choice runs `command` when chosen. */
  | { type: "choices"; prompt: string; choices: { label: string; command: string }[] };

/**
 * A picture or a document sent with the reply. Charts travel as data (`chart`) and are drawn to PNG
 * where they are delivered (src/reply/attachments.ts); the blocks always say the same in text, for
 * screen readers and surfaces without pictures. `name` is Tend's own file name (no user data).
 */
export type Attachment =
  | { kind: "chart"; name: string; title: string; alt: string; chart: ChartSpec }
  | { kind: "document"; name: string; title: string; format: "markdown" | "html"; text: string };

export interface Reply {
  /** Plain-text summary: notification text, CLI first line, accessibility fallback. */
  summary: string;
  blocks: Block[];
  /** Pictures and documents delivered with the message (Slack and Feishu file uploads, playground, CLI). */
  attachments?: Attachment[];
  /** Overall colour hint for card headers. */
  tone?: Tone;
  /** Ephemeral (only the asker sees it) unless shared. Chat surfaces default to ephemeral. */
  visibility?: "ephemeral" | "channel";
  /**
   * An answer that does not say "refused" but is one, for the audit log only (never rendered): a name
   * that exists outside the asker's reach is answered "not found", and recorded as a probe.
   */
  audit?: { reason: string; accountId?: string };
  /** Set when the answer is a refusal or an error, for logging and tests. */
  error?:
    | "unknown_user"
    | "forbidden"
    | "not_found"
    | "ambiguous"
    | "usage"
    | "invalid"
    | "internal"
    | "store_unavailable";
}

/** A form: Slack opens it as a modal, Feishu as a form card, the playground as an inline form. */
export interface Form {
  /** Which submit handler receives it (FORM_IDS). */
  formId: FormId;
  title: string;
  submitLabel: string;
  /** Opaque context carried through the round-trip (e.g. the account id). */
  privateValue: string;
  fields: FormField[];
}

export interface FormField {
  id: string;
  label: string;
  kind: "text" | "textarea" | "date" | "select";
  required?: boolean;
  initial?: string;
  placeholder?: string;
  options?: { label: string; value: string }[];
  maxLength?: number;
}

/** Every button action the bot understands, on every surface. */
export const ACTION_IDS = [
  "tend.run", // value: a command text to run as the clicking user (open brief, open health, choose account)
  "tend.snooze", // value: JSON {accountId, days}
  "tend.log_form", // value: JSON {accountId, kind?}: opens the log-interaction form
  "tend.nudge_done", // value: JSON {nudgeKey}: mark a nudge done
  "tend.share", // value: the command text whose answer is posted to the channel
  "tend.meeting_missed", // value: JSON {meetingId}: a meeting the calendar logged did not happen
] as const;
export type ActionId = (typeof ACTION_IDS)[number];

export const FORM_IDS = ["tend.log_interaction"] as const;
export type FormId = (typeof FORM_IDS)[number];

/** What a button press produces. */
export interface ActionOutcome {
  /** Replace the message the button was on (or answer with a new one). */
  reply?: Reply;
  /** A short confirmation ("Snoozed Acme for 7 days"). */
  toast?: { text: string; tone?: Tone };
  /** Open this form (Slack modal, Feishu form card). */
  form?: Form;
  /** Post `reply` to the channel for everyone (share button). */
  share?: boolean;
}

export interface FormOutcome {
  /** Field id -> message; the form stays open with the errors shown on the fields. */
  errors?: Record<string, string>;
  toast?: { text: string; tone?: Tone };
  reply?: Reply;
}
