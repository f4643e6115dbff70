// Team metrics for managers and admins: renewal rate, GRR, NRR, logo churn, expected lifetime,
// ARR by grade. (A small local computation; the health issue's src/domain/metrics.ts is the
// canonical one once it lands.)
import { addDays } from "../../domain/dates.js";
import type { Grade } from "../../domain/health/types.js";
import { quarterStart } from "../../domain/renewal.js";
import { formatNumber, formatPercent } from "../../i18n/locale.js";
import type { Block, Reply } from "../../reply/model.js";
import { gradeCounts } from "../../store/repos/accounts.js";
import { canSeeMetrics, filterSql } from "../access.js";
import type { Period, Scope } from "../parse.js";
import { type Deps, GRADE_DOT, money, simple } from "./common.js";
import { resolveScope } from "./lists.js";

export interface ClosedRenewal {
  arr: number;
  outcomeArr: number | null;
  status: "renewed" | "downsized" | "churned";
}

export function renewalMetrics(closed: ClosedRenewal[]) {
  const n = closed.length;
  const kept = closed.filter((c) => c.status !== "churned");
  const base = closed.reduce((s, c) => s + c.arr, 0);
  const out = kept.reduce((s, c) => s + (c.outcomeArr ?? c.arr), 0);
  const grossKept = kept.reduce((s, c) => s + Math.min(c.outcomeArr ?? c.arr, c.arr), 0);
  const rate = n ? kept.length / n : null;
  return {
    closed: n,
    renewalRate: rate,
    grr: base ? grossKept / base : null,
    nrr: base ? out / base : null,
    logoChurn: n ? (n - kept.length) / n : null,
    lifetimeYears: rate === null ? null : rate >= 1 ? Number.POSITIVE_INFINITY : 1 / (1 - rate),
  };
}

function periodStart(period: Period, today: string): string {
  if (period === "month") return `${today.slice(0, 7)}-01`;
  if (period === "year") return `${today.slice(0, 4)}-01-01`;
  return quarterStart(today);
}

export async function metrics(d: Deps, scope: Scope, period: Period): Promise<Reply> {
  if (!canSeeMetrics(d.asker)) return simple(d.t("access.forbidden_metrics"), "forbidden", "warning");
  const s = await resolveScope(d, scope);
  if (!s.ok) return s.reply;
  const today = d.asker.today;
  const from = periodStart(period, today);
  const f = filterSql(s.filter, 3);
  const { rows } = await d.db.pool.query<ClosedRenewal & { currency: string }>(
    `SELECT r.arr::float8 AS arr, r."outcomeArr"::float8 AS "outcomeArr", r.status::text AS status, a.currency
       FROM "Renewal" r JOIN "Account" a ON a.id = r."accountId"
      WHERE r.status IN ('renewed', 'downsized', 'churned')
        AND COALESCE(r."closedAt", r."dueDate") BETWEEN $1::date AND $2::date AND ${f.sql}`,
    [from, addDays(today, 0), ...f.params],
  );
  const m = renewalMetrics(rows);
  const pct = (v: number | null) => (v === null ? d.t("label.no_data") : formatPercent(d.locale, v, 1));
  // Rates count renewals (currency-free); GRR and NRR are money ratios, so one per currency.
  const currencies = [...new Set(rows.map((r) => r.currency))].sort();
  const perCurrency = (pick: "grr" | "nrr") =>
    currencies.length <= 1
      ? pct(m[pick])
      : currencies.map((c) => `${c} ${pct(renewalMetrics(rows.filter((r) => r.currency === c))[pick])}`).join(" · ");
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
          m.lifetimeYears === null
            ? d.t("label.no_data")
            : Number.isFinite(m.lifetimeYears)
              ? d.t("metrics.lifetime_years", { years: formatNumber(d.locale, m.lifetimeYears, 1) })
              : "∞",
      },
      { label: d.t("metrics.closed"), value: String(m.closed) },
    ],
  });
  const grades = await gradeCounts(d.db, s.filter, today);
  const byGrade = new Map<string, { n: number; money: string[] }>();
  for (const g of grades.sort((a, b) => a.currency.localeCompare(b.currency))) {
    const key = g.grade ?? "none";
    const entry = byGrade.get(key) ?? { n: 0, money: [] };
    entry.n += g.n;
    entry.money.push(money(d, g.arr ?? 0, g.currency));
    byGrade.set(key, entry);
  }
  blocks.push({
    type: "list",
    title: d.t("metrics.arr_by_grade"),
    items: ["green", "yellow", "red", "none"]
      .filter((k) => byGrade.has(k))
      .map((k) => {
        const e = byGrade.get(k) as { n: number; money: string[] };
        const label = k === "none" ? d.t("label.no_score") : `${GRADE_DOT[k as Grade]} ${d.t(`grade.${k as Grade}`)}`;
        return { text: `${label}: ${e.money.join(" + ")} (${e.n})` };
      }),
  });
  return {
    summary: d.t("metrics.summary", { rate: pct(m.renewalRate), grr: perCurrency("grr"), nrr: perCurrency("nrr") }),
    blocks,
    tone: "neutral",
  };
}
