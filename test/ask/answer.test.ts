import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/context.js";
import { handleAction, handleCommand } from "../../src/conversation/index.js";
import type { Identity } from "../../src/domain/identity.js";
import type { Reply } from "../../src/reply/model.js";
import { renderText } from "../../src/reply/render-text.js";
import type { Db } from "../../src/store/db.js";
import { readAudit } from "../../src/store/repos/audit.js";
import { stripData } from "../../src/text/user-data.js";
import { PEOPLE, seedBook } from "../commands/book.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";
import { type ChatStandIn, reply, startChatStandIn, textAnswer, toolCall } from "./chat-stand-in.js";

// Plain-language questions through the conversation core (every surface's entry point), on the
// crafted book: the reader, writes that wait for a click, and the optional model against a local
// stand-in of the chat-completions API.

const NOW = new Date("2026-11-23T15:00:00Z");
const text = (r: Reply) => stripData(renderText(r));
const head = (r: Reply) => {
  const b = r.blocks[0];
  return b && b.type === "context" ? stripData(b.text) : "";
};
const buttons = (r: Reply) => r.blocks.flatMap((b) => (b.type === "buttons" ? b.buttons : []));
const choices = (r: Reply) => r.blocks.flatMap((b) => (b.type === "choices" ? b.choices : []));

