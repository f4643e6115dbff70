import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type { AppContext } from "../../src/context.js";
import { addDays, dayToDate } from "../../src/domain/dates.js";
import type { Reason } from "../../src/domain/health/types.js";
import { recompute } from "../../src/health/recompute.js";
import type { Db } from "../../src/store/db.js";
import { loadFacts } from "../../src/store/repos/health-facts.js";
import { upsertUsage } from "../../src/store/repos/usage.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";

const DAY = "2026-11-23";
const d = (n: number) => dayToDate(addDays(DAY, -n));

/** Two live accounts (one healthy, one whose champion left and usage fell) and one churned. */
async function seed(db: Db) {
  const team = await db.prisma.team.create({ data: { name: "East" } });
  const cara = await db.prisma.member.create({
    data: { email: "cara@tend.test", name: "Cara", role: "csm", teamId: team.id },
  });
  await db.prisma.member.create({
    data: { email: "li.na@tend.test", name: "李娜", role: "manager", teamId: team.id, locale: "zh-CN" },
  });
  const base = { tier: "key", ownerId: cara.id, teamId: team.id, seats: 100, goLiveDate: d(400) } as const;
  const acme = await db.prisma.account.create({ data: { ...base, name: "Acme Corp" } });
  const globex = await db.prisma.account.create({ data: { ...base, name: "Globex" } });
  const gone = await db.prisma.account.create({ data: { ...base, name: "Gone Inc", stage: "churned" } });
  const rows = [];
  for (let i = 0; i < 56; i++) {
    const day = addDays(DAY, -i);
    // Acme: 60 active a day in the baseline, 37 in the last four weeks (down 38%).
    rows.push({
      accountId: acme.id,
      day,
      activeUsers: i < 28 ? 37 : 60,
      activatedUsers: 90,
      seats: 100,
      logins: 0,
      coreFeaturesUsed: 6,
      coreFeaturesTotal: 8,
    });
    rows.push({
      accountId: globex.id,
      day,
      activeUsers: 60,
      activatedUsers: 90,
      seats: 100,
      logins: 0,
      coreFeaturesUsed: 7,
      coreFeaturesTotal: 8,
    });
    rows.push({
      accountId: gone.id,
      day,
      activeUsers: 1,
      activatedUsers: 5,
      seats: 100,
      logins: 0,
      coreFeaturesUsed: 1,
      coreFeaturesTotal: 8,
    });
  }
  await upsertUsage(db, rows);
  await db.prisma.contact.createMany({
    data: [
      { accountId: acme.id, name: "Li Wei", role: "champion", attitude: "supporter", active: false, leftAt: d(12) },
      { accountId: acme.id, name: "Dana Fox", role: "decision_maker", attitude: "supporter", lastContact: d(20) },
      { accountId: globex.id, name: "Sam Ray", role: "champion", attitude: "supporter" },
      { accountId: globex.id, name: "Jo Park", role: "decision_maker", attitude: "neutral", lastContact: d(10) },
    ],
  });
  await db.prisma.interaction.createMany({
    data: [
      { accountId: acme.id, kind: "call", occurredAt: d(5) },
      { accountId: globex.id, kind: "qbr", occurredAt: d(3) },
      // Scheduled for later: not a contact yet.
      { accountId: acme.id, kind: "visit", occurredAt: d(-3), scheduled: true },
    ],
  });
  await db.prisma.feedback.create({ data: { accountId: acme.id, title: "Export to SAP", raisedAt: d(45) } });
  return { acme, globex, gone };
}

