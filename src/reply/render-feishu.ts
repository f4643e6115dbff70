// Feishu (Lark) card JSON 2.0 rendering of the reply model. Button callbacks carry
// {action, value} (the model's action id and value); form cards submit {form, privateValue} with
// the field values in `form_value`.

import { tPlain } from "../i18n/catalogue.js";
import { LOCALES } from "../i18n/locale.js";
import { plain, renderRich } from "../text/user-data.js";
import type { Block, Button, Form, Reply, Tone } from "./model.js";

export const FEISHU_CARD_LIMITS = {
  cardBytes: 30 * 1024,
  headerTitle: 100,
  buttonText: 40,
} as const;

export type FeishuElement = Record<string, unknown> & { tag: string };
export interface FeishuCard {
  schema: "2.0";
  config: { update_multi: true; width_mode: "fill"; summary: { content: string } };
  header: { title: { tag: "plain_text"; content: string }; template: string };
  body: { elements: FeishuElement[] };
}

const TEMPLATE: Record<Tone, string> = { good: "green", warning: "orange", danger: "red", neutral: "blue" };
const TONE_MARK: Record<Tone, string> = { good: "✅", warning: "⚠️", danger: "❗", neutral: "•" };

const clip = (s: string, max: number) => {
  const cps = [...s];
  return cps.length <= max ? s : `${cps.slice(0, max - 1).join("")}…`;
};
// Feishu card markdown reads HTML tags (<at id=all>, <font>, <text_tag>, <link>), markdown links,
// emphasis, headings, lists, quotes and bare URLs. Its documented escape is the HTML character
// reference, so a user's value has every such character written as &#N; and shows literally.
const LITERAL = /[&<>[\]()*_~`#+\-!|$\\:.'"{}=@/]/g;
export const literalFeishu = (s: string) => s.replace(LITERAL, (c) => `&#${c.charCodeAt(0)};`);
// Tend's own text: no tags or links are ever intended, so those characters are escaped too; the
// light markdown (**bold**, _italic_, `code`) and line-start lists Tend writes stay.
const escapeTend = (s: string) => s.replace(/[&<>[\]]/g, (c) => `&#${c.charCodeAt(0)};`);
/** The model's light markdown to Feishu markdown: **bold** is shared, _italic_ -> *italic*. */
const md = (s: string) =>
  renderRich(
    s,
    (tend) => escapeTend(tend).replace(/(^|[\s(])_(\S(?:.*?\S)?)_(?=$|[\s).,;:!?])/g, "$1*$2*"),
    literalFeishu,
  );
const markdown = (content: string): FeishuElement => ({ tag: "markdown", content });

function button(b: Button): FeishuElement {
  return {
    tag: "button",
    text: { tag: "plain_text", content: clip(plain(b.text), FEISHU_CARD_LIMITS.buttonText) },
    type: b.style === "danger" ? "danger" : b.style === "primary" ? "primary" : "default",
    behaviors: [{ type: "callback", value: { action: b.actionId, value: plain(b.value) } }],
  };
}

/** Buttons side by side, wrapping on narrow screens. */
function buttonRow(buttons: Button[]): FeishuElement {
  return {
    tag: "column_set",
    flex_mode: "flow",
    horizontal_spacing: "8px",
    columns: buttons.map((b) => ({ tag: "column", width: "auto", elements: [button(b)] })),
  };
}

function element(b: Block): FeishuElement[] {
  switch (b.type) {
    case "header":
      return [markdown(`**${md(b.text)}**`)];
    case "text":
      return [markdown(md(b.text))];
    case "context":
      return [markdown(`<font color='grey'>${md(b.text)}</font>`)];
    case "divider":
      return [{ tag: "hr" }];
    case "fields": {
      const rows: FeishuElement[] = [];
      for (let i = 0; i < b.fields.length; i += 2)
        rows.push({
          tag: "column_set",
          flex_mode: "bisect",
          columns: b.fields.slice(i, i + 2).map((f) => ({
            tag: "column",
            width: "weighted",
            weight: 1,
            elements: [markdown(`**${md(f.label)}**\n${md(f.value)}`)],
          })),
        });
      return rows;
    }
    case "list": {
      const lines = b.items.map(
        (i) =>
          `${TONE_MARK[i.tone ?? "neutral"]} ${md(i.text)}${i.detail ? `\n    <font color='grey'>${md(i.detail)}</font>` : ""}`,
      );
      return [markdown([...(b.title ? [`**${md(b.title)}**`] : []), ...lines].join("\n"))];
    }
    case "buttons":
      return [buttonRow(b.buttons)];
    case "choices":
      return [
        markdown(md(b.prompt)),
        buttonRow(b.choices.map((c) => ({ text: c.label, actionId: "tend.run", value: c.command }))),
      ];
  }
}

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), "utf8");

