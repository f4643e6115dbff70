import cron, { type ScheduledTask } from "node-cron";
import { pgRunCoordinator } from "../jobs/coordinator.js";
import type { MountPart } from "../service-part.js";
import { configuredSources } from "./registry.js";
import { runConfiguredSyncs } from "./run.js";

// The scheduled sync (TEND_SYNC_CRON, default every 15 minutes): node-cron fires on every replica,
// the cron coordinator (JobRun rows) lets one replica run each fire, and each source's run lease
// keeps a slow run from overlapping the next fire or a `tend sync` typed meanwhile.

export const mountSync: MountPart = async (ctx) => {
  if (!ctx.config.scheduler || configuredSources(ctx.config).length === 0) return undefined;
  let task: ScheduledTask | undefined;
  return {
    name: "sync",
    async start() {
      task = cron.schedule(
        ctx.config.sync.cron,
        async () => {
          await runConfiguredSyncs(ctx);
        },
        {
          name: "tend-sync",
          timezone: "UTC",
          distributed: true,
          runCoordinator: pgRunCoordinator(ctx.db),
          noOverlap: true,
        },
      );
      ctx.log.info(
        { cron: ctx.config.sync.cron, sources: configuredSources(ctx.config).map((s) => s.name) },
        "sync scheduled",
      );
    },
    async stop() {
      await task?.destroy();
    },
  };
};
