import { addDays, daysBetween, localDay } from "../domain/dates.js";
import { loadHealthConfig } from "../health/config-file.js";
import { recompute } from "../health/recompute.js";
import type { CliCommand } from "./types.js";

const USAGE = `tend recompute [--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD] [--config health.json]

  --date D         score every account for day D (default: today in TEND_TIMEZONE)
  --from D --to E  score each day from D to E, oldest first (backfill)
  --config F       health settings over the defaults (default: TEND_HEALTH_CONFIG; docs/health.md)
Re-running a day replaces that day's scores.`;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `--name value` pairs; unknown flags and a flag without a value are errors. */
export function flags(args: string[], known: string[]): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const name = a.replace(/^--/, "");
    if (!a.startsWith("--") || !known.includes(name)) return `unknown argument "${a}"`;
    const v = args[i + 1];
    if (v === undefined || v.startsWith("--")) return `${a} needs a value`;
    out[name] = v;
    i++;
  }
  return out;
}

export function checkDay(name: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!DAY.test(v) || Number.isNaN(Date.parse(v))) return `--${name} needs YYYY-MM-DD, got "${v}"`;
  return undefined;
}

export const recomputeCommand: CliCommand = {
  name: "recompute",
  summary: "score every account's health for a day (or a range of days); re-running replaces",
  usage: USAGE,
  async run(args, io, ctx) {
    const f = flags(args, ["date", "from", "to", "config"]);
    if (typeof f === "string") {
      io.err(`${f}\nusage: ${USAGE}`);
      return 2;
    }
    const bad = checkDay("date", f.date) ?? checkDay("from", f.from) ?? checkDay("to", f.to);
    if (bad) {
      io.err(bad);
      return 2;
    }
    if (f.date && (f.from || f.to)) {
      io.err("use either --date or --from/--to");
      return 2;
    }
    const today = localDay(ctx.now(), ctx.config.timezone);
    const from = f.from ?? f.date ?? f.to ?? today;
    const to = f.to ?? f.date ?? (f.from ? today : from);
    if (to < from) {
      io.err(`--to ${to} is before --from ${from}`);
      return 2;
    }
    let config: Awaited<ReturnType<typeof loadHealthConfig>>;
    try {
      config = await loadHealthConfig(f.config ?? ctx.config.healthConfigFile);
    } catch (err) {
      io.err(err instanceof Error ? err.message : String(err));
      return 2;
    }
    const started = performance.now();
    let total = 0;
    for (let d = 0; d <= daysBetween(from, to); d++) {
      const day = addDays(from, d);
      const r = await recompute(ctx, day, { config });
      total += r.accounts;
      io.out(
        `${day}: ${r.accounts} accounts scored (green ${r.grades.green}, yellow ${r.grades.yellow}, red ${r.grades.red}); ` +
          `quadrant moves since the day before: ${r.moves.down} down, ${r.moves.up} up; ` +
          `${((r.readMs + r.scoreMs + r.writeMs) / 1000).toFixed(2)} s`,
      );
    }
    if (from !== to)
      io.out(
        `${daysBetween(from, to) + 1} days, ${total} scores in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    return 0;
  },
};
