import type { Catalogue, Locale } from "../i18n/locale.js";
import { param, stripData } from "../reply/text.js";
import { RENEWALS_PROACTIVE_EN, RENEWALS_PROACTIVE_ZH } from "./messages-renewals.js";

// Every sentence the proactive engine sends, in English and Simplified Chinese.

const en = {
  ...RENEWALS_PROACTIVE_EN,
  "nudge.contact_never": "no meaningful contact on record (cadence {cadence} days).",
  "nudge.contact_overdue": "no meaningful contact for {days} days (cadence {cadence}).",
  "nudge.champion_left": "champion {name} left {days} days ago - find and win a new one.",
  "nudge.decision_maker_left": "decision maker {name} left {days} days ago - meet the successor.",
  "nudge.usage_drop":
    "{drop} ({recent} vs {baseline} a day on average), and at least {limit}% below that baseline every day this week.",
  "nudge.health_drop": "health fell {points} points in 7 days ({from} -> {to}).",
  "nudge.quadrant_down": "moved down a quadrant ({change}) - act fast.",
  "quadrant.usage": "usage {from} → {to}",
  "quadrant.value": "relationship and value {from} → {to}",
  "nudge.grade_red": "health turned red (score {score}).",
  "nudge.onboarding_activation":
    "onboarding day {day}: activation {activation}% vs {expected}% expected by day {checkpoint}.",
  "nudge.onboarding_milestones": "onboarding day {day}: {milestones} {milestones|milestone|milestones} overdue.",
  "nudge.feedback_open":
    "{count} feedback {count|item|items} open > 30 days ({count|open|oldest} {days} days: {title}).",
  "nudge.promise_overdue": "{count} {count|promise|promises} overdue ({title}, {days} {days|day|days} late).",
  "nudge.nps_detractor": "NPS detractor response ({score}) from {who} - call them.",
  "nudge.nps_detractor_quote": 'NPS detractor response ({score}) from {who}: "{quote}" - call them.',
  "nps.someone": "a respondent",
  "nudge.visit_today": "{kind} today with {contact}.",
  "nudge.visit_tomorrow": "{kind} tomorrow with {contact}.",
  "nudge.renewal_reminder": "renewal in {days} days ({due}). Readiness gaps: {gapText}.",
  "nudge.renewal_ready": "renewal in {days} days ({due}), ready: no readiness gaps - confirm the signing.",
  "nudge.renewal_passed": "renewal date {due} passed {days} days ago with no outcome recorded.",
  "kind.visit": "a visit",
  "kind.exec_visit": "an executive visit",
  "kind.qbr": "a QBR",
  "gap.terms": "terms not clear",
  "gap.expectations": "expectations not met",
  "gap.decision_maker": "decision maker not engaged",
  "gap.promises": "promises open",
  "gap.value_report": "value report not sent",
  "nudges.header": "Good morning {name}: {count} {count|thing needs|things need} you today",
  "nudges.summary": "{count} {count|account needs|accounts need} you today",
  "nudges.overflow":
    "...and {count} more not shown ({kinds}) - `mine` shows what needs you today, `risk` your accounts at risk.",
  "action.call": "Log call",
  "action.visit": "Log visit",
  "action.brief": "Brief",
  "action.snooze": "Snooze 7d",
  "action.done": "Done",
  "action.risk": "All at-risk accounts",
  "rule.contact_overdue": "contact",
  "rule.usage_drop": "usage",
  "rule.health_drop": "health",
  "rule.quadrant_down": "quadrant",
  "rule.grade_red": "red",
  "rule.stakeholder_left": "stakeholder",
  "rule.onboarding_behind": "onboarding",
  "rule.feedback_open": "feedback",
  "rule.promise_overdue": "promise",
  "rule.nps_detractor": "NPS",
  "rule.visit_prep": "visit",
  "rule.renewal_reminder": "renewal",
  "rule.renewal_passed": "renewal",
  "brief.header": "Visit prep: {account}",
  "brief.summary": "Visit prep for {account} ({when})",
  "brief.when_today": "today",
  "brief.when_tomorrow": "tomorrow",
  "brief.fields.grade": "Health",
  "brief.fields.arr": "ARR",
  "brief.fields.renewal": "Renewal",
  "brief.fields.contact": "Meeting",
  "brief.open":
    "Open the full brief (usage, open items, decision chain, questions to ask, good practice, recent changes).",
  "digest.header": "{team}: at-risk digest for {day}",
  "digest.summary": "{team}: {count} {count|account needs|accounts need} attention",
  "digest.quiet": "{team}: all quiet today - nothing at risk, no red account, no renewal in 30 days that is not green.",
  "digest.lapsed": "Lapsed renewals: past their date, no outcome recorded",
  "digest.lapsed_item": "{account}: due {days} days ago, {arr}",
  "digest.still_red": "Nothing new since yesterday; {count} red {count|account is|accounts are} still at risk.",
  "digest.no_scores": "{team}: no health scores for {day} yet (the nightly recompute has not run), so no digest.",
  "digest.new_risk": "New since yesterday: turned red or moved down a quadrant",
  "digest.fell": "Fell a quadrant or more than {points} points in 7 days",
  "digest.renewals": "Renewals within 30 days that are not green",
  "digest.arr_at_risk": "ARR of red accounts",
  "digest.renewal_item": "{account}: {days} days, {grade}, {arr}",
  "digest.fell_item": "{account}: {from} -> {to}",
  "digest.risk_item": "{account} ({grade}, {score}): {reason}",
  "digest.more": "...and {count} more.",
  "digest.more_cmd": "...and {count} more (see `{command}`).",
  "digest.reason_red": "grade turned red",
  "digest.reason_quadrant": "moved down a quadrant",
  "grade.green": "green",
  "grade.yellow": "yellow",
  "grade.red": "red",
  "grade.none": "no score",
  "weekly.header": "{team}: weekly summary, week of {day}",
  "weekly.summary": "{team}: {green} green, {yellow} yellow, {red} red",
  "weekly.grades": "Grades (change in 7 days)",
  "weekly.grade_line": "{green} green ({dg}), {yellow} yellow ({dy}), {red} red ({dr})",
  "weekly.renewals": "Renewals in the next 90 days",
  "weekly.renewal_item": "{account}: {due} ({days} days), {arr}, {grade}, {status}",
  "weekly.renewals_more":
    "...and {count} more: {total} renewals in the next 90 days, ARR {arr} in all (see `{command}`).",
  "weekly.none": "none",
  "weekly.retention": "Retention (renewals closed in the last 90 days)",
  "weekly.retention_line": "GRR {grr}, NRR {nrr} over {count} {count|renewal|renewals}",
  "weekly.retention_none": "no renewals closed in the last 90 days",
  "weekly.movers": "Top movers (7 days)",
  "weekly.mover_item": "{account}: {from} -> {to} ({delta})",
} as const;

