import { addDays } from "../../domain/dates.js";
import type { Reason } from "../../domain/health/types.js";
import { nextStep, renderEvidence } from "../../domain/risk/evidence.js";
import { sparkline } from "../../domain/sparkline.js";
import { callButtons } from "../../reply/account-buttons.js";
import { accountTrendAttachment } from "../../reply/charts.js";
import type { Block, Reply } from "../../reply/model.js";
import { accountForCard, scoreHistory } from "../../store/repos/accounts.js";
import { openRisksOf, type RegisterRow } from "../../store/repos/risks.js";
import { accountTrend } from "../../store/repos/trends.js";
import { data } from "../../text/user-data.js";
import {
  accountButtons,
  auditRead,
  day,
  type FoundAccount,
  gradeLabel,
  type HandlerContext,
  money,
  reason,
  renewalText,
  toneOf,
} from "./common.js";

/** The account card: grade, trend, ARR, renewal, stage, tier, owner, top reasons, open risks, actions. */
export async function accountCard(d: HandlerContext, found: FoundAccount): Promise<Reply> {
  const a = await accountForCard(d.db, found.id);
  const history = await scoreHistory(d.db, a.id, addDays(d.asker.today, -29));
  const latest = history.filter((h) => h.day <= d.asker.today).at(-1);
  const renewal = a.renewals[0]?.dueDate ?? a.renewalDate;
  const renewalIso = renewal ? renewal.toISOString().slice(0, 10) : null;
  const arr = money(d, Number(a.arr), a.currency);
  const grade = latest ? gradeLabel(d, latest.grade, latest.score, latest.state) : d.t("label.no_score");

  const blocks: Block[] = [
    { type: "header", text: data(a.name) },
    {
      type: "fields",
      fields: [
        { label: d.t("label.grade"), value: grade },
        {
          label: d.t("label.trend"),
          value: history.length > 1 ? sparkline(history.map((h) => h.score)) : d.t("label.no_data"),
        },
        { label: d.t("label.arr"), value: arr },
        { label: d.t("label.renewal"), value: renewalText(d, renewalIso) },
        { label: d.t("label.stage"), value: d.t(`stage.${a.stage}`) },
        { label: d.t("label.tier"), value: d.t(`tier.${a.tier}`) },
        { label: d.t("label.owner"), value: a.owner ? data(a.owner.name) : d.t("label.unassigned") },
      ],
    },
  ];
  const reasons = ((latest?.reasons ?? []) as Reason[])
    .slice()
    .sort((x, y) => Math.abs(y.impact) - Math.abs(x.impact))
    .slice(0, 3);
  if (reasons.length > 0)
    blocks.push({
      type: "list",
      title: d.t("label.reasons"),
      items: reasons.map((r) => ({ text: reason(d, r), tone: r.kind === "drag" ? "danger" : "good" })),
    });
  const risks = await openRisksOf(d.db, a.id);
  blocks.push({
    type: "list",
    title: d.t("label.risks"),
    items:
      risks.length === 0
        ? [{ text: d.t("label.none") }]
        : risks.map((r) => ({
            text: d.t("risk.with_severity", { risk: d.t(`risk.${r.cause}`), severity: d.t(`severity.${r.severity}`) }),
            tone: r.severity === "high" ? ("danger" as const) : ("warning" as const),
            detail: riskLine(d, r),
          })),
  });
  const buttons = accountButtons(d, a, `account id:${a.id}`);
  // Confirm what detection found (it then stays until a person resolves it), resolve what is open.
  if (d.asker.role !== "viewer")
    for (const r of risks.slice(0, 3)) {
      const cause = d.t(`risk.${r.cause}`);
      if (r.source === "detected" && !r.confirmed)
        buttons.push({
          text: d.t("button.risk_confirm", { cause }),
          actionId: "tend.run",
          value: `risk raise id:${a.id} ${r.cause}`,
        });
      buttons.push({
        text: d.t("button.risk_resolve", { cause }),
        actionId: "tend.run",
        value: `risk resolve id:${a.id} ${r.cause}`,
      });
    }
  blocks.push({ type: "buttons", buttons });
  // The renewal call (commit / likely / at risk / lost), one press away, for whoever may write.
  if (renewalIso && d.asker.role !== "viewer") blocks.push({ type: "buttons", buttons: callButtons(d.t, a.id) });
  await auditRead(d, "account.read", [a.id]);
  // The 90-day picture beside the sparkline (drawn where it is delivered; the text says it too).
  const trend = accountTrendAttachment(d.locale, await accountTrend(d.db, a.id, d.asker.today));
  return {
    summary: d.t("account.summary", { name: a.name, grade, arr, renewal: renewalText(d, renewalIso) }),
    blocks,
    tone: latest?.state === "new" ? "neutral" : toneOf(latest?.grade ?? null),
    ...(trend ? { attachments: [trend] } : {}),
  };
}

/** Evidence, who opened it and when, and the next step: "why", "since when" and "what now" in one line. */
export function riskLine(d: HandlerContext, r: RegisterRow): string {
  const parts: string[] = [];
  if (r.evidenceKey) parts.push(renderEvidence({ key: r.evidenceKey, params: r.evidenceParams }, d.locale));
  if (r.note) parts.push(r.note);
  parts.push(
    d.t(r.source === "detected" ? "risk.opened_detected" : "risk.opened_person", { date: day(d, r.raisedAt) }),
  );
  if (r.confirmed) parts.push(d.t("risk.confirmed"));
  parts.push(d.t("risk.next", { step: r.nextStep ?? nextStep(d.locale, r.cause) }));
  return parts.join(" · ");
}
