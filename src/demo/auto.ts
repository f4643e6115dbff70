import type { AppContext } from "../context.js";
import { storeIsEmpty } from "../store/repos/book.js";
import { DEMO_STORIES } from "./generate.js";
import { describeLoad, installDemo } from "./load.js";

/**
 * `npm start` on an empty embedded store: load the demo book so a newcomer has something to ask
 * about. Never on PostgreSQL (a real deployment), never over data, never with TEND_DEMO=off.
 * A failure is logged and the service starts empty rather than not at all.
 */
export async function autoLoadDemo(ctx: AppContext): Promise<boolean> {
  const { config, db, log } = ctx;
  if (!config.demo || db.kind !== "pglite") return false;
  try {
    if (!(await storeIsEmpty(db))) return false;
    log.info("empty embedded store: loading the demo book (set TEND_DEMO=off to start empty)");
    const result = await installDemo(ctx);
    if (!result.loaded) return false;
    log.info(
      { accounts: result.counts.accounts, stories: Object.values(DEMO_STORIES), day: result.today },
      `${describeLoad(result)}. Set TEND_DEMO=off to start empty; docs/demo.md names the stories and people.`,
    );
    return true;
  } catch (err) {
    log.error({ err }, "loading the demo book failed; starting with an empty store");
    return false;
  }
}
