// Sentences of the risk register, in English and Chinese: evidence the detector found (keys
// risk.evidence.*; other evidence keys are health reason keys), a next step per cause, and the note
// a detected risk closes itself with. Stored as key + numbers, rendered in the reader's language.

import type { Locale } from "../../i18n/locale.js";
import { renderReason } from "../health/reasons.js";
import type { RiskCause } from "./register.js";

type P = Record<string, string | number>;

const GAP: Record<Locale, Record<string, string>> = {
  en: {
    terms: "terms not confirmed",
    expectations: "expectations not met",
    decision_maker: "decision maker not engaged",
    promises: "open promises",
    value_report: "no value report",
  },
  "zh-CN": {
    terms: "条款未确认",
    expectations: "期望未达成",
    decision_maker: "未与决策人保持沟通",
    promises: "有未兑现承诺",
    value_report: "未发送价值报告",
  },
};

const gaps = (locale: Locale, p: P) =>
  String(p.gaps ?? "")
    .split(",")
    .filter(Boolean)
    .map((g) => GAP[locale][g] ?? g)
    .join(locale === "zh-CN" ? "、" : ", ");

const EVIDENCE: Record<Locale, Record<string, (p: P) => string>> = {
  en: {
    "risk.evidence.usage_collapse": (p) =>
      `daily active users fell from ${p.from} to ${p.to} (-${p.pct}%) over the last two weeks`,
    "risk.evidence.detractor": (p) => `NPS ${p.score} (detractor) ${p.days} days ago`,
    "risk.evidence.renewal_unready": (p) =>
      `renewal in ${p.days} days with ${p.count} readiness gaps: ${gaps("en", p)}`,
    "risk.evidence.renewal_lapsed": (p) => `renewal date passed ${p.days} days ago with no outcome recorded`,
  },
  "zh-CN": {
    "risk.evidence.usage_collapse": (p) => `最近两周日活跃用户从 ${p.from} 降至 ${p.to}（下降 ${p.pct}%）`,
    "risk.evidence.detractor": (p) => `${p.days} 天前 NPS ${p.score}（贬损者）`,
    "risk.evidence.renewal_unready": (p) => `距续约 ${p.days} 天，仍有 ${p.count} 项准备缺口：${gaps("zh-CN", p)}`,
    "risk.evidence.renewal_lapsed": (p) => `续约日已过 ${p.days} 天，仍未记录结果`,
  },
};

/** An evidence sentence in `locale`: the register's own keys first, then the health reasons'. */
export function renderEvidence(evidence: { key: string; params?: P | null }, locale: Locale): string {
  const own = EVIDENCE[locale][evidence.key];
  if (own) return own(evidence.params ?? {});
  return renderReason({ key: evidence.key, params: evidence.params ?? {} }, locale);
}

export const NEXT_STEP: Record<Locale, Record<RiskCause, string>> = {
  en: {
    wrong_fit: "Agree with the sponsor what the product can and cannot do for them; plan the exit or the fit.",
    roi_gap: "Build the value case with their numbers and review it with the decision maker.",
    decision_maker_changed: "Meet the new decision maker and re-sell the value they inherit.",
    slow_go_live: "Find what blocks go-live and agree a dated plan with their project lead.",
    slow_feedback: "Answer their open feedback with a date, or say plainly what will not be built.",
    champion_changed: "Find and win a new champion; introduce them to what the last one valued.",
    requirement_not_delivered: "Give a delivery date or an alternative, in writing.",
    payment_overdue: "Check with finance and the buyer why payment is late.",
    refusing_contact: "Reach them through another person (executive sponsor, partner) instead of more of the same.",
    usage_collapse: "Call today: find out what changed before the drop.",
    detractor: "Call the person who answered, hear them out and agree one fix.",
    renewal_unready: "Close the readiness gaps this week: terms, decision maker, promises, value report.",
    other: "Agree the next step with the account team.",
  },
  "zh-CN": {
    wrong_fit: "与发起人确认产品能做和不能做的事，规划调整或退出方案。",
    roi_gap: "用客户自己的数据建立价值论证，并与决策人一起评审。",
    decision_maker_changed: "尽快拜访新决策人，重新讲清他接手的价值。",
    slow_go_live: "找出阻碍上线的原因，与客户项目负责人约定带日期的计划。",
    slow_feedback: "给未回复的反馈一个日期，或坦白说明不会做的部分。",
    champion_changed: "找到并争取新的关键支持者，介绍前任看重的价值。",
    requirement_not_delivered: "书面给出交付日期或替代方案。",
    payment_overdue: "与财务和采购方确认付款延迟的原因。",
    refusing_contact: "换一个人去联系（高层发起人、合作伙伴），不要重复同样的方式。",
    usage_collapse: "今天就打电话：弄清下降前发生了什么变化。",
    detractor: "致电打分的人，听完意见并约定一项改进。",
    renewal_unready: "本周补齐续约准备缺口：条款、决策人、承诺、价值报告。",
    other: "与客户团队约定下一步。",
  },
};

export const CLOSED_ITSELF: Record<Locale, string> = {
  en: "closed by itself: the evidence is gone",
  "zh-CN": "已自动关闭：风险依据已消失",
};
