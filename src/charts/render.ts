import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type * as ResvgNs from "@resvg/resvg-js";
import type * as EChartsNs from "echarts";
import { CHART_FONT_FAMILY, CHART_SIZE, chartOption } from "./options.js";
import type { ChartSpec } from "./spec.js";

// Server-side charts: ECharts draws the option as an SVG string (no DOM, no canvas), resvg turns it
// into a PNG. Text is drawn with the bundled subset of Noto Sans CJK SC only (system fonts are not
// scanned: it is slow, and a picture must not depend on the host), see docs/report.md#charts.

// Required at the first chart, not at start-up: ECharts and resvg add ~50 MB to the service's memory
// and most processes never draw (CommonJS builds, so the first chart needs no await).
let libs: { echarts: typeof EChartsNs; Resvg: typeof ResvgNs.Resvg } | undefined;
function chartLibs() {
  if (!libs) {
    const require = createRequire(import.meta.url);
    libs = {
      echarts: require("echarts") as typeof EChartsNs,
      Resvg: (require("@resvg/resvg-js") as typeof ResvgNs).Resvg,
    };
  }
  return libs;
}

export const CHART_FONT_FILE = fileURLToPath(new URL("../../assets/fonts/tend-chart-sans.otf", import.meta.url));

/** Device pixels per chart pixel: sharp on high-density screens, still a small file. */
const SCALE = 2;

export function chartSvg(spec: ChartSpec): string {
  const chart = chartLibs().echarts.init(null, null, { renderer: "svg", ssr: true, ...CHART_SIZE });
  try {
    chart.setOption(chartOption(spec));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export function svgToPng(svg: string): Buffer {
  const resvg = new (chartLibs().Resvg)(svg, {
    fitTo: { mode: "zoom", value: SCALE },
    background: "#ffffff",
    font: { loadSystemFonts: false, fontFiles: [CHART_FONT_FILE], defaultFontFamily: CHART_FONT_FAMILY },
  });
  return resvg.render().asPng();
}

/** The chart as a PNG. */
export function renderChart(spec: ChartSpec): Buffer {
  return svgToPng(chartSvg(spec));
}
