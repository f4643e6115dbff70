import type { AppContext } from "../context.js";
import {
  acquireSyncLease,
  countQuarantine,
  getCheckpoint,
  leaseHolder,
  listCheckpoints,
  listQuarantine,
  recordSyncError,
  releaseSyncLease,
  saveCheckpoint,
} from "../store/repos/sync.js";
import { configuredSources, SOURCES } from "./registry.js";
import type { ObjectCounts, SyncOptions, SyncReport, SyncSource } from "./types.js";

// Runs a source under its lease and records the outcome; prints reports and the status.

/** How long a run's lease lasts without renewal (a crashed holder frees it after this). */
export const LEASE_MS = 10 * 60_000;
const RENEW_MS = 60_000;

/** Another run of the same source holds the lease (another replica, or a CLI run). */
export class SyncBusy extends Error {}

export async function runSync(ctx: AppContext, source: SyncSource, opts: SyncOptions): Promise<SyncReport> {
  if (opts.dryRun) return source.run(ctx, opts);
  const holder = leaseHolder(ctx.config.instanceId);
  const lease = () => {
    const now = ctx.now();
    return acquireSyncLease(ctx.db, source.name, holder, now, new Date(now.getTime() + LEASE_MS));
  };
  if (!(await lease())) throw new SyncBusy(`a ${source.name} sync is already running (another replica or command)`);
  const renew = setInterval(() => {
    lease().catch((err) => ctx.log.warn({ err, source: source.name }, "sync: lease renewal failed"));
  }, RENEW_MS);
  renew.unref();
  try {
    const report = await source.run(ctx, opts);
    await saveCheckpoint(ctx.db, source.name, "*", ctx.now(), { success: true, stats: totals(report) });
    return report;
  } catch (err) {
    await recordSyncError(ctx.db, source.name, "*", ctx.now(), errorText(err)).catch(() => {});
    throw err;
  } finally {
    clearInterval(renew);
    await releaseSyncLease(ctx.db, source.name, holder).catch(() => {});
  }
}

/** The scheduled run: every configured source in turn; one failing does not stop the others. */
export async function runConfiguredSyncs(ctx: AppContext): Promise<{ source: string; ok: boolean }[]> {
  const results = [];
  for (const source of configuredSources(ctx.config)) {
    try {
      const report = await runSync(ctx, source, { dryRun: false, full: false });
      ctx.log.info({ source: source.name, ...totals(report) }, "sync: done");
      results.push({ source: source.name, ok: true });
    } catch (err) {
      if (err instanceof SyncBusy) ctx.log.info({ source: source.name }, `sync: skipped, ${err.message}`);
      else ctx.log.error({ err, source: source.name }, "sync: failed (the next run resumes from the checkpoint)");
      results.push({ source: source.name, ok: false });
    }
  }
  return results;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function totals(report: SyncReport): Record<string, number> {
  const t: Record<string, number> = {};
  for (const counts of Object.values(report.objects))
    for (const [k, v] of Object.entries(counts)) t[k] = (t[k] ?? 0) + v;
  if (report.writeBack) t.writtenBack = report.writeBack.sent;
  return t;
}

const COUNT_ORDER: (keyof ObjectCounts)[] = ["fetched", "created", "updated", "unchanged", "archived", "quarantined"];

/** A run's report as lines for people. */
export function formatReport(r: SyncReport): string[] {
  const lines = [`${r.source}${r.dryRun ? " (dry run: nothing written)" : ""}${r.full ? " (full)" : ""}`];
  for (const [object, c] of Object.entries(r.objects))
    lines.push(`  ${object.padEnd(10)} ${COUNT_ORDER.map((k) => `${c[k]} ${k}`).join(", ")}`);
  if (r.writeBack)
    lines.push(`  write-back ${r.writeBack.sent} sent, ${r.writeBack.failed} failed, ${r.writeBack.pending} pending`);
  if (r.preview.length) lines.push("  first rows as mapped:", ...r.preview.map((l) => `    ${l}`));
  if (r.missing.length)
    lines.push(
      "  not found in the source (check the mapping and the app's scopes):",
      ...r.missing.map((m) => `    ${m}`),
    );
  for (const n of r.notes) lines.push(`  ${n}`);
  return lines;
}

const when = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : "never");

/** `tend sync status`: every source, configured or not, with its checkpoints and quarantine. */
export async function syncStatus(ctx: AppContext, sources: SyncSource[] = SOURCES): Promise<string[]> {
  const lines: string[] = [];
  if (!sources.length) return ["no sync sources are built in"];
  for (const source of sources) {
    const configured = source.configured(ctx.config);
    const run = await getCheckpoint(ctx.db, source.name, "*");
    lines.push(
      `${source.name}: ${configured ? "configured" : "not configured"}; last run ${when(run?.lastRunAt ?? null)}, last success ${when(run?.lastSuccessAt ?? null)}`,
    );
    if (run?.lastError) lines.push(`  last error: ${run.lastError}`);
    for (const c of await listCheckpoints(ctx.db, source.name)) {
      const stats = c.stats
        ? Object.entries(c.stats)
            .map(([k, v]) => `${v} ${k}`)
            .join(", ")
        : "";
      lines.push(
        `  ${c.object.padEnd(10)} up to ${c.cursor ?? "-"}; success ${when(c.lastSuccessAt)}${stats ? `; ${stats}` : ""}${c.lastError ? `; error: ${c.lastError}` : ""}`,
      );
    }
    const held = await countQuarantine(ctx.db, source.name);
    if (held) {
      lines.push(`  quarantined: ${held} record${held === 1 ? "" : "s"} (not written; fix them in ${source.name}):`);
      for (const q of await listQuarantine(ctx.db, source.name, 10))
        lines.push(`    ${q.object} ${q.externalId}: ${q.reason}`);
    }
    if (configured) {
      try {
        for (const l of await source.status(ctx)) lines.push(`  ${l}`);
      } catch (err) {
        lines.push(`  status unavailable: ${errorText(err)}`);
      }
    }
  }
  return lines;
}
