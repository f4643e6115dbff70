import type { ChartSpec } from "../../src/charts/spec.js";

// One chart of each kind, with data shaped like a real book's: the render tests look at their
// pixels, `npm run bench charts` times them.

export const days = Array.from({ length: 90 }, (_, i) =>
  new Date(Date.UTC(2026, 7, 28 + i)).toISOString().slice(0, 10),
);

export const trend = (locale: "en" | "zh-CN"): ChartSpec => ({
  type: "account-trend",
  locale,
  days,
  score: days.map((_, i) => (i < 5 ? null : 40 + Math.round(i / 3))),
  activeUsers: days.map((_, i) => (i % 7 === 6 ? null : 30 + (i % 11))),
  seats: 60,
  bands: { yellow: 50, green: 70 },
});

export const sampleCharts: [string, ChartSpec][] = [
  ["account trend (en)", trend("en")],
  ["account trend (zh-CN)", trend("zh-CN")],
  [
    "health distribution",
    {
      type: "health-distribution",
      locale: "zh-CN",
      before: { green: 12, yellow: 5, red: 2, new: 1 },
      now: { green: 10, yellow: 6, red: 3, new: 1 },
      moves: { up: 1, down: 3 },
    },
  ],
  [
    "forecast by month and call",
    {
      type: "forecast",
      locale: "en",
      currency: "USD",
      source: "csm",
      months: ["2026-12", "2027-01", "2027-02"],
      byCall: {
        commit: [120_000, 40_000, 0],
        likely: [30_000, 0, 15_000],
        "at-risk": [0, 60_000, 0],
        lost: [0, 0, 9_000],
      },
    },
  ],
];
