import type { BacktestSummary, QuintileCatch } from "../domain/health/backtest.js";
import { backtest } from "../health/backtest.js";
import { healthArgs } from "./health-args.js";
import type { CliCommand } from "./types.js";

const USAGE = `tend backtest [--days-before 60] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--config health.json]

  --days-before N  score each account N days before its renewal was due (default 60)
  --from, --to     only renewals due in that range (default: every closed renewal)
  --config F       health settings over the defaults (default: TEND_HEALTH_CONFIG; docs/health.md)
Replays every closed renewal (renewed, downsized, churned) against the score its account had N days
before, from the history as it stood then. Prints AUC and the churn caught in the lowest-scored 20%.`;

const fmt = (n: number | null) => (n === null ? "n/a (needs both outcomes)" : n.toFixed(2));
const pct = (a: number, b: number) => (b === 0 ? "-" : `${Math.round((a / b) * 100)}%`);

function quintileLine(q: QuintileCatch): string {
  return (
    `lowest-scored 20% (${q.size} renewals, score <= ${q.maxScore ?? "-"}): ` +
    `caught ${q.churned} of ${q.churnedTotal} churns (${pct(q.churned, q.churnedTotal)}), ` +
    `${q.lost} of ${q.lostTotal} churns + downsizes (${pct(q.lost, q.lostTotal)})`
  );
}

/** The report a person reads: counts, AUC, the quintile catch and outcomes by grade. */
export function backtestReport(daysBefore: number, s: BacktestSummary): string[] {
  if (s.cases === 0) return ["no closed renewals to replay (renewed, downsized or churned)"];
  const o = s.outcomes;
  const lines = [
    `${s.cases} closed renewals scored ${daysBefore} days before due: ${o.renewed} renewed, ${o.downsized} downsized, ${o.churned} churned`,
    `AUC churned vs kept: ${fmt(s.aucChurn)}   churned or downsized vs renewed: ${fmt(s.aucLoss)}   (0.5 = no better than chance)`,
    quintileLine(s.quintile),
    "by grade N days before:",
  ];
  for (const g of ["green", "yellow", "red"] as const) {
    const b = s.byGrade[g];
    const n = b.renewed + b.downsized + b.churned;
    lines.push(
      `  ${g.padEnd(6)} ${String(n).padStart(4)}: renewed ${b.renewed}, downsized ${b.downsized}, churned ${b.churned} (${pct(b.churned, n)} churned)`,
    );
  }
  if (s.withUsage.cases < s.cases)
    lines.push(
      `with usage on record that day (${s.withUsage.cases} renewals): AUC churned ${fmt(s.withUsage.aucChurn)}, lost ${fmt(s.withUsage.aucLoss)}; ${quintileLine(s.withUsage.quintile)}`,
    );
  return lines;
}

export const backtestCommand: CliCommand = {
  name: "backtest",
  summary: "replay past renewals: the health score N days before vs the outcome (AUC, churn caught)",
  usage: USAGE,
  async run(args, io, ctx) {
    const a = await healthArgs(args, io, ctx, USAGE, ["days-before", "from", "to"], ["from", "to"]);
    if (a === 2) return 2;
    const { f, config } = a;
    const raw = f["days-before"];
    const daysBefore = raw === undefined ? 60 : Number(raw);
    if (!/^\d+$/.test(raw ?? "60") || daysBefore > 730) {
      io.err(`--days-before needs a whole number of days from 0 to 730, got "${raw}"`);
      return 2;
    }
    const r = await backtest(ctx, { daysBefore, from: f.from, to: f.to, config });
    for (const line of backtestReport(daysBefore, r.summary)) io.out(line);
    return 0;
  },
};
