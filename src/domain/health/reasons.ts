import type { Locale } from "../../i18n/locale.js";
import type { Reason } from "./types.js";

// Reason sentences: one short sentence with numbers per key, in English and Chinese. Reasons are
// stored as key + params (HealthScore.reasons), so a reader sees them in their own language.

type P = Record<string, string | number>;
type Sentence = (p: P) => string;

const n = (v: unknown) => (typeof v === "number" ? v : Number(v));
const per = (v: unknown) => (v === "weekly" ? "week" : v === "monthly" ? "month end" : "day");
const perZh = (v: unknown) => (v === "weekly" ? "周" : v === "monthly" ? "月末" : "日");
const plural = (count: unknown, one: string, many: string) => (n(count) === 1 ? one : many);

const RISK_KIND: Record<Locale, Record<string, string>> = {
  en: {
    wrong_fit: "sold to the wrong fit",
    roi_gap: "ROI not there",
    decision_maker_changed: "decision maker changed",
    slow_go_live: "slow go-live",
    slow_feedback: "slow answers to their feedback",
    champion_changed: "champion changed",
    requirement_not_delivered: "requirement not delivered",
    payment_overdue: "payment overdue",
    other: "other risk",
    refusing_contact: "refusing contact",
    usage_collapse: "usage collapse",
    detractor: "detractor",
    renewal_unready: "renewal not ready",
  },
  "zh-CN": {
    wrong_fit: "客户不匹配",
    roi_gap: "ROI 未达预期",
    decision_maker_changed: "决策人变更",
    slow_go_live: "上线缓慢",
    slow_feedback: "反馈响应慢",
    champion_changed: "关键联系人变更",
    requirement_not_delivered: "需求未交付",
    payment_overdue: "付款逾期",
    other: "其他风险",
    refusing_contact: "拒绝联系",
    usage_collapse: "使用量骤降",
    detractor: "贬损者",
    renewal_unready: "续约未就绪",
  },
};
const risk = (locale: Locale, kind: unknown) => RISK_KIND[locale][String(kind)] ?? String(kind);

