import type { Db } from "../store/db.js";

// Feishu pushes an event again when we did not answer in time (at 15 s, 5 min, 1 h and 6 h), and with
// several long-connection clients each event goes to one of them - but a retry may reach another. The
// first delivery to claim `feishu:<header.event_id>` in ProcessedEvent does the work; later ones (on
// any replica) are answered and do nothing.

/** Claimed ids are kept past Feishu's last retry (6 h after the first try). */
export const FEISHU_DEDUPE_KEEP_MS = 24 * 60 * 60_000;

export class FeishuDeduper {
  private lastPrune = 0;
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  /** True when this call claimed the event (do the work); false when it was already claimed. */
  async claim(eventId: string): Promise<boolean> {
    const now = this.now();
    const res = await this.db.pool.query(
      `INSERT INTO "ProcessedEvent" (id, "receivedAt") VALUES ($1, $2::timestamp(3)) ON CONFLICT (id) DO NOTHING`,
      [`feishu:${eventId}`, now.toISOString()],
    );
    if (now.getTime() - this.lastPrune > 60 * 60_000) {
      this.lastPrune = now.getTime();
      await this.db.pool
        .query(`DELETE FROM "ProcessedEvent" WHERE id LIKE 'feishu:%' AND "receivedAt" < $1::timestamp(3)`, [
          new Date(now.getTime() - FEISHU_DEDUPE_KEEP_MS).toISOString(),
        ])
        .catch(() => {});
    }
    return res.rowCount === 1;
  }
}
