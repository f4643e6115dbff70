import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resolveProactiveConfig } from "../../src/config/proactive.js";
import type { AppContext } from "../../src/context.js";
import { handleCommand } from "../../src/conversation/index.js";
import { addDays, dayToDate } from "../../src/domain/dates.js";
import { departmentOf, type ExpansionInput, expansionSignals, nudgeWorthy } from "../../src/domain/expansion.js";
import { runJob } from "../../src/jobs/run.js";
import { renderText } from "../../src/reply/render-text.js";
import type { Db } from "../../src/store/db.js";
import { stripData } from "../../src/text/user-data.js";
import { webApiSender } from "../delivery/chat-stand-in.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";
import { score, TODAY, usage } from "./book.js";

describe("expansion signals (pure)", () => {
  const healthy: ExpansionInput = {
    grade: "green",
    highRisk: false,
    seats: 100,
    seatsInUse: 50,
    usersBefore: 50,
    usageChange: 0,
    higherPlanRequests: 0,
    openOpportunities: 0,
  };
  const kinds = (x: Partial<ExpansionInput>) => expansionSignals({ ...healthy, ...x }).map((s) => s.kind);
  it("finds each signal at its threshold, not below", () => {
    expect(kinds({})).toEqual([]);
    expect(kinds({ seatsInUse: 90 })).toContain("seat_limit");
    expect(kinds({ seatsInUse: 89, usersBefore: 89 })).not.toContain("seat_limit");
    expect(kinds({ higherPlanRequests: 1 })).toEqual(["higher_plan"]);
    expect(kinds({ usageChange: 0.1 })).toEqual(["rising_usage"]);
    expect(kinds({ usageChange: 0.1, grade: "yellow" })).toEqual([]);
    expect(kinds({ usageChange: 0.09 })).toEqual([]);
    expect(kinds({ seatsInUse: 58, usersBefore: 50 })).toEqual(["new_users"]);
    // +4 users is 20% of 20 but too few to mean new teams.
    expect(kinds({ seatsInUse: 24, usersBefore: 20 })).toEqual([]);
  });
  it("names a job title's department, in English and Chinese; a bare title names none", () => {
    expect(departmentOf("VP Marketing")).toBe("marketing");
    expect(departmentOf("Head of IT")).toBe("it");
    expect(departmentOf("Senior Software Engineer")).toBe("engineering");
    expect(departmentOf("Product Marketing Manager")).toBe("product");
    expect(departmentOf("销售总监")).toBe("sales");
    expect(departmentOf("财务经理")).toBe("finance");
    expect(departmentOf("Manager")).toBeNull();
    expect(departmentOf(null)).toBeNull();
  });
  it("new departments: contacts from a department no earlier contact held, not a first import", () => {
    const x = (before: (string | null)[], added: (string | null)[]) =>
      expansionSignals({ ...healthy, contactTitlesBefore: before, contactTitlesNew: added });
    expect(x(["IT Manager", "CFO"], ["VP Marketing", "IT admin", "Manager", "销售总监"])).toEqual([
      { kind: "new_departments", params: { count: 2 }, departments: ["marketing", "sales"] },
    ]);
    // Nothing earlier to compare with: every contact of a first import is "new".
    expect(x([], ["VP Marketing", "Head of Sales"])).toEqual([]);
    // The same departments again, or titles that name none.
    expect(x(["Marketing lead"], ["CMO", "Assistant"])).toEqual([]);
    expect(kinds({ grade: "red", contactTitlesBefore: ["CTO"], contactTitlesNew: ["CFO"] })).toEqual([]);
  });
  it("a red account or a high risk is no candidate; an open opportunity means no nudge", () => {
    expect(kinds({ grade: "red", seatsInUse: 99, higherPlanRequests: 2 })).toEqual([]);
    expect(kinds({ highRisk: true, seatsInUse: 99 })).toEqual([]);
    const x = { ...healthy, seatsInUse: 95, usageChange: 0.2 };
    expect(nudgeWorthy(x, expansionSignals(x))).toEqual(["seat_limit"]);
    const y = { ...x, openOpportunities: 1 };
    expect(nudgeWorthy(y, expansionSignals(y))).toEqual([]);
  });
});

