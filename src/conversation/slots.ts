import type { Db } from "../store/db.js";

// How many commands do their work at once per store. A burst of hundreds of commands otherwise starts
// them all: each holds its rows (thousands of accounts on a big book) while it waits for the store's
// connections, so the service's memory peaked at over 1.6 GB for 300 commands over 10k accounts on the
// embedded store and V8 kept most of it. Beyond the store's connections more at once buys nothing;
// the rest wait in order, holding only their request (Slack's ack deadline is met by the Slack endpoint's own
// race: a late answer goes through response_url).
export const COMMAND_SLOTS = { postgres: 10, pglite: 4 } as const;

class Slots {
  private free: number;
  private waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

const byDb = new WeakMap<Db, Slots>();

/** The command slots of one store (one set per opened store, so tests and benches never share them). */
export function commandSlots(db: Db): Slots {
  let s = byDb.get(db);
  if (!s) {
    s = new Slots(COMMAND_SLOTS[db.kind]);
    byDb.set(db, s);
  }
  return s;
}
