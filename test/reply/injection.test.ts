// Nothing a user typed or imported can mention, link or format on Slack or Feishu (or the playground
// and the terminal) unless Tend put it there. Hostile strings go into every user-sourced field of a
// book (account names and aliases, contacts, feedback and promise titles, NPS comments, notes,
// member and team names); every command and every proactive message is then rendered on every
// surface and the output is searched for anything the hostile text could have turned into markup.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveProactiveConfig } from "../../src/config/proactive.js";
import { handleAction, handleCommand, homeView } from "../../src/conversation/index.js";
import type { Identity } from "../../src/domain/identity.js";
import { runJob } from "../../src/jobs/run.js";
import type { Form, Reply } from "../../src/reply/model.js";
import { renderFeishuCard, renderFeishuForm } from "../../src/reply/render-feishu.js";
import { renderHtml, renderHtmlForm } from "../../src/reply/render-html.js";
import { renderSlack, renderSlackHome, renderSlackMessages, renderSlackModal } from "../../src/reply/render-slack.js";
import { renderText, renderTextForm } from "../../src/reply/render-text.js";
import { toastText } from "../../src/slack/services.js";
import type { Db } from "../../src/store/db.js";
import { data } from "../../src/text/user-data.js";
import { PEOPLE, seedBook } from "../commands/book.js";
import { at, DAY, seed } from "../proactive/crafted.js";
import { testContext, testDb } from "../support/store.js";

// Each fragment is something a chat platform would turn into a mention, a link, a tag or formatting.
const FRAGMENTS = [
  "<!channel>",
  "<!here|here>",
  "<@U0ADMIN>",
  "<#C0GENERAL|general>",
  "<http://evil.test/a|click here>",
  "<at id=all></at>",
  '<at user_id="ou_boss">boss</at>',
  "[free money](http://evil.test/b)",
  "<font color='red'>REDFONT</font>",
  "<text_tag color='red'>TAGGED</text_tag>",
  "<link url='http://evil.test/c'>LINKED</link>",
  "<script>alert(1)</script>",
  "**PWNBOLD**",
  "*pwnstar*",
  "_pwnital_",
  "~pwnstrike~",
  "`pwncode`",
  "\n# PWNHEAD",
  "\n> pwnquote",
  "\n- pwnitem",
  "http://evil.test/d",
  "\u202Etxt.exe\u202C",
  "\u2066iso\u2069",
  "\u0007\u001b[31mansi",
  "\uE000marker\uE001",
  "&amp;&lt;",
] as const;
const hostile = fc
  .array(fc.constantFrom(...FRAGMENTS), { minLength: 2, maxLength: 5 })
  .map((parts) => `Zq ${parts.join(" ")}`);

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u202A-\u202E\u2066-\u2069\uE000-\uE003]/;

/**
 * The strings of a rendered message a platform parses as markup: Slack's mrkdwn texts and the
 * message `text`, Feishu's markdown contents. Plain-text objects (headers, buttons) are shown as
 * typed and only checked for control characters; button values are never shown.
 */
function strings(v: unknown, out: { markup: string[]; plain: string[] } = { markup: [], plain: [] }, under = "") {
  if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    // A Feishu card's summary is the chat list preview, plain text.
    const isPlain = o.type === "plain_text" || o.tag === "plain_text" || under === "summary";
    for (const [k, x] of Object.entries(o)) {
      if (k === "value" || k === "behaviors" || k === "action_id" || k === "private_metadata") continue;
      if (typeof x === "string") (isPlain ? out.plain : out.markup).push(x);
      else strings(x, out, k);
    }
  }
  return out;
}

