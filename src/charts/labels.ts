import { bilingual, type CatalogueKey, type Locale, translator } from "../i18n/locale.js";

// Every word a chart draws. Charts draw only these, digits and dates, never a name someone typed:
// the bundled chart font (assets/fonts) covers exactly these characters (test/charts checks it), so
// a picture renders the same with no system fonts. Names go in the message text beside it.

export const CHART_LABELS = bilingual({
  "trend.title": ["Last 90 days", "近 90 天"],
  "trend.score": ["Health score", "健康分"],
  "trend.active": ["Active users", "活跃用户"],
  "trend.seats": ["Seats", "席位"],
  "dist.title": ["Accounts by health", "客户健康分布"],
  "dist.before": ["A week ago", "一周前"],
  "dist.now": ["Now", "现在"],
  "dist.moves": ["{up} up, {down} down", "上升 {up}，下降 {down}"],
  "grade.green": ["Green", "绿"],
  "grade.yellow": ["Yellow", "黄"],
  "grade.red": ["Red", "红"],
  "grade.new": ["New", "新"],
  "forecast.title.csm": ["Open renewals by month and call", "按月续约预测（按判断）"],
  "forecast.title.model": ["Renewals by month, model call", "按月续约预测（模型判断）"],
  "call.commit": ["Commit", "确定"],
  "call.likely": ["Likely", "可能"],
  "call.at-risk": ["At risk", "有风险"],
  "call.lost": ["Lost", "流失"],
});

export type ChartLabel = CatalogueKey<typeof CHART_LABELS>;

/** A chart's word in `locale`, `{name}` filled with a number (the one formatter of every catalogue). */
export const chartLabel: (locale: Locale, key: ChartLabel, params?: Record<string, number>) => string =
  translator(CHART_LABELS);

/** Characters a chart may draw beyond the labels: numbers, dates, units, currency signs. */
export const CHART_EXTRA_CHARS = " 0123456789.,:-+%/()kKMBx$€£¥￥#|万亿年月日";
