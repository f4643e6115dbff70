// Team metrics for managers and admins: renewal rate, GRR, NRR, logo churn, expected lifetime,
// ARR by grade. The numbers come from the health engine's teamMetrics (src/domain/health/metrics.ts),
// so this answer, the weekly summary and the backtest never disagree; this file only words them.
import { teamMetrics } from "../../domain/health/metrics.js";
import type { Grade } from "../../domain/health/types.js";
import { quarterStart } from "../../domain/renewal.js";
import {
  RENEWAL_RATE_MIN,
  segmentValues,
  trailingTwelveMonths,
  UNIT_ECONOMICS_DEFAULTS,
  type UnitEconomics,
} from "../../domain/unit-economics.js";
import { formatMoneyTotals, formatNumber, formatPercent } from "../../i18n/locale.js";
import type { Block, Reply } from "../../reply/model.js";
import { filterSql } from "../../store/account-filter.js";
import { loadMetricsInputs } from "../../store/repos/metrics.js";
import { segmentAccounts } from "../../store/repos/unit-economics.js";
import { canSeeMetrics } from "../access.js";
import type { Period, Scope } from "../parse.js";
import { GRADE_DOT, type HandlerContext, money, simple } from "./common.js";
import { resolveScope } from "./scope.js";

function periodStart(period: Period, today: string): string {
  if (period === "ttm") return trailingTwelveMonths(today).from;
  if (period === "month") return `${today.slice(0, 7)}-01`;
  if (period === "year") return `${today.slice(0, 4)}-01-01`;
  return quarterStart(today);
}

export async function metrics(d: HandlerContext, scope: Scope, period: Period): Promise<Reply> {
  if (!canSeeMetrics(d.asker)) return simple(d.t("access.forbidden_metrics"), "forbidden", "warning");
  const s = await resolveScope(d, scope);
  if (!s.ok) return s.reply;
  const today = d.asker.today;
  const range = { from: periodStart(period, today), to: today };
  const { renewals, accounts } = await loadMetricsInputs(d.db, range, filterSql(s.filter, 3));
  const m = teamMetrics(renewals, accounts, range);
  const pct = (v: number | null) => (v === null ? d.t("label.no_data") : formatPercent(d.locale, v, 1));
  // Rates count renewals (currency-free); GRR and NRR are money ratios, so one per currency.
  const currencies = Object.keys(m.retention).sort();
  const perCurrency = (pick: "grr" | "nrr") =>
    currencies.length === 0
      ? pct(null)
      : currencies.length === 1
        ? pct(m.retention[currencies[0]!]![pick])
        : currencies.map((c) => `${c} ${pct(m.retention[c]![pick])}`).join(" · ");
  const title = d.t("metrics.title", { scope: s.label, period: d.t(`metrics.period_${period}`) });
  const blocks: Block[] = [{ type: "header", text: title }];
  if (m.closed === 0) blocks.push({ type: "text", text: d.t("metrics.none") });
  blocks.push({
    type: "fields",
    fields: [
      { label: d.t("metrics.renewal_rate"), value: pct(m.renewalRate) },
      { label: d.t("metrics.grr"), value: perCurrency("grr") },
      { label: d.t("metrics.nrr"), value: perCurrency("nrr") },
      { label: d.t("metrics.logo_churn"), value: pct(m.logoChurn) },
      {
        label: d.t("metrics.lifetime"),
        value:
          m.expectedLifetimeYears === null
            ? d.t("label.no_data")
            : Number.isFinite(m.expectedLifetimeYears)
              ? d.t("metrics.lifetime_years", { years: formatNumber(d.locale, m.expectedLifetimeYears, 1) })
              : d.t("metrics.lifetime_no_churn"),
      },
      { label: d.t("metrics.closed"), value: String(m.closed) },
    ],
  });
  const grades = ["green", "yellow", "red", "none"] as const;
  const items = grades.flatMap((k) => {
    const inGrade = Object.keys(m.arrByGrade)
      .sort()
      .map((c) => ({ currency: c, ...m.arrByGrade[c]![k] }))
      .filter((x) => x.accounts > 0);
    if (inGrade.length === 0) return [];
    const n = inGrade.reduce((sum, x) => sum + x.accounts, 0);
    const label = k === "none" ? d.t("label.no_score") : `${GRADE_DOT[k as Grade]} ${d.t(`grade.${k as Grade}`)}`;
    const arr = formatMoneyTotals(
      d.locale,
      inGrade.map((x) => ({ amount: x.arr, currency: x.currency })),
    );
    return [{ text: `${label}: ${arr} (${n})` }];
  });
  blocks.push({ type: "list", title: d.t("metrics.arr_by_grade"), items });
  blocks.push(...(await unitEconomicsBlocks(d, m.renewalRate, m.expectedLifetimeYears, filterSql(s.filter, 1))));
  return {
    summary: d.t("metrics.summary", { rate: pct(m.renewalRate), grr: perCurrency("grr"), nrr: perCurrency("nrr") }),
    blocks,
    tone: "neutral",
  };
}

/**
 * A renewal rate under 70% with the lifetime it implies, and LTV and LTV/CAC per segment (LTV/CAC
 * under 3 flagged). Gross margin and CAC come from TEND_UNIT_ECONOMICS (docs/renewals.md).
 */
async function unitEconomicsBlocks(
  d: HandlerContext,
  renewalRate: number | null,
  lifetime: number | null,
  where: { sql: string; params: unknown[] },
): Promise<Block[]> {
  const blocks: Block[] = [];
  const years = (v: number) => formatNumber(d.locale, v, 1);
  if (renewalRate !== null && renewalRate < RENEWAL_RATE_MIN && lifetime !== null)
    blocks.push({
      type: "text",
      text: d.t("metrics.renewal_low", { rate: formatPercent(d.locale, renewalRate, 1), years: years(lifetime) }),
    });
  if (lifetime === null) return blocks;
  if (!Number.isFinite(lifetime)) {
    blocks.push({ type: "context", text: d.t("metrics.ltv_no_lifetime") });
    return blocks;
  }
  const economics: UnitEconomics = d.unitEconomics ? await d.unitEconomics() : UNIT_ECONOMICS_DEFAULTS;
  const values = segmentValues(await segmentAccounts(d.db, where), lifetime, economics);
  if (values.length === 0) return blocks;
  blocks.push({
    type: "list",
    title: d.t("metrics.ltv_title"),
    items: values.map((v) => {
      const params = {
        segment: d.t(`tier.${v.segment}`),
        currency: v.currency,
        count: v.accounts,
        ltv: money(d, v.ltv, v.currency),
        arr: money(d, v.avgArr, v.currency),
        margin: formatPercent(d.locale, v.grossMargin, 0),
        years: years(v.lifetimeYears),
        cac: v.cac === null ? "" : money(d, v.cac, v.currency),
        ratio: v.ltvToCac === null ? "" : formatNumber(d.locale, v.ltvToCac, 1),
      };
      return {
        text: d.t(v.cac === null ? "metrics.ltv_item_no_cac" : "metrics.ltv_item", params),
        ...(v.low ? { detail: d.t("metrics.ltv_low"), tone: "warning" as const } : {}),
      };
    }),
  });
  return blocks;
}
