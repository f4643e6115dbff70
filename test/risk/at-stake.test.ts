import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/context.js";
import { handleCommand } from "../../src/conversation/index.js";
import { addDays, dayToDate } from "../../src/domain/dates.js";
import { renderText } from "../../src/reply/render-text.js";
import type { Db } from "../../src/store/db.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";

const DAY = "2026-11-23";
const on = (n: number) => dayToDate(addDays(DAY, n));

/**
 * A small book where only some accounts are at stake: a lapsed renewal, a yellow renewal 20 days
 * out, a green renewal with gaps, an open low risk, a red account - beside a green, ready renewal
 * and a far one that are not.
 */
async function seed(db: Db) {
  const team = await db.prisma.team.create({ data: { name: "West" } });
  const owner = await db.prisma.member.create({
    data: { email: "wes@tend.test", name: "Wes", role: "csm", teamId: team.id },
  });
  await db.prisma.member.create({
    data: { email: "wu@tend.test", name: "吴", role: "csm", teamId: team.id, locale: "zh-CN" },
  });
  const empty = await db.prisma.team.create({ data: { name: "Empty" } });
  await db.prisma.member.create({ data: { email: "em@tend.test", name: "Em", role: "manager", teamId: empty.id } });
  const ids: Record<string, string> = {};
  const mk = async (
    name: string,
    grade: "green" | "yellow" | "red",
    arr: number,
    renewal?: { in: number; ready?: boolean; status?: "upcoming" | "renewed" },
  ) => {
    const a = await db.prisma.account.create({
      data: { name, ownerId: owner.id, teamId: team.id, arr: String(arr), tier: "key" },
    });
    ids[name] = a.id;
    await db.prisma.healthScore.create({
      data: {
        accountId: a.id,
        day: dayToDate(DAY),
        score: grade === "green" ? 88 : grade === "yellow" ? 64 : 40,
        grade,
        usageLevel: 1,
        valueLevel: 1,
        components: [],
        reasons: [],
      },
    });
    if (renewal) {
      await db.prisma.renewal.create({
        data: {
          accountId: a.id,
          dueDate: on(renewal.in),
          arr: String(arr),
          status: renewal.status ?? "upcoming",
          termsClear: renewal.ready ? true : null,
          valueReportSent: renewal.ready ?? false,
        },
      });
      if (renewal.ready) {
        await db.prisma.contact.create({
          data: { accountId: a.id, name: "Boss", role: "decision_maker", lastContact: on(-10) },
        });
        await db.prisma.surveyResponse.create({
          data: { accountId: a.id, kind: "nps", score: 9, respondedAt: on(-30) },
        });
      }
    }
    return a;
  };
  await mk("Lapsed Co", "green", 50_000, { in: -5, ready: true });
  await mk("Yellow Soon", "yellow", 80_000, { in: 20, ready: true });
  await mk("Gappy", "green", 40_000, { in: 60 });
  const low = await mk("Low Risk", "green", 30_000);
  await db.prisma.riskFlag.create({
    data: { accountId: low.id, kind: "champion_changed", severity: "low", raisedAt: on(-3), source: "detected" },
  });
  await mk("Red One", "red", 20_000);
  await mk("Ready Green", "green", 90_000, { in: 25, ready: true });
  await mk("Far Away", "green", 70_000, { in: 120 });
  await mk("Renewed", "green", 60_000, { in: -10, ready: true, status: "renewed" });
  return ids;
}

describe.each(STORE_KINDS)("what is at stake (%s)", (kind) => {
  let db: Db;
  let ctx: AppContext;
  const ask = async (email: string, text: string) =>
    renderText(await handleCommand(ctx, { identity: { surface: "cli", email }, text }));

  beforeAll(async () => {
    db = await testDb(kind);
    ctx = testContext(db, { now: new Date(`${DAY}T15:00:00Z`) });
    await seed(db);
  });
  afterAll(async () => db?.close());

  it("`risk` lists every account at stake, with why, ranked by ARR at risk; never the green and ready", async () => {
    const s = await ask("wes@tend.test", "risk");
    const order = ["Lapsed Co", "Yellow Soon", "Red One", "Gappy", "Low Risk"].map((n) => s.indexOf(`${n} -`));
    expect(order.every((i) => i >= 0)).toBe(true);
    // Lapsed 50k (all of it) > yellow 80k (half) > red 20k (all) > gaps 40k (30%) > low risk 30k (10%).
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(s).toContain("renewal lapsed 5 days ago, no outcome recorded");
    expect(s).toContain("renews in 20 days, not green");
    expect(s).toMatch(/Gappy .*\n.*renews in 60 days, gaps: terms not clear/);
    expect(s).toContain("champion changed (low)");
    expect(s).not.toMatch(/Ready Green|Far Away|Renewed/);
    expect(s).toContain("5 accounts at risk");
    const zh = await ask("wu@tend.test", "风险 团队");
    expect(zh).toContain("续约已逾期 5 天，尚未记录结果");
    expect(zh).toContain("关键联系人变更（低风险）");
  });

  it("says nothing is at risk only when that is true", async () => {
    const s = await ask("em@tend.test", "risk");
    expect(s).toContain("Nothing at risk: no open risks, no red accounts");
  });

  it("a lapsed renewal comes first in `renewals` and in `mine` until an outcome is recorded", async () => {
    const r = await ask("wes@tend.test", "renewals 30");
    expect(r.indexOf("Lapsed Co")).toBeGreaterThan(-1);
    expect(r.indexOf("Lapsed Co")).toBeLessThan(r.indexOf("Yellow Soon"));
    expect(r).toContain("lapsed: due Nov 18, 2026 (5 days ago), no outcome recorded");
    expect(r).not.toContain("Renewed");
    const mine = await ask("wes@tend.test", "mine");
    const today = mine.slice(mine.indexOf("What needs you today"));
    expect(today.split("\n")[1]).toContain(
      "Lapsed Co: renewal date Nov 18, 2026 passed 5 days ago with no outcome recorded",
    );
    await db.prisma.renewal.updateMany({
      where: { account: { name: "Lapsed Co" } },
      data: { status: "renewed", closedAt: dayToDate(DAY), outcomeArr: "50000" },
    });
    expect(await ask("wes@tend.test", "renewals 30")).not.toContain("Lapsed Co");
    expect(await ask("wes@tend.test", "risk")).not.toContain("Lapsed Co");
    expect(await ask("wes@tend.test", "mine")).not.toContain("no outcome recorded");
  });
});