const EN: Record<string, Sentence> = {
  "health.no_data": () => "no usage, contact, survey or support data yet",
  "health.new_account": (p) => `new - not enough data yet (no usage and no contact; started ${p.days} days ago)`,
  "activity.activation_low": (p) => `only ${p.pct}% of seats activated (${p.activated} of ${p.seats})`,
  "activity.activation_high": (p) => `${p.pct}% of seats activated (${p.activated} of ${p.seats})`,
  "activity.active_users_low": (p) => `only ${p.active} of ${p.seats} seats active per ${per(p.per)} (${p.pct}%)`,
  "activity.active_users_high": (p) => `${p.active} of ${p.seats} seats active per ${per(p.per)} (${p.pct}%)`,
  "activity.no_usage": (p) => `no active users in the last ${p.days} days`,
  "activity.weeks_used_low": (p) => `used in only ${p.weeks} of the last ${p.of} weeks`,
  "activity.stickiness_low": (p) => `stickiness low: average daily users ${p.pct}% of the 4-week peak`,
  "onboarding.activation_behind": (p) =>
    `day ${p.day} of onboarding: ${p.pct}% of seats activated, target ${p.target}%`,
  "onboarding.activation_on_track": (p) =>
    `day ${p.day} of onboarding: ${p.pct}% of seats activated, on target (${p.target}%)`,
  "onboarding.milestones_overdue": (p) =>
    `${p.count} onboarding ${plural(p.count, "milestone", "milestones")} overdue on day ${p.day}`,
  "depth.core_features_low": (p) => `uses only ${p.used} of ${p.total} core features`,
  "depth.core_features": (p) => `uses ${p.used} of ${p.total} core features`,
  "trend.active_users_down": (p) => `active users down ${p.pct}% vs 4-week baseline`,
  "trend.active_users_up": (p) => `active users up ${p.pct}% vs 4-week baseline`,
  "trend.usage_collapse": (p) =>
    `usage collapsed: ${p.from} daily users down to ${p.to} or fewer this week (-${p.pct}%)`,
  "relationship.no_contact": (p) => `no meaningful contact for ${p.days} days (cadence ${p.cadence} days)`,
  "relationship.recent_contact": (p) => (n(p.days) === 0 ? "met today" : `last met ${p.days} days ago`),
  "relationship.never_contacted": () => "no meaningful contact on record, ever",
  "relationship.refusing_contact": (p) =>
    `refusing contact: ${p.attempts} outreach attempts unanswered over ${p.days} days`,
  "relationship.no_exec_contact": (p) => `no executive contact in the last ${p.days} days`,
  "relationship.exec_contact": (p) => `executive contact ${p.days} days ago`,
  "relationship.champion_left": (p) => `champion ${p.name} left ${p.days} days ago`,
  "relationship.champion_opponent": (p) => `champion ${p.name} is now an opponent`,
  "relationship.no_champion": () => "no active champion",
  "relationship.decision_maker_left": (p) => `decision maker ${p.name} left ${p.days} days ago`,
  "relationship.decision_maker_opponent": (p) => `decision maker ${p.name} is an opponent`,
  "relationship.no_decision_maker": () => "no decision maker on record",
  "sentiment.nps_low": (p) => `latest NPS ${p.score} (detractor)`,
  "sentiment.nps_high": (p) => `latest NPS ${p.score} (promoter)`,
  "sentiment.decision_maker_detractor": (p) => `decision maker ${p.name} answered NPS ${p.score} (detractor)`,
  "sentiment.csat_low": (p) => `latest CSAT ${p.score} of 5`,
  "sentiment.csat_high": (p) => `latest CSAT ${p.score} of 5`,
  "sentiment.complaints": (p) => `${p.count} ${plural(p.count, "complaint", "complaints")} in ${p.days} days`,
  "sentiment.praise": (p) => `${p.count} ${plural(p.count, "note", "notes")} of praise in ${p.days} days`,
  "value.feedback_open": (p) => `${p.count} feedback ${plural(p.count, "item", "items")} open > ${p.days} days`,
  "value.promises_overdue": (p) =>
    n(p.count) === 1 ? `1 promise overdue by ${p.days} days` : `${p.count} promises overdue (longest ${p.days} days)`,
  "value.milestones_overdue": (p) => `${p.count} success-plan ${plural(p.count, "milestone", "milestones")} overdue`,
  "value.all_clear": () => "no old feedback, overdue promises or milestones",
  "value.urgent_tickets_late": (p) =>
    n(p.count) === 1
      ? `1 urgent support ticket open ${p.hours} hours`
      : `${p.count} urgent support tickets open too long (longest ${p.hours} hours)`,
  "value.tickets_reopened": (p) => `${p.count} support ${plural(p.count, "ticket", "tickets")} reopened in 90 days`,
  "value.ticket_csat_bad": (p) => `${p.bad} of ${p.rated} rated support tickets rated bad (90 days)`,
  "value.ticket_csat_good": (p) => `${p.good} of ${p.rated} rated support tickets rated good (90 days)`,
  "risk.high": (p) => `high-severity risk: ${risk("en", p.kind)} (${p.days} days) - capped at red`,
  "risk.medium": (p) => `medium risk: ${risk("en", p.kind)} (${p.days} days)`,
};

