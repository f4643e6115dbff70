import { addDays, daysBetween, dayToDate } from "../domain/dates.js";
import { type MetricsRenewal, teamMetrics } from "../domain/health/metrics.js";
import { t as commandText, tPlural as t } from "../i18n/catalogue.js";
import { formatDate, formatMoney, formatPercent, type Locale } from "../i18n/locale.js";
import type { Block, Reply } from "../reply/model.js";
import { arrByCurrency, gradeText, scoreOn } from "./format.js";
import type { RuleFacts } from "./rules/types.js";

// The manager's weekly summary.

/** How many renewals the weekly summary lists one by one; the rest are counted in one line. */
export const WEEKLY_RENEWALS = 20;

export interface WeeklyInput {
  team: string;
  day: string;
  accounts: RuleFacts[];
  /** Renewals closed in the 90 days up to `day`. */
  closed: MetricsRenewal[];
}

/** The manager's weekly summary: grades and their change, renewals in 90 days, GRR/NRR, top movers. */
export function composeWeekly(locale: Locale, w: WeeklyInput): Reply {
  const weekAgo = addDays(w.day, -7);
  const count = (day: string) => {
    const c = { green: 0, yellow: 0, red: 0 };
    for (const f of w.accounts) {
      const s = scoreOn(f, day);
      if (s) c[s.grade]++;
    }
    return c;
  };
  const now = count(w.day);
  const before = count(weekAgo);
  const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
  const renewals = w.accounts
    .flatMap((f) => f.renewals.map((r) => ({ f, r, days: daysBetween(w.day, r.dueDate) })))
    .filter((x) => x.days >= 0 && x.days <= 90)
    .sort((a, b) => a.days - b.days);
  const movers = w.accounts
    .map((f) => ({ f, a: scoreOn(f, weekAgo)?.score, b: scoreOn(f, w.day)?.score }))
    .filter((x): x is { f: RuleFacts; a: number; b: number } => x.a !== undefined && x.b !== undefined && x.a !== x.b)
    .sort((x, y) => Math.abs(y.b - y.a) - Math.abs(x.b - x.a))
    .slice(0, 5);
  // The same GRR/NRR as `metrics` (src/domain/health/metrics.ts): per currency, never summed across.
  const ret = teamMetrics(w.closed, [], { from: addDays(w.day, -90), to: w.day }).retention;
  const retLine = Object.keys(ret)
    .sort()
    .flatMap((c, _, all) => {
      const r = ret[c]!;
      if (r.grr === null || r.nrr === null) return [];
      const line = t(locale, "weekly.retention_line", {
        grr: formatPercent(locale, r.grr, 1),
        nrr: formatPercent(locale, r.nrr, 1),
        count: w.closed.filter((x) => x.currency === c).length,
      });
      return [all.length > 1 ? `${c}: ${line}` : line];
    })
    .join(locale === "zh-CN" ? "；" : "; ");
  const blocks: Block[] = [
    { type: "header", text: t(locale, "weekly.header", { team: w.team, day: formatDate(locale, dayToDate(w.day)) }) },
    {
      type: "fields",
      fields: [
        {
          label: t(locale, "weekly.grades"),
          value: t(locale, "weekly.grade_line", {
            ...now,
            dg: signed(now.green - before.green),
            dy: signed(now.yellow - before.yellow),
            dr: signed(now.red - before.red),
          }),
        },
        {
          label: t(locale, "weekly.retention"),
          value: retLine || t(locale, "weekly.retention_none"),
        },
      ],
    },
    {
      type: "list",
      title: t(locale, "weekly.renewals"),
      items: renewals.length
        ? [
            ...renewals.slice(0, WEEKLY_RENEWALS).map(({ f, r, days }) => ({
              text: t(locale, "weekly.renewal_item", {
                account: f.name,
                due: formatDate(locale, dayToDate(r.dueDate)),
                days,
                arr: formatMoney(locale, r.arr, f.currency),
                grade: gradeText(locale, f.scores.at(-1)?.grade),
                status:
                  r.status === "upcoming" || r.status === "in_progress"
                    ? commandText(locale, `status.${r.status}`)
                    : r.status,
              }),
              tone: f.scores.at(-1)?.grade === "red" ? ("danger" as const) : undefined,
            })),
            // Nothing disappears silently: the rest counted, and the whole window's ARR per currency.
            ...(renewals.length > WEEKLY_RENEWALS
              ? [
                  {
                    text: t(locale, "weekly.renewals_more", {
                      count: renewals.length - WEEKLY_RENEWALS,
                      total: renewals.length,
                      arr: arrByCurrency(
                        locale,
                        renewals.map(({ f, r }) => ({ arr: r.arr, currency: f.currency })),
                      ),
                      command: locale === "zh-CN" ? `续约 团队 ${w.team}` : `renewals team ${w.team}`,
                    }),
                  },
                ]
              : []),
          ]
        : [{ text: t(locale, "weekly.none") }],
    },
    {
      type: "list",
      title: t(locale, "weekly.movers"),
      items: movers.length
        ? movers.map(({ f, a, b }) => ({
            text: t(locale, "weekly.mover_item", { account: f.name, from: a, to: b, delta: signed(b - a) }),
            tone: b < a ? ("warning" as const) : ("good" as const),
          }))
        : [{ text: t(locale, "weekly.none") }],
    },
  ];
  return { summary: t(locale, "weekly.summary", { team: w.team, ...now }), blocks };
}
