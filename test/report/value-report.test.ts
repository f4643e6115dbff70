import { afterEach, describe, expect, it } from "vitest";
import { handleCommand } from "../../src/conversation/index.js";
import type { Attachment, Reply } from "../../src/reply/model.js";
import { renderText } from "../../src/reply/render-text.js";
import type { Db } from "../../src/store/db.js";
import { stripData } from "../../src/text/user-data.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";
import { seedReportBook, TODAY, TRICKY, WHO } from "./book.js";

let db: Db | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

async function setup(kind: (typeof STORE_KINDS)[number]) {
  db = await testDb(kind);
  const book = await seedReportBook(db);
  const ctx = testContext(db, { now: new Date(`${TODAY}T09:00:00Z`) });
  const ask = (email: string, text: string) => handleCommand(ctx, { identity: { surface: "cli", email }, text });
  return { ctx, book, ask, db };
}

const doc = (r: Reply, format: "markdown" | "html") => {
  const a = r.attachments?.find(
    (x): x is Extract<Attachment, { kind: "document" }> => x.kind === "document" && x.format === format,
  );
  if (!a) throw new Error(`no ${format} document`);
  return a.text;
};

describe.each(STORE_KINDS)("value report (%s)", (kind) => {
  it("composes results, help, improvements and plan from the store, as Markdown and printable HTML", async () => {
    const { ask } = await setup(kind);
    const r = await ask(WHO.csm, "report acme");
    expect(r.error).toBeUndefined();
    const md = doc(r, "markdown");
    // Results: usage now vs the first week after go-live, the milestone reached.
    expect(md).toContain("## Results");
    expect(md).toMatch(/Active users: 20 in the first week after go-live \([^)]*\), 45 now \(\+125%\)/);
    expect(md).toContain("Activated seats: 40% then, 90% now.");
    expect(md).toContain("Go live in all plants");
    // Help given: held, answered interactions of the year only.
    expect(md).toContain("- 2 visits");
    expect(md).toContain("1 business reviews (QBR)");
    expect(md).toContain("- 1 trainings");
    expect(md).not.toContain("calls");
    expect(md).toContain("2 of 3 requests and issues you raised this year answered");
    // Our improvements, next year's plan.
    expect(md).toContain("Delivered from your feedback");
    expect(md).toContain("Promise kept: Weekly usage digest");
    expect(md).toContain("In progress from your feedback: SSO with Okta");
    expect(md).toContain("Milestone: Roll out to finance");
    expect(md).toContain("We committed to: Onsite workshop");
    expect(md).toContain("Growth: 30 more seats for finance");
    expect(md).toContain("none recorded in Tend yet");
    // The amount of an opportunity is ours, not the customer's.
    expect(md).not.toContain("20,000");
    // Data is literal: markup in a name or a title is escaped.
    expect(md).toContain("# Value report: Acme \\<b\\>Corp\\</b\\> \\*star\\*");
    const html = doc(r, "html");
    expect(html).toContain("Acme &lt;b&gt;Corp&lt;/b&gt; *star*");
    expect(html).toContain("Export to &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toMatch(/<script|<b>/);
    expect(html).toContain("@media print");
    expect(html).toContain('<html lang="en">');
    // The chat answer: summary, sections, a button to confirm it was sent.
    const text = stripData(renderText(r));
    expect(text).toContain(`Value report for ${TRICKY} is ready`);
    expect(text).toContain("[Mark value report sent]");
  });

  it("writes in the account's language and says plainly when a section has no data", async () => {
    const { ask } = await setup(kind);
    const zh = await ask(WHO.zhCsm, "报告 星辰");
    const md = doc(zh, "markdown");
    expect(md).toContain("# 价值报告：星辰科技");
    for (const h of ["## 取得的成果", "## 我们提供的帮助", "## 我们的改进", "## 明年的计划"]) expect(md).toContain(h);
    expect(md.split("Tend 中暂无这一部分的数据。").length - 1).toBe(4);
    expect(doc(zh, "html")).toContain('<html lang="zh-CN">');
    // An English-speaking admin asking about the Chinese account: chat in English, documents in Chinese.
    const mixed = await ask(WHO.admin, "report 星辰科技");
    expect(stripData(renderText(mixed))).toContain("Written in Chinese, the account's language.");
    expect(doc(mixed, "markdown")).toContain("# 价值报告：星辰科技");
    // No open renewal: nothing to mark.
    expect(stripData(renderText(mixed))).toContain("No open renewal");
  });

  it("`report <account> sent` marks the renewal's value report sent; viewers are refused", async () => {
    const { ask, book, db } = await setup(kind);
    const refused = await ask(WHO.viewer, "report acme sent");
    expect(refused.error).toBe("forbidden");
    const before = await db.prisma.renewal.findFirstOrThrow({ where: { accountId: book.acme.id } });
    expect(before.valueReportSent).toBe(false);
    const r = await ask(WHO.csm, `report id:${book.acme.id} sent`);
    expect(r.error).toBeUndefined();
    expect(stripData(r.summary)).toContain("Value report marked sent");
    const after = await db.prisma.renewal.findFirstOrThrow({ where: { accountId: book.acme.id } });
    expect(after.valueReportSent).toBe(true);
    // The report now says so instead of offering the button.
    const again = stripData(renderText(await ask(WHO.csm, "report acme")));
    expect(again).toContain("Marked as sent for the renewal");
    expect(again).not.toContain("[Mark value report sent]");
    const zh = await ask(WHO.zhCsm, "报告 星辰 已发送");
    expect(zh.error).toBe("invalid");
    expect(stripData(zh.summary)).toContain("没有进行中的续约");
  });
});
