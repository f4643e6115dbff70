// The value report's words, in English and Simplified Chinese. String parameters are user data
// (marked by `param`), so every renderer shows them literally.
import { bilingual, type CatalogueKey, type Locale, translator } from "../i18n/locale.js";
import { param } from "../text/user-data.js";

export const REPORT_TEXT = bilingual({
  "report.title": ["Value report: {account}", "价值报告：{account}"],
  "report.period": ["{from} to {to}", "{from} 至 {to}"],
  "report.prepared": ["Prepared by {owner} on {date}.", "由 {owner} 于 {date} 准备。"],
  "report.prepared_no_owner": ["Prepared on {date}.", "准备于 {date}。"],
  "report.results": ["Results", "取得的成果"],
  "report.help": ["Help we gave", "我们提供的帮助"],
  "report.improvements": ["Our improvements", "我们的改进"],
  "report.plan": ["Next year's plan", "明年的计划"],
  "report.no_data": ["Tend holds no data for this section yet.", "Tend 中暂无这一部分的数据。"],
  "report.usage.go_live": [
    "Active users: {before} in the first week after go-live ({date}), {now} now ({change}).",
    "活跃用户：上线后第一周（{date}）{before} 人，现在 {now} 人（{change}）。",
  ],
  "report.usage.year_ago": [
    "Active users: {before} a year ago ({date}), {now} now ({change}).",
    "活跃用户：一年前（{date}）{before} 人，现在 {now} 人（{change}）。",
  ],
  "report.usage.no_change": ["no change", "持平"],
  "report.usage.only_now": [
    "Active users now: {now} (no earlier usage to compare with).",
    "现在的活跃用户：{now} 人（没有更早的使用数据可比较）。",
  ],
  "report.activation": ["Activated seats: {before} then, {now} now.", "已激活席位：当时 {before}，现在 {now}。"],
  "report.activation_now": ["Activated seats now: {now}.", "现在已激活席位：{now}。"],
  "report.core": ["Core features in use: {before} then, {now} now.", "使用中的核心功能：当时 {before}，现在 {now}。"],
  "report.milestone_done": ["Milestone reached: {title} ({date})", "达成里程碑：{title}（{date}）"],
  "report.help.visit": ["{count} visits", "拜访 {count} 次"],
  "report.help.exec_visit": ["{count} executive visits", "高层拜访 {count} 次"],
  "report.help.qbr": [
    "{count} business reviews (QBR), the last on {date}",
    "业务回顾（QBR）{count} 次，最近一次在 {date}",
  ],
  "report.help.training": ["{count} trainings", "培训 {count} 次"],
  "report.help.call": ["{count} calls", "电话沟通 {count} 次"],
  "report.help.requests": [
    "{answered} of {raised} requests and issues you raised this year answered",
    "今年您提出的 {raised} 个需求和问题中，{answered} 个已答复",
  ],
  "report.delivered": ["Delivered from your feedback: {title} ({date})", "根据您的反馈已交付：{title}（{date}）"],
  "report.kept": ["Promise kept: {title} ({date})", "已兑现的承诺：{title}（{date}）"],
  "report.in_progress": ["In progress from your feedback: {title}", "根据您的反馈正在进行：{title}"],
  "report.plan.milestone": ["Milestone: {title} (by {date})", "里程碑：{title}（{date} 前）"],
  "report.plan.promise": ["We committed to: {title} (by {date})", "我们承诺：{title}（{date} 前）"],
  "report.plan.upsell": ["Growth: {title}", "扩展：{title}"],
  "report.plan.cross_sell": ["New product: {title}", "新产品：{title}"],
  "report.plan.services": ["Services: {title}", "服务：{title}"],
  "report.plan.renewal": ["Renewal: {date}", "续约：{date}"],
  "report.plan.goals": [
    "Goals for the year ahead: none recorded in Tend yet - to agree together.",
    "明年的目标：Tend 中尚未记录，待双方共同商定。",
  ],
  // chat
  "report.chat.summary": [
    "Value report for {account} is ready: Markdown and a printable HTML page are attached.",
    "{account} 的价值报告已生成：附有 Markdown 文件和可打印的 HTML 页面。",
  ],
  "report.chat.sections": [
    "{results} results, {help} kinds of help, {improvements} improvements, {plan} plan items",
    "成果 {results} 项，帮助 {help} 类，改进 {improvements} 项，计划 {plan} 项",
  ],
  "report.chat.language": ["Written in {language}, the account's language.", "使用客户的语言（{language}）撰写。"],
  "report.chat.mark_sent": ["Mark value report sent", "标记价值报告已发送"],
  "report.chat.already_sent": ["Marked as sent for the renewal on {date}.", "已为 {date} 的续约标记为已发送。"],
  "report.chat.no_renewal": ["No open renewal: nothing to mark as sent.", "没有进行中的续约：无需标记发送。"],
  "report.sent.done": [
    "Value report marked sent for {account} (renewal {date}): the readiness check counts it.",
    "已标记 {account} 的价值报告已发送（续约 {date}）：续约准备检查会计入。",
  ],
  "report.sent.no_renewal": [
    "{account} has no open renewal, so there is nothing to mark.",
    "{account} 没有进行中的续约，无需标记。",
  ],
  "report.language.en": ["English", "英文"],
  "report.language.zh-CN": ["Chinese", "中文"],
  "report.doc.md": ["Value report (Markdown)", "价值报告（Markdown）"],
  "report.doc.html": ["Value report (printable page)", "价值报告（可打印页面）"],
  "report.attached": ["Attached: {files}", "附件：{files}"],
  "report.button": ["Value report", "价值报告"],
});

export type ReportKey = CatalogueKey<typeof REPORT_TEXT>;

export const reportText = translator(REPORT_TEXT, param);
export type ReportT = (key: ReportKey, params?: Record<string, string | number>) => string;
export const reportT =
  (locale: Locale): ReportT =>
  (key, params) =>
    reportText(locale, key, params);