type Key = keyof typeof en;

const zh: Record<Key, string> = {
  ...RENEWALS_PROACTIVE_ZH,
  "nudge.contact_never": "没有有效联系记录（节奏 {cadence} 天）。",
  "nudge.contact_overdue": "已 {days} 天没有有效联系（节奏 {cadence} 天）。",
  "nudge.champion_left": "内部支持者 {name} 已离开 {days} 天——尽快找到并争取新的支持者。",
  "nudge.decision_maker_left": "决策人 {name} 已离开 {days} 天——尽快拜访继任者。",
  "nudge.usage_drop": "{drop}（日均 {recent} 对 {baseline}），本周每天都比该基线低至少 {limit}%。",
  "nudge.health_drop": "健康分 7 天内下降 {points} 分（{from} -> {to}）。",
  "nudge.quadrant_down": "九宫格下移（{change}）——需要尽快干预。",
  "quadrant.usage": "使用 {from} → {to}",
  "quadrant.value": "关系与价值 {from} → {to}",
  "nudge.grade_red": "健康度变为红色（{score} 分）。",
  "nudge.onboarding_activation": "上线第 {day} 天，激活率 {activation}%，第 {checkpoint} 天应达 {expected}%。",
  "nudge.onboarding_milestones": "上线第 {day} 天，{milestones} 个里程碑已逾期。",
  "nudge.feedback_open": "{count} 条反馈超过 30 天未解决（{count|已|最久} {days} 天：{title}）。",
  "nudge.promise_overdue": "{count} 项承诺已逾期（{title}，逾期 {days} 天）。",
  "nudge.nps_detractor": "{who} 给出 NPS 贬损分（{score}）——请致电沟通。",
  "nudge.nps_detractor_quote": "{who} 给出 NPS 贬损分（{score}）：“{quote}”——请致电沟通。",
  "nps.someone": "一位受访者",
  "nudge.visit_today": "今天与 {contact} 有{kind}。",
  "nudge.visit_tomorrow": "明天与 {contact} 有{kind}。",
  "nudge.renewal_reminder": "{days} 天后续约（{due}）。准备缺口：{gapText}。",
  "nudge.renewal_ready": "{days} 天后续约（{due}），已就绪，没有准备缺口——确认签约即可。",
  "nudge.renewal_passed": "续约日 {due} 已过 {days} 天，尚未记录结果。",
  "kind.visit": "拜访",
  "kind.exec_visit": "高层拜访",
  "kind.qbr": "季度业务回顾",
  "gap.terms": "条款未明确",
  "gap.expectations": "预期未达成",
  "gap.decision_maker": "决策人关系未到位",
  "gap.promises": "仍有未兑现承诺",
  "gap.value_report": "价值报告未发送",
  "nudges.header": "{name}，早上好：今天有 {count} 件事需要你",
  "nudges.summary": "今天有 {count} 个客户需要你",
  "nudges.overflow": "……另有 {count} 项未显示（{kinds}）——发送 `我的` 查看今天需要你处理的事，`风险` 查看风险客户。",
  "action.call": "记录电话",
  "action.visit": "记录拜访",
  "action.brief": "简报",
  "action.snooze": "暂停 7 天",
  "action.done": "完成",
  "action.risk": "全部风险客户",
  "rule.contact_overdue": "联系",
  "rule.usage_drop": "使用",
  "rule.health_drop": "健康",
  "rule.quadrant_down": "九宫格",
  "rule.grade_red": "红色",
  "rule.stakeholder_left": "关键人",
  "rule.onboarding_behind": "上线",
  "rule.feedback_open": "反馈",
  "rule.promise_overdue": "承诺",
  "rule.nps_detractor": "NPS",
  "rule.visit_prep": "拜访",
  "rule.renewal_reminder": "续约",
  "rule.renewal_passed": "续约",
  "brief.header": "拜访准备：{account}",
  "brief.summary": "{account} 拜访准备（{when}）",
  "brief.when_today": "今天",
  "brief.when_tomorrow": "明天",
  "brief.fields.grade": "健康度",
  "brief.fields.arr": "ARR",
  "brief.fields.renewal": "续约",
  "brief.fields.contact": "会面",
  "brief.open": "打开完整简报（使用情况、待办事项、决策链、要问的问题、最佳实践、近期变化）。",
  "digest.header": "{team}：{day} 风险日报",
  "digest.summary": "{team}：{count} 个客户需要关注",
  "digest.quiet": "{team}：今天一切平稳——没有风险客户、没有红色客户，30 天内的续约都是绿色。",
  "digest.lapsed": "已逾期的续约：已过续约日，尚未记录结果",
  "digest.lapsed_item": "{account}：逾期 {days} 天，{arr}",
  "digest.still_red": "昨天以来没有新变化；仍有 {count} 个红色客户面临风险。",
  "digest.no_scores": "{team}：{day} 的健康分尚未计算（夜间重算未运行），暂无日报。",
  "digest.new_risk": "昨天以来的新变化：转为红色或九宫格下移",
  "digest.fell": "九宫格下移或 7 天内下降超过 {points} 分",
  "digest.renewals": "30 天内续约且不是绿色",
  "digest.arr_at_risk": "红色客户 ARR",
  "digest.renewal_item": "{account}：{days} 天，{grade}，{arr}",
  "digest.fell_item": "{account}：{from} -> {to}",
  "digest.risk_item": "{account}（{grade}，{score}）：{reason}",
  "digest.more": "……另有 {count} 个。",
  "digest.more_cmd": "……另有 {count} 个（见 `{command}`）。",
  "digest.reason_red": "健康度变为红色",
  "digest.reason_quadrant": "九宫格下移",
  "grade.green": "绿色",
  "grade.yellow": "黄色",
  "grade.red": "红色",
  "grade.none": "无评分",
  "weekly.header": "{team}：周报（{day} 当周）",
  "weekly.summary": "{team}：绿色 {green}，黄色 {yellow}，红色 {red}",
  "weekly.grades": "健康度分布（7 天变化）",
  "weekly.grade_line": "绿色 {green}（{dg}），黄色 {yellow}（{dy}），红色 {red}（{dr}）",
  "weekly.renewals": "未来 90 天续约",
  "weekly.renewal_item": "{account}：{due}（{days} 天），{arr}，{grade}，{status}",
  "weekly.renewals_more": "……另有 {count} 个：未来 90 天共 {total} 个续约，ARR 合计 {arr}（见 `{command}`）。",
  "weekly.none": "无",
  "weekly.retention": "留存（近 90 天完成的续约）",
  "weekly.retention_line": "GRR {grr}，NRR {nrr}，共 {count} 个续约",
  "weekly.retention_none": "近 90 天没有完成的续约",
  "weekly.movers": "变化最大（7 天）",
  "weekly.mover_item": "{account}：{from} -> {to}（{delta}）",
};

