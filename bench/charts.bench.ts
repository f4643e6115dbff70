import { chartSvg, svgToPng } from "../src/charts/render.js";
import type { ChartSpec } from "../src/charts/spec.js";
import { addDays } from "../src/domain/dates.js";
import { type BenchRow, percentile } from "./harness.js";

// One chart of each kind drawn to PNG, as a surface does before an upload: time per picture (median
// of RUNS after one warm-up) against ECharts' SVG step alone, and the PNG's size against the same
// picture uncompressed (RGBA at 2x, 1280x640).
const RUNS = Number(process.env.BENCH_CHART_RUNS ?? 10);
const RAW_BYTES = 1280 * 640 * 4;

const days = Array.from({ length: 90 }, (_, i) => addDays("2026-08-26", i));
const CHARTS: { name: string; spec: ChartSpec }[] = [
  {
    name: "account trend, 90 days (zh-CN)",
    spec: {
      type: "account-trend",
      locale: "zh-CN",
      days,
      score: days.map((_, i) => (i < 5 ? null : 55 + Math.round(20 * Math.sin(i / 9)))),
      activeUsers: days.map((_, i) => 80 + (i % 7 < 5 ? 20 : -30) + Math.round(i / 4)),
      seats: 150,
      bands: { yellow: 40, green: 70 },
    },
  },
  {
    name: "team health distribution",
    spec: {
      type: "health-distribution",
      locale: "en",
      before: { green: 41, yellow: 22, red: 9, new: 3 },
      now: { green: 38, yellow: 24, red: 11, new: 2 },
      moves: { up: 4, down: 9 },
    },
  },
  {
    name: "forecast by month and call",
    spec: {
      type: "forecast",
      locale: "en",
      currency: "USD",
      months: ["2026-12", "2027-01", "2027-02"],
      byCall: {
        commit: [420_000, 310_000, 150_000],
        likely: [90_000, 240_000, 80_000],
        "at-risk": [60_000, 0, 45_000],
      },
      source: "csm",
    },
  },
];

function median(fn: () => void): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return percentile(
    times.sort((a, b) => a - b),
    50,
  );
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const c of CHARTS) {
    const svgMs = median(() => chartSvg(c.spec));
    const pngMs = median(() => svgToPng(chartSvg(c.spec)));
    const size = svgToPng(chartSvg(c.spec)).length;
    rows.push(
      {
        bench: "charts",
        figure: `${c.name}: PNG (median of ${RUNS})`,
        value: pngMs,
        unit: "ms",
        baseline: { label: "ECharts SVG alone", value: svgMs },
        better: "lower",
      },
      {
        bench: "charts",
        figure: `${c.name}: PNG size`,
        value: size / 1024,
        unit: "KB",
        baseline: { label: "uncompressed RGBA", value: RAW_BYTES / 1024 },
        better: "lower",
      },
    );
  }
  return rows;
}
