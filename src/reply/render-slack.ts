// Slack Block Kit rendering of the reply model. Slack rejects a whole message when one limit is
// broken, so every limit is declared once here and enforced by splitting or truncating with a
// visible "more" note - never by failing.
import { tPlain } from "../i18n/catalogue.js";
import type { Locale } from "../i18n/locale.js";
import { plain, renderRich } from "../text/user-data.js";
import type { ActionId, Block, Button, Form, Reply, Tone } from "./model.js";
import { ACTION_IDS } from "./model.js";

export const BLOCK_KIT_LIMITS = {
  blocksPerMessage: 50,
  blocksPerView: 100,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  actionsElements: 25,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 3000,
  fallbackText: 3000,
  viewTitle: 24,
  viewSubmit: 24,
  inputLabel: 2000,
  placeholder: 150,
  optionText: 75,
  optionValue: 150,
  privateMetadata: 3000,
} as const;

const L = BLOCK_KIT_LIMITS;

type Text = { type: "mrkdwn" | "plain_text"; text: string; emoji?: boolean; verbatim?: boolean };
export type SlackBlock = Record<string, unknown> & { type: string };
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
  response_type?: "ephemeral" | "in_channel";
}

/** Cuts to `max` characters (by code point) with an ellipsis. */
export function clip(s: string, max: number): string {
  const cps = [...s];
  return cps.length <= max ? s : `${cps.slice(0, max - 1).join("")}…`;
}

// Slack's only escapes are &amp; &lt; &gt; (which alone rule out mentions and links: both need `<`).
const escapeMrkdwn = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
/**
 * A user's value in mrkdwn. Slack has no escape for * _ ~ ` or a leading >, so a zero-width space
 * goes before each (formatting needs the mark to start a word); `://` is broken the same way so a
 * pasted URL is not turned into a link.
 */
