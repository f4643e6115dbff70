import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/context.js";
import { addDays, dayToDate } from "../../src/domain/dates.js";
import { recompute } from "../../src/health/recompute.js";
import { rescoreAccounts } from "../../src/health/rescore.js";
import type { Db } from "../../src/store/db.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";
import { steadyUsage } from "../support/usage.js";

const DAY = "2026-11-23";
const d = (n: number) => dayToDate(addDays(DAY, -n));

/** Three healthy key accounts; each test breaks one thing. */
async function seed(db: Db) {
  const team = await db.prisma.team.create({ data: { name: "North" } });
  const owner = await db.prisma.member.create({ data: { email: "o@tend.test", name: "Olu", teamId: team.id } });
  const mk = async (name: string) => {
    const a = await db.prisma.account.create({
      data: { name, tier: "key", ownerId: owner.id, teamId: team.id, seats: 50, goLiveDate: d(400), arr: "90000" },
    });
    await steadyUsage(db, [a.id], DAY, {
      activeUsers: 35,
      activatedUsers: 48,
      seats: 50,
      coreFeaturesUsed: 7,
      coreFeaturesTotal: 8,
    });
    await db.prisma.contact.createMany({
      data: [
        { accountId: a.id, name: `${name} champion`, role: "champion", attitude: "supporter", lastContact: d(4) },
        { accountId: a.id, name: `${name} boss`, role: "decision_maker", attitude: "supporter", lastContact: d(8) },
      ],
    });
    await db.prisma.interaction.createMany({
      data: [
        { accountId: a.id, kind: "visit", occurredAt: d(4) },
        { accountId: a.id, kind: "exec_visit", occurredAt: d(8) },
      ],
    });
    await db.prisma.surveyResponse.create({ data: { accountId: a.id, kind: "nps", score: 9, respondedAt: d(30) } });
    return a;
  };
  return { steady: await mk("Steady"), dmLeft: await mk("Dm Left"), late: await mk("Late Answers") };
}

type Flag = { kind: string; source: string; severity: string; resolvedAt: Date | null; closedBy: string | null };

describe.each(STORE_KINDS)("the risk register in the scoring run (%s)", (kind) => {
  let db: Db;
  let ctx: AppContext;
  let ids: Awaited<ReturnType<typeof seed>>;
  const flags = async (accountId: string): Promise<Flag[]> =>
    (await db.prisma.riskFlag.findMany({ where: { accountId }, orderBy: { createdAt: "asc" } })) as Flag[];
  const grade = async (accountId: string, day = DAY) =>
    (
      await db.pool.query<{
        grade: string;
        score: number;
        reasons: { key: string; params: Record<string, unknown> }[];
      }>(`SELECT grade::text AS grade, score, reasons FROM "HealthScore" WHERE "accountId" = $1 AND day = $2::date`, [
        accountId,
        day,
      ])
    ).rows[0]!;

  beforeAll(async () => {
    db = await testDb(kind);
    ctx = testContext(db, { now: new Date(`${DAY}T09:00:00Z`) });
    ids = await seed(db);
    await db.prisma.contact.update({
      where: { accountId_name: { accountId: ids.dmLeft.id, name: "Dm Left boss" } },
      data: { active: false, leftAt: d(20) },
    });
    await db.prisma.feedback.create({ data: { accountId: ids.late.id, title: "SSO", raisedAt: d(50) } });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("a decision maker who left opens a high risk with its evidence and caps the grade at red", async () => {
    await recompute(ctx, addDays(DAY, -1));
    expect(await flags(ids.steady.id)).toEqual([]);
    expect((await grade(ids.steady.id, addDays(DAY, -1))).grade).toBe("green");
    const [dm] = await db.prisma.riskFlag.findMany({ where: { accountId: ids.dmLeft.id } });
    expect(dm).toMatchObject({
      kind: "decision_maker_changed",
      severity: "high",
      source: "detected",
      evidenceKey: "relationship.decision_maker_left",
      evidenceParams: { name: "Dm Left boss", days: 19 },
      resolvedAt: null,
    });
    expect(dm!.raisedAt.toISOString().slice(0, 10)).toBe(addDays(DAY, -1));
    const g = await grade(ids.dmLeft.id, addDays(DAY, -1));
    expect(g.grade).toBe("red");
    expect(g.reasons[0]).toMatchObject({ key: "risk.high", params: { kind: "decision_maker_changed" } });
  });

  it("slow answers to feedback is a medium risk: capped at yellow; the next day refreshes, never duplicates", async () => {
    await recompute(ctx, DAY);
    const late = await flags(ids.late.id);
    expect(late.map((f) => [f.kind, f.severity, f.source])).toEqual([["slow_feedback", "medium", "detected"]]);
    expect((await grade(ids.late.id)).grade).toBe("yellow");
    expect((await flags(ids.dmLeft.id)).length).toBe(1);
  });

  it("a detected risk closes itself when its evidence is gone - unless a person confirmed it", async () => {
    await db.prisma.feedback.updateMany({
      where: { accountId: ids.late.id },
      data: { status: "delivered", resolvedAt: dayToDate(DAY) },
    });
    // The decision maker's risk is confirmed by a person: a successor alone does not close it.
    await db.prisma.riskFlag.updateMany({ where: { accountId: ids.dmLeft.id }, data: { confirmedAt: d(0) } });
    await db.prisma.contact.update({
      where: { accountId_name: { accountId: ids.dmLeft.id, name: "Dm Left boss" } },
      data: { leftAt: d(200) },
    });
    await rescoreAccounts(ctx, [ids.late.id, ids.dmLeft.id], DAY);
    const [late] = await flags(ids.late.id);
    expect(late).toMatchObject({ closedBy: "detected" });
    expect(late!.resolvedAt?.toISOString().slice(0, 10)).toBe(DAY);
    expect((await grade(ids.late.id)).grade).toBe("green");
    const [dm] = await flags(ids.dmLeft.id);
    expect(dm!.resolvedAt).toBeNull();
    expect((await grade(ids.dmLeft.id)).grade).toBe("red");
    // rescoreAccounts replaced only the rows it scored: the others of the day are still there.
    expect((await grade(ids.steady.id)).grade).toBe("green");
  });

  it("a backfill of past days changes nothing in the register", async () => {
    const before = await db.prisma.riskFlag.count();
    await recompute(ctx, addDays(DAY, -3));
    expect(await db.prisma.riskFlag.count()).toBe(before);
    expect(await db.prisma.riskFlag.count({ where: { resolvedAt: null } })).toBe(1);
  });
});
