// `report <account>`: the customer-facing value report (Markdown + printable HTML attached), and
// `report <account> sent`: the CSM confirms it went out, so the renewal readiness check counts it.
import { composeValueReport, sectionEmpty } from "../../domain/value-report.js";
import { tFor } from "../../i18n/catalogue.js";
import { asLocale, type Locale } from "../../i18n/locale.js";
import type { Attachment, Block, Button, Reply } from "../../reply/model.js";
import { reportDoc, reportHtml, reportMarkdown } from "../../reply/value-report.js";
import { audit } from "../../store/repos/audit.js";
import { markValueReportSent, valueReportFacts } from "../../store/repos/value-report.js";
import { canWrite } from "../access.js";
import { auditRead, day, type FoundAccount, type HandlerContext, simple } from "./common.js";
import { writeRefusal } from "./writes.js";

/** Items per section shown in chat; the documents carry them all. */
const CHAT_ITEMS = 4;

/** The report's language: the account's team's (the customer reads it), else the asker's. */
export function reportLocale(teamLocale: string | null, fallback: Locale): Locale {
  return asLocale(teamLocale) ?? fallback;
}

export async function valueReport(d: HandlerContext, a: FoundAccount): Promise<Reply> {
  const facts = await valueReportFacts(d.db, a.id, d.asker.today);
  const report = composeValueReport(facts);
  const locale = reportLocale(facts.account.teamLocale, d.locale);
  const doc = reportDoc(report, locale, facts.account.ownerName);
  // The chat answer speaks the asker's language; the documents the customer's.
  const chat = locale === d.locale ? doc : reportDoc(report, d.locale, facts.account.ownerName);
  const t = tFor(d.locale);
  const counts = {
    results: sectionEmpty.results(report) ? 0 : chat.sections[0]!.items.length,
    help: report.help.counts.length,
    improvements: sectionEmpty.improvements(report) ? 0 : chat.sections[2]!.items.length,
    plan: sectionEmpty.plan(report) ? 0 : chat.sections[3]!.items.length - 1,
  };
  const slug = `value-report-${a.id}`;
  const attachments: Attachment[] = [
    { kind: "document", name: slug, title: t("report.doc.md"), format: "markdown", text: reportMarkdown(doc) },
    { kind: "document", name: slug, title: t("report.doc.html"), format: "html", text: reportHtml(doc) },
  ];
  const blocks: Block[] = [
    { type: "header", text: chat.title },
    { type: "text", text: t("report.chat.summary", { account: a.name }) },
    { type: "context", text: `${chat.period} · ${t("report.chat.sections", counts)}` },
  ];
  for (const s of chat.sections) {
    const items = s.empty && s.id !== "plan" ? [] : s.items;
    const shown = items.slice(0, CHAT_ITEMS).map((text) => ({ text }));
    if (items.length > CHAT_ITEMS) shown.push({ text: `… +${items.length - CHAT_ITEMS}` });
    if (s.empty) shown.unshift({ text: s.empty });
    blocks.push({ type: "list", title: `**${s.heading}**`, items: shown });
  }
  blocks.push({
    type: "context",
    text: t("report.chat.language", { language: t(`report.language.${locale}`) }),
  });
  const buttons: Button[] = [];
  if (facts.renewal?.valueReportSent)
    blocks.push({ type: "context", text: t("report.chat.already_sent", { date: day(d, facts.renewal.due) }) });
  else if (facts.renewal && canWrite(d.asker))
    buttons.push({
      text: t("report.chat.mark_sent"),
      actionId: "tend.run",
      value: `report id:${a.id} sent`,
      style: "primary",
    });
  else if (!facts.renewal) blocks.push({ type: "context", text: t("report.chat.no_renewal") });
  if (buttons.length) blocks.push({ type: "buttons", buttons });
  await auditRead(d, "account.report", [a.id], { locale });
  return { summary: t("report.chat.summary", { account: a.name }), blocks, tone: "neutral", attachments };
}

export async function valueReportSent(d: HandlerContext, a: FoundAccount): Promise<Reply> {
  const refused = writeRefusal(d, "verb.report_sent");
  if (refused) return refused;
  const t = tFor(d.locale);
  const marked = await markValueReportSent(d.db, a.id);
  if (!marked) return simple(t("report.sent.no_renewal", { account: a.name }), "invalid", "warning");
  await audit(d.db, [
    {
      memberId: d.asker.member.id,
      surface: d.asker.surface,
      action: "renewal.value_report_sent",
      accountId: a.id,
      detail: { due: marked.due },
    },
  ]);
  return simple(t("report.sent.done", { account: a.name, date: day(d, marked.due) }), undefined, "good");
}

/** The value report's button for renewal reminders (120 and 90 days out). */
export function reportButton(locale: Locale, accountId: string): Button {
  return { text: tFor(locale)("report.button"), actionId: "tend.run", value: `report id:${accountId}` };
}
