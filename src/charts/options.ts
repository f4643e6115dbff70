import { chartLabel } from "./labels.js";
import {
  type AccountTrendSpec,
  type ChartSpec,
  FORECAST_CALLS,
  type ForecastSpec,
  type HealthDistributionSpec,
} from "./spec.js";

// Chart specs to ECharts options: pure, no rendering. Colours follow the grades the text uses.

export const CHART_FONT_FAMILY = "Noto Sans CJK SC";
export const CHART_SIZE = { width: 640, height: 320 } as const;

const GREEN = "#2e9d5b";
const YELLOW = "#e0a800";
const RED = "#d64545";
const GREY = "#9aa3ad";
const BLUE = "#3b7dd8";
const INK = "#2b2f36";

/** 1234567 -> "1.2M": the same short form in every locale (charts draw digits and k/M/B only). */
export function compactNumber(n: number): string {
  const abs = Math.abs(n);
  const fmt = (v: number, unit: string) => `${Number.isInteger(v) ? v : v.toFixed(1)}${unit}`;
  if (abs >= 1e9) return fmt(Math.round(n / 1e8) / 10, "B");
  if (abs >= 1e6) return fmt(Math.round(n / 1e5) / 10, "M");
  if (abs >= 1e3) return fmt(Math.round(n / 1e2) / 10, "k");
  return String(Math.round(n));
}

const base = (title: string, subtitle?: string) => ({
  animation: false,
  backgroundColor: "#ffffff",
  textStyle: { fontFamily: CHART_FONT_FAMILY, color: INK },
  title: {
    text: title,
    ...(subtitle ? { subtext: subtitle } : {}),
    left: 12,
    top: 8,
    textStyle: { fontSize: 15, fontWeight: "normal" as const, fontFamily: CHART_FONT_FAMILY, color: INK },
    subtextStyle: { fontSize: 12, fontFamily: CHART_FONT_FAMILY, color: "#5b6470" },
  },
  legend: { top: 10, right: 12, textStyle: { fontFamily: CHART_FONT_FAMILY, fontSize: 12 } },
});

function accountTrend(s: AccountTrendSpec) {
  const l = (k: Parameters<typeof chartLabel>[1]) => chartLabel(s.locale, k);
  const maxUsers = Math.max(1, s.seats ?? 0, ...s.activeUsers.map((v) => v ?? 0));
  return {
    ...base(l("trend.title")),
    grid: { left: 48, right: 56, top: 76, bottom: 36 },
    xAxis: {
      type: "category",
      data: s.days.map((d) => d.slice(5)),
      axisLabel: { fontFamily: CHART_FONT_FAMILY, interval: Math.max(0, Math.ceil(s.days.length / 8) - 1) },
      boundaryGap: false,
    },
    yAxis: [
      { type: "value", min: 0, max: 100, name: l("trend.score"), nameTextStyle: { fontFamily: CHART_FONT_FAMILY } },
      {
        type: "value",
        min: 0,
        max: Math.ceil(maxUsers * 1.1),
        name: l("trend.active"),
        nameTextStyle: { fontFamily: CHART_FONT_FAMILY },
        splitLine: { show: false },
        axisLabel: { formatter: (v: number) => compactNumber(v) },
      },
    ],
    series: [
      {
        name: l("trend.score"),
        type: "line",
        yAxisIndex: 0,
        data: s.score,
        connectNulls: true,
        showSymbol: false,
        lineStyle: { width: 2.5, color: GREEN },
        itemStyle: { color: GREEN },
        ...(s.bands
          ? {
              markArea: {
                silent: true,
                data: [
                  [{ yAxis: 0, itemStyle: { color: "rgba(214,69,69,0.06)" } }, { yAxis: s.bands.yellow }],
                  [{ yAxis: s.bands.yellow, itemStyle: { color: "rgba(224,168,0,0.06)" } }, { yAxis: s.bands.green }],
                ],
              },
            }
          : {}),
      },
      {
        name: l("trend.active"),
        type: "line",
        yAxisIndex: 1,
        data: s.activeUsers,
        connectNulls: true,
        showSymbol: false,
        lineStyle: { width: 1.5, color: BLUE },
        itemStyle: { color: BLUE },
        ...(s.seats
          ? {
              markLine: {
                silent: true,
                symbol: "none",
                lineStyle: { type: "dashed", color: GREY },
                label: { formatter: l("trend.seats"), fontFamily: CHART_FONT_FAMILY },
                data: [{ yAxis: s.seats }],
              },
            }
          : {}),
      },
    ],
  };
}

function healthDistribution(s: HealthDistributionSpec) {
  const l = (k: Parameters<typeof chartLabel>[1]) => chartLabel(s.locale, k);
  const grades = [
    ["green", GREEN],
    ["yellow", YELLOW],
    ["red", RED],
    ["new", GREY],
  ] as const;
  return {
    ...base(l("dist.title"), chartLabel(s.locale, "dist.moves", s.moves)),
    grid: { left: 88, right: 24, top: 72, bottom: 28 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: {
      type: "category",
      data: [l("dist.before"), l("dist.now")],
      inverse: true,
      axisLabel: { fontFamily: CHART_FONT_FAMILY },
    },
    series: grades.map(([g, color]) => ({
      name: l(`grade.${g}`),
      type: "bar",
      stack: "all",
      barWidth: 34,
      itemStyle: { color },
      label: {
        show: true,
        fontFamily: CHART_FONT_FAMILY,
        color: "#ffffff",
        formatter: (p: { value: number }) => (p.value > 0 ? String(p.value) : ""),
      },
      data: [s.before[g], s.now[g]],
    })),
  };
}

const CALL_COLOURS = { commit: GREEN, likely: BLUE, "at-risk": YELLOW, lost: RED } as const;

function forecast(s: ForecastSpec) {
  const l = (k: Parameters<typeof chartLabel>[1]) => chartLabel(s.locale, k);
  return {
    ...base(l(s.source === "csm" ? "forecast.title.csm" : "forecast.title.model")),
    grid: { left: 64, right: 24, top: 56, bottom: 32 },
    xAxis: { type: "category", data: s.months, axisLabel: { fontFamily: CHART_FONT_FAMILY } },
    yAxis: {
      type: "value",
      name: s.currency,
      nameTextStyle: { fontFamily: CHART_FONT_FAMILY },
      axisLabel: { formatter: (v: number) => compactNumber(v) },
    },
    series: FORECAST_CALLS.filter((c) => s.byCall[c]).map((c) => ({
      name: l(`call.${c}`),
      type: "bar",
      stack: "arr",
      barMaxWidth: 48,
      itemStyle: { color: CALL_COLOURS[c] },
      data: s.months.map((_, i) => s.byCall[c]?.[i] ?? 0),
    })),
  };
}

export function chartOption(spec: ChartSpec): Record<string, unknown> {
  switch (spec.type) {
    case "account-trend":
      return accountTrend(spec);
    case "health-distribution":
      return healthDistribution(spec);
    case "forecast":
      return forecast(spec);
  }
}
