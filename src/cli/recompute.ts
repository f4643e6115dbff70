import { addDays, daysBetween, localDay } from "../domain/dates.js";
import { recompute } from "../health/recompute.js";
import { healthArgs } from "./health-args.js";
import { progress } from "./progress.js";
import type { CliCommand } from "./types.js";

const USAGE = `tend recompute [--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD] [--config health.json]

  --date D         score every account for day D (default: today in TEND_TIMEZONE)
  --from D --to E  score each day from D to E, oldest first (backfill)
  --config F       health settings over the defaults (default: TEND_HEALTH_CONFIG; docs/health.md)
Re-running a day replaces that day's scores.`;

export const recomputeCommand: CliCommand = {
  name: "recompute",
  summary: "score every account's health for a day (or a range of days); re-running replaces",
  usage: USAGE,
  async run(args, io, ctx) {
    const a = await healthArgs(args, io, ctx, USAGE, ["date", "from", "to"], ["date", "from", "to"]);
    if (a === 2) return 2;
    const { f, config } = a;
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
    const started = performance.now();
    const days = daysBetween(from, to) + 1;
    // One line per day is the record; a range at a terminal also shows where it is and the time left.
    const bar = days > 1 ? progress(io.progress, "recompute", "days") : progress(undefined, "", "");
    let total = 0;
    for (let d = 0; d < days; d++) {
      const day = addDays(from, d);
      const r = await recompute(ctx, day, { config });
      total += r.accounts;
      bar.clear();
      io.out(
        `${day}: ${r.accounts} accounts scored (green ${r.grades.green}, yellow ${r.grades.yellow}, red ${r.grades.red}); ` +
          `quadrant moves since the day before: ${r.moves.down} down, ${r.moves.up} up; ` +
          `${((r.readMs + r.scoreMs + r.writeMs) / 1000).toFixed(2)} s`,
      );
      bar.update(d + 1, days, day);
    }
    bar.finish(`recomputed ${days} days`);
    if (from !== to)
      io.out(
        `${daysBetween(from, to) + 1} days, ${total} scores in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    return 0;
  },
};
