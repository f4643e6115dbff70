import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Block, Form, Reply } from "../../src/reply/model.js";
import { FEISHU_CARD_LIMITS, renderFeishuCard, renderFeishuForm } from "../../src/reply/render-feishu.js";
import {
  BLOCK_KIT_LIMITS,
  checkBlockKitLimits,
  parseSlackActionId,
  renderSlack,
  renderSlackHome,
  renderSlackMessages,
  renderSlackModal,
  slackModalValues,
} from "../../src/reply/render-slack.js";
import { renderText } from "../../src/reply/render-text.js";

const long = (n: number, ch = "x") => ch.repeat(n);

const huge: Reply = {
  summary: long(5000, "s"),
  tone: "danger",
  blocks: [
    { type: "header", text: long(400, "H") },
    { type: "text", text: long(9000, "t") },
    { type: "fields", fields: Array.from({ length: 23 }, (_, i) => ({ label: `F${i}`, value: long(2500, "v") })) },
    {
      type: "list",
      title: "Big list",
      items: Array.from({ length: 1500 }, (_, i) => ({
        text: `**Account ${i}** ${long(120, "a")}`,
        detail: long(80, "d"),
        tone: "warning" as const,
      })),
    },
    { type: "context", text: long(4000, "c") },
    {
      type: "choices",
      prompt: "Which?",
      choices: Array.from({ length: 30 }, (_, i) => ({ label: long(100, String(i % 10)), command: `brief id:${i}` })),
    },
    {
      type: "buttons",
      buttons: Array.from({ length: 30 }, (_, i) => ({
        text: long(90, "b"),
        actionId: "tend.run" as const,
        value: long(2500, "z") + i,
      })),
    },
  ],
};

describe("Slack Block Kit rendering", () => {
  it("keeps a huge reply within every Block Kit limit and says what was left out", () => {
    const msg = renderSlack(huge);
    expect(checkBlockKitLimits(msg.blocks)).toEqual([]);
    expect(msg.blocks.length).toBe(BLOCK_KIT_LIMITS.blocksPerMessage);
    expect(JSON.stringify(msg.blocks)).toMatch(/more not shown/);
    expect(msg.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.fallbackText);
    expect(msg.blocks.at(-1)?.type).toBe("actions");
    const zh = renderSlack(huge, "zh-CN");
    expect(JSON.stringify(zh.blocks)).toContain("未显示");
  });

  it("can also split a long reply over several valid messages with nothing dropped", () => {
    const msgs = renderSlackMessages(huge);
    expect(msgs.length).toBeGreaterThan(1);
    for (const m of msgs) expect(checkBlockKitLimits(m.blocks)).toEqual([]);
    const all = JSON.stringify(msgs);
    expect(all).toContain("Account 1499");
  });

  it("the validator catches each kind of violation (so passing it means something)", () => {
    const bad = [
      { type: "header", text: { type: "plain_text", text: long(151) } },
      { type: "section", text: { type: "mrkdwn", text: long(3001) } },
      { type: "section", fields: Array.from({ length: 11 }, () => ({ type: "mrkdwn", text: "f" })) },
      {
        type: "actions",
        elements: Array.from({ length: 26 }, () => ({
          type: "button",
          text: { type: "plain_text", text: long(76) },
          action_id: "same",
          value: "v",
        })),
      },
      ...Array.from({ length: 50 }, () => ({ type: "divider" })),
    ];
    const problems = checkBlockKitLimits(bad).join("\n");
    for (const p of [
      "blocks >",
      "header text",
      "text 3001",
      "11 fields",
      "26 elements",
      "button text",
      "duplicate action_id",
    ])
      expect(problems).toContain(p);
  });

  it("converts markdown, escapes Slack control characters and keeps action ids unique", () => {
    const msg = renderSlack({
      summary: "s",
      blocks: [
        { type: "text", text: "**Bold** <script> & _it_" },
        {
          type: "buttons",
          buttons: [
            { text: "A", actionId: "tend.run", value: "brief x" },
            { text: "B", actionId: "tend.run", value: "health x" },
          ],
        },
      ],
      visibility: "channel",
    });
    expect(msg.blocks[0]).toMatchObject({
      type: "section",
      text: { type: "mrkdwn", text: "*Bold* &lt;script&gt; &amp; _it_" },
    });
    const ids = (msg.blocks[1]!.elements as { action_id: string }[]).map((e) => e.action_id);
    expect(new Set(ids).size).toBe(2);
    expect(ids.map(parseSlackActionId)).toEqual(["tend.run", "tend.run"]);
    expect(msg.response_type).toBe("in_channel");
    expect(renderSlackHome(huge).blocks.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.blocksPerView);
  });

  it("random replies always render within the limits", () => {
    const text = fc.string({ maxLength: 4000 });
    const block: fc.Arbitrary<Block> = fc.oneof(
      text.map((t) => ({ type: "header" as const, text: t })),
      text.map((t) => ({ type: "text" as const, text: t })),
      fc
        .array(fc.record({ label: fc.string({ maxLength: 100 }), value: text }), { maxLength: 25 })
        .map((fields) => ({ type: "fields" as const, fields })),
      fc.array(fc.record({ text }), { maxLength: 60 }).map((items) => ({ type: "list" as const, items })),
      fc
        .array(fc.record({ text: fc.string({ maxLength: 200 }), value: fc.string({ maxLength: 3000 }) }), {
          maxLength: 40,
        })
        .map((bs) => ({
          type: "buttons" as const,
          buttons: bs.map((b) => ({ ...b, actionId: "tend.share" as const })),
        })),
    );
    fc.assert(
      fc.property(fc.array(block, { maxLength: 30 }), (blocks) => {
        const reply: Reply = { summary: "r", blocks };
        expect(checkBlockKitLimits(renderSlack(reply).blocks)).toEqual([]);
        expect(Buffer.byteLength(JSON.stringify(renderFeishuCard(reply)))).toBeLessThanOrEqual(
          FEISHU_CARD_LIMITS.cardBytes,
        );
      }),
      { numRuns: 150 },
    );
  });
});

