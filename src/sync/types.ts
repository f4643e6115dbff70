import type { Config } from "../config/env.js";
import type { AppContext } from "../context.js";

// The contract every external source (HubSpot, Salesforce, Zendesk, ...) implements. The framework
// (run.ts) holds the run lease, records the outcome on the "*" checkpoint and prints reports; a
// source reads its records, writes them through the store repositories, and keeps its own
// per-object checkpoints and quarantine through src/store/repos/sync.ts. See docs/crm.md.

export interface SyncOptions {
  /** Read and map, write nothing (the report shows the first mapped rows and missing properties). */
  dryRun: boolean;
  /** Read everything (not only what changed since the checkpoint) and reconcile deletions. */
  full: boolean;
}

/** Counts for one object type in one run. */
export interface ObjectCounts {
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  archived: number;
  quarantined: number;
}

export function emptyCounts(): ObjectCounts {
  return { fetched: 0, created: 0, updated: 0, unchanged: 0, archived: 0, quarantined: 0 };
}

export interface SyncReport {
  source: string;
  dryRun: boolean;
  full: boolean;
  /** Per object type (companies, contacts, ...), in the order they were synced. */
  objects: Record<string, ObjectCounts>;
  /** Writes to the source (notes, tasks). */
  writeBack?: { sent: number; failed: number; pending: number };
  /** Dry run: what the mapping produces for the first rows, one line each. */
  preview: string[];
  /** Mapped properties or fields the source does not have (a wrong mapping, a missing scope). */
  missing: string[];
  /** Anything else worth a line (API limits, matched CSV accounts, ...). */
  notes: string[];
}

export function emptyReport(source: string, opts: SyncOptions): SyncReport {
  return { source, dryRun: opts.dryRun, full: opts.full, objects: {}, preview: [], missing: [], notes: [] };
}

export interface SyncSource {
  /** What `tend sync <name>` and the checkpoints call it (lowercase). */
  name: string;
  /** Whether its settings are present (unconfigured sources never run on the schedule). */
  configured(config: Config): boolean;
  /** One run; throws when it cannot go on (the framework records the error, checkpoints keep progress). */
  run(ctx: AppContext, opts: SyncOptions): Promise<SyncReport>;
  /** Source-specific status lines for `tend sync status` (API limits, write-backs, ...). */
  status(ctx: AppContext): Promise<string[]>;
}