export const literalMrkdwn = (s: string) =>
  escapeMrkdwn(s)
    .replace(/[*_~`]|&gt;/g, "\u200B$&")
    .replace(/:\/\//g, ":\u200B//");
/** The model's light markdown to Slack mrkdwn: **bold** -> *bold*; _italic_ and `code` are shared. */
export const toMrkdwn = (s: string) =>
  renderRich(s, (tend) => escapeMrkdwn(tend).replace(/\*\*(.+?)\*\*/g, "*$1*"), literalMrkdwn);

// verbatim: Slack does not turn URLs, #channels or @here in the text into links or mentions itself.
const mrkdwn = (text: string, max: number = L.sectionText): Text => ({
  type: "mrkdwn",
  text: clip(text, max),
  verbatim: true,
});
const plainText = (text: string, max: number): Text => ({
  type: "plain_text",
  text: clip(plain(text), max),
  emoji: true,
});

const TONE_MARK: Record<Tone, string> = { good: "✅", warning: "⚠️", danger: "❗", neutral: "•" };

/**
 * Slack requires action ids to be unique within a block, so buttons carry `<actionId>:<n>`.
 * Listeners match the prefix; this maps a received id back to the model's ActionId.
 */
export function parseSlackActionId(id: string): ActionId | undefined {
  const base = id.split(":")[0];
  return ACTION_IDS.find((a) => a === base);
}
export const SLACK_ACTION_ID_PATTERN = /^tend\.(run|snooze|log_form|nudge_done|share|meeting_missed)(:\d+)?$/;

function button(b: Button, n: number): SlackBlock {
  const el: SlackBlock = {
    type: "button",
    text: plainText(b.text, L.buttonText),
    action_id: `${b.actionId}:${n}`,
    value: clip(plain(b.value), L.buttonValue),
  };
  if (b.style) el.style = b.style;
  return el;
}

function actions(buttons: Button[], offset = 0): SlackBlock[] {
  const out: SlackBlock[] = [];
  for (let i = 0; i < buttons.length; i += L.actionsElements)
    out.push({
      type: "actions",
      elements: buttons.slice(i, i + L.actionsElements).map((b, j) => button(b, offset + i + j)),
    });
  return out;
}

/** Packs lines into as few sections as fit the section text limit. */
function sections(lines: string[]): SlackBlock[] {
  const out: SlackBlock[] = [];
  let cur = "";
  for (const raw of lines) {
    const line = clip(raw, L.sectionText);
    if (cur && cur.length + 1 + line.length > L.sectionText) {
      out.push({ type: "section", text: mrkdwn(cur) });
      cur = "";
    }
    cur = cur ? `${cur}\n${line}` : line;
  }
  if (cur) out.push({ type: "section", text: mrkdwn(cur) });
  return out;
}

function renderBlock(b: Block, counter: { n: number }): SlackBlock[] {
  switch (b.type) {
    case "header":
      return [{ type: "header", text: plainText(b.text, L.headerText) }];
    case "text":
      return sections([toMrkdwn(b.text)]);
    case "context":
      return [{ type: "context", elements: [mrkdwn(toMrkdwn(b.text), L.contextText)] }];
    case "divider":
      return [{ type: "divider" }];
    case "fields": {
      const out: SlackBlock[] = [];
      for (let i = 0; i < b.fields.length; i += L.sectionFields)
        out.push({
          type: "section",
          fields: b.fields
            .slice(i, i + L.sectionFields)
            .map((f) => mrkdwn(`*${toMrkdwn(f.label)}*\n${toMrkdwn(f.value)}`, L.fieldText)),
        });
      return out;
    }
    case "list": {
      const lines = b.items.map((i) => {
        const head = `${TONE_MARK[i.tone ?? "neutral"]} ${toMrkdwn(i.text)}`;
        return i.detail ? `${head}\n      _${toMrkdwn(i.detail)}_` : head;
      });
      if (b.title) lines.unshift(`*${toMrkdwn(b.title)}*`);
      return sections(lines);
    }
    case "buttons": {
      const out = actions(b.buttons, counter.n);
      counter.n += b.buttons.length;
      return out;
    }
    case "choices": {
      const buttons: Button[] = b.choices.map((c) => ({ text: c.label, actionId: "tend.run", value: c.command }));
      const out = [...sections([toMrkdwn(b.prompt)]), ...actions(buttons, counter.n)];
      counter.n += buttons.length;
      return out;
    }
  }
}

/**
 * The message's `text`: what notifications and screen readers show. Slack parses it as mrkdwn, so it
 * is escaped like a section (mentions, links, formatting in a name stay literal).
 */
export const fallbackText = (summary: string) => clip(toMrkdwn(summary), L.fallbackText);

/** All blocks of a reply, before the per-message cap. */
export function renderSlackBlocks(reply: Reply): SlackBlock[] {
  const counter = { n: 0 };
  return reply.blocks.flatMap((b) => renderBlock(b, counter));
}

/**
 * One Slack message for a reply. Over 50 blocks, the tail is cut and a context note says how many
 * blocks were left out (buttons, usually last, are kept).
 */
export function renderSlack(reply: Reply, locale: Locale = "en", maxBlocks: number = L.blocksPerMessage): SlackMessage {
  let blocks = renderSlackBlocks(reply);
  if (blocks.length > maxBlocks) {
    const tailActions =
      blocks.length && blocks[blocks.length - 1]?.type === "actions" ? [blocks[blocks.length - 1] as SlackBlock] : [];
    const keep = maxBlocks - 1 - tailActions.length;
    const dropped = blocks.length - tailActions.length - keep;
    blocks = [
      ...blocks.slice(0, keep),
      {
        type: "context",
        elements: [mrkdwn(tPlain(locale, "slack.more_not_shown", { count: dropped }), L.contextText)],
      },
      ...tailActions,
    ];
  }
  const msg: SlackMessage = { text: fallbackText(reply.summary), blocks };
  if (reply.visibility) msg.response_type = reply.visibility === "channel" ? "in_channel" : "ephemeral";
  return msg;
}

/** Every block of a long reply, split over as many messages as needed (for channel posts). */
export function renderSlackMessages(reply: Reply): SlackMessage[] {
  const blocks = renderSlackBlocks(reply);
  const out: SlackMessage[] = [];
  for (let i = 0; i < Math.max(1, blocks.length); i += L.blocksPerMessage)
    out.push({ text: fallbackText(reply.summary), blocks: blocks.slice(i, i + L.blocksPerMessage) });
  return out;
}

/** App Home view (views.publish): up to 100 blocks. */
export function renderSlackHome(reply: Reply, locale: Locale = "en"): { type: "home"; blocks: SlackBlock[] } {
  return { type: "home", blocks: renderSlack(reply, locale, L.blocksPerView).blocks };
}

/** A form as a Slack modal: block_id and action_id are the field id; see `slackModalValues`. */
export function renderSlackModal(form: Form): SlackBlock {
  const blocks: SlackBlock[] = form.fields.map((f) => {
    let element: SlackBlock;
    if (f.kind === "date")
      element = { type: "datepicker", action_id: f.id, ...(f.initial ? { initial_date: f.initial } : {}) };
    else if (f.kind === "select") {
      const options = (f.options ?? []).map((o) => ({
        text: plainText(o.label, L.optionText),
        value: clip(o.value, L.optionValue),
      }));
      element = { type: "static_select", action_id: f.id, options };
      const initial = options.find((o) => o.value === f.initial);
      if (initial) element.initial_option = initial;
    } else {
      element = { type: "plain_text_input", action_id: f.id, multiline: f.kind === "textarea" };
      if (f.initial) element.initial_value = plain(f.initial);
      if (f.maxLength) element.max_length = f.maxLength;
    }
    if (f.placeholder && f.kind !== "date") element.placeholder = plainText(f.placeholder, L.placeholder);
    return { type: "input", block_id: f.id, optional: !f.required, label: plainText(f.label, L.inputLabel), element };
  });
  return {
    type: "modal",
    callback_id: form.formId,
    private_metadata: plain(form.privateValue).slice(0, L.privateMetadata),
    title: plainText(form.title, L.viewTitle),
    submit: plainText(form.submitLabel, L.viewSubmit),
    blocks,
  };
}

type StateValue = {
  type?: string;
  value?: string | null;
  selected_date?: string | null;
  selected_option?: { value: string } | null;
};

/** view.state.values of a submitted modal -> the form's field values. */
export function slackModalValues(
  values: Record<string, Record<string, StateValue>>,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [blockId, actionsById] of Object.entries(values)) {
    for (const v of Object.values(actionsById)) {
      out[blockId] = v.selected_option?.value ?? v.selected_date ?? v.value ?? undefined;
    }
  }
  return out;
}

/** Every Block Kit limit a set of blocks breaks (empty = Slack will accept it). */
export function checkBlockKitLimits(blocks: readonly SlackBlock[], opts: { maxBlocks?: number } = {}): string[] {
  const problems: string[] = [];
  const max = opts.maxBlocks ?? L.blocksPerMessage;
  if (blocks.length > max) problems.push(`${blocks.length} blocks > ${max}`);
  const len = (t: unknown) => [...String((t as Text | undefined)?.text ?? "")].length;
  blocks.forEach((b, i) => {
    const at = `block ${i} (${b.type})`;
    if (b.type === "header" && len(b.text) > L.headerText)
      problems.push(`${at}: header text ${len(b.text)} > ${L.headerText}`);
    if (b.type === "section") {
      if (b.text && len(b.text) > L.sectionText) problems.push(`${at}: text ${len(b.text)} > ${L.sectionText}`);
      const fields = (b.fields as Text[] | undefined) ?? [];
      if (fields.length > L.sectionFields) problems.push(`${at}: ${fields.length} fields > ${L.sectionFields}`);
      for (const f of fields) if (len(f) > L.fieldText) problems.push(`${at}: field text ${len(f)} > ${L.fieldText}`);
      if (!b.text && fields.length === 0) problems.push(`${at}: empty section`);
    }
    if (b.type === "context") {
      const els = (b.elements as Text[]) ?? [];
      if (els.length > L.contextElements) problems.push(`${at}: ${els.length} elements > ${L.contextElements}`);
      for (const e of els) if (len(e) > L.contextText) problems.push(`${at}: context text > ${L.contextText}`);
    }
    if (b.type === "actions") {
      const els = (b.elements as SlackBlock[]) ?? [];
      if (els.length > L.actionsElements) problems.push(`${at}: ${els.length} elements > ${L.actionsElements}`);
      const ids = new Set<string>();
      for (const e of els) {
        if (len(e.text) > L.buttonText) problems.push(`${at}: button text ${len(e.text)} > ${L.buttonText}`);
        if (String(e.value ?? "").length > L.buttonValue) problems.push(`${at}: button value > ${L.buttonValue}`);
        const id = String(e.action_id ?? "");
        if (id.length > L.actionId) problems.push(`${at}: action_id too long`);
        if (ids.has(id)) problems.push(`${at}: duplicate action_id ${id}`);
        ids.add(id);
      }
    }
  });
  return problems;
}
