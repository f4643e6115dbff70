// The brief's "since the last visit": with a model configured, a short summary of the account's
// interactions, feedback, survey answers and risks since the last visit (or the last 90 days), built
// only from those records - which are listed under it, numbered as the summary cites them. Without
// a model, or when it fails, the brief stays as it is.

import { addDays } from "../../domain/dates.js";
import { t as askT } from "../../i18n/catalogue.js";
import type { Block } from "../../reply/model.js";
import { type AccountRecord, lastVisitDay, recordsSince } from "../../store/repos/ask.js";
import { audit } from "../../store/repos/audit.js";
import { data } from "../../text/user-data.js";
import { day, type HandlerContext } from "../handlers/common.js";
import { type ModelSettings, summarise } from "./model.js";

function what(d: HandlerContext, r: AccountRecord): string {
  switch (r.kind) {
    case "interaction":
      return d.t(`kind.${r.label as "visit"}`);
    case "feedback":
      return askT(d.locale, "ask.rec_feedback", { status: d.t(`fb.${r.label as "open"}`) });
    case "survey":
      return askT(d.locale, "ask.rec_survey", { score: r.label.toUpperCase() });
    case "risk":
      return askT(d.locale, "ask.rec_risk", { cause: d.t(`risk.${r.label as "other"}`) });
  }
}

export async function sinceLastVisit(d: HandlerContext, accountId: string, model: ModelSettings): Promise<Block[]> {
  const today = d.asker.today;
  const last = await lastVisitDay(d.db, accountId, today);
  const records = await recordsSince(d.db, accountId, last ?? addDays(today, -90), today);
  if (records.length === 0) return [];
  const labelled = records.map((r) => ({ day: r.day, what: what(d, r), text: r.text }));
  const out = await summarise(
    model,
    labelled.map((r) => ({ ...r, what: r.what.replace(/[\uE000-\uE003]/g, "") })),
    d.locale,
  );
  await audit(d.db, [
    {
      memberId: d.asker.member.id,
      surface: d.asker.surface,
      action: "ask.summary",
      accountId,
      detail: {
        records: records.length,
        outcome: out.ok ? "summary" : out.reason,
        cited: out.ok ? out.value.cited : [],
      },
    },
  ]);
  if (!out.ok) return [];
  const used = out.value.cited.length > 0 ? out.value.cited : labelled.map((_, i) => i + 1);
  const title = last
    ? askT(d.locale, "ask.since_title", { date: day(d, last) })
    : askT(d.locale, "ask.since_title_none");
  return [
    // The model's words are shown literally, like anything a person typed.
    { type: "text", text: `**${title}**\n${data(out.value.text)}` },
    {
      type: "list",
      title: askT(d.locale, "ask.since_used"),
      items: used.map((n) => {
        const r = labelled[n - 1] as (typeof labelled)[number];
        return { text: `[${n}] ${day(d, r.day)} · ${r.what}${r.text ? `: ${data(r.text)}` : ""}` };
      }),
    },
    { type: "context", text: askT(d.locale, "ask.since_note") },
  ];
}
