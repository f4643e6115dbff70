import type { Locale } from "../i18n/locale.js";

// Every word a chart draws. Charts draw only these, digits and dates, never a name someone typed:
// the bundled chart font (assets/fonts) covers exactly these characters (test/charts checks it), so
// a picture renders the same with no system fonts. Names go in the message text beside it.

const en = {
  "trend.title": "Last 90 days",
  "trend.score": "Health score",
  "trend.active": "Active users",
  "trend.seats": "Seats",
  "dist.title": "Accounts by health",
  "dist.before": "A week ago",
  "dist.now": "Now",
  "dist.moves": "{up} up, {down} down",
  "grade.green": "Green",
  "grade.yellow": "Yellow",
  "grade.red": "Red",
  "grade.new": "New",
  "forecast.title.csm": "Renewals by month, CSM call",
  "forecast.title.model": "Renewals by month, model call",
  "call.commit": "Commit",
  "call.likely": "Likely",
  "call.at-risk": "At risk",
  "call.lost": "Lost",
} as const;

export type ChartLabel = keyof typeof en;

const zh: Record<ChartLabel, string> = {
  "trend.title": "近 90 天",
  "trend.score": "健康分",
  "trend.active": "活跃用户",
  "trend.seats": "席位",
  "dist.title": "客户健康分布",
  "dist.before": "一周前",
  "dist.now": "现在",
  "dist.moves": "上升 {up}，下降 {down}",
  "grade.green": "绿",
  "grade.yellow": "黄",
  "grade.red": "红",
  "grade.new": "新",
  "forecast.title.csm": "按月续约预测（CSM 判断）",
  "forecast.title.model": "按月续约预测（模型判断）",
  "call.commit": "确定",
  "call.likely": "可能",
  "call.at-risk": "有风险",
  "call.lost": "流失",
};

export const CHART_LABELS: Record<Locale, Record<ChartLabel, string>> = { en, "zh-CN": zh };

export function chartLabel(locale: Locale, key: ChartLabel, params: Record<string, number> = {}): string {
  return CHART_LABELS[locale][key].replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

/** Characters a chart may draw beyond the labels: numbers, dates, units, currency signs. */
export const CHART_EXTRA_CHARS = " 0123456789.,:-+%/()kKMBx$€£¥￥#|万亿年月日";