const form: Form = {
  formId: "tend.log_interaction",
  title: "Log an interaction with a very long title",
  submitLabel: "Save",
  privateValue: '{"accountId":"a1"}',
  fields: [
    { id: "date", label: "Date", kind: "date", required: true, initial: "2026-11-23" },
    {
      id: "kind",
      label: "Kind",
      kind: "select",
      required: true,
      initial: "visit",
      options: [
        { label: "visit", value: "visit" },
        { label: "call", value: "call" },
      ],
    },
    { id: "notes", label: "Notes", kind: "textarea", maxLength: 2000, placeholder: "What happened" },
  ],
};

describe("forms", () => {
  it("renders a Slack modal whose submitted state maps back to field values", () => {
    const view = renderSlackModal(form);
    expect(view).toMatchObject({
      type: "modal",
      callback_id: "tend.log_interaction",
      private_metadata: '{"accountId":"a1"}',
    });
    expect((view.title as { text: string }).text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.viewTitle);
    const blocks = view.blocks as { block_id: string; element: { type: string; initial_option?: unknown } }[];
    expect(blocks.map((b) => [b.block_id, b.element.type])).toEqual([
      ["date", "datepicker"],
      ["kind", "static_select"],
      ["notes", "plain_text_input"],
    ]);
    expect(blocks[1]!.element.initial_option).toMatchObject({ value: "visit" });
    expect(
      slackModalValues({
        date: { date: { type: "datepicker", selected_date: "2026-11-20" } },
        kind: { kind: { type: "static_select", selected_option: { value: "call" } } },
        notes: { notes: { type: "plain_text_input", value: null } },
      }),
    ).toEqual({ date: "2026-11-20", kind: "call", notes: undefined });
  });

  it("renders a Feishu form card with a form container and a submit callback", () => {
    const card = renderFeishuForm(form);
    expect(card.schema).toBe("2.0");
    const f = card.body.elements[0] as {
      tag: string;
      elements: { tag: string; name?: string; action_type?: string; behaviors?: unknown }[];
    };
    expect(f.tag).toBe("form");
    expect(f.elements.filter((e) => e.name).map((e) => [e.tag, e.name])).toEqual([
      ["date_picker", "date"],
      ["select_static", "kind"],
      ["input", "notes"],
      ["button", "submit"],
    ]);
    expect(f.elements.at(-1)).toMatchObject({
      action_type: "form_submit",
      behaviors: [{ type: "callback", value: { form: "tend.log_interaction", privateValue: '{"accountId":"a1"}' } }],
    });
  });
});

describe("Feishu card rendering", () => {
  it("is a JSON 2.0 card with the tone's header colour and callback buttons", () => {
    const card = renderFeishuCard({
      summary: "Acme",
      tone: "danger",
      blocks: [
        { type: "header", text: "Acme Corp" },
        { type: "fields", fields: [{ label: "Health", value: "red" }] },
        { type: "buttons", buttons: [{ text: "Brief", actionId: "tend.run", value: "brief id:1" }] },
      ],
    });
    expect(card.header).toEqual({ title: { tag: "plain_text", content: "Acme Corp" }, template: "red" });
    const json = JSON.stringify(card);
    expect(json).toContain('"behaviors":[{"type":"callback","value":{"action":"tend.run","value":"brief id:1"}}]');
  });

  it("stays under 30 KB for a huge reply, keeping the buttons and noting what was cut", () => {
    const card = renderFeishuCard(huge);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThanOrEqual(FEISHU_CARD_LIMITS.cardBytes);
    expect(JSON.stringify(card)).toContain("more not shown");
    const small = { text: "Brief", actionId: "tend.run" as const, value: "brief id:1" };
    const withButtons = renderFeishuCard({
      ...huge,
      blocks: [...huge.blocks.slice(0, -1), { type: "buttons", buttons: [small] }],
    });
    expect(Buffer.byteLength(JSON.stringify(withButtons))).toBeLessThanOrEqual(FEISHU_CARD_LIMITS.cardBytes);
    expect(withButtons.body.elements.at(-1)).toMatchObject({ tag: "column_set", flex_mode: "flow" });
  });
});

describe("text rendering", () => {
  it("prints every block kind readably", () => {
    const s = renderText({
      summary: "x",
      blocks: [
        { type: "header", text: "Title" },
        { type: "fields", fields: [{ label: "ARR", value: "$1" }] },
        { type: "list", title: "Why", items: [{ text: "**bold** thing", tone: "danger", detail: "more" }] },
        { type: "choices", prompt: "Which?", choices: [{ label: "Acme", command: "brief id:1" }] },
      ],
    });
    expect(s).toContain("Title\n=========");
    expect(s).toContain("ARR  $1");
    expect(s).toContain("  x bold thing\n      more");
    expect(s).toContain('tend ask "brief id:1"');
  });
});
