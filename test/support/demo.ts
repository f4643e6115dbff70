// The demo book in a test store, for any test that wants a realistic organisation (playground,
// health backtest, proactive, commands). Today is fixed, so names, dates and counts are stable.
import { existsSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { inject } from "vitest";
import type { AppContext } from "../../src/context.js";
import { installDemo } from "../../src/demo/load.js";
import { type Db, openDb, pgliteOf } from "../../src/store/db.js";
import { type StoreKind, testContext, testDb } from "./store.js";

export { DEMO_PEOPLE, DEMO_STORIES, demoEmail, demoFeishuOpenId, demoSlackUserId } from "../../src/demo/generate.js";

export const DEMO_TODAY = "2026-11-23";
/** 09:00 UTC on DEMO_TODAY: morning in London, evening in Shanghai, night in New York. */
export const DEMO_NOW = new Date(`${DEMO_TODAY}T09:00:00Z`);

/** A context over a demo store with the clock at DEMO_NOW. */
export function demoContext(db: Db, opts: { now?: Date; env?: Record<string, string> } = {}): AppContext {
  return testContext(db, { now: DEMO_NOW, ...opts });
}

async function fill(db: Db): Promise<Db> {
  const result = await installDemo(demoContext(db), { today: DEMO_TODAY });
  if (!result.loaded) throw new Error("demo book not loaded: the test store was not empty");
  return db;
}

let template: Buffer | undefined;

/**
 * A store holding the demo book for DEMO_TODAY (health scored too when the engine is installed).
 * PGlite: a copy of a template built once per run by the first caller. PostgreSQL: loaded fresh
 * into a database of its own (dropped on close).
 */
export async function demoDb(kind: StoreKind = "pglite"): Promise<Db> {
  if (kind === "postgres") return fill(await testDb("postgres"));
  const file = inject("demoTemplate");
  if (!template) {
    if (!existsSync(file)) {
      // Several workers may race to build it; each writes its own file and renames it into place.
      const db = await fill(await testDb("pglite"));
      const dump = await pgliteOf(db)!.dumpDataDir("none");
      await db.close();
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, Buffer.from(await dump.arrayBuffer()));
      await rename(tmp, file);
    }
    template = await readFile(file);
  }
  return openDb({ dataDir: "memory://", loadDataDir: new Blob([new Uint8Array(template)]) });
}
