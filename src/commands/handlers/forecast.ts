// `forecast`: renewals due in a period with the CSM's call beside the model's, disagreements
// flagged, totals per currency per call, forecast GRR and NRR. `call`: a CSM records their call.

import type { ForecastSpec } from "../../charts/spec.js";
import { daysBetween } from "../../domain/dates.js";
import {
  buildForecast,
  CALLS,
  type Call,
  type ForecastLine,
  type ForecastPeriod,
  forecastByMonth,
  type MonthCallPoint,
  modelCall,
  modelWhy,
  periodRange,
} from "../../domain/forecast.js";
import { formatPercent, sep } from "../../i18n/locale.js";
import { forecastAttachment } from "../../reply/charts.js";
import type { Attachment, Block, Reply } from "../../reply/model.js";
import { callHistory, forecastRenewals, openRenewalDue, recordCall } from "../../store/repos/forecast.js";
import type { Scope } from "../parse.js";
import { auditRead, day, type FoundAccount, type HandlerContext, money, simple } from "./common.js";
import { LIST_LIMIT, resolveScope } from "./scope.js";
import { writeRefusal } from "./writes.js";

export const callLabel = (d: HandlerContext, c: Call) => d.t(`call.${c}`);

/** The model's reasons in words ("red, a high-severity risk open, 3 readiness gaps"). */
export function whyText(d: HandlerContext, x: Parameters<typeof modelWhy>[0]): string {
  const why = modelWhy(x).map((k) =>
    k === "gaps" ? d.t("forecast.why_gaps", { count: x.gaps }) : d.t(`forecast.why_${k as "red"}`),
  );
  return (why.length ? why : [d.t("forecast.why_green")]).join(sep(d.locale, "reasons"));
}

function lineDetail(d: HandlerContext, l: ForecastLine, today: string): string {
  const parts: string[] = [];
  if (l.disagreement === "optimistic") parts.push(d.t("forecast.doubts", { why: whyText(d, l) }));
  else if (l.disagreement === "cautious") parts.push(d.t("forecast.cautious"));
  if (l.csm) {
    parts.push(d.t("forecast.called", { by: l.csm.by ?? d.t("call.someone"), date: day(d, l.csm.on) }));
    if (l.csm.note) parts.push(d.t("forecast.note", { note: l.csm.note }));
    if (l.stale) parts.push(d.t("forecast.stale", { days: daysBetween(l.csm.on, today) }));
  } else parts.push(d.t("forecast.ask", { name: l.name }));
  return parts.join(" · ");
}

export async function forecast(d: HandlerContext, period: ForecastPeriod, scope: Scope): Promise<Reply> {
  const s = await resolveScope(d, scope);
  if (!s.ok) return s.reply;
  const today = d.asker.today;
  const range = periodRange(period, today);
  const f = buildForecast(await forecastRenewals(d.db, s.filter, range, today), today);
  const pct = (v: number | null) => (v === null ? d.t("label.no_data") : formatPercent(d.locale, v, 1));
  const blocks: Block[] = [
    {
      type: "header",
      text: d.t("forecast.title", { from: day(d, range.from), to: day(d, range.to), scope: s.label }),
    },
  ];
  const open = f.lines.filter((l) => !l.closed);
  const closed = f.lines.filter((l) => l.closed);
  if (f.lines.length === 0) blocks.push({ type: "text", text: d.t("forecast.none") });
  const shown = open.slice(0, LIST_LIMIT);
  if (shown.length)
    blocks.push({
      type: "list",
      items: shown.map((l) => ({
        text: d.t(l.csm ? "forecast.item" : "forecast.item_no_call", {
          name: l.name,
          arr: money(d, l.arr, l.currency),
          date: day(d, l.dueDate),
          csm: l.csm ? callLabel(d, l.csm.call) : "",
          model: callLabel(d, l.model),
        }),
        detail: lineDetail(d, l, today),
        tone:
          l.disagreement === "optimistic" || l.effective === "lost"
            ? ("danger" as const)
            : l.disagreement !== null || l.effective === "at_risk"
              ? ("warning" as const)
              : ("neutral" as const),
      })),
    });
  if (open.length > shown.length)
    blocks.push({ type: "context", text: d.t("forecast.more", { count: open.length - shown.length }) });
  if (closed.length)
    blocks.push({
      type: "list",
      items: closed.slice(0, 10).map((l) => ({
        text: d.t("forecast.item_closed", {
          name: l.name,
          arr: money(d, l.arr, l.currency),
          date: day(d, l.dueDate),
          status: d.t(`status.${l.status}`),
          outcome: money(d, l.status === "churned" ? 0 : (l.outcomeArr ?? l.arr), l.currency),
        }),
      })),
    });
  const currencies = Object.keys(f.totals).sort();
  if (currencies.length) {
    const fields = currencies.flatMap((c) => {
      const t = f.totals[c]!;
      const m = (v: number) => money(d, v, c);
      const calls = d.t("forecast.totals_line", {
        commit: m(t.byCall.commit),
        likely: m(t.byCall.likely),
        at_risk: m(t.byCall.at_risk),
        lost: m(t.byCall.lost),
      });
      const closedLine = t.closedBase
        ? ` · ${d.t("forecast.closed_line", { base: m(t.closedBase), after: m(t.closedAfter) })}`
        : "";
      return [
        { label: `${d.t("forecast.totals")} (${c})`, value: calls + closedLine },
        {
          label: `${d.t("forecast.retention_label")} (${c})`,
          value: d.t("forecast.retention", { grr: pct(t.grr), floor: pct(t.grrCommit), nrr: pct(t.nrr) }),
        },
      ];
    });
    blocks.push({ type: "fields", fields });
  }
  const notes: string[] = [];
  if (f.disagreements) notes.push(d.t("forecast.disagreements", { count: f.disagreements }));
  if (f.stale) notes.push(d.t("forecast.stale_count", { count: f.stale }));
  if (notes.length) blocks.push({ type: "context", text: notes.join(" · ") });
  await auditRead(d, "forecast.read", [...new Set([...shown, ...closed.slice(0, 10)].map((l) => l.accountId))]);
  const grr = currencies
    .map((c) => (currencies.length > 1 ? `${c} ${pct(f.totals[c]!.grr)}` : pct(f.totals[c]!.grr)))
    .join(" · ");
  // One picture per currency: open renewals' ARR by due month and call (totals are never mixed).
  const charts = forecastCharts(d.locale, forecastByMonth(f.lines));
  return {
    ...(charts.length ? { attachments: charts } : {}),
    summary: d.t("forecast.summary", {
      count: f.lines.length,
      disagreements: f.disagreements,
      grr: grr || d.t("label.no_data"),
    }),
    blocks,
    tone: f.lines.some((l) => l.disagreement === "optimistic") ? "warning" : "neutral",
  };
}

