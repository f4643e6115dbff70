import { addDays } from "../../domain/dates.js";
import type { Reason } from "../../domain/health/types.js";
import { sparkline } from "../../domain/sparkline.js";
import type { Block, Reply } from "../../reply/model.js";
import { data } from "../../reply/text.js";
import { scoreHistory } from "../../store/repos/accounts.js";
import {
  accountButtons,
  auditRead,
  type Deps,
  type FoundAccount,
  gradeLabel,
  money,
  reason,
  renewalText,
  toneOf,
} from "./common.js";

/** The account card: grade, trend, ARR, renewal, stage, tier, owner, top reasons, open risks, actions. */
export async function accountCard(d: Deps, found: FoundAccount): Promise<Reply> {
  const a = await d.db.prisma.account.findUniqueOrThrow({
    where: { id: found.id },
    include: {
      owner: { select: { name: true } },
      risks: { where: { resolvedAt: null }, orderBy: { raisedAt: "desc" } },
      renewals: { where: { status: { in: ["upcoming", "in_progress"] } }, orderBy: { dueDate: "asc" }, take: 1 },
    },
  });
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
  blocks.push({
    type: "list",
    title: d.t("label.risks"),
    items:
      a.risks.length === 0
        ? [{ text: d.t("label.none") }]
        : a.risks.map((r) => ({
            text: `${d.t(`risk.${r.kind}`)} (${d.t(`severity.${r.severity}`)})`,
            tone: r.severity === "high" ? ("danger" as const) : ("warning" as const),
            ...(r.note ? { detail: r.note } : {}),
          })),
  });
  blocks.push({ type: "buttons", buttons: accountButtons(d, a, `account id:${a.id}`) });
  await auditRead(d, "account.read", [a.id]);
  return {
    summary: d.t("account.summary", { name: a.name, grade, arr, renewal: renewalText(d, renewalIso) }),
    blocks,
    tone: latest?.state === "new" ? "neutral" : toneOf(latest?.grade ?? null),
  };
}
