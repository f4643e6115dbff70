// Plain-text rendering for the CLI (and logs): the same reply, readable in a terminal.

import { plain as literal, renderRich } from "../text/user-data.js";
import type { Form, Reply } from "./model.js";

const TONE_MARK = { good: "+", warning: "!", danger: "x", neutral: "-" } as const;

/**
 * Strips the reply model's light markdown (**bold**) for plain output; a user's value is shown as
 * typed, without control characters (no terminal escape sequence reaches the screen).
 */
const plain = (s: string) =>
  renderRich(
    s,
    (tend) => tend.replace(/\*\*(.+?)\*\*/g, "$1"),
    (v) => v,
  );

export function renderText(reply: Reply): string {
  const out: string[] = [];
  for (const b of reply.blocks) {
    switch (b.type) {
      case "header":
        out.push(literal(b.text), "=".repeat(Math.min(60, [...literal(b.text)].length + 4)));
        break;
      case "text":
        out.push(plain(b.text));
        break;
      case "fields": {
        const width = Math.max(...b.fields.map((f) => literal(f.label).length));
        for (const f of b.fields) out.push(`${literal(f.label).padEnd(width)}  ${plain(f.value)}`);
        break;
      }
      case "list":
        if (b.title) out.push(`${plain(b.title)}:`);
        for (const i of b.items) {
          out.push(`  ${TONE_MARK[i.tone ?? "neutral"]} ${plain(i.text)}`);
          if (i.detail) out.push(`      ${plain(i.detail)}`);
        }
        break;
      case "context":
        out.push(`(${plain(b.text)})`);
        break;
      case "divider":
        out.push("-".repeat(40));
        break;
      case "buttons":
        out.push(`[${b.buttons.map((x) => literal(x.text)).join("] [")}]`);
        break;
      case "choices":
        out.push(plain(b.prompt));
        for (const c of b.choices) out.push(`  * ${literal(c.label)}    (tend ask "${literal(c.command)}")`);
        break;
    }
    out.push("");
  }
  // Pictures and documents by name; a picture's alt text says what it shows.
  for (const a of reply.attachments ?? [])
    out.push(
      a.kind === "chart" ? `[picture] ${literal(a.title)}: ${literal(a.alt)}` : `[document] ${literal(a.title)}`,
    );
  return out.join("\n").trimEnd();
}

export function renderTextForm(form: Form): string {
  return [
    literal(form.title),
    ...form.fields.map((f) => `  ${literal(f.label)}${f.required ? " *" : ""} [${f.kind}]`),
  ].join("\n");
}
