// `renewals`: renewals in a window, ranked by ARR at risk, with readiness gaps.
import { addDays, daysBetween } from "../../domain/dates.js";
import { arrAtRisk, quarterEnd, rankingValue, readinessGaps } from "../../domain/renewal.js";
import { formatMoneyTotals, sep } from "../../i18n/locale.js";
import type { Block, Reply } from "../../reply/model.js";
import { type ListRow, listAccounts, type ReadinessRow, readinessOf } from "../../store/repos/accounts.js";
import type { RenewalWindow, Scope } from "../parse.js";
import { auditRead, day, gradeLabel, type HandlerContext, money } from "./common.js";
import { LIST_LIMIT, resolveScope } from "./scope.js";

/** A total per currency (see formatMoneyTotals); $0 when there is nothing to add up. */
export function sumByCurrency(d: HandlerContext, rows: { amount: number; currency: string }[]): string {
  return rows.length ? formatMoneyTotals(d.locale, rows) : money(d, 0, "USD");
}

export interface RenewalLine {
  row: ListRow;
  ready: ReadinessRow;
  arr: number;
  atRisk: number;
  gaps: ReturnType<typeof readinessGaps>;
  days: number;
}

/** readinessOf answers for every id it is given: this fallback only satisfies the type. */
export const NO_READINESS: ReadinessRow = { openPromises: 0, dmEngaged: false, latestNps: null };

/** Ranks renewals by ARR at risk; `readiness` must cover every row (totals count them all). */
export function renewalLines(rows: ListRow[], readiness: Map<string, ReadinessRow>, today: string): RenewalLine[] {
  return rows
    .map((row) => {
      const ready = readiness.get(row.id) ?? NO_READINESS;
      const gaps = readinessGaps({
        termsClear: row.termsClear,
        grade: row.grade,
        latestNps: ready.latestNps,
        decisionMakerEngaged: ready.dmEngaged,
        openPromises: ready.openPromises,
        valueReportSent: row.valueReportSent ?? false,
      });
      const arr = row.renewalArr ?? row.arr;
      return {
        row,
        ready,
        arr,
        gaps,
        atRisk: arrAtRisk(arr, row.grade, gaps.length),
        days: daysBetween(today, row.renewalDate ?? today),
      };
    })
    .sort(
      (a, b) =>
        // Lapsed renewals (past their date, no outcome) first: they are already late.
        Number(b.days < 0) - Number(a.days < 0) ||
        rankingValue(b.atRisk, b.row.currency) - rankingValue(a.atRisk, a.row.currency) ||
        rankingValue(b.arr, b.row.currency) - rankingValue(a.arr, a.row.currency) ||
        a.days - b.days ||
        byName(a.row, b.row),
    );
}

/** A lapsed renewal: an open renewal past its date with no outcome recorded. */
export const isLapsed = (row: ListRow, today: string) =>
  row.renewalStatus !== null && row.renewalDate !== null && row.renewalDate < today;

/** Last tie-break, so equal lines keep one order whatever order the store returned them in. */
export function byName(a: { name: string; id: string }, b: { name: string; id: string }): number {
  return a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function gapText(d: HandlerContext, line: Pick<RenewalLine, "gaps" | "ready">): string {
  return line.gaps
    .map((g) => (g === "promises" ? d.t("gap.promises", { count: line.ready.openPromises }) : d.t(`gap.${g}`)))
    .join(sep(d.locale, "items"));
}

export async function renewals(d: HandlerContext, window: RenewalWindow, scope: Scope): Promise<Reply> {
  const s = await resolveScope(d, scope);
  if (!s.ok) return s.reply;
  const today = d.asker.today;
  const end = "quarter" in window ? quarterEnd(today) : addDays(today, window.days);
  const rows = await listAccounts(d.db, s.filter, today, { renewalFrom: today, renewalTo: end, lapsed: true });
  const ready = await readinessOf(
    d.db,
    rows.map((r) => r.id),
    today,
  );
  const lines = renewalLines(rows, ready, today);
  const title =
    "quarter" in window
      ? d.t("renewals.title_quarter", { end: day(d, end), scope: s.label })
      : d.t("renewals.title", { days: window.days, scope: s.label });
  const totalArr = sumByCurrency(
    d,
    lines.map((l) => ({ amount: l.arr, currency: l.row.currency })),
  );
  const totalRisk = sumByCurrency(
    d,
    lines.map((l) => ({ amount: l.atRisk, currency: l.row.currency })),
  );
  const blocks: Block[] = [{ type: "header", text: title }];
  if (lines.length === 0) blocks.push({ type: "text", text: d.t("renewals.none") });
  else {
    const shown = lines.slice(0, LIST_LIMIT);
    blocks.push({ type: "list", items: shown.map((l) => renewalItem(d, l, today)) });
    if (lines.length > shown.length)
      blocks.push({ type: "context", text: d.t("renewals.more", { count: lines.length - shown.length }) });
    await auditRead(
      d,
      "renewals.read",
      shown.map((l) => l.row.id),
    );
  }
  blocks.push({
    type: "context",
    text: d.t("renewals.totals", { count: lines.length, arr: totalArr, atRisk: totalRisk }),
  });
  return {
    summary: d.t(lines.length === 1 ? "renewals.summary_one" : "renewals.summary", {
      count: lines.length,
      arr: totalArr,
      atRisk: totalRisk,
    }),
    blocks,
    tone: lines.some((l) => l.row.grade === "red") ? "warning" : "neutral",
  };
}

/** One renewal in a list; a lapsed one says so (and how long ago) instead of "in N days". */
export function renewalItem(d: HandlerContext, l: RenewalLine, today: string) {
  const params = {
    name: l.row.name,
    arr: money(d, l.arr, l.row.currency),
    date: day(d, l.row.renewalDate ?? today),
    days: Math.abs(l.days),
    grade: gradeLabel(d, l.row.grade, l.row.score),
    status: d.t(`status.${(l.row.renewalStatus ?? "upcoming") as "upcoming"}`),
    atRisk: money(d, l.atRisk, l.row.currency),
  };
  const lapsed = l.days < 0;
  return {
    text: d.t(lapsed ? "renewals.item_lapsed" : "renewals.item", params),
    detail: l.gaps.length ? d.t("renewals.gaps", { gaps: gapText(d, l) }) : d.t("renewals.ready"),
    tone:
      lapsed || l.row.grade === "red"
        ? ("danger" as const)
        : l.gaps.length >= 3
          ? ("warning" as const)
          : ("neutral" as const),
  };
}
