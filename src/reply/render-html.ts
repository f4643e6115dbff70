// HTML rendering of the reply model for the browser playground: a card close to how Slack and
// Feishu show the same reply (header coloured by tone, fields in two columns, button rows).
// Everything from the reply is escaped; buttons carry the model's action id and value in data
// attributes, which the page posts back to the conversation core unchanged.

import { plain, renderRich } from "../text/user-data.js";
import { attachmentFiles } from "./attachments.js";
import type { Block, Button, Form, Reply, Tone } from "./model.js";

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeRaw = (s: string) => s.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
/** Escapes for HTML text and attributes; markers of user data and control characters are dropped. */
export const escapeHtml = (s: string) => escapeRaw(plain(s));

/**
 * The model's light markdown (**bold**, _italic_, `code`, line breaks) as HTML, after escaping;
 * a user's value is only escaped, never formatted.
 */
export function inlineHtml(s: string): string {
  return renderRich(
    s,
    (tend) =>
      escapeRaw(tend)
        .replace(/`([^`\n]+)`/g, "<code>$1</code>")
        .replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>")
        .replace(/(^|[\s(])_(\S(?:.*?\S)?)_(?=$|[\s).,;:!?])/gm, "$1<em>$2</em>")
        .replace(/\n/g, "<br>"),
    (value) => escapeHtml(value).replace(/\n/g, "<br>"),
  );
}

const TONE_LABEL: Record<Tone, string> = { good: "good", warning: "warning", danger: "at risk", neutral: "" };
const TONE_MARK: Record<Tone, string> = { good: "✅", warning: "⚠️", danger: "❗", neutral: "•" };

function button(b: Button): string {
  const style = b.style ? ` btn-${b.style}` : "";
  return (
    `<button type="button" class="btn${style}" data-action-id="${escapeHtml(b.actionId)}" ` +
    `data-value="${escapeHtml(b.value)}">${escapeHtml(b.text)}</button>`
  );
}

const buttonRow = (buttons: Button[]) => `<div class="card-actions" role="group">${buttons.map(button).join("")}</div>`;

function block(b: Block): string {
  switch (b.type) {
    case "header":
      return `<h3 class="card-subheader">${escapeHtml(b.text)}</h3>`;
    case "text":
      return `<p class="card-text">${inlineHtml(b.text)}</p>`;
    case "context":
      return `<p class="card-context">${inlineHtml(b.text)}</p>`;
    case "divider":
      return `<hr class="card-divider">`;
    case "fields":
      return `<dl class="card-fields">${b.fields
        .map((f) => `<div><dt>${escapeHtml(f.label)}</dt><dd>${inlineHtml(f.value)}</dd></div>`)
        .join("")}</dl>`;
    case "list": {
      const items = b.items
        .map((i) => {
          const tone = i.tone ?? "neutral";
          const label = TONE_LABEL[tone] ? `<span class="visually-hidden">${TONE_LABEL[tone]}: </span>` : "";
          const detail = i.detail ? `<div class="card-detail">${inlineHtml(i.detail)}</div>` : "";
          return `<li class="tone-${tone}"><span class="mark" aria-hidden="true">${TONE_MARK[tone]}</span> ${label}${inlineHtml(i.text)}${detail}</li>`;
        })
        .join("");
      const title = b.title ? `<p class="card-list-title"><strong>${inlineHtml(b.title)}</strong></p>` : "";
      return `${title}<ul class="card-list">${items}</ul>`;
    }
    case "buttons":
      return buttonRow(b.buttons);
    case "choices":
      return `<p class="card-text">${inlineHtml(b.prompt)}</p>${buttonRow(
        b.choices.map((c) => ({ text: c.label, actionId: "tend.run", value: c.command })),
      )}`;
  }
}

/**
 * One reply as a card. Like Feishu, a leading header block becomes the card's title bar (coloured
 * by the reply's tone); without one the card has no title bar and the tone shows as the left edge,
 * as a Slack attachment does.
 */
export function renderHtml(reply: Reply): string {
  const tone = reply.tone ?? "neutral";
  const first = reply.blocks[0];
  const title = first?.type === "header" ? first.text : undefined;
  const rest = title === undefined ? reply.blocks : reply.blocks.slice(1);
  const head = title === undefined ? "" : `<header class="card-header"><h3>${escapeHtml(title)}</h3></header>`;
  const shared = reply.visibility === "channel" ? `<p class="card-badge">Posted to the channel</p>` : "";
  const label = title ?? reply.summary;
  return (
    `<article class="card tone-${tone}${reply.error ? " card-error" : ""}" aria-label="${escapeHtml(label.slice(0, 200))}">` +
    `${head}<div class="card-body">${shared}${rest.map(block).join("")}</div></article>`
  );
}

/**
 * A form as an inline card (Slack opens it as a modal, Feishu as a form card). Every control has a
 * label; `idPrefix` keeps ids unique when several forms are on the page. Errors for a field go into
 * the element with `data-error-for="<field id>"`.
 */
export function renderHtmlForm(form: Form, idPrefix: string): string {
  const p = escapeHtml(idPrefix);
  const fields = form.fields
    .map((f) => {
      const id = `${p}-${escapeHtml(f.id)}`;
      const req = f.required ? " required" : "";
      const star = f.required ? ` <span aria-hidden="true">*</span>` : "";
      const described = ` aria-describedby="${id}-err"`;
      const ph = f.placeholder ? ` placeholder="${escapeHtml(f.placeholder)}"` : "";
      const max = f.maxLength ? ` maxlength="${f.maxLength}"` : "";
      const init = escapeHtml(f.initial ?? "");
      let control: string;
      if (f.kind === "select")
        control = `<select id="${id}" name="${escapeHtml(f.id)}"${req}${described}>${(f.options ?? [])
          .map(
            (o) =>
              `<option value="${escapeHtml(o.value)}"${o.value === f.initial ? " selected" : ""}>${escapeHtml(o.label)}</option>`,
          )
          .join("")}</select>`;
      else if (f.kind === "textarea")
        control = `<textarea id="${id}" name="${escapeHtml(f.id)}" rows="3"${req}${ph}${max}${described}>${init}</textarea>`;
      else
        control = `<input id="${id}" name="${escapeHtml(f.id)}" type="${f.kind === "date" ? "date" : "text"}" value="${init}"${req}${ph}${max}${described}>`;
      return (
        `<div class="form-field"><label for="${id}">${escapeHtml(f.label)}${star}</label>${control}` +
        `<p class="field-error" id="${id}-err" data-error-for="${escapeHtml(f.id)}" aria-live="polite"></p></div>`
      );
    })
    .join("");
  return (
    `<article class="card tone-neutral card-form" aria-label="${escapeHtml(form.title)}">` +
    `<header class="card-header"><h3>${escapeHtml(form.title)}</h3></header>` +
    `<form class="card-body" data-form-id="${escapeHtml(form.formId)}" data-private-value="${escapeHtml(form.privateValue)}">` +
    `${fields}<div class="card-actions"><button type="submit" class="btn btn-primary">${escapeHtml(form.submitLabel)}</button></div>` +
    `</form></article>`
  );
}

/**
 * The reply's pictures (drawn now, inline as PNG data) and documents (download links), for the
 * playground. Titles and alt texts are escaped; file names are Tend's own.
 */
export function renderHtmlAttachments(reply: Reply): string {
  const files = attachmentFiles(reply.attachments);
  if (files.length === 0) return "";
  const items = files.map((f) =>
    f.image
      ? `<figure class="card-figure"><img src="data:image/png;base64,${f.bytes.toString("base64")}" alt="${escapeHtml(f.alt ?? f.title)}" width="640" height="320"><figcaption>${escapeHtml(f.title)}</figcaption></figure>`
      : `<p class="card-file"><a download="${escapeHtml(f.fileName)}" href="data:${f.mime};charset=utf-8;base64,${f.bytes.toString("base64")}">${escapeHtml(f.title)} (${escapeHtml(f.fileName)})</a></p>`,
  );
  return `<div class="card-attachments">${items.join("")}</div>`;
}
