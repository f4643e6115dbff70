import { PROACTIVE_DEFAULTS, type ProactiveConfig } from "../config/proactive.js";
import type { AppContext } from "../context.js";
import { drainOnce } from "../delivery/outbox.js";
import type { ChatSender, Platform } from "../delivery/types.js";
import { localDay } from "../domain/dates.js";
import { recompute } from "../health/recompute.js";
import { planRollup, rollupCutoff, rollupUsage } from "../store/repos/usage-rollup.js";
import { type Audience, commitPlanned, everyone, type JobName, type PlanReport, planJob } from "./jobs.js";

// Runs one proactive job now: from the CLI (`tend run <job>`) and from the scheduler.

export interface RunOptions {
  /** Local day to plan for (manual runs); default today in the configured time zone. */
  day?: string;
  /** Who is due (the scheduler passes "local hour is the morning hour"); default everyone for `day`. */
  audience?: Audience;
  dryRun?: boolean;
  config?: ProactiveConfig;
  /** The configured platforms' senders (the composition root passes them); none: nothing is sent. */
  senders?: ChatSender[];
}

export interface RunReport {
  job: JobName;
  day: string;
  plan?: PlanReport;
  enqueued?: number;
  drained?: { sent: number; retried: number; failed: number };
  note?: string;
}

export async function runJob(ctx: AppContext, job: JobName, opts: RunOptions = {}): Promise<RunReport> {
  const day = opts.day ?? localDay(ctx.now(), ctx.config.timezone);
  const config = opts.config ?? PROACTIVE_DEFAULTS;
  if (job === "recompute") {
    if (opts.dryRun) return { job, day, note: "dry run: would recompute every account's health" };
    await recompute(ctx, day);
    return { job, day };
  }
  if (job === "rollup") {
    // Usage retention (docs/scale.md): daily rows older than TEND_USAGE_DAILY_DAYS become weekly rows.
    const before = rollupCutoff(day, ctx.config.usageDailyDays);
    if (opts.dryRun) {
      const p = await planRollup(ctx.db, before);
      return {
        job,
        day,
        note: `dry run: would roll ${p.dailyRows} daily usage rows before ${before} up into ${p.weeks} account-weeks`,
      };
    }
    const r = await rollupUsage(ctx.db, before);
    return { job, day, note: `rolled ${r.dailyRows} daily usage rows before ${before} up into account-weeks` };
  }
  const senders = opts.senders ?? [];
  if (job === "drain") {
    if (opts.dryRun) return { job, day, note: "dry run: nothing drained" };
    if (senders.length === 0)
      return { job, day, note: "no chat platform configured (Slack or Feishu): messages stay in the outbox" };
    const total = { sent: 0, retried: 0, failed: 0 };
    for (;;) {
      const r = await drainOnce(ctx.db, senders, ctx.log, { now: ctx.now });
      total.sent += r.sent;
      total.retried += r.retried;
      total.failed += r.failed;
      if (r.claimed === 0) break;
    }
    return { job, day, drained: total };
  }
  // A dry run with no platform configured still shows what each platform would get.
  const platforms: Platform[] =
    senders.length || !opts.dryRun ? senders.map((s) => s.platform) : (["slack", "feishu"] as Platform[]);
  const plan = await planJob(
    { ctx, config, platforms, audience: opts.audience ?? everyone(day), preview: opts.dryRun },
    job,
  );
  if (opts.dryRun) return { job, day, plan };
  const enqueued = await commitPlanned(ctx, plan.messages);
  return { job, day, plan, enqueued };
}