describe.each(STORE_KINDS)("expansion on a small book (%s)", (kind) => {
  let db: Db;
  let ids: Record<string, string>;
  const ctxAt = (day: string): AppContext => testContext(db, { now: new Date(`${day}T12:00:00Z`) });
  const ask = async (email: string, text: string, day = TODAY) =>
    stripData(renderText(await handleCommand(ctxAt(day), { identity: { surface: "cli", email }, text })));
  const config = resolveProactiveConfig();
  const senders = [webApiSender("http://127.0.0.1:9/api/")];

  beforeAll(async () => {
    db = await testDb(kind);
    const team = await db.prisma.team.create({ data: { name: "East" } });
    const cara = await db.prisma.member.create({
      data: { email: "cara@tend.test", name: "Cara", role: "csm", teamId: team.id, slackUserId: "U_CARA" },
    });
    await db.prisma.member.create({
      data: { email: "max@tend.test", name: "Max", role: "manager", teamId: team.id, slackUserId: "U_MAX" },
    });
    await db.prisma.member.create({
      data: { email: "li@tend.test", name: "李娜", role: "manager", teamId: team.id, locale: "zh-CN" },
    });
    const acct = (name: string, seats: number) =>
      db.prisma.account.create({ data: { name, seats, ownerId: cara.id, teamId: team.id, arr: "50000" } });
    const full = await acct("Fullhouse", 20);
    const grow = await acct("Growco", 100);
    const plan = await acct("Planners", 100);
    const red = await acct("Redline", 20);
    const quiet = await acct("Quietly", 100);
    ids = { full: full.id, grow: grow.id, plan: plan.id, red: red.id, quiet: quiet.id };
    await usage(db, full.id, 30, () => ({ activeUsers: 17, activatedUsers: 19, seats: 20 }));
    await usage(db, red.id, 30, () => ({ activeUsers: 17, activatedUsers: 20, seats: 20 }));
    // Growco: 30 users 90 days ago, 42 now.
    await usage(db, grow.id, 95, (ago) => ({ activeUsers: 25, activatedUsers: ago >= 80 ? 30 : 42, seats: 100 }));
    await usage(db, plan.id, 30, () => ({ activeUsers: 30, activatedUsers: 40, seats: 100 }));
    await usage(db, quiet.id, 95, () => ({ activeUsers: 30, activatedUsers: 40, seats: 100 }));
    for (const [id, grade] of [
      [full.id, "green"],
      [grow.id, "green"],
      [plan.id, "yellow"],
      [red.id, "red"],
      [quiet.id, "green"],
    ] as const)
      await score(db, id, grade, grade === "red" ? 30 : 80);
    await db.prisma.feedback.create({
      data: { accountId: plan.id, title: "SAML single sign-on", higherPlan: true, raisedAt: dayToDate("2026-11-01") },
    });
    // Quietly: an IT admin known since spring; this autumn people from Finance and Marketing joined.
    const contact = (name: string, title: string, since: string) =>
      db.prisma.contact.create({
        data: { accountId: quiet.id, name, title, createdAt: new Date(`${since}T10:00:00Z`) },
      });
    await contact("Ivan", "IT Administrator", "2026-04-02");
    await contact("Fay", "Finance Director", "2026-10-12");
    await contact("Mo", "市场经理", "2026-11-02");
    await contact("Ian", "IT support engineer", "2026-11-05");
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await db.pool.query(`DELETE FROM "Outbox"; DELETE FROM "NudgeState"`);
  });

  it("lists candidates with why, strongest first, and leaves out the red", async () => {
    const out = await ask("max@tend.test", "expansion team");
    expect(out).toContain("Fullhouse - 🟢 green 80/100, ARR $50,000");
    expect(out).toContain("19 of 20 seats in use (95%)");
    expect(out).toContain("Growco");
    expect(out).toContain("12 more users in 90 days (+40%)");
    expect(out).toContain("1 open requests for higher-plan features");
    expect(out).not.toContain("Redline");
    expect(out).toContain("Quietly");
    expect(out).toContain("new contacts from Finance, Marketing in 90 days");
    expect(out.indexOf("Fullhouse")).toBeLessThan(out.indexOf("Growco"));
    expect(out).toContain("4 expansion candidates, 0 open opportunities");
    const zh = await ask("li@tend.test", "扩展");
    expect(zh).toContain("已用 19/20 个席位（95%）");
    expect(zh).toContain("90 天内新增 12 个用户（+40%）");
    expect(zh).toContain("90 天内新增来自财务、市场的联系人");
  });

  it("nudges the owner on a strong signal, at most weekly per account even when a new signal appears", async () => {
    const day1 = await runJob(ctxAt(TODAY), "nudges", { day: TODAY, config, senders });
    const nudges = day1.plan!.messages.flatMap((m) => m.nudges).filter((n) => n.rule === "expansion_signal");
    expect(nudges.map((n) => n.accountName).sort()).toEqual(["Fullhouse", "Planners"]);
    const text = stripData(JSON.stringify(day1.plan!.messages[0]!.reply));
    expect(text).toContain("ready to expand: 19 of 20 seats in use (95%), no opportunity open yet.");
    expect(text).toContain("ready to expand: 1 open request for higher-plan features");
    // A new strong signal two days later: still quiet for Fullhouse this week.
    const fb = await db.prisma.feedback.create({
      data: { accountId: ids.full!, title: "Audit log export", higherPlan: true, raisedAt: dayToDate(TODAY) },
    });
    const day3 = addDays(TODAY, 2);
    const again = await runJob(ctxAt(day3), "nudges", { day: day3, config, senders });
    expect(again.plan!.messages.flatMap((m) => m.nudges).some((n) => n.rule === "expansion_signal")).toBe(false);
    const day8 = addDays(TODAY, 7);
    const week = await runJob(ctxAt(day8), "nudges", { day: day8, config, senders, dryRun: true });
    const later = week.plan!.messages.flatMap((m) => m.nudges).filter((n) => n.rule === "expansion_signal");
    expect(later.map((n) => n.accountName)).toEqual(["Fullhouse"]);
    // Once an opportunity is open the owner is on it: no nudge.
    await db.prisma.opportunity.create({
      data: { accountId: ids.full!, kind: "upsell", title: "Seats", amount: "9000" },
    });
    const withOpp = await runJob(ctxAt(day8), "nudges", { day: day8, config, senders, dryRun: true });
    expect(withOpp.plan!.messages.flatMap((m) => m.nudges).some((n) => n.rule === "expansion_signal")).toBe(false);
    await db.prisma.opportunity.deleteMany({});
    await db.prisma.feedback.delete({ where: { id: fb.id } });
  });

  it("the manager's weekly summary carries this quarter's forecast, disagreements, stale calls and the top candidates", async () => {
    const owner = await db.prisma.member.findUniqueOrThrow({ where: { email: "cara@tend.test" } });
    await db.prisma.renewal.create({
      data: { accountId: ids.red!, dueDate: dayToDate("2026-12-10"), arr: "50000" },
    });
    await db.prisma.renewalCall.create({
      data: {
        accountId: ids.red!,
        dueDate: dayToDate("2026-12-10"),
        call: "commit",
        memberId: owner.id,
        calledAt: new Date(`${addDays(TODAY, -45)}T10:00:00Z`),
      },
    });
    const r = await runJob(ctxAt(TODAY), "weekly", { day: TODAY, config, dryRun: true });
    const max = r.plan!.messages.find((m) => m.recipient === "U_MAX")!;
    const text = stripData(renderText(max.reply));
    expect(text).toContain("Forecast this quarter (to Dec 31, 2026)");
    expect(text).toContain("commit $50,000 · likely $0 · at risk $0 · lost $0; forecast GRR 100%, NRR 100%");
    expect(text).toContain("Where CSMs and the model disagree");
    expect(text).toContain("Redline: $50,000, CSM commit, model at risk");
    expect(text).toContain("1 renewal call is older than 30 days or missing");
    expect(text).toContain("Ready to expand");
    expect(text).toContain("Fullhouse: 19 of 20 seats in use (95%)");
    const zh = r.plan!.messages.find((m) => m.to.startsWith("李娜"))!;
    expect(stripData(renderText(zh.reply))).toContain("本季度预测");

    // The owner is asked again for the stale call, with the four calls as buttons.
    const n = await runJob(ctxAt(TODAY), "nudges", { day: TODAY, config, dryRun: true });
    const cara = n.plan!.messages.find((m) => m.recipient === "U_CARA")!;
    const said = stripData(renderText(cara.reply));
    expect(said).toContain("your renewal call (commit) is 45 days old, renewal in 17 days (Dec 10, 2026)");
    const buttons = cara.reply.blocks.flatMap((b) => (b.type === "buttons" ? b.buttons : []));
    expect(buttons.map((b) => b.value)).toContain(`call id:${ids.red} at_risk`);
  });
});