/** A picture already uploaded to Feishu (im/v1/images), shown in the card. */
export interface FeishuCardImage {
  imgKey: string;
  alt: string;
  title: string;
}

export function renderFeishuCard(reply: Reply, images: FeishuCardImage[] = []): FeishuCard {
  const first = reply.blocks[0];
  const title = first?.type === "header" ? first.text : reply.summary;
  const rest = first?.type === "header" ? reply.blocks.slice(1) : reply.blocks;
  const elements = rest.flatMap(element);
  if (images.length) {
    // Pictures go above the final button row; their alt text is the screen reader's (the text says it too).
    const last = elements.at(-1);
    const at = last && last.tag === "column_set" && last.flex_mode === "flow" ? elements.length - 1 : elements.length;
    elements.splice(
      at,
      0,
      ...images.map((i) => ({
        tag: "img",
        img_key: i.imgKey,
        alt: { tag: "plain_text", content: clip(plain(i.alt), 200) },
        title: { tag: "plain_text", content: clip(plain(i.title), 100) },
        scale_type: "fit_horizontal",
        preview: true,
      })),
    );
  }
  const card: FeishuCard = {
    schema: "2.0",
    config: { update_multi: true, width_mode: "fill", summary: { content: clip(plain(reply.summary), 100) } },
    header: {
      title: { tag: "plain_text", content: clip(plain(title), FEISHU_CARD_LIMITS.headerTitle) },
      template: TEMPLATE[reply.tone ?? "neutral"],
    },
    body: { elements },
  };
  // Keep within Feishu's 30 KB card limit: drop elements from the end (keeping the final button
  // row) and say so.
  if (bytes(card) > FEISHU_CARD_LIMITS.cardBytes) {
    const els = card.body.elements;
    const last = els[els.length - 1];
    let tail = last && last.tag === "column_set" && last.flex_mode === "flow" ? [els.pop() as FeishuElement] : [];
    let dropped = 0;
    // The card does not know its reader's language: the note says it in both.
    const more = () => LOCALES.map((l) => tPlain(l, "feishu.more_not_shown", { count: dropped })).join(" / ");
    const note = () => markdown(`<font color='grey'>${more()}</font>`);
    const fits = (head: FeishuElement[]) =>
      bytes({ ...card, body: { elements: [...head, note(), ...tail] } }) <= FEISHU_CARD_LIMITS.cardBytes;
    // Oversized buttons themselves (unusual) go too rather than breaking the card.
    if (tail.length && !fits([])) {
      tail = [];
      dropped++;
    }
    while (els.length > 0 && !fits(els)) {
      els.pop();
      dropped++;
    }
    card.body.elements = [...els, note(), ...tail];
  }
  return card;
}

/** A form as a card with a `form` container; the submit button's callback names the form. */
export function renderFeishuForm(form: Form): FeishuCard {
  const fields: FeishuElement[] = form.fields.flatMap((f): FeishuElement[] => {
    const label = markdown(`**${md(f.label)}**${f.required ? " *" : ""}`);
    if (f.kind === "date")
      return [
        label,
        {
          tag: "date_picker",
          name: f.id,
          required: Boolean(f.required),
          ...(f.initial ? { initial_date: f.initial } : {}),
        },
      ];
    if (f.kind === "select")
      return [
        label,
        {
          tag: "select_static",
          name: f.id,
          required: Boolean(f.required),
          options: (f.options ?? []).map((o) => ({
            text: { tag: "plain_text", content: plain(o.label) },
            value: o.value,
          })),
          ...(f.initial ? { initial_option: f.initial } : {}),
        },
      ];
    return [
      label,
      {
        tag: "input",
        name: f.id,
        required: Boolean(f.required),
        input_type: f.kind === "textarea" ? "multiline_text" : "text",
        ...(f.placeholder ? { placeholder: { tag: "plain_text", content: plain(f.placeholder) } } : {}),
        ...(f.initial ? { default_value: plain(f.initial) } : {}),
        ...(f.maxLength ? { max_length: f.maxLength } : {}),
      },
    ];
  });
  return {
    schema: "2.0",
    config: { update_multi: true, width_mode: "fill", summary: { content: plain(form.title) } },
    header: { title: { tag: "plain_text", content: plain(form.title) }, template: "blue" },
    body: {
      elements: [
        {
          tag: "form",
          name: "tend_form",
          elements: [
            ...fields,
            {
              tag: "button",
              name: "submit",
              action_type: "form_submit",
              type: "primary",
              text: { tag: "plain_text", content: plain(form.submitLabel) },
              behaviors: [{ type: "callback", value: { form: form.formId, privateValue: plain(form.privateValue) } }],
            },
          ],
        },
      ],
    },
  };
}
