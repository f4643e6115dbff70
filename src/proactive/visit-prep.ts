import { dayToDate } from "../domain/dates.js";
import { tPlural as t } from "../i18n/catalogue.js";
import { formatDate, formatMoney, type Locale } from "../i18n/locale.js";
import type { Attachment, Reply } from "../reply/model.js";
import { gradeText } from "./format.js";
import { nudgeButtons, nudgeText } from "./nudges.js";
import type { Nudge, RuleFacts } from "./rules/types.js";

// The visit-prep message sent the day before and the morning of a visit.

/** The visit-prep message: key facts and the button that opens the full brief (core's `brief`). */
export function composeVisitPrep(
  locale: Locale,
  n: Nudge,
  f: RuleFacts | undefined,
  when: "today" | "tomorrow",
  full?: Reply,
  /** The account's pictures (its 90-day health and usage trend), uploaded with the message. */
  attachments?: Attachment[],
): Reply {
  const latest = f?.scores.at(-1);
  const renewal = f?.renewals[0];
  const fields = [
    {
      label: t(locale, "brief.fields.grade"),
      value: latest ? `${gradeText(locale, latest.grade)} (${latest.score})` : gradeText(locale, undefined),
    },
    { label: t(locale, "brief.fields.arr"), value: formatMoney(locale, f?.arr ?? n.arr, f?.currency ?? "USD") },
    { label: t(locale, "brief.fields.contact"), value: String(n.params.contact ?? "-") },
  ];
  if (renewal)
    fields.push({ label: t(locale, "brief.fields.renewal"), value: formatDate(locale, dayToDate(renewal.dueDate)) });
  return {
    summary: t(locale, "brief.prep_summary", {
      account: n.accountName,
      when: t(locale, when === "today" ? "brief.when_today" : "brief.when_tomorrow"),
    }),
    blocks: full
      ? [
          { type: "header", text: t(locale, "brief.header", { account: n.accountName }) },
          { type: "context", text: nudgeText(locale, n) },
          // The core's brief, minus its own header (ours says why it arrives now).
          ...full.blocks.filter((b) => b.type !== "header").slice(0, 45),
        ]
      : [
          { type: "header", text: t(locale, "brief.header", { account: n.accountName }) },
          { type: "text", text: nudgeText(locale, n) },
          { type: "fields", fields },
          { type: "context", text: t(locale, "brief.open") },
          { type: "buttons", buttons: nudgeButtons(locale, n).filter((b) => b.actionId !== "tend.snooze") },
        ],
    tone: latest?.grade === "red" ? "danger" : "neutral",
    ...(attachments?.length ? { attachments } : {}),
  };
}