describe.each(STORE_KINDS)("recompute (%s)", (kind) => {
  let db: Db;
  let ctx: AppContext;
  let ids: Awaited<ReturnType<typeof seed>>;
  const out: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
  const rowsOf = async (day: string) =>
    (
      await db.pool.query<{
        accountId: string;
        score: number;
        grade: string;
        reasons: Reason[];
        components: unknown[];
      }>(
        `SELECT "accountId", score, grade::text AS grade, reasons, components FROM "HealthScore" WHERE day = $1::date ORDER BY "accountId"`,
        [day],
      )
    ).rows;

  beforeAll(async () => {
    db = await testDb(kind);
    ctx = testContext(db, { now: new Date(`${DAY}T09:00:00Z`) });
    ids = await seed(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("reads facts as of the day for every live account in a handful of queries", async () => {
    const facts = await loadFacts(db, DAY);
    expect(facts.map((f) => f.accountId).sort()).toEqual([ids.acme.id, ids.globex.id].sort());
    const acme = facts.find((f) => f.accountId === ids.acme.id)!;
    // The team's locale is English: US federal holidays (Veterans Day, Columbus Day) are left out.
    expect(acme.usage).toMatchObject({ recentDays: 27, baseDays: 27, recentAvg: 37, baseAvg: 60, coreUsed: 6 });
    expect(acme.lastContact).toBe(addDays(DAY, -5));
    expect(acme.lastExecContact).toBe(addDays(DAY, -20));
    expect(acme.stakeholders).toContainEqual(expect.objectContaining({ name: "Li Wei", active: false }));
    // Two weeks ago Li Wei had not left yet, and the call 5 days ago had not happened.
    const before = (await loadFacts(db, addDays(DAY, -14))).find((f) => f.accountId === ids.acme.id)!;
    expect(before.stakeholders).toContainEqual(expect.objectContaining({ name: "Li Wei", active: true }));
    expect(before.lastContact).toBeNull();
  });

  it("tend recompute writes one row per account for the day; re-running replaces it", async () => {
    expect(await runCli(["recompute", "--date", DAY], io, { ctx })).toBe(0);
    expect(out.at(-1)).toMatch(new RegExp(`^${DAY}: 2 accounts scored`));
    const first = await rowsOf(DAY);
    expect(first.map((r) => r.accountId)).toEqual([ids.acme.id, ids.globex.id].sort());
    const acme = first.find((r) => r.accountId === ids.acme.id)!;
    expect(acme.reasons.map((r) => r.key)).toEqual(
      expect.arrayContaining(["trend.active_users_down", "relationship.champion_left"]),
    );
    // Feedback open 45 days is a detected medium risk (slow answers to their feedback): its reason
    // names it and the grade is capped at yellow.
    expect(acme.reasons).toContainEqual(
      expect.objectContaining({ key: "risk.medium", params: expect.objectContaining({ kind: "slow_feedback" }) }),
    );
    expect(acme.grade).not.toBe("green");
    expect(acme.components).toHaveLength(6);
    expect(first.find((r) => r.accountId === ids.globex.id)!.grade).toBe("green");

    // Same facts, same rows.
    await recompute(ctx, DAY);
    expect(await rowsOf(DAY)).toEqual(first);
    // A high-severity risk appears: the re-run replaces Acme's row (red), nothing is duplicated.
    await db.prisma.riskFlag.create({
      data: { accountId: ids.acme.id, kind: "roi_gap", severity: "high", raisedAt: dayToDate(DAY) },
    });
    await recompute(ctx, DAY);
    const second = await rowsOf(DAY);
    expect(second).toHaveLength(2);
    expect(second.find((r) => r.accountId === ids.acme.id)).toMatchObject({ grade: "red" });
    expect(second.find((r) => r.accountId === ids.acme.id)!.score).toBeLessThanOrEqual(50);
  });

  it("a range backfills each day; bad dates are refused", async () => {
    out.length = 0;
    expect(await runCli(["recompute", "--from", addDays(DAY, -2), "--to", addDays(DAY, -1)], io, { ctx })).toBe(0);
    expect(out.join("\n")).toContain("2 days, 4 scores");
    expect((await rowsOf(addDays(DAY, -2))).length).toBe(2);
    expect(await runCli(["recompute", "--date", "23/11/2026"], io, { ctx })).toBe(2);
    expect(out.at(-1)).toContain('--date needs YYYY-MM-DD, got "23/11/2026"');
    expect(await runCli(["recompute", "--from", DAY, "--to", addDays(DAY, -3)], io, { ctx })).toBe(2);
  });

  it("stores each account's quadrant for the day and counts moves down and up since the day before", async () => {
    await recompute(ctx, addDays(DAY, -1));
    await recompute(ctx, DAY);
    const today = await db.pool.query<{ accountId: string; usageLevel: number; valueLevel: number }>(
      `SELECT "accountId", "usageLevel", "valueLevel" FROM "HealthScore" WHERE day = $1::date ORDER BY "accountId"`,
      [DAY],
    );
    expect(today.rows).toHaveLength(2);
    for (const r of today.rows) {
      expect([0, 1, 2]).toContain(r.usageLevel);
      expect([0, 1, 2]).toContain(r.valueLevel);
    }
    // Nothing changed overnight: no moves.
    expect((await recompute(ctx, DAY)).moves).toEqual({ down: 0, up: 0 });
    // Had yesterday's rows put Acme in the top cell and Globex in the bottom one, today is a move
    // down for Acme and up for Globex (unless either really sits in that cell today).
    const acme = today.rows.find((r) => r.accountId === ids.acme.id)!;
    const globex = today.rows.find((r) => r.accountId === ids.globex.id)!;
    expect(acme.usageLevel + acme.valueLevel).toBeLessThan(4);
    expect(globex.usageLevel + globex.valueLevel).toBeGreaterThan(0);
    await db.pool.query(
      `UPDATE "HealthScore" SET "usageLevel" = CASE WHEN "accountId" = $2 THEN 2 ELSE 0 END,
                                "valueLevel" = CASE WHEN "accountId" = $2 THEN 2 ELSE 0 END
        WHERE day = $1::date - 1`,
      [DAY, ids.acme.id],
    );
    out.length = 0;
    expect(await runCli(["recompute", "--date", DAY], io, { ctx })).toBe(0);
    expect(out.at(-1)).toContain("quadrant moves since the day before: 1 down, 1 up");
  });

  it("`tend health <account>` shows the engine's dimensions and reasons, in each reader's language", async () => {
    out.length = 0;
    expect(await runCli(["ask", "health Acme", "--as", "cara@tend.test"], io, { ctx })).toBe(0);
    const en = out.join("\n");
    expect(en).toContain("active users down 38% vs 4-week baseline");
    // The risks lead the drags now (they decide the grade): the champion who left is a low risk below them.
    expect(en).toContain("medium risk: slow answers to their feedback (0 days)");
    expect(en).toContain("high-severity risk: ROI not there (0 days) - capped at red");
    out.length = 0;
    expect(await runCli(["ask", "health Acme", "--as", "li.na@tend.test"], io, { ctx })).toBe(0);
    const zh = out.join("\n");
    expect(zh).toContain("活跃用户较前 4 周基线下降 38%");
    expect(zh).toContain("中风险：反馈响应慢（0 天）");
    // The inputs read in Chinese too: labels, percentages and yes/no, no internal keys or fractions.
    expect(zh).toMatch(/席位：100 · 预期使用频率：每天 · 激活率：\d+%/);
    expect(zh).toContain("有支持者：否");
    expect(zh).not.toMatch(/[a-z]+_[a-z]+|seats|true|false|0\.\d/);
  });
});
