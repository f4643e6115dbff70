import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "../../src/domain/dates.js";
import { settingsFor, TIERS } from "../../src/domain/health/config.js";
import { HEALTH_DEFAULTS } from "../../src/domain/health/defaults.js";
import type { HealthFacts } from "../../src/domain/health/facts.js";
import { gradeOf, scoreHealth } from "../../src/domain/health/score.js";
import { DAY } from "./crafted.js";

const past = fc.integer({ min: 0, max: 400 }).map((n) => addDays(DAY, -n));
const maybePast = fc.option(past, { nil: null });
const count = fc.integer({ min: 0, max: 500 });

const usage = fc.option(
  fc
    .record({
      recentDays: fc.integer({ min: 0, max: 28 }),
      baseDays: fc.integer({ min: 0, max: 28 }),
      recentAvg: fc.option(fc.double({ min: 0, max: 500, noNaN: true }), { nil: null }),
      baseAvg: fc.option(fc.double({ min: 0, max: 500, noNaN: true }), { nil: null }),
      recentPeak: fc.option(count, { nil: null }),
      weeklyPeaks: fc.array(fc.option(count, { nil: null }), { minLength: 4, maxLength: 4 }),
      activatedUsers: fc.option(count, { nil: null }),
      seats: fc.option(count, { nil: null }),
      coreUsed: fc.option(fc.integer({ min: 0, max: 12 }), { nil: null }),
      coreTotal: fc.option(fc.integer({ min: 0, max: 12 }), { nil: null }),
    })
    .map((u) => ({ ...u, recentPeak: u.recentAvg === null ? u.recentPeak : Math.max(u.recentPeak ?? 0, u.recentAvg) })),
  { nil: null },
);

const facts: fc.Arbitrary<HealthFacts> = fc.record({
  accountId: fc.constant("a"),
  day: fc.constant(DAY),
  tier: fc.constantFrom(...TIERS),
  industry: fc.constant(null),
  goLiveDate: maybePast,
  seats: fc.option(count, { nil: null }),
  usage,
  lastContact: maybePast,
  lastExecContact: maybePast,
  contactCount: fc.integer({ min: 0, max: 5 }),
  stakeholders: fc.array(
    fc.record({
      name: fc.constantFrom("Li Wei", "Dana"),
      role: fc.constantFrom("champion" as const, "decision_maker" as const),
      attitude: fc.constantFrom("supporter" as const, "neutral" as const, "opponent" as const),
      active: fc.boolean(),
      leftAt: maybePast,
    }),
    { maxLength: 3 },
  ),
  nps: fc.option(fc.record({ score: fc.integer({ min: 0, max: 10 }), day: past }), { nil: null }),
  csat: fc.option(fc.record({ score: fc.integer({ min: 1, max: 5 }), day: past }), { nil: null }),
  praise: fc.array(past, { maxLength: 4 }),
  complaints: fc.array(past, { maxLength: 4 }),
  feedback: fc.record({ total: fc.integer({ min: 0, max: 6 }), openRaised: fc.array(past, { maxLength: 4 }) }),
  promises: fc.record({ total: fc.integer({ min: 0, max: 6 }), openDue: fc.array(past, { maxLength: 4 }) }),
  milestones: fc.record({ total: fc.integer({ min: 0, max: 6 }), openDue: fc.array(past, { maxLength: 4 }) }),
  risks: fc.array(
    fc.record({
      kind: fc.constantFrom("roi_gap", "wrong_fit", "slow_feedback"),
      severity: fc.constantFrom("high" as const, "medium" as const),
      raisedAt: past,
    }),
    { maxLength: 2 },
  ),
});

const settings = (f: HealthFacts) => settingsFor(HEALTH_DEFAULTS, f.tier, f.industry);
const score = (f: HealthFacts) => scoreHealth(f, settings(f));
const RUNS = { numRuns: 300 };

