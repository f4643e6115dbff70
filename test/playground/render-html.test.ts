import { describe, expect, it } from "vitest";
import type { Form, Reply } from "../../src/reply/model.js";
import { renderHtml, renderHtmlForm } from "../../src/reply/render-html.js";

// The playground's renderer: everything from the store (account names, notes) is escaped, the
// light markdown becomes HTML, buttons carry the model's action and value, forms are labelled.

const hostile = `<img src=x onerror="alert(1)"> & 'quotes'`;

describe("HTML rendering of the reply model", () => {
  it("escapes text from the store everywhere it appears, buttons included", () => {
    const reply: Reply = {
      summary: hostile,
      tone: "danger",
      blocks: [
        { type: "header", text: hostile },
        { type: "text", text: `**${hostile}**` },
        { type: "fields", fields: [{ label: hostile, value: hostile }] },
        { type: "list", title: hostile, items: [{ text: hostile, detail: hostile, tone: "warning" }] },
        { type: "context", text: hostile },
        { type: "buttons", buttons: [{ text: hostile, actionId: "tend.run", value: `brief ${hostile}` }] },
        { type: "choices", prompt: hostile, choices: [{ label: hostile, command: `brief "${hostile}"` }] },
      ],
    };
    const html = renderHtml(reply);
    expect(html).not.toContain("<img");
    expect(html).not.toMatch(/onerror="/);
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;quotes&#39;");
    // The value round-trips: a browser decodes the attribute back to the exact command.
    expect(html).toContain(`data-value="brief &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;quotes&#39;"`);
  });

  it("turns the light markdown into HTML and the header into the card's title", () => {
    const html = renderHtml({
      summary: "s",
      tone: "good",
      blocks: [
        { type: "header", text: "Acme" },
        { type: "text", text: "**Usage** is _up_ in `eu-1`\nsecond line" },
      ],
    });
    expect(html).toMatch(
      /^<article class="card tone-good" aria-label="Acme"><header class="card-header"><h3>Acme<\/h3>/,
    );
    expect(html).toContain("<strong>Usage</strong> is <em>up</em> in <code>eu-1</code><br>second line");
  });

  it("renders choices as buttons that run the chosen command", () => {
    const html = renderHtml({
      summary: "Which one?",
      blocks: [{ type: "choices", prompt: "Which one?", choices: [{ label: "Acme EU", command: "brief id:a1" }] }],
    });
    expect(html).toContain('data-action-id="tend.run" data-value="brief id:a1">Acme EU</button>');
  });

  it("labels every form control and gives each field an error slot", () => {
    const form: Form = {
      formId: "tend.log_interaction",
      title: "Log an interaction",
      submitLabel: "Save",
      privateValue: '{"accountId":"a1"}',
      fields: [
        { id: "date", label: "Date", kind: "date", required: true, initial: "2026-11-23" },
        { id: "kind", label: "Kind", kind: "select", options: [{ label: "Visit", value: "visit" }], initial: "visit" },
        { id: "notes", label: "Notes", kind: "textarea", maxLength: 2000 },
      ],
    };
    const html = renderHtmlForm(form, "f1");
    for (const id of ["date", "kind", "notes"]) {
      expect(html).toContain(`<label for="f1-${id}">`);
      expect(html).toContain(`id="f1-${id}" name="${id}"`);
      expect(html).toContain(`data-error-for="${id}"`);
    }
    expect(html).toContain('data-private-value="{&quot;accountId&quot;:&quot;a1&quot;}"');
    expect(html).toContain('<option value="visit" selected>Visit</option>');
    expect(html).toContain('type="date" value="2026-11-23" required');
  });
});
