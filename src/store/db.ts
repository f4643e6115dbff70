import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.js";
import { applyMigrations, pendingMigrations } from "./migrate.js";

export type StoreKind = "pglite" | "postgres";

/**
 * One handle on the store. Both kinds speak the PostgreSQL wire protocol to `pg`: PGlite is served
 * on a private unix socket, so everything above the pool (Prisma, bulk SQL) is one code path.
 */
export interface Db {
  kind: StoreKind;
  prisma: PrismaClient;
  /** Raw pool for set-based and bulk SQL (same connection(s) Prisma uses). */
  pool: pg.Pool;
  migrate(log?: (msg: string) => void): Promise<string[]>;
  pending(): Promise<string[]>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  dataDir?: string; // PGlite data folder; "memory://" for a throwaway in-memory store
  /** Load a PGlite data folder from a tarball made by dumpDataDir (fast test set-up). */
  loadDataDir?: Blob | File;
}

export async function openDb(opts: OpenOptions): Promise<Db> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl);
  return openPglite(opts.dataDir ?? "./data", opts.loadDataDir);
}

function wrap(kind: StoreKind, pool: pg.Pool, factoryConfig: pg.PoolConfig, onClose: () => Promise<void>): Db {
  // An idle client whose connection drops (server restart, database dropped) is discarded by the
  // pool and the next query reconnects; without a listener Node would crash on the 'error' event.
  pool.on("error", () => {});
  const adapter = new PrismaPg(pool);
  const prisma = new PrismaClient({ adapter });
  let closed = false;
  return {
    kind,
    prisma,
    pool,
    migrate: (log) => applyMigrations(new PrismaPg({ ...factoryConfig, max: 1 }), log),
    pending: () => pendingMigrations(async (sql) => (await pool.query(sql)).rows),
    async ping() {
      try {
        await pool.query("SELECT 1");
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await pool.end();
      await onClose();
    },
  };
}

async function openPostgres(url: string): Promise<Db> {
  const config: pg.PoolConfig = { connectionString: url };
  const pool = new pg.Pool({ ...config, max: 10 });
  return wrap("postgres", pool, config, async () => {});
}

async function openPglite(dataDir: string, loadDataDir?: Blob | File): Promise<Db> {
  const pglite = await PGlite.create(dataDir === "memory://" ? undefined : dataDir, {
    ...(loadDataDir ? { loadDataDir } : {}),
  });
  const served = await servePglite(pglite);
  // PGlite is a single session: one pooled client, so transactions never interleave (the socket server
  // admits a second connection only so the pool can reconnect after an error: see servePglite).
  const pool = new pg.Pool({ ...served.config, max: 1, idleTimeoutMillis: 0 });
  const db = wrap("pglite", pool, served.config, async () => {
    await served.stop();
    await pglite.close();
  });
  // Migrations open their own connection, which the single-connection server would queue
  // behind the pool's: route them through the pool instead.
  db.migrate = (log) => applyMigrations(new PrismaPg(pool), log);
  (db as Db & { pglite: PGlite }).pglite = pglite;
  return db;
}

export function pgliteOf(db: Db): PGlite | undefined {
  return (db as Db & { pglite?: PGlite }).pglite;
}

/** A PGlite served on a private socket, for throwaway databases (shadow database of `db:diff`, tests). */
export async function servePglite(pglite: PGlite) {
  const sockDir = await mkdtemp(path.join(os.tmpdir(), "tend-pglite-"));
  // pg-pool discards a client whose query failed and connects anew at once; the server frees the old
  // connection a tick later, so with room for one it would refuse the new one ("write EPIPE") and
  // one person's refused statement would fail the next person's. The pool still holds one client.
  const server = new PGLiteSocketServer({ db: pglite, path: path.join(sockDir, ".s.PGSQL.5432"), maxConnections: 2 });
  await server.start();
  const config: pg.PoolConfig = { host: sockDir, port: 5432, user: "postgres", database: "postgres" };
  return {
    config,
    async stop() {
      await server.stop();
      await rm(sockDir, { recursive: true, force: true });
    },
  };
}

/**
 * Adapter factory for the WASM schema engine whose shadow database is a fresh in-memory PGlite,
 * so `db:diff` needs no server and no CREATE DATABASE rights.
 */
export function factoryWithPgliteShadow(main: PrismaPg): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: main.provider,
    adapterName: main.adapterName,
    connect: () => main.connect(),
    async connectToShadowDb() {
      const { PrismaPGlite } = await import("pglite-prisma-adapter");
      return new PrismaPGlite(await PGlite.create()).connect();
    },
  };
}