function checkSlack(where: string, message: unknown) {
  const { markup, plain } = strings(message);
  for (const s of plain) expect(s, where).not.toMatch(CONTROL);
  for (const s of markup) {
    expect(s, where).not.toMatch(/<[!@#]|<https?:|<mailto:/);
    expect(s, where).not.toMatch(/\*PWNBOLD\*|\*pwnstar\*|_pwnital_|~pwnstrike~|`pwncode`/);
    expect(s, where).not.toMatch(/https?:\/\/evil/);
    expect(s, where).not.toMatch(/^\s*(&gt;|>) pwnquote/m);
    expect(s, where).not.toMatch(CONTROL);
  }
}

function checkFeishu(where: string, card: unknown) {
  const { markup, plain } = strings(card);
  for (const s of plain) expect(s, where).not.toMatch(CONTROL);
  for (const s of markup) {
    // Tend's own grey notes are the only tag it writes.
    expect(s.replace(/<font color='grey'>|<\/font>/g, ""), where).not.toMatch(/<\/?[a-z_]+[\s>=/]/i);
    expect(s, where).not.toMatch(/\]\(|\*PWNBOLD\*|\*pwnstar\*|_pwnital_|~pwnstrike~|`pwncode`/);
    expect(s, where).not.toMatch(/https?:\/\/evil|evil\.test/);
    expect(s, where).not.toMatch(/^\s*(#|>|-) ?pwn/im);
    expect(s, where).not.toMatch(CONTROL);
  }
}

function checkHtml(where: string, html: string) {
  expect(html, where).not.toMatch(/<(script|font|at|text_tag|link|a)[\s>]/i);
  expect(html, where).not.toMatch(/<(strong|em|code)>(PWNBOLD|pwnstar|pwnital|pwncode)/);
  expect(html, where).not.toMatch(CONTROL);
}

function checkText(where: string, text: string) {
  expect(text, where).not.toMatch(CONTROL);
}

function checkReply(where: string, reply: Reply) {
  checkSlack(`${where} slack`, renderSlack(reply));
  for (const m of renderSlackMessages(reply)) checkSlack(`${where} slack messages`, m);
  checkSlack(`${where} slack home`, renderSlackHome(reply));
  checkFeishu(`${where} feishu`, renderFeishuCard(reply));
  checkHtml(`${where} html`, renderHtml(reply));
  checkText(`${where} text`, renderText(reply));
}

function checkForm(where: string, form: Form) {
  checkSlack(`${where} slack modal`, renderSlackModal(form));
  checkFeishu(`${where} feishu form`, renderFeishuForm(form));
  checkHtml(`${where} html form`, renderHtmlForm(form, "f"));
  checkText(`${where} text form`, renderTextForm(form));
}

// Appends the hostile text to every user-sourced column (after a sentinel, so the next run replaces it).
const FIELDS: [string, string][] = [
  ["Account", "name"],
  ["Contact", "name"],
  ["Feedback", "title"],
  ["CustomerPromise", "title"],
  ["SurveyResponse", "comment"],
  ["Interaction", "notes"],
  ["Member", "name"],
  ["Team", "name"],
];
async function poison(db: Db, text: string) {
  for (const [table, column] of FIELDS)
    await db.pool.query(
      `UPDATE "${table}" SET "${column}" = split_part(coalesce("${column}", ''), ' ⟦', 1) || ' ⟦' || $1`,
      [text],
    );
  await db.pool.query(`UPDATE "Account" SET aliases = ARRAY[$1]`, [text]);
}

describe("hostile user text on every surface", () => {
  let db: Db;
  let book: Awaited<ReturnType<typeof seedBook>>;
  beforeAll(async () => {
    db = await testDb("pglite");
    book = await seedBook(db);
  });
  afterAll(async () => db?.close());

  it("every command's answer, form and toast shows it literally", async () => {
    const ctx = testContext(db, { now: new Date("2026-11-23T15:00:00Z") });
    const as = (email: string): Identity => ({ surface: "cli", email });
    await fc.assert(
      fc.asyncProperty(hostile, async (text) => {
        await poison(db, text);
        const acme = `id:${book.accounts.acme.id}`;
        const commands = [
          `account ${acme}`,
          `brief ${acme}`,
          `health ${acme}`,
          "renewals 120",
          "renewals quarter team East",
          "risk",
          "mine",
          "metrics",
          "metrics quarter",
          "help",
          `brief ${text}`,
          `log ${acme} call ${text}`,
          `snooze ${acme} ${text}`,
          text,
        ];
        for (const who of [PEOPLE.manager, PEOPLE.csm, PEOPLE.admin, PEOPLE.zhCsm])
          for (const command of commands) {
            const reply = await handleCommand(ctx, { identity: as(who), text: command });
            checkReply(`${who}: ${command}`, reply);
          }
        checkReply("home", await homeView(ctx, as(PEOPLE.csm)));
        const opened = await handleAction(ctx, {
          identity: as(PEOPLE.csm),
          actionId: "tend.log_form",
          value: JSON.stringify({ accountId: book.accounts.acme.id }),
        });
        if (opened.form) checkForm("log form", opened.form);
        const snoozed = await handleAction(ctx, {
          identity: as(PEOPLE.csm),
          actionId: "tend.snooze",
          value: JSON.stringify({ accountId: book.accounts.acme.id, days: 7 }),
        });
        if (snoozed.toast) checkSlack("snooze toast", { text: toastText(snoozed.toast) });
        if (snoozed.reply) checkReply("snooze reply", snoozed.reply);
      }),
      { numRuns: 6 },
    );
  });

  it("a value marked as data keeps its characters, only escaped", () => {
    const reply: Reply = { summary: data("<!channel> *x*"), blocks: [{ type: "text", text: `**${data("**y**")}**` }] };
    const slack = renderSlack(reply);
    expect(slack.text).toBe("&lt;!channel\u200B&gt; \u200B*x\u200B*");
    expect(JSON.stringify(slack.blocks)).toContain("*\u200B*\u200B*y\u200B*\u200B**");
    const feishu = JSON.stringify(renderFeishuCard(reply));
    expect(feishu).toContain("**&#42;&#42;y&#42;&#42;**");
    expect(renderHtml(reply)).toContain("<strong>**y**</strong>");
    expect(renderText(reply)).toBe("**y**");
  });
});

describe("hostile user text in every proactive message", () => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb("pglite");
    await seed(db);
  });
  afterAll(async () => db?.close());

  it("nudges, visit briefs, the team digest and the weekly summary show it literally", async () => {
    const config = resolveProactiveConfig();
    await fc.assert(
      fc.asyncProperty(hostile, async (text) => {
        await poison(db, text);
        let messages = 0;
        for (const [job, hour] of [
          ["nudges", 8],
          ["briefs", 8],
          ["digest", 8],
          ["weekly", 8],
        ] as const) {
          const r = await runJob(testContext(db, { now: at(DAY, hour) }), job, { day: DAY, config, dryRun: true });
          for (const m of r.plan?.messages ?? []) {
            checkReply(`${job} to ${m.recipient}`, m.reply);
            messages++;
          }
        }
        expect(messages).toBeGreaterThan(2);
      }),
      { numRuns: 4 },
    );
  });
});
