import { loadChatSenders } from "../chat-senders.js";
import { loadProactiveConfig, type ProactiveConfig } from "../proactive/config.js";
import { JOBS, type JobName } from "../proactive/jobs.js";
import { runJob } from "../proactive/run.js";
import { renderText } from "../reply/render-text.js";
import type { CliCommand } from "./types.js";

const USAGE = `tend run <${JOBS.join("|")}> [--dry-run] [--date YYYY-MM-DD] [--config proactive.json]

  --dry-run   print what would be sent to whom; enqueue and send nothing
  --date D    plan for local day D (default: today in TEND_TIMEZONE)
  --config F  proactive settings overriding the defaults (default: TEND_PROACTIVE_CONFIG; docs/proactive.md)`;

export const runCommand: CliCommand = {
  name: "run",
  summary: "run a proactive job now (nudges, digest, weekly, briefs, renewals, recompute, drain)",
  usage: USAGE,
  async run(args, io, ctx) {
    const job = args[0] as JobName | undefined;
    if (!job || !JOBS.includes(job)) {
      io.err(`usage: ${USAGE}`);
      return 2;
    }
    const dryRun = args.includes("--dry-run");
    const dateAt = args.indexOf("--date");
    const day = dateAt >= 0 ? args[dateAt + 1] : undefined;
    if (day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(day)) {
      io.err(`--date needs YYYY-MM-DD, got "${day ?? ""}"`);
      return 2;
    }
    const cfgAt = args.indexOf("--config");
    let config: ProactiveConfig;
    try {
      config = await loadProactiveConfig(cfgAt >= 0 ? args[cfgAt + 1] : ctx.config.proactiveConfigFile);
    } catch (err) {
      io.err(err instanceof Error ? err.message : String(err));
      return 2;
    }
    const report = await runJob(ctx, job, { day, dryRun, config, senders: await loadChatSenders(ctx) });
    if (report.note) io.out(report.note);
    if (report.drained)
      io.out(
        `drained: ${report.drained.sent} sent, ${report.drained.retried} to retry, ${report.drained.failed} failed`,
      );
    const plan = report.plan;
    if (plan) {
      for (const m of plan.messages) {
        const via = m.undeliverable ? "(no chat id or channel: would not be sent)" : `via ${m.platform} ${m.recipient}`;
        io.out(`--- ${m.kind} -> ${m.to} ${via}${dryRun ? " (dry run)" : ""}`);
        if (m.notBefore && m.notBefore > ctx.now())
          io.out(`    (quiet hours: held until ${m.notBefore.toISOString()})`);
        io.out(renderText(m.reply));
      }
      if (!dryRun) for (const u of plan.unreachable) io.out(`(no chat id or channel for ${u}: not sent)`);
      const deliverable = plan.messages.filter((m) => !m.undeliverable).length;
      const verb = dryRun ? "would send" : "enqueued";
      const count = dryRun ? deliverable : (report.enqueued ?? 0);
      io.out(
        `${job} for ${report.day}: ${verb} ${plural(count, "message")}` +
          (!dryRun && count < deliverable ? ` (${deliverable - count} already in the outbox)` : "") +
          (plan.unreachable.length ? `; ${plan.unreachable.length} without a chat id or channel` : "") +
          (plan.silenced ? `; ${plural(plan.silenced, "nudge")} silenced (done, snoozed or in cool-down)` : ""),
      );
    }
    return 0;
  },
};

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