/** `call <account> <call> [note]`: the call on the account's next open renewal, with the model's beside it. */
export async function makeCall(
  d: HandlerContext,
  a: FoundAccount,
  call: Call,
  note: string | undefined,
  source: "chat" | "button" = "chat",
): Promise<Reply> {
  const refused = writeRefusal(d, "verb.call");
  if (refused) return refused;
  const due = await openRenewalDue(d.db, a.id);
  if (!due) return simple(d.t("call.no_renewal", { name: a.name }), "invalid", "warning");
  const earlier = await callHistory(d.db, a.id, due.dueDate, 3);
  await recordCall(d.db, {
    accountId: a.id,
    dueDate: due.dueDate,
    call,
    ...(note ? { note } : {}),
    memberId: d.asker.member.id,
    source,
    surface: d.asker.surface,
    at: d.asker.now,
  });
  // The model's view of the same renewal, as the forecast will show it.
  const today = d.asker.today;
  const [line] = (await forecastRenewals(d.db, { kind: "all" }, { from: due.dueDate, to: due.dueDate }, today)).filter(
    (r) => r.accountId === a.id,
  );
  const input = line ?? { grade: null, score: null, openRisks: 0, highRisk: false, gaps: 0 };
  const model = modelCall(input);
  const head = d.t("call.saved", { name: a.name, date: day(d, due.dueDate), call: callLabel(d, call) });
  const verdict =
    model === call ? d.t("call.agrees") : d.t("call.differs", { model: callLabel(d, model), why: whyText(d, input) });
  const blocks: Block[] = [{ type: "text", text: `${head} ${verdict}` }];
  if (earlier.length)
    blocks.push({
      type: "context",
      text: d.t("call.earlier", {
        items: earlier
          .map((e) =>
            d.t("call.history_item", {
              call: callLabel(d, e.call),
              by: e.by ?? d.t("call.someone"),
              date: day(d, e.on),
            }),
          )
          .join("; "),
      }),
    });
  return { summary: head, blocks, tone: model === call ? "good" : "warning" };
}

/** The forecast chart data per currency (open renewals only; `at_risk` is drawn as at-risk). */
export function forecastCharts(locale: HandlerContext["locale"], points: MonthCallPoint[]): Attachment[] {
  const currencies = [...new Set(points.filter((p) => p.call !== "closed").map((p) => p.currency))].sort();
  return currencies.flatMap((currency) => {
    const mine = points.filter((p) => p.currency === currency && p.call !== "closed");
    const months = [...new Set(mine.map((p) => p.month))].sort();
    const byCall: ForecastSpec["byCall"] = {};
    for (const call of CALLS) {
      const values = months.map((m) =>
        mine.filter((p) => p.month === m && p.call === call).reduce((s, p) => s + p.arr, 0),
      );
      if (values.some((v) => v > 0)) byCall[call === "at_risk" ? "at-risk" : call] = values;
    }
    const a = forecastAttachment({ type: "forecast", locale, currency, months, byCall, source: "csm" });
    return a ? [{ ...a, name: `forecast-${currency.toLowerCase()}` }] : [];
  });
}
