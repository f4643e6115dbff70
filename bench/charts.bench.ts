import { chartSvg, svgToPng } from "../src/charts/render.js";
import { sampleCharts } from "../test/support/charts.js";
import { type BenchRow, percentile } from "./harness.js";

// One chart of each kind (the render tests' samples) drawn to PNG, as a surface does before an
// upload: time per picture (median of RUNS after one warm-up) against ECharts' SVG step alone, and
// the PNG's size against the same picture uncompressed (RGBA at 2x, 1280x640).
const RUNS = Number(process.env.BENCH_CHART_RUNS ?? 10);
const RAW_BYTES = 1280 * 640 * 4;

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
  for (const [name, spec] of sampleCharts) {
    const svgMs = median(() => chartSvg(spec));
    const pngMs = median(() => svgToPng(chartSvg(spec)));
    const size = svgToPng(chartSvg(spec)).length;
    rows.push(
      {
        bench: "charts",
        figure: `${name}: PNG (median of ${RUNS})`,
        value: pngMs,
        unit: "ms",
        baseline: { label: "ECharts SVG alone", value: svgMs },
        better: "lower",
      },
      {
        bench: "charts",
        figure: `${name}: PNG size`,
        value: size / 1024,
        unit: "KB",
        baseline: { label: "uncompressed RGBA", value: RAW_BYTES / 1024 },
        better: "lower",
      },
    );
  }
  return rows;
}
