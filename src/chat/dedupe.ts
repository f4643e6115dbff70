import type { Db } from "../store/db.js";
import { claimDelivery, forgetDeliveries } from "../store/repos/deliveries.js";

// Platforms deliver again when they think we missed something (Slack's retries at about 5 minutes,
// Feishu's at 15 s, 5 min, 1 h and 6 h), and a retry may reach another replica. Each delivery carries
// a stable id; the first to claim `<platform>:<id>` in the store does the work, later ones are
// answered and do nothing.

/** How long claimed ids are kept: past every platform's last retry. */
export const DEDUPE_KEEP_MS = 24 * 60 * 60_000;
/** Old claims are pruned at most this often (by whichever claim comes first after it). */
const PRUNE_EVERY_MS = 60 * 60_000;

export class DeliveryClaims {
  private lastPrune = 0;
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    /** The platform's prefix, e.g. "slack:"; claimed ids are `${prefix}${id}`. */
    private readonly prefix: string,
  ) {}

  /** True when this call claimed the delivery (do the work); false when it was already claimed. */
  async claim(id: string): Promise<boolean> {
    const now = this.now();
    const first = await claimDelivery(this.db, `${this.prefix}${id}`, now);
    if (now.getTime() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = now.getTime();
      await forgetDeliveries(this.db, this.prefix, new Date(now.getTime() - DEDUPE_KEEP_MS)).catch(() => {});
    }
    return first;
  }
}
