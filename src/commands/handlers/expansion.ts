// `expansion`: accounts ready to grow, each with why (the signals of src/domain/expansion.ts), and
// the open opportunities of the same book.
import { rankCandidates } from "../../domain/expansion.js";
import { rankingValue } from "../../domain/renewal.js";
import { signalsText } from "../../reply/expansion-signals.js";
import type { Block, Reply } from "../../reply/model.js";
import { expansionInputs, openOpportunities } from "../../store/repos/expansion.js";
import type { Scope } from "../parse.js";
import { auditRead, day, gradeLabel, type HandlerContext, money } from "./common.js";
import { LIST_LIMIT, resolveScope } from "./scope.js";

export async function expansion(d: HandlerContext, scope: Scope): Promise<Reply> {
  const s = await resolveScope(d, scope);
  if (!s.ok) return s.reply;
  const today = d.asker.today;
  const candidates = rankCandidates(await expansionInputs(d.db, s.filter, today), rankingValue);
  const opps = await openOpportunities(d.db, s.filter);
  const blocks: Block[] = [{ type: "header", text: d.t("expansion.title", { scope: s.label }) }];
  const shown = candidates.slice(0, LIST_LIMIT);
  blocks.push({
    type: "list",
    title: d.t("expansion.candidates"),
    items: shown.length
      ? shown.map((c) => ({
          text: d.t("expansion.item", {
            name: c.row.name,
            grade: gradeLabel(d, c.row.grade, c.row.score),
            arr: money(d, c.row.arr, c.row.currency),
          }),
          detail: [
            signalsText(d.t, d.locale, c.signals),
            ...(c.row.openOpportunities > 0 ? [d.t("expansion.has_opp")] : []),
          ].join(" · "),
          tone: c.row.grade === "green" ? ("good" as const) : ("neutral" as const),
        }))
      : [{ text: d.t("expansion.none") }],
  });
  const oppsShown = opps.slice(0, LIST_LIMIT);
  blocks.push({
    type: "list",
    title: d.t("expansion.opps"),
    items: oppsShown.length
      ? oppsShown.map((o) => ({
          text: d.t("expansion.opp_item", {
            name: o.accountName,
            kind: d.t(`opp.${o.kind}`),
            title: o.title,
            amount: money(d, o.amount, o.currency),
          }),
          detail: [
            ...(o.stage ? [d.t("expansion.opp_stage", { stage: o.stage })] : []),
            ...(o.expectedClose ? [d.t("expansion.opp_close", { date: day(d, o.expectedClose) })] : []),
          ].join(" · "),
        }))
      : [{ text: d.t("expansion.opps_none") }],
  });
  const summary = d.t("expansion.summary", { count: candidates.length, opps: opps.length });
  blocks.push({ type: "context", text: summary });
  await auditRead(d, "expansion.read", [
    ...new Set([...shown.map((c) => c.row.id), ...oppsShown.map((o) => o.accountId)]),
  ]);
  return { summary, blocks, tone: candidates.length ? "good" : "neutral" };
}
