// The proactive sentences of the renewal and expansion workspace (expansion nudges, stale calls,
// the weekly summary's forecast and expansion), in English and Simplified Chinese. Spread into the
// proactive catalogue (messages.ts).

export const RENEWALS_PROACTIVE_EN = {
  "nudge.expansion_seats": "ready to expand: {used} of {seats} seats in use ({pct}%), no opportunity open yet.",
  "nudge.expansion_plan":
    "ready to expand: {requests} open {requests|request|requests} for higher-plan features, no opportunity open yet.",
  "nudge.expansion_both":
    "ready to expand: {used} of {seats} seats in use ({pct}%) and {requests} open {requests|request|requests} for higher-plan features, no opportunity open yet.",
  "nudge.call_stale":
    "your renewal call ({call}) is {age} days old, renewal in {days} days ({due}) - confirm or change it.",
  "rule.expansion_signal": "expansion",
  "rule.call_stale": "renewal call",
  "weekly.forecast": "Forecast this quarter (to {end})",
  "weekly.forecast_line":
    "commit {commit} · likely {likely} · at risk {at_risk} · lost {lost}; forecast GRR {grr}, NRR {nrr}",
  "weekly.forecast_none": "no renewals due this quarter",
  "weekly.disagreements": "Where CSMs and the model disagree",
  "weekly.disagreement_item": "{account}: {arr}, CSM {csm}, model {model}",
  "weekly.stale_calls":
    "{count} renewal {count|call is|calls are} older than 30 days or missing: ask for a fresh call.",
  "weekly.expansion": "Ready to expand",
  "weekly.expansion_item": "{account}: {why}",
} as const;

export type RenewalsProactiveKey = keyof typeof RENEWALS_PROACTIVE_EN;

export const RENEWALS_PROACTIVE_ZH: Record<RenewalsProactiveKey, string> = {
  "nudge.expansion_seats": "可以增购：已用 {used}/{seats} 个席位（{pct}%），尚无商机。",
  "nudge.expansion_plan": "可以增购：有 {requests} 个高版本功能需求未关闭，尚无商机。",
  "nudge.expansion_both":
    "可以增购：已用 {used}/{seats} 个席位（{pct}%），且有 {requests} 个高版本功能需求未关闭，尚无商机。",
  "nudge.call_stale": "你的续约判断（{call}）已有 {age} 天，{days} 天后（{due}）续约——请确认或更新。",
  "rule.expansion_signal": "扩展",
  "rule.call_stale": "续约判断",
  "weekly.forecast": "本季度预测（至 {end}）",
  "weekly.forecast_line": "确定 {commit} · 可能 {likely} · 有风险 {at_risk} · 流失 {lost}；预测 GRR {grr}，NRR {nrr}",
  "weekly.forecast_none": "本季度没有到期的续约",
  "weekly.disagreements": "CSM 与模型判断不一致",
  "weekly.disagreement_item": "{account}：{arr}，CSM {csm}，模型 {model}",
  "weekly.stale_calls": "{count} 个续约判断已超过 30 天或尚未判断：请 CSM 更新。",
  "weekly.expansion": "可以增购",
  "weekly.expansion_item": "{account}：{why}",
};