describe.each(STORE_KINDS)("asking in your own words (%s)", (kind) => {
  let db: Db;
  let ctx: AppContext;
  let withModel: AppContext;
  let book: Awaited<ReturnType<typeof seedBook>>;
  let chat: ChatStandIn;

  beforeAll(async () => {
    db = await testDb(kind);
    book = await seedBook(db);
    chat = await startChatStandIn();
    ctx = testContext(db, { now: NOW });
    withModel = testContext(db, {
      now: NOW,
      env: {
        TEND_LLM_URL: chat.url,
        TEND_LLM_MODEL: "local-test",
        TEND_LLM_API_KEY: "sk-test-key-123456",
        TEND_LLM_TIMEOUT_MS: "400",
      },
    });
  });
  afterAll(async () => {
    await chat?.close();
    await db?.close();
  });
  beforeEach(() => {
    chat.requests.length = 0;
    chat.answer = (_req, res) => reply(res, 500, { error: { message: "no answer set" } });
  });

  const as = (email: string): Identity => ({ surface: "cli", email });
  const ask = (email: string, q: string, c = ctx) => handleCommand(c, { identity: as(email), text: q });
  const audits = async (action: string) =>
    (await readAudit(db, { person: PEOPLE.csm, limit: 500 })).filter((a) => a.action === action);

  describe("the reader", () => {
    it("answers a question with the command's own reply, headed by what it understood", async () => {
      const r = await ask(PEOPLE.csm, "who renews in the next 60 days?");
      expect(head(r)).toBe("Read as `renewals 60`");
      expect(text(r)).toContain("Acme Corp");
      expect(text(r)).not.toContain("Globex");
      expect(head(await ask(PEOPLE.csm, "my renewals next quarter"))).toBe("Read as `renewals 128 @me`");
      const carl = await ask(PEOPLE.manager, "Carl's renewals in the next 3 months");
      expect(head(carl)).toBe("Read as `renewals 90 @carl`");
      expect(text(carl)).toContain("Acme Labs");
      expect(text(carl)).not.toContain("Acme Corp");
    });

    it("reads Chinese and answers in the member's language", async () => {
      const r = await ask(PEOPLE.zhCsm, "星辰最近怎么样");
      expect(head(r)).toBe("理解为 `account 上海星辰科技有限公司`");
      expect(text(r)).toContain("上海星辰科技有限公司");
      expect(head(await ask(PEOPLE.zhCsm, "我的客户里哪些有风险"))).toBe("理解为 `risk @me`");
    });

    it("leaves commands typed in the grammar as they were", async () => {
      const r = await ask(PEOPLE.csm, "renewals 90");
      expect(head(r)).not.toMatch(/Read as/);
      expect(text(r)).toContain("Acme Corp");
      expect(head(await ask(PEOPLE.csm, "brief acme corp"))).toBe("");
    });

    it("audits a read from plain language like the command", async () => {
      await ask(PEOPLE.csm, "prep me for Acme Corp tomorrow");
      const reads = await audits("brief.read");
      expect(reads.map((a) => a.account)).toContain("Acme Corp");
    });

    it("never writes from plain language: it asks for a click, and the click writes", async () => {
      const before = await db.prisma.interaction.count({ where: { accountId: book.accounts.acme.id } });
      const r = await ask(PEOPLE.csm, "log a call with Acme Corp");
      expect(text(r)).toContain('Read as `log "Acme Corp" call`. Nothing is saved until you confirm.');
      expect(await db.prisma.interaction.count({ where: { accountId: book.accounts.acme.id } })).toBe(before);
      const [confirm] = buttons(r);
      expect(confirm).toMatchObject({ actionId: "tend.run", value: `log id:${book.accounts.acme.id} call` });
      const done = await handleAction(ctx, { identity: as(PEOPLE.csm), actionId: "tend.run", value: confirm!.value });
      expect(done.reply?.error).toBeUndefined();
      const after = await db.prisma.interaction.findMany({ where: { accountId: book.accounts.acme.id, kind: "call" } });
      expect(after.length).toBeGreaterThan(0);
      expect(await db.prisma.interaction.count({ where: { accountId: book.accounts.acme.id } })).toBe(before + 1);

      const zh = await ask(PEOPLE.zhCsm, "把星辰静音一周");
      expect(buttons(zh).map((b) => b.text)).toEqual(["确认"]);
      expect(await db.prisma.snooze.count()).toBe(0);
    });

    it("tells a viewer they cannot write, without offering the button", async () => {
      const r = await ask(PEOPLE.viewer, "log a call with Acme Corp");
      expect(r.error).toBe("forbidden");
      expect(buttons(r)).toEqual([]);
    });

    it("offers the likeliest commands as buttons when two readings fit", async () => {
      const r = await ask(PEOPLE.csm, "renewals at risk");
      expect(r.error).toBe("ambiguous");
      expect(choices(r).map((c) => c.command)).toEqual(["renewals 90", "risk"]);
    });

    it("reveals nothing about accounts outside the asker's reach", async () => {
      const r = await ask(PEOPLE.csm, "how is 星辰 doing?");
      expect(text(r)).not.toMatch(/上海星辰|880|李娜/);
      expect(head(r)).not.toMatch(/Read as/);
    });
  });

  describe("the optional model", () => {
    it("is not called when the reader places the question, nor when no model is set", async () => {
      await ask(PEOPLE.csm, "who renews in the next 60 days?", withModel);
      await ask(PEOPLE.csm, "zorp blip flarn");
      expect(chat.requests).toEqual([]);
    });

    it("translates what the reader cannot place into a command; the store answers; the call is audited", async () => {
      chat.answer = (_req, res) => reply(res, 200, toolCall({ command: "renewals", days: 60, person: "me" }));
      const r = await ask(PEOPLE.csm, "zorp blip flarn", withModel);
      expect(head(r)).toBe("Read as `renewals 60 @me` (by the language model)");
      expect(text(r)).toContain("Acme Corp");
      const sent = chat.requests[0]!;
      expect(sent.auth).toBe("Bearer sk-test-key-123456");
      expect(sent.body.model).toBe("local-test");
      expect(sent.body.tools?.[0]?.function.name).toBe("tend_command");
      expect(sent.body.messages.at(-1)?.content).toBe("zorp blip flarn");
      // Only the question goes out: no account of the book.
      expect(JSON.stringify(sent.body)).not.toMatch(/Acme|Globex|星辰/);
      const [call] = await audits("ask.model");
      expect(call?.detail).toMatchObject({
        question: "zorp blip flarn",
        command: "renewals 60 @me",
        outcome: "command",
      });
    });

    it("falls back to the reader's answer on a malformed tool call, an error or a timeout", async () => {
      const bad = [
        toolCall("{not json"),
        toolCall({ command: "drop_tables" }),
        toolCall({ command: "brief" }),
        toolCall({ command: "renewals", days: 5000 }),
        toolCall({ command: "mine" }, "other_tool"),
        textAnswer("You have 3 renewals."),
        { nope: true },
      ];
      for (const body of bad) {
        chat.answer = (_req, res) => reply(res, 200, body);
        const r = await ask(PEOPLE.csm, "zorp blip flarn", withModel);
        expect(r.error).toBe("not_found"); // what the grammar says without a model
        expect(head(r)).toBe("");
      }
      chat.answer = (_req, res) => reply(res, 503, { error: "overloaded" });
      expect((await ask(PEOPLE.csm, "zorp blip flarn", withModel)).error).toBe("not_found");
      chat.answer = (_req, res) =>
        new Promise((resolve) =>
          setTimeout(() => {
            if (!res.destroyed) reply(res, 200, toolCall({ command: "mine" }));
            resolve();
          }, 1_500),
        );
      expect((await ask(PEOPLE.csm, "zorp blip flarn", withModel)).error).toBe("not_found");
      const outcomes = (await audits("ask.model")).map((a) => (a.detail as { outcome: string }).outcome);
      expect(outcomes).toEqual(expect.arrayContaining(["malformed", "no_tool_call", "error", "timeout"]));
    });

    it("cannot show an account the asker may not see, whatever it names", async () => {
      chat.answer = (_req, res) => reply(res, 200, toolCall({ command: "brief", account: "上海星辰科技有限公司" }));
      const r = await ask(PEOPLE.csm, "zorp blip flarn", withModel);
      expect(r.error).toBe("not_found");
      expect(text(r)).not.toMatch(/880|李娜|Li Wei/);
      const refused = (await readAudit(db, { person: PEOPLE.csm, refusedOnly: true })).map((a) => a.detail?.reason);
      expect(refused).toContain("out_of_reach");
    });

    it("asks for a click before any write it reads", async () => {
      chat.answer = (_req, res) => reply(res, 200, toolCall({ command: "snooze", account: "Acme Corp", days: 14 }));
      const r = await ask(PEOPLE.csm, "zorp blip flarn", withModel);
      expect(buttons(r)[0]).toMatchObject({ actionId: "tend.run", value: `snooze id:${book.accounts.acme.id} 14` });
      expect(await db.prisma.snooze.count()).toBe(0);
    });
  });

  describe("the brief's 'since the last visit'", () => {
    beforeAll(async () => {
      const g = book.accounts.globex.id;
      const at = (d: string) => new Date(`${d}T12:00:00Z`);
      await db.prisma.interaction.createMany({
        data: [
          { accountId: g, kind: "visit", occurredAt: at("2026-11-01"), notes: "BEFORE-THE-VISIT note" },
          { accountId: g, kind: "visit", occurredAt: at("2026-11-05"), notes: "the last visit itself" },
          { accountId: g, kind: "call", occurredAt: at("2026-11-15"), notes: "asked about SSO pricing" },
          { accountId: book.accounts.acme.id, kind: "call", occurredAt: at("2026-11-16"), notes: "SECRET-ACME-NOTE" },
        ],
      });
      await db.prisma.feedback.create({
        data: { accountId: g, title: "Export to Excel", raisedAt: new Date("2026-11-20T00:00:00Z") },
      });
    });

    it("summarises only that account's records since the last visit, listing the ones it cites", async () => {
      chat.answer = (req, res) =>
        reply(
          res,
          200,
          req.body.tools ? toolCall({ command: "mine" }) : textAnswer("Excel export asked [1]; SSO pricing [2] [9]."),
        );
      const r = await ask(PEOPLE.csm, "brief globex", withModel);
      const s = text(r);
      expect(s).toContain("Since the last visit");
      expect(s).toContain("Excel export asked [1]; SSO pricing [2] .");
      expect(s).toMatch(/\[1\] .*Export to Excel/);
      expect(s).toMatch(/\[2\] .*asked about SSO pricing/);
      expect(s).not.toContain("[9]");
      const prompt = chat.requests.map((q) => JSON.stringify(q.body)).join("\n");
      expect(prompt).toContain("asked about SSO pricing");
      expect(prompt).not.toMatch(/SECRET-ACME-NOTE|BEFORE-THE-VISIT|the last visit itself/);
      const [summary] = await audits("ask.summary");
      expect(summary?.account).toBe("Globex Corporation");
    });

    it("is left out without a model, and when the model fails", async () => {
      expect(text(await ask(PEOPLE.csm, "brief globex"))).not.toContain("Since the last visit");
      chat.answer = (_req, res) => reply(res, 500, {});
      const r = await ask(PEOPLE.csm, "brief globex", withModel);
      expect(r.error).toBeUndefined();
      expect(text(r)).not.toContain("Since the last visit");
      expect(text(r)).toContain("Globex Corporation");
    });
  });
});
