import type { Config } from "./config/env.js";
import type { Logger } from "./log.js";
import type { Db } from "./store/db.js";

/** What every handler, job and command receives: no globals, so tests can build their own. */
export interface AppContext {
  config: Config;
  log: Logger;
  db: Db;
  /** Injectable clock: jobs, signatures and "today" all read time from here. */
  now: () => Date;
}
