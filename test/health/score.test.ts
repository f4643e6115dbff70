import { describe, expect, it } from "vitest";
import { resolveHealthConfig, settingsFor } from "../../src/domain/health/config.js";
import { HEALTH_DEFAULTS } from "../../src/domain/health/defaults.js";
import type { HealthFacts } from "../../src/domain/health/facts.js";
import { quadrantMoves } from "../../src/domain/health/quadrants.js";
import { renderReason } from "../../src/domain/health/reasons.js";
import { scoreHealth } from "../../src/domain/health/score.js";
import { scoreAll } from "../../src/domain/health/score-all.js";
import type { HealthResult } from "../../src/domain/health/types.js";
import { ago, DAY, facts, usage } from "./crafted.js";

const KEY = settingsFor(HEALTH_DEFAULTS, "key", null);
const score = (f: HealthFacts, s = settingsFor(HEALTH_DEFAULTS, f.tier, f.industry)) => scoreHealth(f, s);
const dim = (r: HealthResult, d: string) => r.components.find((c) => c.dimension === d)!;
const sentences = (r: HealthResult, locale: "en" | "zh-CN" = "en") => r.reasons.map((x) => renderReason(x, locale));

describe("health score", () => {
  it("a healthy account is green, every dimension scored, effective weights summing to 1", () => {
    const r = score(facts());
    expect(r.grade).toBe("green");
    expect(r.score).toBeGreaterThanOrEqual(76);
    expect(r.components.map((c) => c.dimension)).toEqual([
      "activity",
      "depth",
      "trend",
      "relationship",
      "sentiment",
      "value",
    ]);
    expect(r.components.every((c) => c.score !== null)).toBe(true);
    expect(r.components.reduce((s, c) => s + c.effectiveWeight, 0)).toBeCloseTo(1, 2);
    expect(r.reasons.every((x) => x.kind === "lift")).toBe(true);
  });

  it("activity shows its inputs and names low activation with the numbers", () => {
    const r = score(facts({ usage: usage({ activatedUsers: 30 }) }));
    expect(dim(r, "activity").inputs).toMatchObject({ seats: 100, activated_users: 30, activation: 0.3 });
    expect(sentences(r)).toContain("only 30% of seats activated (30 of 100)");
    expect(dim(r, "activity").score!).toBeLessThan(dim(score(facts()), "activity").score!);
  });

  it("weekly use is healthy for a weekly segment (long tail): judged by weeks used, not by days", () => {
    // 3 active users on one day a week: poor daily stickiness, fine weekly.
    const weekly = usage({ recentAvg: 3 / 7, recentPeak: 3, weeklyPeaks: [3, 3, 3, 3], seats: 5, activatedUsers: 5 });
    const longTail = score(facts({ tier: "long_tail", seats: 5, usage: weekly }));
    const key = score(facts({ tier: "key", seats: 5, usage: weekly }));
    expect(dim(longTail, "activity").inputs).toMatchObject({ frequency: "weekly", weeks_used: 4, stickiness: 1 });
    expect(dim(longTail, "activity").score!).toBeGreaterThan(dim(key, "activity").score! + 30);
    const gaps = score(facts({ tier: "long_tail", seats: 5, usage: { ...weekly!, weeklyPeaks: [3, 0, 0, 3] } }));
    expect(sentences(gaps)).toContain("used in only 2 of the last 4 weeks");
  });

  it("depth: core features used of total", () => {
    const r = score(facts({ usage: usage({ coreUsed: 2, coreTotal: 8 }) }));
    expect(dim(r, "depth").score).toBe(36);
    expect(sentences(r)).toContain("uses only 2 of 8 core features");
  });

  it("trend: recent 4 weeks vs the 4 weeks before, with the percentage", () => {
    const r = score(facts({ usage: usage({ recentAvg: 37.2, baseAvg: 60 }) }));
    expect(dim(r, "trend").inputs.change).toBe(-0.38);
    expect(dim(r, "trend").score).toBe(13);
    expect(r.reasons[0]).toMatchObject({ kind: "drag", key: "trend.active_users_down", params: { pct: 38 } });
    expect(sentences(r)[0]).toBe("active users down 38% vs 4-week baseline");
    expect(sentences(r, "zh-CN")[0]).toBe("活跃用户较前 4 周基线下降 38%");
    // Too little history for a baseline: no data, not "flat".
    expect(dim(score(facts({ usage: usage({ baseDays: 5 }) })), "trend").score).toBeNull();
  });

  it("relationship: cadence per tier, executive contact, champion who left, opponent decision maker", () => {
    const r = score(
      facts({
        lastContact: ago(45),
        lastExecContact: ago(200),
        stakeholders: [
          { name: "Li Wei", role: "champion", attitude: "supporter", active: false, leftAt: ago(12) },
          { name: "Dana Fox", role: "decision_maker", attitude: "opponent", active: true, leftAt: null },
        ],
      }),
    );
    expect(dim(r, "relationship").inputs).toMatchObject({ days_since_contact: 45, cadence_days: 30, champion: false });
    expect(dim(r, "relationship").score).toBe(Math.round(0.4 * 75 + 0.2 * 0 + 0.2 * 0 + 0.2 * 20));
    const en = sentences(r);
    expect(en).toContain("champion Li Wei left 12 days ago");
    expect(sentences(r, "zh-CN")).toContain("关键支持者 Li Wei 已于 12 天前离开");
    expect(en).toContain("decision maker Dana Fox is an opponent");
  });

  it("sentiment: latest NPS, CSAT and the balance of praise and complaints", () => {
    const r = score(
      facts({ nps: { score: 3, day: ago(6) }, csat: { score: 2, day: ago(40) }, complaints: [ago(6), ago(30)] }),
    );
    expect(dim(r, "sentiment").inputs).toMatchObject({ nps: 3, csat: 2, praise: 0, complaints: 2 });
    expect(sentences(r)).toEqual(expect.arrayContaining(["latest NPS 3 (detractor)"]));
    // A survey older than the window is not read.
    expect(dim(score(facts({ nps: { score: 3, day: ago(400) } })), "sentiment").score).toBeNull();
  });

  it("value and support: old open feedback, overdue promises and milestones", () => {
    const r = score(
      facts({
        feedback: { total: 3, openRaised: [ago(45), ago(40), ago(10)] },
        promises: { total: 1, openDue: [ago(12)] },
        milestones: { total: 2, openDue: [ago(3)] },
      }),
    );
    expect(dim(r, "value").inputs).toEqual({ feedback_open_old: 2, promises_overdue: 1, milestones_overdue: 1 });
    expect(sentences(r)).toEqual(
      expect.arrayContaining(["2 feedback items open > 30 days", "1 promise overdue by 12 days"]),
    );
    expect(sentences(r, "zh-CN")).toEqual(expect.arrayContaining(["2 条反馈已开放超过 30 天"]));
  });

  it("missing data is 'no data' and its weight goes to the other dimensions", () => {
    const r = score(facts({ usage: null, nps: null }));
    for (const d of ["activity", "depth", "trend", "sentiment"]) {
      expect(dim(r, d).score).toBeNull();
      expect(dim(r, d).effectiveWeight).toBe(0);
    }
    expect(dim(r, "activity").inputs.activation).toBeNull();
    // relationship 0.2 and value 0.15 of the key weights share the whole.
    expect(dim(r, "relationship").effectiveWeight).toBeCloseTo(0.2 / 0.35, 3);
    expect(dim(r, "value").effectiveWeight).toBeCloseTo(0.15 / 0.35, 3);
    // Scored only on what is known (both perfect here), not pulled to the middle or to zero.
    expect(r.score).toBe(100);
    const none = score(
      facts({
        usage: null,
        nps: null,
        lastContact: null,
        lastExecContact: null,
        contactCount: 0,
        stakeholders: [],
        feedback: { total: 0, openRaised: [] },
        promises: { total: 0, openDue: [] },
        milestones: { total: 0, openDue: [] },
      }),
    );
    expect(none.grade).toBe("yellow");
    expect(sentences(none)).toEqual(["no usage, contact, survey or support data yet"]);
  });

  it("an active high-severity risk caps the grade at red and leads the reasons", () => {
    const r = score(facts({ risks: [{ kind: "roi_gap", severity: "high", raisedAt: ago(9) }] }));
    expect(r.grade).toBe("red");
    expect(r.score).toBe(50);
    expect(r.cappedBy).toBe("roi_gap");
    expect(sentences(r)[0]).toBe("high-severity risk: ROI not there (9 days) - capped at red");
    // A medium risk costs points but does not cap.
    const m = score(facts({ risks: [{ kind: "slow_feedback", severity: "medium", raisedAt: ago(3) }] }));
    expect(m.score).toBe(score(facts()).score - 5);
    expect(m.cappedBy).toBeUndefined();
  });

  it("onboarding (<= 90 days after go-live): activation against the day-30/60/90 targets", () => {
    const onboarding = facts({ goLiveDate: ago(60), usage: usage({ activatedUsers: 20, baseDays: 0, baseAvg: null }) });
    const r = score(onboarding);
    expect(r.onboardingDay).toBe(60);
    expect(dim(r, "activity").inputs).toMatchObject({ activation: 0.2, activation_target: 0.6, onboarding_day: 60 });
    expect(sentences(r)).toContain("day 60 of onboarding: 20% of seats activated, target 60%");
    expect(sentences(r, "zh-CN")).toContain("上线第 60 天：席位激活率 20%，目标 60%");
    // The same 20% at day 15 is on track (target 15%).
    const early = score({ ...onboarding, goLiveDate: ago(15) });
    expect(sentences(early)).toContain("day 15 of onboarding: 20% of seats activated, on target (15%)");
    expect(early.score).toBeGreaterThan(r.score);
    // Overdue onboarding milestones weigh double and are named as such.
    const late = score({ ...onboarding, milestones: { total: 3, openDue: [ago(2)] } });
    expect(dim(late, "value").score).toBe(Math.round((100 + 100 + 60) / 3));
    expect(sentences(late)).toContain("1 onboarding milestone overdue on day 60");
    // After the window the account is judged like any other.
    expect(score({ ...onboarding, goLiveDate: ago(91) }).onboardingDay).toBeNull();
  });

  it("tiers have their own cadence; a settings file overrides per tier and per industry", () => {
    const f = facts({ lastContact: ago(20) });
    expect(sentences(score({ ...f, tier: "strategic" }))).toContain(
      "no meaningful contact for 20 days (cadence 14 days)",
    );
    expect(sentences(score({ ...f, tier: "key" }))).not.toContain(
      "no meaningful contact for 20 days (cadence 30 days)",
    );
    const config = resolveHealthConfig(HEALTH_DEFAULTS, {
      tiers: { key: { relationship: { cadenceDays: 10 } } },
      industries: { Education: { bands: { green: 99 } } },
    });
    expect(settingsFor(config, "key", null).relationship.cadenceDays).toBe(10);
    // Untouched settings keep their defaults.
    expect(settingsFor(config, "key", null).relationship.execWindowDays).toBe(90);
    const [k, edu] = scoreAll([f, { ...f, accountId: "a2", industry: "education" }], config);
    expect(k!.reasons.map((x) => renderReason(x, "en"))).toContain(
      "no meaningful contact for 20 days (cadence 10 days)",
    );
    expect(edu!.score).toBe(k!.score);
    expect(edu!.score).toBeLessThan(99);
    expect(edu!.grade).toBe("yellow");
    expect(k!.grade).toBe("green");
  });

  it("a settings file with mistakes is refused with the path of each mistake", () => {
    expect(() => resolveHealthConfig(HEALTH_DEFAULTS, { base: { weights: { activity: -1 } } })).toThrow(
      /weights\.activity/,
    );
    expect(() => resolveHealthConfig(HEALTH_DEFAULTS, { tiers: { gold: {} } })).toThrow();
    expect(() => resolveHealthConfig(HEALTH_DEFAULTS, { base: { bands: { green: 40 } } })).toThrow(/bands/);
    expect(() => resolveHealthConfig(HEALTH_DEFAULTS, { base: { wieghts: {} } })).toThrow(/wieghts/);
  });

  it("nine quadrants: usage level x relationship-and-value level, with moves down and up", () => {
    const good = score(facts());
    const lowUsage = score(facts({ usage: usage({ activatedUsers: 10, recentAvg: 5, coreUsed: 1, baseAvg: 30 }) }));
    expect([good.usageLevel, good.valueLevel]).toEqual([2, 2]);
    expect(lowUsage.usageLevel).toBe(0);
    expect(lowUsage.valueLevel).toBe(2);
    // Day over day (hold 1); the default reports a move only once it has held (test/health/rhythm.test.ts).
    const moves = quadrantMoves(
      [
        { day: ago(2), ...good },
        { day: ago(1), ...lowUsage },
        { day: DAY, ...good },
      ],
      1,
    );
    expect(moves.map((m) => [m.direction, m.from, m.to])).toEqual([
      ["down", [2, 2], [0, 2]],
      ["up", [0, 2], [2, 2]],
    ]);
    expect(KEY.quadrants).toEqual({ low: 45, high: 70 });
  });
});
