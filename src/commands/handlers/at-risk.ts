// `risk`: the accounts at stake - open risks, red grades, unready renewals, lapsed renewals.
import { addDays, daysBetween } from "../../domain/dates.js";
import type { Reason } from "../../domain/health/types.js";
import { arrAtRisk, rankingValue, readinessGaps } from "../../domain/renewal.js";
import type { Block, Reply } from "../../reply/model.js";
import {
  atRiskAccounts,
  type ListDetail,
  type ListRow,
  listDetails,
  type ReadinessRow,
  readinessOf,
} from "../../store/repos/accounts.js";
import type { Scope } from "../parse.js";
import { auditRead, gradeLabel, type HandlerContext, money, reason } from "./common.js";
import { byName, gapText, isLapsed, NO_READINESS, sumByCurrency } from "./renewals.js";
import { LIST_LIMIT, resolveScope } from "./scope.js";

/** How far ahead `risk` looks at renewals. */
export const STAKE_DAYS = 90;

export interface StakeLine {
  row: ListRow;
  atRisk: number;
  gaps: ReturnType<typeof readinessGaps>;
  ready: ReadinessRow;
  /** Days to the renewal (negative: lapsed), when it is part of what is at stake. */
  renewalDays: number | null;
  lapsed: boolean;
}

/**
 * What is at stake in a book: every account with an open risk, a red grade, a renewal within 90
 * days that is not green or has readiness gaps, or a lapsed renewal; ranked by ARR at risk.
 * `readiness` must cover the rows with a renewal in that window.
 */
export function stakeLines(rows: ListRow[], readiness: Map<string, ReadinessRow>, today: string): StakeLine[] {
  const lines: StakeLine[] = [];
  for (const row of rows) {
    const days = row.renewalDate ? daysBetween(today, row.renewalDate) : null;
    const lapsed = isLapsed(row, today);
    const inWindow = days !== null && days >= 0 && days <= STAKE_DAYS;
    const ready = readiness.get(row.id) ?? NO_READINESS;
    const gaps =
      inWindow || lapsed
        ? readinessGaps({
            termsClear: row.termsClear,
            grade: row.grade,
            latestNps: ready.latestNps,
            decisionMakerEngaged: ready.dmEngaged,
            openPromises: ready.openPromises,
            valueReportSent: row.valueReportSent ?? false,
          })
        : [];
    const renewalAtStake = lapsed || (inWindow && (row.grade !== "green" || gaps.length > 0));
    if (!(row.grade === "red" || row.openRisks > 0 || renewalAtStake)) continue;
    const atRisk = lapsed
      ? (row.renewalArr ?? row.arr)
      : arrAtRisk(row.arr, row.grade, row.openRisks + (renewalAtStake ? gaps.length : 0));
    lines.push({ row, atRisk, gaps, ready, renewalDays: renewalAtStake ? days : null, lapsed });
  }
  return lines.sort(
    (a, b) =>
      rankingValue(b.atRisk, b.row.currency) - rankingValue(a.atRisk, a.row.currency) ||
      Number(b.lapsed) - Number(a.lapsed) ||
      rankingValue(b.row.arr, b.row.currency) - rankingValue(a.row.arr, a.row.currency) ||
      byName(a.row, b.row),
  );
}

/** Readiness of the rows whose renewal falls in the stake window (or has lapsed). */
export async function stakeReadiness(d: HandlerContext, rows: ListRow[], today: string) {
  const end = addDays(today, STAKE_DAYS);
  return readinessOf(
    d.db,
    rows.filter((r) => r.renewalDate !== null && r.renewalDate <= end).map((r) => r.id),
    today,
  );
}

/** Causes with severity, the renewal at stake, then the top drags. */
export function stakeDetail(d: HandlerContext, l: StakeLine, detail: ListDetail | undefined): string {
  const parts: string[] = [];
  if (l.lapsed) parts.push(d.t("risk.renewal_lapsed", { days: -(l.renewalDays ?? 0) }));
  else if (l.renewalDays !== null)
    parts.push(
      l.gaps.length
        ? d.t("risk.renewal_gaps", { days: l.renewalDays, gaps: gapText(d, { gaps: l.gaps, ready: l.ready }) })
        : d.t("risk.renewal_in", { days: l.renewalDays }),
    );
  const rest = riskDetail(d, detail);
  return [...(rest.risks ? [rest.risks] : []), ...parts, ...(rest.reasons ? [rest.reasons] : [])].join(" · ");
}

function riskDetail(d: HandlerContext, detail: ListDetail | undefined): { risks: string; reasons: string } {
  // Open risks are listed by name first, so their reason sentences ("medium risk: ...") would repeat them.
  const reasons = ((detail?.reasons ?? []) as Reason[])
    .filter((r) => r.kind === "drag" && !r.key.startsWith("risk."))
    .sort((a, b) => Math.abs(b.impact) - Math.abs(a.impact))
    .slice(0, 2)
    .map((r) => reason(d, r));
  const risks = (detail?.openRisks ?? []).map((r) =>
    d.t("risk.with_severity", {
      risk: d.t(`risk.${r.kind as "other"}`),
      severity: d.t(`severity.${r.severity as "high"}`),
    }),
  );
  return { risks: risks.join(" · "), reasons: reasons.join(" · ") };
}

export async function risk(d: HandlerContext, scope: Scope): Promise<Reply> {
  const s = await resolveScope(d, scope);
  if (!s.ok) return s.reply;
  const today = d.asker.today;
  const rows = await atRiskAccounts(d.db, s.filter, today, STAKE_DAYS);
  const lines = stakeLines(rows, await stakeReadiness(d, rows, today), today);
  const shown = lines.slice(0, LIST_LIMIT);
  const details = await listDetails(
    d.db,
    shown.map((l) => l.row.id),
    today,
  );
  const atRisk = sumByCurrency(
    d,
    lines.map((l) => ({ amount: l.atRisk, currency: l.row.currency })),
  );
  const blocks: Block[] = [{ type: "header", text: d.t("risk.title", { scope: s.label }) }];
  if (lines.length === 0) blocks.push({ type: "text", text: d.t("risk.none") });
  else {
    blocks.push({ type: "list", items: shown.map((l) => stakeItem(d, l, details.get(l.row.id))) });
    if (lines.length > shown.length)
      blocks.push({ type: "context", text: d.t("renewals.more", { count: lines.length - shown.length }) });
    await auditRead(
      d,
      "risk.read",
      shown.map((l) => l.row.id),
    );
  }
  const summary = d.t(lines.length === 1 ? "risk.summary_one" : "risk.summary", { count: lines.length, atRisk });
  blocks.push({ type: "context", text: summary });
  return { summary, blocks, tone: lines.length ? "danger" : "good" };
}

export function stakeItem(d: HandlerContext, l: StakeLine, detail: ListDetail | undefined) {
  const high = (detail?.openRisks ?? []).some((r) => r.severity === "high");
  return {
    text: d.t("risk.item", {
      name: l.row.name,
      grade: gradeLabel(d, l.row.grade, l.row.score),
      arr: money(d, l.row.arr, l.row.currency),
      atRisk: money(d, l.atRisk, l.row.currency),
    }),
    detail: stakeDetail(d, l, detail),
    tone: l.row.grade === "red" || l.lapsed || high ? ("danger" as const) : ("warning" as const),
  };
}
