import type { AppContext } from "../context.js";
import { INTAKE_DEFAULTS, loadEventsConfig } from "../signals/intake.js";
import { intakeStatus, pruneEvents, rematchGroups, rollUpDays } from "../store/repos/product-events.js";
import { emptyCounts, emptyReport, type SyncReport, type SyncSource } from "./types.js";

// The event intake is pushed, not pulled; as a sync source it shows in `tend sync status` (last event,
// lag, refusals, unmapped names) and its run does the intake's housekeeping on demand or on the
// schedule: groups matched to accounts imported since, pending days rolled up, old events let go.

const when = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

export const segmentSource: SyncSource = {
  name: "segment",
  configured: (config) => Boolean(config.segmentWriteKey),
  async run(ctx: AppContext, opts): Promise<SyncReport> {
    const report = emptyReport("segment", opts);
    const counts = emptyCounts();
    report.objects.days = counts;
    if (opts.dryRun) {
      const s = await intakeStatus(ctx.db.pool);
      report.notes.push(`${s.pendingDays} account days waiting to be rolled up (dry run: nothing written)`);
      return report;
    }
    const features = Object.keys((await loadEventsConfig(ctx.config.eventsConfigFile)).features);
    const attributed = await rematchGroups(ctx.db.pool, ctx.config.timezone);
    for (let n = await rollUpDays(ctx.db.pool, features); n > 0; n = await rollUpDays(ctx.db.pool, features))
      counts.updated += n;
    // Every old event, a batch at a time (the service lets go of one batch per roll-up).
    const { keepDays, pruneBatch } = INTAKE_DEFAULTS;
    let pruned = 0;
    for (let n = pruneBatch; n >= pruneBatch; pruned += n) n = await pruneEvents(ctx.db.pool, keepDays, pruneBatch);
    if (attributed) report.notes.push(`${attributed} earlier events now counted for accounts matched since`);
    if (pruned) report.notes.push(`${pruned} events older than ${INTAKE_DEFAULTS.keepDays} days let go`);
    return report;
  },
  async status(ctx: AppContext): Promise<string[]> {
    const s = await intakeStatus(ctx.db.pool);
    const lines: string[] = [];
    const lag = s.lastEventAt ? Math.round((ctx.now().getTime() - s.lastEventAt.getTime()) / 60_000) : null;
    lines.push(
      `last event ${s.lastEventAt ? `${when(s.lastEventAt)} (${lag} min ago)` : "never"}; ${s.eventsLast24h} events in 24 h, ${s.orphansLast24h} from users not tied to an account; ${s.pendingDays} account days to roll up`,
    );
    for (const o of s.outcomes)
      lines.push(
        `  ${o.outcome.padEnd(12)} ${o.requests} requests, ${o.events} events (today and yesterday)${o.outcome !== "accepted" && o.lastNote ? `; last: ${o.lastNote}` : ""}`,
      );
    if (s.unmatchedGroups.length)
      lines.push(
        `groups no account matches: ${s.unmatchedGroups.map((g) => (g.externalId === g.groupId ? g.groupId : `${g.groupId} (${g.externalId})`)).join(", ")}`,
      );
    if (s.unmapped.length)
      lines.push(
        `unmapped event names (${s.unmappedNames}; map them in TEND_EVENTS_CONFIG or ignore them): ${s.unmapped.map((u) => `${u.name} x${u.count}`).join(", ")}`,
      );
    return lines;
  },
};
