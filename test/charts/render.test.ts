import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { chartFontChars } from "../../src/charts/font-chars.js";
import { CHART_LABELS, chartLabel } from "../../src/charts/labels.js";
import { compactNumber } from "../../src/charts/options.js";
import { chartSvg, renderChart } from "../../src/charts/render.js";
import { days, sampleCharts as specs, trend } from "../support/charts.js";
import { colourCount, inkIn, isPng, readPng } from "../support/png.js";

describe("charts rendered server-side", () => {
  it.each(specs)("%s: a PNG of the expected size with drawn content and a title", (_name, spec) => {
    const png = renderChart(spec);
    expect(isPng(png)).toBe(true);
    // A real picture, small enough to upload with a message.
    expect(png.length).toBeGreaterThan(8_000);
    expect(png.length).toBeLessThan(400_000);
    const px = readPng(png);
    expect([px.width, px.height]).toEqual([1280, 640]);
    // Not blank: many colours (lines, bars, anti-aliased text), and ink in the plotting area...
    expect(colourCount(px)).toBeGreaterThan(20);
    expect(inkIn(px, { x: 200, y: 160, w: 900, h: 400 })).toBeGreaterThan(2_000);
    // ...and the title was drawn (text needs the bundled font: without a glyph nothing is drawn).
    expect(inkIn(px, { x: 0, y: 0, w: 420, h: 70 })).toBeGreaterThan(300);
  });

  it("draws Chinese titles with the bundled font (no system fonts)", () => {
    const zh = readPng(renderChart(trend("zh-CN")));
    const en = readPng(renderChart(trend("en")));
    // Both titles have ink, and they differ: the Chinese one is not an empty box or missing glyphs.
    const title = { x: 0, y: 0, w: 420, h: 70 };
    expect(inkIn(zh, title)).toBeGreaterThan(300);
    expect(inkIn(zh, title)).not.toBe(inkIn(en, title));
  });

  it("chart words come from one bilingual catalogue, their numbers filled by the catalogues' one formatter", () => {
    expect(chartLabel("en", "dist.moves", { up: 3, down: 1 })).toBe("3 up, 1 down");
    expect(chartLabel("zh-CN", "dist.moves", { up: 3, down: 1 })).toBe("上升 3，下降 1");
    expect(Object.keys(CHART_LABELS["zh-CN"])).toEqual(Object.keys(CHART_LABELS.en));
  });

  it("an empty series still renders (no data yet) instead of failing", () => {
    const png = renderChart({
      type: "account-trend",
      locale: "en",
      days,
      score: days.map(() => null),
      activeUsers: days.map(() => null),
    });
    expect(isPng(png)).toBe(true);
  });

  it("the SVG carries no script and the labels only (charts never draw user-typed names)", () => {
    const svg = chartSvg(trend("en"));
    expect(svg).not.toMatch(/<script/i);
    expect(svg).toContain(CHART_LABELS.en["trend.title"]);
  });

  it("the bundled font covers every character a chart draws (re-run assets/fonts/make-chart-font.sh after changing labels)", () => {
    const covered = new Set(
      readFileSync(new URL("../../assets/fonts/tend-chart-sans.chars.txt", import.meta.url), "utf8"),
    );
    const missing = chartFontChars().filter((c) => !covered.has(c));
    expect(missing).toEqual([]);
  });

  it("numbers on axes are short in every locale", () => {
    expect(compactNumber(1_234_567)).toBe("1.2M");
    expect(compactNumber(40_000)).toBe("40k");
    expect(compactNumber(950)).toBe("950");
  });
});
