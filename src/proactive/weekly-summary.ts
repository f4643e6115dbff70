import type { GradeCounts } from "../charts/spec.js";
import { addDays, daysBetween, dayToDate } from "../domain/dates.js";
import { rankCandidates } from "../domain/expansion.js";
import type { Forecast } from "../domain/forecast.js";
import { type MetricsRenewal, teamMetrics } from "../domain/health/metrics.js";
import { rankingValue } from "../domain/renewal.js";
import { t as commandText, tPlural as t, tPlain } from "../i18n/catalogue.js";
import { formatDate, formatMoney, formatPercent, type Locale, sep } from "../i18n/locale.js";
import { healthDistributionAttachment } from "../reply/charts.js";
import { signalsText } from "../reply/expansion-signals.js";
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
  /** This quarter's renewal forecast for the team (absent: not shown). */
  forecast?: { end: string; forecast: Forecast };
  /** The team's accounts by grade a week ago and now (absent: no picture). */
  movement?: { before: GradeCounts; now: GradeCounts; up: number; down: number };
}

/** How many disagreements and expansion candidates the weekly summary names. */
export const WEEKLY_TOP = 5;

/** The forecast and expansion part of the weekly summary: totals, disagreements, stale calls, top candidates. */
function weeklyRenewalBlocks(locale: Locale, w: WeeklyInput): Block[] {
  const blocks: Block[] = [];
  const pct = (v: number | null) => (v === null ? "-" : formatPercent(locale, v, 1));
  const callWord = (c: string) => commandText(locale, `call.${c as "commit"}`);
  if (w.forecast) {
    const f = w.forecast.forecast;
    const currencies = Object.keys(f.totals).sort();
    blocks.push({
      type: "list",
      title: t(locale, "weekly.forecast", { end: formatDate(locale, dayToDate(w.forecast.end)) }),
      items: currencies.length
        ? currencies.map((c) => {
            const x = f.totals[c]!;
            const m = (v: number) => formatMoney(locale, v, c);
            return {
              text: `${currencies.length > 1 ? `${c}: ` : ""}${t(locale, "weekly.forecast_line", {
                commit: m(x.byCall.commit),
                likely: m(x.byCall.likely),
                at_risk: m(x.byCall.at_risk),
                lost: m(x.byCall.lost),
                grr: pct(x.grr),
                nrr: pct(x.nrr),
              })}`,
            };
          })
        : [{ text: t(locale, "weekly.forecast_none") }],
    });
    const split = f.lines.filter((l) => l.disagreement !== null);
    if (split.length)
      blocks.push({
        type: "list",
        title: t(locale, "weekly.disagreements"),
        items: split.slice(0, WEEKLY_TOP).map((l) => ({
          text: t(locale, "weekly.disagreement_item", {
            account: l.name,
            arr: formatMoney(locale, l.arr, l.currency),
            csm: callWord(l.csm?.call ?? l.model),
            model: callWord(l.model),
          }),
          tone: l.disagreement === "optimistic" ? ("danger" as const) : ("warning" as const),
        })),
      });
    const stale = f.lines.filter((l) => l.stale).length;
    if (stale) blocks.push({ type: "context", text: t(locale, "weekly.stale_calls", { count: stale }) });
  }
  const rows = w.accounts.flatMap((a) =>
    a.expansion ? [{ ...a.expansion, name: a.name, arr: a.arr, currency: a.currency }] : [],
  );
  const top = rankCandidates(rows, rankingValue).slice(0, WEEKLY_TOP);
  if (top.length)
    blocks.push({
      type: "list",
      title: t(locale, "weekly.expansion"),
      items: top.map((c) => ({
        text: t(locale, "weekly.expansion_item", {
          account: c.row.name,
          why: signalsText((k, p) => commandText(locale, k, p), locale, c.signals),
        }),
        tone: "good" as const,
      })),
    });
  return blocks;
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
    .join(sep(locale, "clauses"));
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
                      command: tPlain(locale, "cmd.renewals_team", { team: w.team }),
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
  blocks.push(...weeklyRenewalBlocks(locale, w));
  // The grade line above says the same in words; the picture shows the week's movement.
  const picture = w.movement ? healthDistributionAttachment(locale, w.movement) : undefined;
  return {
    summary: t(locale, "weekly.summary", { team: w.team, ...now }),
    blocks,
    ...(picture ? { attachments: [picture] } : {}),
  };
}