export const PROACTIVE_MESSAGES: Catalogue<Key> = { en, "zh-CN": zh };
export type ProactiveMessageKey = Key;
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const isCjk = (c: string) => CJK.test(c);

/**
 * A message in the reader's language. A text chooses words by a count as `{count|item|items}`: the
 * first when that parameter is 1, else the second (English plurals; Chinese has no plural and uses
 * it only where the words differ, such as 最久 for "oldest"). Chosen on the template, before any
 * value (a title with braces) is filled in. In Chinese, a space the template puts next to a value
 * is dropped between two Chinese characters ("与 孙俊杰 有" reads "与孙俊杰有"), kept next to Latin
 * text and numbers.
 */
export function t(locale: Locale, key: Key, params: Record<string, string | number> = {}): string {
  const template = PROACTIVE_MESSAGES[locale][key].replace(
    /\{(\w+)\|([^|{}]*)\|([^|{}]*)\}/g,
    (_, name: string, one: string, many: string) => (Number(params[name]) === 1 ? one : many),
  );
  // String values are marked as data: a name or a quote shows literally on every surface.
  const value = (name: string, m: string) => (name in params ? param(params[name] as string | number) : m);
  if (locale !== "zh-CN") return template.replace(/\{(\w+)\}/g, (m, name: string) => value(name, m));
  // Fill each placeholder with the template's own spaces around it joined or kept by what meets.
  return template.replace(/( ?)\{(\w+)\}( ?)/g, (m, before: string, name: string, after: string, at: number) => {
    const v = value(name, m.trim());
    const prev = template[at - 1] ?? "";
    const next = template[at + m.length] ?? "";
    const shown = stripData(v);
    const lead = before && !(isCjk(prev) && isCjk(shown[0] ?? "")) ? " " : "";
    const trail = after && !(isCjk(next) && isCjk(shown.at(-1) ?? "")) ? " " : "";
    return `${lead}${v}${trail}`;
  });
}
