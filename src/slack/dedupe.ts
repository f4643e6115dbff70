import type { Db } from "../store/db.js";

// Slack delivers again when it thinks we missed something (X-Slack-Retry-Num, Socket Mode
// retry_attempt). Each delivery carries a stable id: event_id for events, trigger_id for commands,
// buttons and modal submissions. The first delivery to claim the id in ProcessedEvent does the work;
// later ones (on any replica) are acknowledged and do nothing.

/** How long claimed ids are kept: Slack's last retry comes about 5 minutes after the first try. */
export const DEDUPE_KEEP_MS = 24 * 60 * 60_000;

/** The delivery id of a Bolt body, or undefined when it has none (then it is never deduped). */
export function deliveryId(body: Record<string, unknown>): string | undefined {
  if (typeof body.event_id === "string") return `slack:event:${body.event_id}`;
  if (typeof body.trigger_id === "string") return `slack:trigger:${body.trigger_id}`;
  return undefined;
}

export class Deduper {
  private lastPrune = 0;
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  /** True when this call claimed the id (do the work); false when it was already claimed. */
  async claim(id: string): Promise<boolean> {
    const now = this.now();
    const res = await this.db.pool.query(
      `INSERT INTO "ProcessedEvent" (id, "receivedAt") VALUES ($1, $2::timestamp(3)) ON CONFLICT (id) DO NOTHING`,
      [id, now.toISOString()],
    );
    if (now.getTime() - this.lastPrune > 60 * 60_000) {
      this.lastPrune = now.getTime();
      await this.db.pool
        .query(`DELETE FROM "ProcessedEvent" WHERE id LIKE 'slack:%' AND "receivedAt" < $1::timestamp(3)`, [
          new Date(now.getTime() - DEDUPE_KEEP_MS).toISOString(),
        ])
        .catch(() => {});
    }
    return res.rowCount === 1;
  }
}

/** Context key where the dedupe middleware leaves the claim of a delivery that has an ack. */
export const CLAIM = "tendClaim";

/**
 * Whether this delivery is the first (do the work). Listeners await this *inside* their ack budget:
 * under load the claim may queue behind other store work, and Slack's 3 s must not wait for it.
 */
export function firstDelivery(context: Record<string, unknown>): Promise<boolean> {
  const claim = context[CLAIM];
  return claim instanceof Promise ? (claim as Promise<boolean>) : Promise.resolve(true);
}
