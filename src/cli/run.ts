import { loadChatSenders } from "../chat-senders.js";
import { syncCalendarsWithBriefs } from "../commands/handlers/calendar.js";
import { loadProactiveConfig, type ProactiveConfig } from "../config/proactive.js";
import type { Platform } from "../delivery/types.js";
import { JOBS, type JobName } from "../jobs/jobs.js";
import { runJob } from "../jobs/run.js";
import { renderText } from "../reply/render-text.js";
import type { CliCommand } from "./types.js";

const USAGE = `tend run <${JOBS.join("|")}|calendar> [--dry-run] [--date YYYY-MM-DD] [--config proactive.json]

  --dry-run   print what would be sent to whom; enqueue and send nothing
  --date D    plan for local day D (default: today in TEND_TIMEZONE)
  --config F  proactive settings overriding the defaults (default: TEND_PROACTIVE_CONFIG; docs/proactive.md)

  calendar    read every connected calendar now (docs/calendar.md); with --dry-run it reads and
              shows what would happen, and writes nothing`;

export const runCommand: CliCommand = {
  name: "run",
  summary: "run a proactive job now (nudges, digest, weekly, briefs, renewals, recompute, drain, rollup)",
  usage: USAGE,
  async run(args, io, ctx) {
    const job = args[0] as JobName | "calendar" | undefined;
    if (job === "calendar") return runCalendar(args, io, ctx);
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
    const config = await configArg(args, io, ctx);
    if (!config) return 2;
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

async function runCalendar(
  args: string[],
  io: Parameters<CliCommand["run"]>[1],
  ctx: Parameters<CliCommand["run"]>[2],
) {
  const dryRun = args.includes("--dry-run");
  const config = await configArg(args, io, ctx);
  if (!config) return 2;
  const senders = await loadChatSenders(ctx);
  // A dry run with no platform configured still shows what each member would get.
  const platforms: Platform[] =
    senders.length || !dryRun ? senders.map((s) => s.platform) : (["slack", "feishu"] as Platform[]);
  const report = await syncCalendarsWithBriefs(ctx, { config, platforms, dryRun });
  if (report.note) io.out(report.note);
  for (const f of report.feeds) {
    const read = f.read === "error" ? `read failed (${f.error})` : f.read === "not_modified" ? "not modified" : "read";
    io.out(
      `${f.member}: ${read}; ${plural(f.meetings, "customer meeting")} ahead` +
        (f.moved ? `; ${f.moved} moved` : "") +
        (f.cancelled ? `; ${f.cancelled} cancelled` : "") +
        (f.logged.length
          ? `; ${dryRun ? "would log" : "logged"} ${f.logged.map((l) => `${l.kind} with ${l.account}${l.outcome === "matched" ? " (already logged by hand)" : ""}`).join(", ")}`
          : ""),
    );
  }
  for (const m of report.messages) {
    io.out(`--- ${m.what} -> ${m.to} via ${m.platform} ${m.recipient}${dryRun ? " (dry run)" : ""}`);
    if (m.notBefore && m.notBefore > ctx.now()) io.out(`    (due ${m.notBefore.toISOString()})`);
    io.out(renderText(m.reply));
  }
  io.out(
    `calendar: ${plural(report.feeds.length, "calendar")} read; ${dryRun ? `would send ${plural(report.messages.length, "message")}` : `enqueued ${plural(report.enqueued, "message")}`}`,
  );
  return 0;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

/** The proactive settings of `--config FILE`, else the configured file; undefined (said on stderr) when unreadable. */
async function configArg(
  args: string[],
  io: Parameters<CliCommand["run"]>[1],
  ctx: Parameters<CliCommand["run"]>[2],
): Promise<ProactiveConfig | undefined> {
  const at = args.indexOf("--config");
  try {
    return await loadProactiveConfig(at >= 0 ? args[at + 1] : ctx.config.proactiveConfigFile);
  } catch (err) {
    io.err(err instanceof Error ? err.message : String(err));
    return undefined;
  }
}
