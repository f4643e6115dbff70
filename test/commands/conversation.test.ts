import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type { AppContext } from "../../src/context.js";
import { handleAction, handleCommand, handleForm, homeView } from "../../src/conversation/index.js";
import type { Identity } from "../../src/domain/identity.js";
import type { Reply } from "../../src/reply/model.js";
import { renderText } from "../../src/reply/render-text.js";
import type { Db } from "../../src/store/db.js";
import { stripData } from "../../src/text/user-data.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";
import { PEOPLE, seedBook } from "./book.js";

describe.each(STORE_KINDS)("conversation core on %s", (kind) => {
  let db: Db;
  let ctx: AppContext;
  let book: Awaited<ReturnType<typeof seedBook>>;

  beforeAll(async () => {
    db = await testDb(kind);
    book = await seedBook(db);
    ctx = testContext(db, { now: new Date("2026-11-23T15:00:00Z") });
  });
  afterAll(async () => db?.close());

  const as = (email: string): Identity => ({ surface: "cli", email });
  const ask = (email: string, text: string) => handleCommand(ctx, { identity: as(email), text });
  const text = (r: Reply) => renderText(r);

  async function cli(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(["ask", ...args], { out: (l) => out.push(l), err: (l) => err.push(l) }, { ctx });
    return { code, out: out.join("\n"), err: err.join("\n") };
  }

  describe("access", () => {
    it("refuses unknown people politely and reveals nothing else", async () => {
      const r = await ask("stranger@elsewhere.test", "Acme Corp");
      expect(r.error).toBe("unknown_user");
      expect(text(r)).not.toMatch(/Acme|240|Cara/);
      expect(r.blocks).toHaveLength(1);
      const home = await homeView(ctx, { surface: "slack", slackUserId: "UNOPE" });
      expect(home.error).toBe("unknown_user");
    });

    it("refuses an inactive member", async () => {
      expect((await ask(PEOPLE.inactive, "mine")).error).toBe("unknown_user");
    });

    it("auto-links a Slack user id by email, then knows them by id alone", async () => {
      const r = await handleCommand(ctx, {
        identity: { surface: "slack", slackUserId: "U0CARA", email: PEOPLE.csm },
        text: "mine",
      });
      expect(r.error).toBeUndefined();
      const m = await db.prisma.member.findUniqueOrThrow({ where: { email: PEOPLE.csm } });
      expect(m.slackUserId).toBe("U0CARA");
      const again = await handleCommand(ctx, { identity: { surface: "slack", slackUserId: "U0CARA" }, text: "mine" });
      expect(again.error).toBeUndefined();
      const impostor = await handleCommand(ctx, {
        identity: { surface: "slack", slackUserId: "U0OTHER", email: PEOPLE.csm },
        text: "mine",
      });
      expect(impostor.error).toBe("unknown_user");
    });

    it("a CSM cannot see another team's account (not even that it exists)", async () => {
      const r = await ask(PEOPLE.csm, "上海星辰科技");
      expect(r.error).toBe("not_found");
      expect(text(r)).not.toContain("880");
      const byId = await ask(PEOPLE.csm, `account id:${book.accounts.xingchen.id}`);
      expect(byId.error).toBe("forbidden");
    });

    it("a CSM sees their team's accounts, an admin sees all", async () => {
      expect((await ask(PEOPLE.csm, "globex")).error).toBeUndefined();
      const r = await ask(PEOPLE.admin, "xingchen");
      expect(r.error).toBeUndefined();
      expect(text(r)).toContain("上海星辰科技有限公司");
    });

    it("a viewer reads but cannot log, plan or snooze", async () => {
      expect((await ask(PEOPLE.viewer, "acme corp")).error).toBeUndefined();
      for (const cmd of ["log acme corp visit hi", "plan acme corp visit 2026-12-01", "snooze acme corp 7"]) {
        const r = await ask(PEOPLE.viewer, cmd);
        expect(r.error).toBe("forbidden");
      }
      expect(await db.prisma.interaction.count({ where: { memberId: book.members.vic.id } })).toBe(0);
      const btn = await handleAction(ctx, {
        identity: as(PEOPLE.viewer),
        actionId: "tend.log_form",
        value: JSON.stringify({ accountId: book.accounts.acme.id }),
      });
      expect(btn.form).toBeUndefined();
    });

    it("metrics are for managers and admins only", async () => {
      expect((await ask(PEOPLE.csm, "metrics")).error).toBe("forbidden");
      const r = await ask(PEOPLE.manager, "metrics team year");
      expect(r.error).toBeUndefined();
      expect(text(r)).toMatch(/Renewal rate\s+100%/);
      // Nothing churned: no made-up infinite lifetime.
      expect(text(r)).toMatch(/Expected lifetime\s+no churn yet to estimate it/);
      expect(text(r)).toMatch(/NRR\s+108\.2%/); // (500k + 30k) / (450k + 40k)
      const all = text(await ask(PEOPLE.admin, "metrics"));
      expect(all).toContain("🟡 yellow: CN¥880,000 (1)");
      expect(all).toContain("🔴 red: $240,000 (1)");
      expect(all).toContain("not scored yet: $30,000 (1)");
      await db.prisma.renewal.create({
        data: {
          accountId: book.accounts.xingchen.id,
          dueDate: new Date("2026-10-01"),
          arr: "800000",
          status: "renewed",
          outcomeArr: "880000",
          closedAt: new Date("2026-10-01"),
        },
      });
      const mixed = text(await ask(PEOPLE.admin, "metrics year"));
      expect(mixed).toMatch(/NRR\s+CNY 110% · USD 108\.2%/);
    });

    it("audits every account read and every write with who and which surface", async () => {
      await ask(PEOPLE.csm, "brief acme corp");
      const rows = await db.prisma.auditLog.findMany({
        where: { memberId: book.members.cara.id, action: "brief.read" },
      });
      expect(rows.length).toBeGreaterThan(0);
      expect(rows[0]).toMatchObject({ accountId: book.accounts.acme.id, surface: "cli" });
    });
  });

  describe("commands", () => {
    it("account card: grade, trend, ARR with currency, renewal days left, owner, reasons, risks, actions", async () => {
      const r = await ask(PEOPLE.csm, "tend ACME corp.");
      const s = text(r);
      expect(s).toContain("Acme Corp");
      expect(s).toMatch(/red 40\/100/);
      expect(s).toContain("$240,000");
      expect(s).toContain("40 days left");
      expect(s).toContain("Cara CSM");
      expect(s).toMatch(/[▁▂▃▄▅▆▇█]{20,}/);
      expect(s).toContain("champion changed (high)");
      const buttons = r.blocks.find((b) => b.type === "buttons");
      expect(buttons && buttons.type === "buttons" && buttons.buttons.map((b) => b.actionId)).toEqual([
        "tend.run",
        "tend.run",
        "tend.log_form",
        "tend.snooze",
        "tend.snooze",
        "tend.share",
        // The open risk can be resolved from the card (a person raised it, so nothing to confirm).
        "tend.run",
      ]);
      expect(buttons && buttons.type === "buttons" && buttons.buttons.at(-1)?.value).toBe(
        `risk resolve id:${book.accounts.acme.id} champion_changed`,
      );
    });

    it("answers in the member's team locale (Chinese) with local money", async () => {
      const r = await ask(PEOPLE.zhCsm, "星辰");
      const s = text(r);
      expect(s).toContain("健康度");
      expect(s).toMatch(/¥880,000|CN¥880,000/);
      expect(s).toContain("剩 20 天");
      const brief = text(await ask(PEOPLE.zhCsm, "简报 星辰"));
      expect(brief).toContain("拜访简报：上海星辰科技有限公司");
      expect(brief).toContain("要问的问题");
    });

    it("ambiguous names give choices that run the right command", async () => {
      const r = await ask(PEOPLE.manager, "brief acm");
      expect(r.error).toBe("ambiguous");
      const choices = r.blocks.find((b) => b.type === "choices");
      expect(choices?.type === "choices" && choices.choices.map((c) => c.label)).toEqual(["Acme Corp", "Acme Labs"]);
      if (choices?.type !== "choices") throw new Error("no choices");
      const out = await handleAction(ctx, {
        identity: as(PEOPLE.manager),
        actionId: "tend.run",
        value: choices.choices[0]!.command,
      });
      expect(stripData(out.reply?.summary ?? "")).toContain("Visit brief for Acme Corp");
    });

    it("a write with an ambiguous name offers choices that complete the same write", async () => {
      const r = await ask(PEOPLE.manager, "snooze acm 14");
      const choices = r.blocks.find((b) => b.type === "choices");
      if (choices?.type !== "choices") throw new Error("no choices");
      expect(choices.choices[1]!.command).toBe(`snooze id:${book.accounts.acmeLabs.id} 14`);
      const out = await handleAction(ctx, {
        identity: as(PEOPLE.manager),
        actionId: "tend.run",
        value: choices.choices[1]!.command,
      });
      expect(stripData(out.reply?.summary ?? "")).toContain("Snoozed Acme Labs for 14 days");
    });

    it("unknown names suggest the closest ones", async () => {
      const r = await ask(PEOPLE.csm, "globexx corporatoin ltd zz");
      expect(r.error).toBe("not_found");
      expect(text(r)).toContain("Globex Corporation");
    });

    it("brief covers the five visit-prep points, open promises and derived questions", async () => {
      const s = text(await ask(PEOPLE.csm, "brief acme corp"));
      expect(s).toMatch(/Active users 36 of 100 seats .* -40% vs the 4 weeks before/);
      expect(s).toContain("Usage is falling");
      expect(s).toContain("SSO with Okta - open");
      expect(s).toContain("Dana Decider (decision maker, CFO) - opponent");
      expect(s).toContain("What would change Dana Decider's mind");
      expect(s).toContain("no active champion");
      expect(s).toContain("Your last NPS was 4");
      expect(s).toContain("Globex Corporation (same industry) is healthy at 88/100");
      expect(s).toContain("Li Wei (champion) left");
      expect(s).toContain("NPS 8 → 4");
      expect(s).toContain("Deliver SSO - due Nov 20, 2026, OVERDUE");
    });

    it("health shows each dimension with inputs, no-data dimensions and quadrant moves", async () => {
      const s = text(await ask(PEOPLE.csm, "health acme corp"));
      expect(s).toContain("Activity: 40 (weight 35%)");
      expect(s).toContain("Sentiment: no data");
      expect(s).toContain("activation rate: 0.4");
      expect(s).toMatch(/moved down/);
    });

    it("renewals: window, readiness gaps, ARR at risk, totals; scoped by role", async () => {
      const admin = text(await ask(PEOPLE.admin, "renewals 90"));
      expect(admin).toContain("上海星辰科技有限公司");
      expect(admin).toContain("Acme Corp");
      expect(admin).toMatch(
        /Gaps: terms not clear, expectations not met, no decision-maker relationship, open promises \(1\), value report not sent/,
      );
      expect(admin).toMatch(/Renewals: 3 · ARR /);
      const mine = text(await ask(PEOPLE.csm, "renewals 60"));
      expect(mine).toContain("Acme Corp");
      expect(mine).not.toContain("Acme Labs");
      const team = text(await ask(PEOPLE.csm, "renewals 90 team"));
      expect(team).toContain("Acme Labs");
      expect((await ask(PEOPLE.csm, "renewals 90 team 华东")).error).toBe("forbidden");
      expect((await ask(PEOPLE.csm, "renewals 90 @li.na")).error).toBe("forbidden");
      expect(text(await ask(PEOPLE.manager, "renewals 30 @cara"))).toContain("No renewals in this window");
    });

    it("risk lists at-risk accounts with reasons, sorted by ARR at risk", async () => {
      const s = text(await ask(PEOPLE.manager, "risk"));
      expect(s).toContain("Acme Corp");
      expect(s).toContain("champion changed (high)");
      expect(s).not.toContain("Globex");
    });

    it("mine: grade counts, what needs me today, renewals in 90 days", async () => {
      const s = text(await ask(PEOPLE.csm, "mine"));
      expect(s).toContain("🔴 1 red");
      expect(s).toContain("Acme Corp is red and has no recorded contact");
      // Due on Nov 20, asked on Nov 23: said to be overdue, as the brief and the nudges say.
      // The overdue promise comes from the planner the morning nudge uses (issue 13: one list).
      expect(s).toContain("Acme Corp: 1 promise overdue (Deliver SSO, 3 days late).");
      expect(s).toContain("Acme Corp - 🔴 red 40/100, $240,000 ARR, $240,000 at risk");
      expect(s).toContain("Renewals in 90 days");
      const audited = await db.prisma.auditLog.findMany({
        where: { memberId: book.members.cara.id, action: "mine.read" },
      });
      expect(audited.map((a) => a.accountId)).toContain(book.accounts.acme.id);
    });

    it("log writes an interaction (with --date) and plan schedules a visit", async () => {
      const r = await ask(PEOPLE.csm2, "log globex call talked renewal --date 2026-11-20");
      expect(r.error).toBeUndefined();
      const row = await db.prisma.interaction.findFirstOrThrow({
        where: { memberId: book.members.carl.id, kind: "call" },
      });
      expect(row.notes).toBe("talked renewal");
      expect(row.occurredAt.toISOString().slice(0, 10)).toBe("2026-11-20");
      const p = await ask(PEOPLE.csm2, "plan globex visit 2026-12-02");
      expect(stripData(p.summary)).toContain("Planned a visit to Globex Corporation");
      expect(
        await db.prisma.interaction.count({ where: { accountId: book.accounts.globex.id, scheduled: true } }),
      ).toBe(1);
      expect((await ask(PEOPLE.csm2, "plan globex visit 2026-01-02")).error).toBe("invalid");
      const audits = await db.prisma.auditLog.count({
        where: { memberId: book.members.carl.id, action: { in: ["interaction.log", "interaction.plan"] } },
      });
      expect(audits).toBe(2);
    });

    it("snooze writes a snooze for the asker", async () => {
      const r = await ask(PEOPLE.csm, "snooze acme corp 7");
      expect(stripData(r.summary)).toContain("Snoozed Acme Corp for 7 days");
      const s = await db.prisma.snooze.findFirstOrThrow({ where: { memberId: book.members.cara.id } });
      expect(s.until.toISOString()).toBe("2026-11-30T15:00:00.000Z");
    });

    it("usage problems come with the command's help", async () => {
      const r = await ask(PEOPLE.csm, "log acme corp");
      expect(r.error).toBe("usage");
      expect(text(r)).toContain("“corp” is not an interaction kind");
      expect(text(r)).toContain("log <name>");
      expect(text(await ask(PEOPLE.csm, "help"))).toContain("renewals [30|60|90|120|quarter]");
      expect(text(await ask(PEOPLE.zhCsm, "帮助"))).toContain("拜访准备");
    });
  });

  describe("any text", () => {
    it("gets a reply or a usage message, never an internal error", async () => {
      const word = fc.constantFrom(
        "log",
        "plan",
        "snooze",
        "renewals",
        "risk",
        "brief",
        "health",
        "metrics",
        "acme",
        "visit",
        "--date",
        "7",
        "@cara",
        "team",
        "华东",
        "星辰",
        "id:nope",
        "__proto__",
      );
      const text = fc.oneof(
        fc.string({ maxLength: 80 }),
        fc.array(fc.oneof(word, fc.string({ maxLength: 8 })), { maxLength: 6 }).map((w) => w.join(" ")),
      );
      await fc.assert(
        fc.asyncProperty(text, fc.constantFrom(PEOPLE.csm, PEOPLE.viewer, PEOPLE.admin), async (t, who) => {
          const r = await ask(who, t);
          expect(r.error).not.toBe("internal");
          expect(r.summary.length).toBeGreaterThan(0);
        }),
        { numRuns: 60 },
      );
    });
  });

  describe("buttons and forms", () => {
    it("log form opens, validates per field, and saves", async () => {
      const acme = book.accounts.acme.id;
      const open = await handleAction(ctx, {
        identity: as(PEOPLE.csm),
        actionId: "tend.log_form",
        value: JSON.stringify({ accountId: acme, kind: "visit" }),
      });
      expect(open.form?.fields.map((f) => f.id)).toEqual(["date", "kind", "notes", "next_steps"]);
      const bad = await handleForm(ctx, {
        identity: as(PEOPLE.csm),
        formId: "tend.log_interaction",
        privateValue: open.form!.privateValue,
        values: { date: "2027-01-01", kind: "party" },
      });
      expect(Object.keys(bad.errors ?? {}).sort()).toEqual(["date", "kind"]);
      expect(bad.errors).toEqual({ date: "Use a date like 2026-11-23, not in the future.", kind: "Pick a kind." });
      const before = await db.prisma.interaction.count({ where: { accountId: acme } });
      const good = await handleForm(ctx, {
        identity: as(PEOPLE.csm),
        formId: "tend.log_interaction",
        privateValue: open.form!.privateValue,
        values: { date: "2026-11-22", kind: "visit", notes: "QBR prep", next_steps: "send deck" },
      });
      expect(good.errors).toBeUndefined();
      expect(stripData(good.toast?.text ?? "")).toContain("Logged a visit with Acme Corp");
      expect(await db.prisma.interaction.count({ where: { accountId: acme } })).toBe(before + 1);
    });

    it("snooze button, share button, nudge done", async () => {
      const acme = book.accounts.acme.id;
      const s = await handleAction(ctx, {
        identity: as(PEOPLE.manager),
        actionId: "tend.snooze",
        value: JSON.stringify({ accountId: acme, days: 30 }),
      });
      expect(stripData(s.toast?.text ?? "")).toContain("30 days");
      const share = await handleAction(ctx, {
        identity: as(PEOPLE.manager),
        actionId: "tend.share",
        value: `account id:${acme}`,
      });
      expect(share.share).toBe(true);
      expect(share.reply?.visibility).toBe("channel");
      const n = await handleAction(ctx, {
        identity: as(PEOPLE.csm),
        actionId: "tend.nudge_done",
        value: JSON.stringify({ nudgeKey: `${acme}|red_no_contact|score:40` }),
      });
      expect(n.toast?.tone).toBe("good");
      expect(
        await db.prisma.nudgeState.findFirst({ where: { memberId: book.members.cara.id, rule: "red_no_contact" } }),
      ).toMatchObject({ state: "done" });
      const forbidden = await handleAction(ctx, {
        identity: as(PEOPLE.zhCsm),
        actionId: "tend.snooze",
        value: JSON.stringify({ accountId: acme, days: 7 }),
      });
      expect(forbidden.toast?.tone).toBe("warning");
      const junk = await handleAction(ctx, { identity: as(PEOPLE.csm), actionId: "tend.snooze", value: "{not json" });
      expect(stripData(junk.toast?.text ?? "")).toContain("expired");
    });

    it("home view shows the member's book", async () => {
      const r = await homeView(ctx, { surface: "slack", slackUserId: "U0CARA" });
      expect(text(r)).toContain("Tend - your book");
      expect(text(r)).toContain("Acme Corp");
    });
  });

  describe("tend ask", () => {
    it("prints text, Slack and Feishu renderings and exits non-zero on refusal or an unknown account", async () => {
      const t = await cli(["acme corp", "--as", PEOPLE.csm]);
      expect(t.code).toBe(0);
      expect(t.out).toContain("Acme Corp");
      const slack = await cli(["risk", "--as", PEOPLE.manager, "--format", "slack"]);
      expect(JSON.parse(slack.out).blocks[0]).toMatchObject({ type: "header" });
      const feishu = await cli(["brief", "acme", "corp", "--as", PEOPLE.csm, "--format=feishu"]);
      expect(JSON.parse(feishu.out).schema).toBe("2.0");
      const refused = await cli(["mine", "--as", "nobody@x.test"]);
      expect(refused.code).toBe(3);
      expect((await cli(["mine"])).code).toBe(2);
      // A script can tell "no such account" from an answer.
      const missing = await cli(["brief", "no such company", "--as", PEOPLE.csm]);
      expect(missing.code).toBe(4);
      expect(missing.out).toContain("no such company");
    });
  });
});