const ZH: Record<string, Sentence> = {
  "health.no_data": () => "尚无使用、联系、调研或支持数据",
  "health.new_account": (p) => `新客户——数据尚不足（尚无使用和联系；开始于 ${p.days} 天前）`,
  "activity.activation_low": (p) => `仅 ${p.pct}% 的席位已激活（${p.seats} 个中 ${p.activated} 个）`,
  "activity.activation_high": (p) => `${p.pct}% 的席位已激活（${p.seats} 个中 ${p.activated} 个）`,
  "activity.active_users_low": (p) => `每${perZh(p.per)}活跃仅 ${p.active} 人，共 ${p.seats} 个席位（${p.pct}%）`,
  "activity.active_users_high": (p) => `每${perZh(p.per)}活跃 ${p.active} 人，共 ${p.seats} 个席位（${p.pct}%）`,
  "activity.no_usage": (p) => `最近 ${p.days} 天没有活跃用户`,
  "activity.weeks_used_low": (p) => `最近 ${p.of} 周中仅 ${p.weeks} 周有使用`,
  "activity.stickiness_low": (p) => `粘性偏低：日均活跃仅为 4 周峰值的 ${p.pct}%`,
  "onboarding.activation_behind": (p) => `上线第 ${p.day} 天：席位激活率 ${p.pct}%，目标 ${p.target}%`,
  "onboarding.activation_on_track": (p) => `上线第 ${p.day} 天：席位激活率 ${p.pct}%，达到目标（${p.target}%）`,
  "onboarding.milestones_overdue": (p) => `上线第 ${p.day} 天：${p.count} 个上线里程碑逾期`,
  "depth.core_features_low": (p) => `核心功能仅使用 ${p.used}/${p.total} 个`,
  "depth.core_features": (p) => `核心功能使用 ${p.used}/${p.total} 个`,
  "trend.active_users_down": (p) => `活跃用户较前 4 周基线下降 ${p.pct}%`,
  "trend.active_users_up": (p) => `活跃用户较前 4 周基线上升 ${p.pct}%`,
  "trend.usage_collapse": (p) => `使用断崖式下跌：日活从 ${p.from} 人降到本周最多 ${p.to} 人（-${p.pct}%）`,
  "relationship.no_contact": (p) => `已 ${p.days} 天没有有效联系（节奏 ${p.cadence} 天）`,
  "relationship.recent_contact": (p) => (n(p.days) === 0 ? "今天刚联系过" : `${p.days} 天前有过联系`),
  "relationship.never_contacted": () => "从未有过有效联系记录",
  "relationship.refusing_contact": (p) => `拒绝联系：${p.days} 天内 ${p.attempts} 次联系无人回应`,
  "relationship.no_exec_contact": (p) => `最近 ${p.days} 天没有高层接触`,
  "relationship.exec_contact": (p) => `${p.days} 天前有过高层接触`,
  "relationship.champion_left": (p) => `关键支持者 ${p.name} 已于 ${p.days} 天前离开`,
  "relationship.champion_opponent": (p) => `关键支持者 ${p.name} 已转为反对者`,
  "relationship.no_champion": () => "没有在任的关键支持者",
  "relationship.decision_maker_left": (p) => `决策人 ${p.name} 已于 ${p.days} 天前离开`,
  "relationship.decision_maker_opponent": (p) => `决策人 ${p.name} 持反对态度`,
  "relationship.no_decision_maker": () => "没有记录决策人",
  "sentiment.nps_low": (p) => `最新 NPS ${p.score}（贬损者）`,
  "sentiment.nps_high": (p) => `最新 NPS ${p.score}（推荐者）`,
  "sentiment.decision_maker_detractor": (p) => `决策人 ${p.name} 的 NPS 为 ${p.score}（贬损者）`,
  "sentiment.csat_low": (p) => `最新 CSAT ${p.score}/5`,
  "sentiment.csat_high": (p) => `最新 CSAT ${p.score}/5`,
  "sentiment.complaints": (p) => `${p.days} 天内 ${p.count} 次投诉`,
  "sentiment.praise": (p) => `${p.days} 天内 ${p.count} 次表扬`,
  "value.feedback_open": (p) => `${p.count} 条反馈已开放超过 ${p.days} 天`,
  "value.promises_overdue": (p) =>
    n(p.count) === 1 ? `1 项承诺逾期 ${p.days} 天` : `${p.count} 项承诺逾期（最长 ${p.days} 天）`,
  "value.milestones_overdue": (p) => `${p.count} 个成功计划里程碑逾期`,
  "value.all_clear": () => "没有积压反馈、逾期承诺或里程碑",
  "value.urgent_tickets_late": (p) =>
    n(p.count) === 1 ? `1 个紧急工单已开放 ${p.hours} 小时` : `${p.count} 个紧急工单开放过久（最长 ${p.hours} 小时）`,
  "value.tickets_reopened": (p) => `90 天内 ${p.count} 个工单被重新打开`,
  "value.ticket_csat_bad": (p) => `90 天内 ${p.rated} 个已评价工单中 ${p.bad} 个差评`,
  "value.ticket_csat_good": (p) => `90 天内 ${p.rated} 个已评价工单中 ${p.good} 个好评`,
  "risk.high": (p) => `高风险：${risk("zh-CN", p.kind)}（${p.days} 天）——评级封顶为红色`,
  "risk.medium": (p) => `中风险：${risk("zh-CN", p.kind)}（${p.days} 天）`,
};

export const REASON_SENTENCES: Record<Locale, Record<string, Sentence>> = { en: EN, "zh-CN": ZH };
export const REASON_KEYS = Object.keys(EN);

/** A reason as one short sentence in `locale`; unknown keys (newer data, older build) stay readable. */
export function renderReason(reason: Pick<Reason, "key" | "params">, locale: Locale): string {
  const sentence = REASON_SENTENCES[locale][reason.key] ?? REASON_SENTENCES.en[reason.key];
  if (sentence) return sentence(reason.params ?? {});
  const words = reason.key.replace(/^[a-z]+\./, "").replace(/[_.]/g, " ");
  const params = Object.entries(reason.params ?? {})
    .map(([k, v]) => `${k.replace(/_/g, " ")} ${v}`)
    .join(", ");
  return params ? `${words} (${params})` : words;
}
