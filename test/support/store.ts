import { readFile } from "node:fs/promises";
import pg from "pg";
import { inject } from "vitest";
import { parseConfig } from "../../src/config/env.js";
import type { AppContext } from "../../src/context.js";
import { silentLogger } from "../../src/log.js";
import { type Db, openDb } from "../../src/store/db.js";

export type StoreKind = "pglite" | "postgres";

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

/** PGlite always; the local PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). */
export const STORE_KINDS: StoreKind[] = TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

let template: Buffer | undefined;

/**
 * A fresh, migrated, empty store. PGlite: a copy of the run's migrated template. PostgreSQL: a new
 * database of its own (dropped on close), since a schema per test does not isolate Prisma's SQL.
 */
export async function testDb(kind: StoreKind = "pglite"): Promise<Db> {
  if (kind === "pglite") {
    template ??= await readFile(inject("pgliteTemplate"));
    return openDb({ dataDir: "memory://", loadDataDir: new Blob([new Uint8Array(template)]) });
  }
  if (!TEST_DATABASE_URL) throw new Error("TEST_DATABASE_URL is not set");
  const name = `tend_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const db = await openDb({ databaseUrl: url.toString() });
  await db.migrate();
  const close = db.close.bind(db);
  db.close = async () => {
    await close();
    const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
  return db;
}

/** A context over a test store with a fixed clock and no log noise. */
export function testContext(db: Db, opts: { now?: Date; env?: Record<string, string> } = {}): AppContext {
  const now = opts.now ?? new Date("2026-11-23T09:00:00Z");
  return {
    config: parseConfig({ TEND_DEMO: "off", TEND_SCHEDULER: "off", ...opts.env }),
    log: silentLogger,
    db,
    now: () => now,
  };
}
