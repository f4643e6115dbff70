import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveProactiveConfig } from "../../src/config/proactive.js";
import { addDays, dayToDate } from "../../src/domain/dates.js";
import { runJob } from "../../src/jobs/run.js";
import type { Db } from "../../src/store/db.js";
import { stripData } from "../../src/text/user-data.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";

const DAY = "2026-11-23";
const on = (n: number) => dayToDate(addDays(DAY, n));

describe.each(STORE_KINDS)("the morning digest carries what is at stake (%s)", (kind) => {
  let db: Db;
  const digest = async () => {
    const r = await runJob(testContext(db, { now: new Date(`${DAY}T08:00:00Z`) }), "digest", {
      day: DAY,
      config: resolveProactiveConfig({}),
      dryRun: true,
    });
    return r.plan!.messages.map((m) => ({ to: m.recipient, text: stripData(JSON.stringify(m.reply)) }));
  };

  beforeAll(async () => {
    db = await testDb(kind);
    const en = await db.prisma.team.create({ data: { name: "East", slackChannel: "C_EAST", timezone: "UTC" } });
    const zh = await db.prisma.team.create({
      data: { name: "华东", slackChannel: "C_ZH", timezone: "UTC", locale: "zh-CN" },
    });
    const mk = async (name: string, teamId: string, grade: "green" | "yellow", renewalIn?: number) => {
      const a = await db.prisma.account.create({ data: { name, teamId, arr: "100000" } });
      // Scored the same yesterday and today: nothing new fell.
      for (const day of [addDays(DAY, -1), DAY])
        await db.prisma.healthScore.create({
          data: {
            accountId: a.id,
            day: dayToDate(day),
            score: grade === "green" ? 88 : 66,
            grade,
            usageLevel: 1,
            valueLevel: 1,
            components: [],
            reasons: [],
          },
        });
      if (renewalIn !== undefined)
        await db.prisma.renewal.create({ data: { accountId: a.id, dueDate: on(renewalIn), arr: "100000" } });
    };
    await mk("Yellow Soon", en.id, "yellow", 20);
    await mk("Lapsed Co", en.id, "green", -5);
    await mk("Fine Co", en.id, "green", 200);
    await mk("平安无事", zh.id, "green", 200);
    await mk("逾期公司", zh.id, "green", -3);
  });
  afterAll(async () => db?.close());

  it("lists non-green renewals within 30 days and lapsed renewals on a day when nothing new fell", async () => {
    const [east, china] = await digest();
    expect(east!.to).toBe("C_EAST");
    expect(east!.text).toContain("Lapsed renewals: past their date, no outcome recorded");
    expect(east!.text).toContain("Lapsed Co: due 5 days ago, $100,000");
    expect(east!.text).toContain("Yellow Soon: 20 days, yellow");
    expect(east!.text).not.toContain("all quiet");
    expect(east!.text).not.toContain("Fine Co");
    expect(china!.text).toContain("逾期公司：逾期 3 天");
  });

  it("says all quiet only once nothing is at stake", async () => {
    await db.prisma.renewal.updateMany({ where: { dueDate: { lt: on(0) } }, data: { status: "renewed" } });
    await db.prisma.healthScore.updateMany({ data: { grade: "green", score: 90 } });
    const [east, china] = await digest();
    expect(east!.text).toContain("East: all quiet today - nothing at risk");
    expect(china!.text).toContain("华东：今天一切平稳");
  });
});
