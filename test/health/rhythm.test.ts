// Rhythm: usage is judged over the account's natural period (daily, weekly, month end), holidays of
// the team's locale are kept out of baselines and drop detection, a collapse of a daily-use account
// is named, and a quadrant move is reported only once it has held. Pure tests on crafted facts, then
// a small book in the store through recompute.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, dayToDate } from "../../src/domain/dates.js";
import { resolveHealthConfig, settingsFor } from "../../src/domain/health/config.js";
import { HEALTH_DEFAULTS } from "../../src/domain/health/defaults.js";
import { rhythmOf } from "../../src/domain/health/dimensions.js";
import type { HealthFacts } from "../../src/domain/health/facts.js";
import { HOLIDAY_DEFAULTS, holidayDays } from "../../src/domain/health/holidays.js";
import { renderReason } from "../../src/domain/health/reasons.js";
import { scoreHealth } from "../../src/domain/health/score.js";
import type { Reason } from "../../src/domain/health/types.js";
import { quadrantMoves } from "../../src/domain/quadrant.js";
import { recompute } from "../../src/health/recompute.js";
import type { Db } from "../../src/store/db.js";
import { loadFacts } from "../../src/store/repos/health-facts.js";
import { upsertUsage } from "../../src/store/repos/usage.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";
import { facts, usage } from "./crafted.js";

const score = (f: HealthFacts) => scoreHealth(f, settingsFor(HEALTH_DEFAULTS, f.tier, f.industry));
const keys = (r: { reasons: Pick<Reason, "key">[] }) => r.reasons.map((x) => x.key);

describe("rhythm (domain)", () => {
  it("learns a weekly rhythm from an account's own history and judges it per week, not per day", () => {
    // A key account (segment says daily) used on 1-2 days a week by ~20 of 40 seats.
    const weekly = usage({
      recentDays: 28,
      activeDays: 6,
      recentAvg: 4,
      recentPeak: 22,
      weeklyPeaks: [20, 22, 21, 20],
      activatedUsers: 34,
      seats: 40,
      coreUsed: 6,
    });
    expect(rhythmOf(weekly!, "daily")).toBe("weekly");
    const r = score(facts({ seats: 40, usage: weekly }));
    expect(r.components.find((c) => c.dimension === "activity")!.inputs.frequency).toBe("weekly");
    expect(keys(r)).not.toContain("activity.stickiness_low");
    expect(keys(r)).not.toContain("activity.active_users_low");
    expect(r.grade).toBe("green");
    // Used every day by the same people: daily.
    expect(rhythmOf(usage({ activeDays: 27 })!, "daily")).toBe("daily");
  });

  it("month-end users are compared month end to month end, not on a window that missed the month end", () => {
    const monthEnd = usage({
      recentAvg: 2,
      baseAvg: 6,
      recentPeak: 3,
      peak: 31,
      activeDays: 25,
      monthEnd: { recentAvg: null, baseAvg: 30 },
    });
    const r = score(facts({ usage: monthEnd }));
    expect(keys(r)).not.toContain("trend.active_users_down");
    expect(r.components.find((c) => c.dimension === "activity")!.inputs.frequency).toBe("monthly");
    // A month end that really fell is still a drop.
    const fell = score(facts({ usage: { ...monthEnd!, monthEnd: { recentAvg: 15, baseAvg: 30 } } }));
    expect(fell.reasons.find((x) => x.key === "trend.active_users_down")?.params).toEqual({ pct: 50 });
  });

  it("a daily-use account falling from 18 users to 0-1 has collapsed: named, and never green", () => {
    const collapsed = usage({
      recentAvg: 8,
      baseAvg: 18,
      recentPeak: 19,
      last7: { avg: 0.4, max: 1, days: 7 },
      seats: 25,
      activatedUsers: 22,
    });
    const r = score(facts({ seats: 25, usage: collapsed }));
    const reason = r.reasons.find((x) => x.key === "trend.usage_collapse")!;
    expect(reason.params).toEqual({ from: 18, to: 1, pct: 98 });
    expect(renderReason(reason, "en")).toBe("usage collapsed: 18 daily users down to 1 or fewer this week (-98%)");
    expect(renderReason(reason, "zh-CN")).toBe("使用断崖式下跌：日活从 18 人降到本周最多 1 人（-98%）");
    expect(r.grade).not.toBe("green");
    // A weekly-use account with a quiet week has not collapsed.
    const weekly = score(facts({ tier: "long_tail", seats: 25, usage: collapsed }));
    expect(keys(weekly)).not.toContain("trend.usage_collapse");
  });

  it("holiday calendars: China's National Day and Spring Festival, US federal holidays, overridable", () => {
    const cn = holidayDays(HOLIDAY_DEFAULTS.calendars.CN!, "2026-01-01", "2026-12-31");
    expect(cn).toEqual(expect.arrayContaining(["2026-10-01", "2026-10-07", "2026-02-17"]));
    expect(cn).not.toContain("2026-10-08");
    const us = holidayDays(HOLIDAY_DEFAULTS.calendars.US!, "2026-01-01", "2026-12-31");
    // MLK Day, Memorial Day, Thanksgiving and the day after, Christmas.
    expect(us).toEqual(expect.arrayContaining(["2026-01-19", "2026-05-25", "2026-11-26", "2026-11-27", "2026-12-25"]));
    const custom = resolveHealthConfig(HEALTH_DEFAULTS, {
      holidays: { calendars: { CN: [{ name: "Company week", from: "2026-08-03", to: "2026-08-07" }] } },
    });
    expect(holidayDays(custom.holidays!.calendars.CN!, "2026-01-01", "2026-12-31")).toHaveLength(5);
    expect(custom.holidays!.locales["zh-CN"]).toBe("CN");
    expect(() => resolveHealthConfig(HEALTH_DEFAULTS, { holidays: { calendars: { CN: [{ month: 13 }] } } })).toThrow();
  });

  it("a quadrant move is reported once it has held a week; a cell that comes and goes is none", () => {
    const row = (i: number, u: number) => ({ day: addDays("2026-11-01", i), usageLevel: u, valueLevel: 1 });
    expect(quadrantMoves([2, 1, 2, 1, 1, 1, 2, 2, 1, 1, 1, 1, 1, 1, 2].map((u, i) => row(i, u)))).toEqual([]);
    const moves = quadrantMoves([2, 2, 1, 1, 1, 1, 1, 1, 1, 1].map((u, i) => row(i, u)));
    expect(moves).toEqual([{ day: addDays("2026-11-01", 8), from: [2, 1], to: [1, 1], direction: "down" }]);
  });
});

