import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type BriefFacts, buildBrief } from "../../src/domain/brief.js";
import { quadrantMoves } from "../../src/domain/quadrant.js";
import { arrAtRisk, quarterEnd, quarterStart, readinessGaps } from "../../src/domain/renewal.js";
import { sparkline } from "../../src/domain/sparkline.js";

const empty: BriefFacts = {
  today: "2026-11-23",
  usage: [],
  feedback: [],
  interactions: [],
  contacts: [],
  nps: [],
  milestones: [],
  promises: [],
  risks: [],
  renewalDate: null,
  peer: null,
};

describe("renewal readiness", () => {
  it("lists each self-check gap", () => {
    expect(
      readinessGaps({
        termsClear: true,
        grade: "green",
        latestNps: 9,
        decisionMakerEngaged: true,
        openPromises: 0,
        valueReportSent: true,
      }),
    ).toEqual([]);
    expect(
      readinessGaps({
        termsClear: null,
        grade: "yellow",
        latestNps: 5,
        decisionMakerEngaged: false,
        openPromises: 2,
        valueReportSent: false,
      }),
    ).toEqual(["terms", "expectations", "decision_maker", "promises", "value_report"]);
  });

  it("ARR at risk is within [0, ARR] and grows with worse grades and more gaps", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 5 }), (arr, gaps) => {
        const g = arrAtRisk(arr, "green", gaps);
        const y = arrAtRisk(arr, "yellow", gaps);
        const r = arrAtRisk(arr, "red", gaps);
        expect(0 <= g && g <= y && y <= r && r <= arr).toBe(true);
        expect(arrAtRisk(arr, "yellow", gaps)).toBeLessThanOrEqual(arrAtRisk(arr, "yellow", gaps + 1));
      }),
    );
  });

  it("knows calendar quarters", () => {
    expect(quarterEnd("2026-11-23")).toBe("2026-12-31");
    expect(quarterEnd("2026-02-10")).toBe("2026-03-31");
    expect(quarterStart("2026-11-23")).toBe("2026-10-01");
  });
});

describe("visit brief", () => {
  it("asks the default question when nothing is missing, and lists no changes on an empty record", () => {
    const b = buildBrief({
      ...empty,
      contacts: [
        {
          name: "C",
          role: "champion",
          title: null,
          attitude: "supporter",
          influence: 3,
          active: true,
          leftAt: null,
          lastContact: "2026-11-01",
        },
        {
          name: "D",
          role: "decision_maker",
          title: null,
          attitude: "supporter",
          influence: 5,
          active: true,
          leftAt: null,
          lastContact: "2026-11-01",
        },
      ],
    });
    expect(b.questions).toEqual([{ key: "default" }]);
    expect(b.usage).toBeNull();
    expect(b.contacts.map((c) => c.name)).toEqual(["D", "C"]);
  });

  it("derives usage trend and advice from the last 4 weeks vs the 4 before", () => {
    const usage = Array.from({ length: 56 }, (_, i) => ({
      day: new Date(Date.UTC(2026, 8, 29 + i)).toISOString().slice(0, 10),
      activeUsers: i < 28 ? 100 : 50,
      activatedUsers: 30,
      seats: 100,
      coreFeaturesUsed: 1,
      coreFeaturesTotal: 8,
    }));
    const b = buildBrief({ ...empty, usage });
    expect(b.usage).toMatchObject({ trend: "falling", advice: ["activation", "depth"] });
    expect(b.usage?.change).toBeCloseTo(-0.5);
    expect(b.questions).toContainEqual({ key: "usage_drop", params: { pct: 50 } });
  });

  it("flags overdue promises and lists them soonest first", () => {
    const b = buildBrief({
      ...empty,
      promises: [
        { title: "later", dueDate: "2026-12-20", status: "open" },
        { title: "late", dueDate: "2026-11-01", status: "open" },
        { title: "kept", dueDate: "2026-10-01", status: "kept" },
      ],
    });
    expect(b.openPromises).toEqual([
      { title: "late", dueDate: "2026-11-01", overdue: true },
      { title: "later", dueDate: "2026-12-20", overdue: false },
    ]);
  });
});

describe("health helpers", () => {
  it("sparklines map 0-100 onto eight bars", () => {
    expect(sparkline([0, 50, 100])).toBe("▁▅█");
  });

  it("detects quadrant moves down and up", () => {
    const rows = [
      { day: "d1", usageLevel: 2, valueLevel: 2 },
      { day: "d2", usageLevel: 1, valueLevel: 2 },
      { day: "d3", usageLevel: 1, valueLevel: 2 },
      { day: "d4", usageLevel: 2, valueLevel: 2 },
    ];
    // Day over day (hold 1) each change is a move ...
    expect(quadrantMoves(rows, 1).map((m) => [m.day, m.direction])).toEqual([
      ["d2", "down"],
      ["d4", "up"],
    ]);
    // ... but by default a move must hold 7 days: a two-day dip is none (issue 13).
    expect(quadrantMoves(rows)).toEqual([]);
  });
});
