import { type BacktestSummary, type Flagging, MIN_CHURNS, type QuintileCatch } from "../domain/health/backtest.js";
import { backtest } from "../health/backtest.js";
import { loadHealthConfig } from "../health/config-file.js";
import { healthArgs } from "./health-args.js";
import type { CliCommand } from "./types.js";

const USAGE = `tend backtest [--days-before 60] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--config health.json] [--what-if proposed.json]

  --days-before N  score each account N days before its renewal was due (default 60)
  --from, --to     only renewals due in that range (default: every closed renewal)
  --config F       health settings over the defaults (default: TEND_HEALTH_CONFIG; docs/health.md)
  --what-if F      also score the same history with proposed settings F, printed beside the current
Replays every closed renewal (renewed, downsized, churned) against the score its account had N days
before, from the history as it stood then. Prints the counts, AUC with a 90% bootstrap interval,
precision and recall of "not green N days before" for churn and downsell, per tier, and a warning
when there are fewer than ${MIN_CHURNS} churns.`;

const fmt = (n: number | null) => (n === null ? "n/a (needs both outcomes)" : n.toFixed(2));
const pct = (a: number, b: number) => (b === 0 ? "-" : `${Math.round((a / b) * 100)}%`);

function quintileLine(q: QuintileCatch): string {
  return (
    `lowest-scored 20% (${q.size} renewals, score <= ${q.maxScore ?? "-"}): ` +
    `caught ${q.churned} of ${q.churnedTotal} churns (${pct(q.churned, q.churnedTotal)}), ` +
    `${q.lost} of ${q.lostTotal} churns + downsizes (${pct(q.lost, q.lostTotal)})`
  );
}

const interval = (i: { lo: number; hi: number } | null) =>
  i ? ` (90% interval ${i.lo.toFixed(2)}-${i.hi.toFixed(2)})` : "";
const share = (n: number | null) => (n === null ? "-" : `${Math.round(n * 100)}%`);

function flagLine(what: string, f: Flagging): string {
  return `${what}: precision ${share(f.precision)} (${f.hits} of ${f.flagged} flagged), recall ${share(f.recall)} (${f.caught} of ${f.outcomes})`;
}

/** The report a person reads: counts, AUC with its interval, "not green" as a warning, per tier. */
export function backtestReport(daysBefore: number, s: BacktestSummary): string[] {
  if (s.cases === 0) return ["no closed renewals to replay (renewed, downsized or churned)"];
  const o = s.outcomes;
  const lines = [
    `${s.cases} closed renewals scored ${daysBefore} days before due: ${o.renewed} renewed, ${o.downsized} downsized, ${o.churned} churned`,
    ...(s.warnings.includes("few_churns")
      ? [
          `WARNING: only ${o.churned} ${o.churned === 1 ? "churn" : "churns"} (fewer than ${MIN_CHURNS}): the figures below are anecdotes, not evidence; read the interval`,
        ]
      : []),
    `AUC churned vs kept: ${fmt(s.aucChurn)}${interval(s.aucChurnInterval)}   churned or downsized vs renewed: ${fmt(s.aucLoss)}${interval(s.aucLossInterval)}   (0.5 = no better than chance)`,
    `"not green ${daysBefore} days before" as a warning -`,
    `  ${flagLine("of churn", s.churn)}`,
    `  ${flagLine("of downsell", s.downsell)}`,
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
  lines.push("by tier:");
  for (const [tier, g] of Object.entries(s.bySegment))
    lines.push(
      `  ${tier.padEnd(9)} ${String(g.cases).padStart(4)} renewals, ${g.churned} churned, ${g.downsized} downsized; AUC churn ${g.aucChurn === null ? "n/a" : g.aucChurn.toFixed(2)}${interval(g.aucChurnInterval)}; not green: churn recall ${share(g.churn.recall)}, precision ${share(g.churn.precision)}; downsell recall ${share(g.downsell.recall)}`,
    );
  if (s.withUsage.cases < s.cases)
    lines.push(
      `with usage on record that day (${s.withUsage.cases} renewals): AUC churned ${fmt(s.withUsage.aucChurn)}, lost ${fmt(s.withUsage.aucLoss)}; ${quintileLine(s.withUsage.quintile)}`,
    );
  return lines;
}

/** The headline figures of two runs over the same renewals, one line each. */
export function comparison(a: BacktestSummary, b: BacktestSummary): string[] {
  const num = (n: number | null) => (n === null ? "n/a" : n.toFixed(2));
  const row = (label: string, x: string, y: string) => `  ${label.padEnd(28)} ${x.padStart(8)} -> ${y}`;
  const green = (s: BacktestSummary) => s.byGrade.green.renewed + s.byGrade.green.downsized + s.byGrade.green.churned;
  return [
    row("AUC churned vs kept", num(a.aucChurn), num(b.aucChurn)),
    row("AUC lost vs renewed", num(a.aucLoss), num(b.aucLoss)),
    row("churn recall (not green)", share(a.churn.recall), share(b.churn.recall)),
    row("churn precision (not green)", share(a.churn.precision), share(b.churn.precision)),
    row("downsell recall (not green)", share(a.downsell.recall), share(b.downsell.recall)),
    row("green N days before", String(green(a)), String(green(b))),
  ];
}

export const backtestCommand: CliCommand = {
  name: "backtest",
  summary: "replay past renewals: the health score N days before vs the outcome (AUC, churn caught)",
  usage: USAGE,
  async run(args, io, ctx) {
    const a = await healthArgs(args, io, ctx, USAGE, ["days-before", "from", "to", "what-if"], ["from", "to"]);
    if (a === 2) return 2;
    const { f, config } = a;
    const raw = f["days-before"];
    const daysBefore = raw === undefined ? 60 : Number(raw);
    if (!/^\d+$/.test(raw ?? "60") || daysBefore > 730) {
      io.err(`--days-before needs a whole number of days from 0 to 730, got "${raw}"`);
      return 2;
    }
    let proposed: Awaited<ReturnType<typeof loadHealthConfig>> | undefined;
    if (f["what-if"] !== undefined)
      try {
        proposed = await loadHealthConfig(f["what-if"]);
      } catch (err) {
        io.err(err instanceof Error ? err.message : String(err));
        return 2;
      }
    const r = await backtest(ctx, { daysBefore, from: f.from, to: f.to, config });
    if (!proposed) {
      for (const line of backtestReport(daysBefore, r.summary)) io.out(line);
      return 0;
    }
    // The same history scored twice: what the team would have seen with the proposed settings.
    const w = await backtest(ctx, { daysBefore, from: f.from, to: f.to, config: proposed });
    io.out("== current settings ==");
    for (const line of backtestReport(daysBefore, r.summary)) io.out(line);
    io.out(`== what if: ${f["what-if"]} ==`);
    for (const line of backtestReport(daysBefore, w.summary)) io.out(line);
    io.out("== side by side (current -> proposed) ==");
    for (const line of comparison(r.summary, w.summary)) io.out(line);
    return 0;
  },
};
