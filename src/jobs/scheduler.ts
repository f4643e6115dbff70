import { randomUUID } from "node:crypto";
import cron, { type ScheduledTask } from "node-cron";
import type { CalendarReport } from "../calendar/sync.js";
import { syncCalendarsWithBriefs } from "../commands/handlers/calendar.js";
import { loadProactiveConfig, PROACTIVE_DEFAULTS, type ProactiveConfig } from "../config/proactive.js";
import type { AppContext } from "../context.js";
import { DELIVERY_DEFAULTS, startDrainer } from "../delivery/outbox.js";
import type { ChatSender } from "../delivery/types.js";
import { dayToDate } from "../domain/dates.js";
import type { MountPart } from "../service-part.js";
import { pgRunCoordinator } from "./coordinator.js";
import { atLocalHour } from "./jobs.js";
import { runJob } from "./run.js";

// The schedules. node-cron fires on every replica; its runCoordinator hook (JobRun rows, see
// coordinator.ts) lets exactly one replica run each fire.
//  - nightly (00:30 in TEND_TIMEZONE): health recompute for the day, then the usage roll-up;
//  - hourly (minute 5): for every member / team whose LOCAL hour is the morning hour: nudges,
//    digest, visit-prep briefs (or at the evening hour the day before), weekly summary on its day;
//    and, whatever the hour, urgent tickets of key accounts past their time (once per ticket);
//  - the outbox drainer runs continuously on every replica (row locks share the work).

export const SCHEDULES = {
  nightly: "30 0 * * *",
  hourly: "5 * * * *",
} as const;

/** How many hourly ticks may deliver the morning messages (later ones only catch up). */
export const CATCH_UP_HOURS = 3;

/** The hourly tick's work for one fire time (exported for `tend run` parity and tests). */
export async function hourlyTick(ctx: AppContext, fire: Date, config: ProactiveConfig, senders: ChatSender[]) {
  // Three hourly chances per morning: a tick lost to a crash or a deploy is caught up by the next.
  const morning = atLocalHour(fire, config.morningHour, CATCH_UP_HOURS);
  const results = [];
  results.push(await runJob(ctx, "nudges", { audience: morning, config, senders }));
  results.push(await runJob(ctx, "digest", { audience: morning, config, senders }));
  const briefAudience =
    config.briefTiming === "morning" ? morning : atLocalHour(fire, config.eveningHour, CATCH_UP_HOURS);
  results.push(await runJob(ctx, "briefs", { audience: briefAudience, config, senders }));
  const weekly = (tz: string) => {
    const day = morning(tz);
    return day && dayToDate(day).getUTCDay() === config.weeklyDay ? day : undefined;
  };
  results.push(await runJob(ctx, "weekly", { audience: weekly, config, senders }));
  // Not tied to a local hour: an urgent ticket past its time is said within the hour (quiet hours hold it).
  results.push(await runJob(ctx, "tickets", { config, senders }));
  return results;
}

export function startScheduler(
  ctx: AppContext,
  senders: ChatSender[],
  config: ProactiveConfig = PROACTIVE_DEFAULTS,
): { stop(): Promise<void> } {
  const coordinator = pgRunCoordinator(ctx.db);
  const common = { distributed: true, runCoordinator: coordinator, noOverlap: true } as const;
  const logged =
    <T>(job: string, fn: (c: { date: Date }) => Promise<T>) =>
    async (c: { date: Date }) => {
      try {
        return await fn(c);
      } catch (err) {
        ctx.log.error({ err, job, fire: c.date }, "scheduler: job failed (the next tick catches up where it can)");
        throw err;
      }
    };
  const tasks: ScheduledTask[] = [
    cron.schedule(
      SCHEDULES.nightly,
      logged("recompute", async () => {
        const r = await runJob(ctx, "recompute", { config, senders });
        ctx.log.info({ job: "recompute", day: r.day, note: r.note }, "scheduler: nightly recompute");
        // After the scores, on the same fire (one replica): old daily usage becomes weekly rows.
        const u = await runJob(ctx, "rollup", { config, senders });
        ctx.log.info({ job: "rollup", day: u.day, note: u.note }, "scheduler: usage roll-up");
      }),
      { ...common, name: "tend-nightly", timezone: ctx.config.timezone },
    ),
    cron.schedule(
      SCHEDULES.hourly,
      logged("hourly", async ({ date }) => {
        const results = await hourlyTick(ctx, date, config, senders);
        const enqueued = results.reduce((s, r) => s + (r.enqueued ?? 0), 0);
        if (enqueued) ctx.log.info({ enqueued }, "scheduler: hourly tick enqueued messages");
        drainer?.kick();
      }),
      { ...common, name: "tend-hourly", timezone: "UTC" },
    ),
    // Connected calendars (docs/calendar.md): briefs before meetings, logs after, every few minutes.
    cron.schedule(
      `*/${config.calendarPollMinutes} * * * *`,
      logged("calendar", async () => {
        const r = await calendarTick(ctx, config, senders);
        if (r.enqueued) drainer?.kick();
      }),
      { ...common, name: "tend-calendar", timezone: "UTC" },
    ),
  ];
  const drainer = senders.length
    ? startDrainer(ctx.db, senders, ctx.log, {
        now: ctx.now,
        replica: { id: ctx.config.instanceId, boot: randomUUID(), staleMs: DELIVERY_DEFAULTS.staleMs },
      })
    : undefined;
  ctx.log.info(
    { platforms: senders.map((s) => s.platform), timezone: ctx.config.timezone },
    senders.length ? "scheduler started" : "scheduler started (no chat platform configured: nothing will be sent)",
  );
  return {
    async stop() {
      for (const t of tasks) await t.destroy();
      await drainer?.stop();
    },
  };
}

/** One calendar poll: briefs queued before meetings (with the full visit brief), meetings logged after. */
export function calendarTick(ctx: AppContext, config: ProactiveConfig, senders: ChatSender[]): Promise<CalendarReport> {
  return syncCalendarsWithBriefs(ctx, { config, platforms: senders.map((s) => s.platform) });
}

/** The scheduler, as a service part: mounted when TEND_SCHEDULER is on (the default); it sends through `senders`. */
export const schedulerPart =
  (senders: (ctx: AppContext) => Promise<ChatSender[]>): MountPart =>
  async (ctx) => {
    if (!ctx.config.scheduler) return undefined;
    let running: { stop(): Promise<void> } | undefined;
    return {
      name: "scheduler",
      async start() {
        const config = await loadProactiveConfig(ctx.config.proactiveConfigFile);
        running = startScheduler(ctx, await senders(ctx), config);
      },
      async stop() {
        await running?.stop();
      },
    };
  };