const DAY = "2026-10-20";
const d = (n: number) => dayToDate(addDays(DAY, -n));

describe.each(STORE_KINDS)("rhythm through recompute (%s)", (kind) => {
  let db: Db;
  let ids: Record<string, string>;
  let byId: Map<string, { reasons: Reason[]; components: { dimension: string; inputs: Record<string, unknown> }[] }>;

  beforeAll(async () => {
    db = await testDb(kind);
    const cnTeam = await db.prisma.team.create({ data: { name: "华东", locale: "zh-CN" } });
    const base = { tier: "key", seats: 40, goLiveDate: d(400), contractStart: d(400) } as const;
    const make = async (name: string, over: object = {}) =>
      (await db.prisma.account.create({ data: { ...base, name, ...over } })).id;
    ids = {
      // Chinese team: ~30 daily users, National Day (1-7 Oct) in the baseline window, a real 10% decline since.
      yun: await make("云帆", { teamId: cnTeam.id }),
      // Weekly users on Tuesdays: zero core features on their quiet days.
      tues: await make("Tuesday Co"),
    };
    const rows = [];
    for (let i = 0; i < 56; i++) {
      const day = addDays(DAY, -i);
      const holiday = day >= "2026-10-01" && day <= "2026-10-07";
      const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
      rows.push({
        accountId: ids.yun!,
        day,
        activeUsers: holiday ? 2 : i < 28 ? 27 : 30,
        activatedUsers: 36,
        seats: 40,
        logins: 0,
        coreFeaturesUsed: 6,
        coreFeaturesTotal: 8,
      });
      rows.push({
        accountId: ids.tues!,
        day,
        activeUsers: dow === 2 ? 24 : 0,
        activatedUsers: 34,
        seats: 40,
        logins: 0,
        coreFeaturesUsed: dow === 2 ? 6 : 0,
        coreFeaturesTotal: 8,
      });
    }
    await upsertUsage(db, rows);
    await recompute(testContext(db, { now: new Date(`${DAY}T09:00:00Z`) }), DAY);
    const { rows: scored } = await db.pool.query(
      `SELECT "accountId", reasons, components FROM "HealthScore" WHERE day = $1::date`,
      [DAY],
    );
    byId = new Map(scored.map((r) => [r.accountId, r]));
  });
  afterAll(async () => {
    await db?.close();
  });

  it("National Day is kept out of the baseline: a real 10% decline reads as down 10%, not up", async () => {
    const yun = byId.get(ids.yun!)!;
    expect(yun.components.find((c) => c.dimension === "trend")!.inputs.change).toBe(-0.1);
    expect(yun.reasons.map((r) => r.key)).not.toContain("trend.active_users_up");
    const f = (await loadFacts(db, DAY)).find((x) => x.accountId === ids.yun)!;
    expect(f.usage!.baseAvg).toBe(30);
  });

  it("a weekly user's quiet day is not a lapse: depth and activity read the trailing window", async () => {
    const tues = byId.get(ids.tues!)!;
    const depth = tues.components.find((c) => c.dimension === "depth")!;
    expect(depth.inputs.core_features_used).toBe(6);
    expect(tues.components.find((c) => c.dimension === "activity")!.inputs.frequency).toBe("weekly");
    expect(tues.reasons.map((r) => r.key)).not.toContain("depth.core_features_low");
  });
});
