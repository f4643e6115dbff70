import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { RunCoordinator } from "node-cron";
import type { Db } from "../store/db.js";
import { claimFire as claimFireRow, finishFire } from "../store/repos/job-runs.js";

// Exactly one replica runs each cron fire. node-cron fires on every replica and asks its
// `runCoordinator` hook `shouldRun(key)` with key = "<task name>:<scheduled slot ISO>"; the first
// replica to insert the JobRun row for that key runs it, the others skip. PostgreSQL's unique index
// on JobRun.fireKey is the arbiter, so it holds across processes and machines.

/** This process's identity in JobRun.owner (host:pid:random). */
export const REPLICA_ID = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/** The fire key of a job at a scheduled minute (manual runs use the same shape). */
export function fireKey(job: string, slot: Date): string {
  const minute = new Date(Math.floor(slot.getTime() / 60_000) * 60_000);
  return `${job}:${minute.toISOString()}`;
}

/** Claims a fire: true for exactly one caller per key (this replica by default). */
export function claimFire(db: Db, key: string, owner = REPLICA_ID, now = new Date()): Promise<boolean> {
  return claimFireRow(db, key, owner, now);
}

/** node-cron's runCoordinator hook backed by the JobRun table. */
export function pgRunCoordinator(db: Db, owner = REPLICA_ID): RunCoordinator {
  return {
    shouldRun: (key) => claimFire(db, key, owner),
    onComplete: (key) => finishFire(db, key, "done"),
  };
}