describe("health score properties", () => {
  it("score is a whole number 0-100 and the grade follows the bands (red when a high risk caps it)", () => {
    fc.assert(
      fc.property(facts, (f) => {
        const r = score(f);
        expect(Number.isInteger(r.score)).toBe(true);
        expect(r.score).toBeGreaterThanOrEqual(0);
        expect(r.score).toBeLessThanOrEqual(100);
        expect(r.grade).toBe(r.cappedBy ? "red" : gradeOf(r.score, settings(f).bands));
        for (const c of r.components) if (c.score !== null) expect(c.score).toBeGreaterThanOrEqual(0);
        for (const c of r.components) if (c.score !== null) expect(c.score).toBeLessThanOrEqual(100);
        expect(r.reasons.every((x) => Number.isFinite(x.impact) && x.impact >= 0)).toBe(true);
      }),
      RUNS,
    );
  });

  it("an active high-severity risk always means red", () => {
    fc.assert(
      fc.property(facts, past, (f, raisedAt) => {
        const r = score({ ...f, risks: [...f.risks, { kind: "roi_gap", severity: "high", raisedAt }] });
        expect(r.grade).toBe("red");
        expect(r.score).toBeLessThan(settings(f).bands.yellow);
        expect(r.reasons.some((x) => x.key === "risk.high")).toBe(true);
      }),
      RUNS,
    );
  });

  it("weights are honoured: no-data dimensions get none, the rest share the whole in proportion", () => {
    fc.assert(
      fc.property(facts, (f) => {
        const r = score(f);
        const w = r.onboardingDay !== null ? settings(f).onboarding.weights : settings(f).weights;
        const scored = r.components.filter((c) => c.score !== null && w[c.dimension] > 0);
        const total = scored.reduce((s, c) => s + w[c.dimension], 0);
        for (const c of r.components) {
          if (c.score === null) expect(c.effectiveWeight).toBe(0);
          else if (total > 0) expect(c.effectiveWeight).toBeCloseTo(w[c.dimension] / total, 2);
        }
        if (scored.length > 0) {
          const sum = r.components.reduce((s, c) => s + c.effectiveWeight, 0);
          expect(sum).toBeCloseTo(1, 2);
        }
      }),
      RUNS,
    );
  });

  it("missing data redistributes: removing a dimension's data scores on the rest, never as 0 or 100", () => {
    fc.assert(
      fc.property(facts, (f) => {
        const r = score({ ...f, nps: null, csat: null, praise: [], complaints: [] });
        const s = r.components.find((c) => c.dimension === "sentiment")!;
        expect(s.score).toBeNull();
        expect(s.effectiveWeight).toBe(0);
      }),
      RUNS,
    );
  });

  const noRisk = facts.map((f) => ({ ...f, risks: [] }));
  it("monotonic: a better NPS never lowers the score", () => {
    fc.assert(
      fc.property(noRisk, fc.integer({ min: 0, max: 9 }), past, (f, nps, day) => {
        const lo = score({ ...f, nps: { score: nps, day } });
        const hi = score({ ...f, nps: { score: nps + 1, day } });
        expect(hi.score).toBeGreaterThanOrEqual(lo.score);
      }),
      RUNS,
    );
  });

  it("monotonic: a more recent contact never lowers the score; more overdue promises never raise it", () => {
    fc.assert(
      fc.property(noRisk, fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 60 }), (f, d, more) => {
        const recent = score({ ...f, lastContact: addDays(DAY, -d) });
        const older = score({ ...f, lastContact: addDays(DAY, -(d + more)) });
        expect(recent.score).toBeGreaterThanOrEqual(older.score);
        const total = f.promises.total + 1;
        const none = score({ ...f, promises: { total, openDue: [] } });
        const overdue = score({ ...f, promises: { total, openDue: [addDays(DAY, -5)] } });
        expect(overdue.score).toBeLessThanOrEqual(none.score);
      }),
      RUNS,
    );
  });

  it("monotonic: more activated users never lower the score", () => {
    fc.assert(
      fc.property(noRisk, fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 50 }), (f, n, more) => {
        if (!f.usage) return;
        const lo = score({ ...f, usage: { ...f.usage, activatedUsers: n } });
        const hi = score({ ...f, usage: { ...f.usage, activatedUsers: n + more } });
        expect(hi.score).toBeGreaterThanOrEqual(lo.score);
      }),
      RUNS,
    );
  });
});
