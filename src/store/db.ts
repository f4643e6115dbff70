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

/** Anything that runs a statement: the pool, or one connection inside a transaction. */
export type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

/**
 * Runs `fn` in one transaction on one connection: committed when it returns, rolled back when it
 * throws (and the error passed on).
 */
export async function inTransaction<T>(db: Pick<Db, "pool">, fn: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.pool.connect();
  try {
    await client.query("BEGIN");
    const out = await fn(client);
    await client.query("COMMIT");
    return out;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

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
  /**
   * Marks a long write (an import) as holding the store until the returned function is called.
   * On the embedded store that write owns the one connection: everything else queues behind it, so
   * `/healthz` and chat acks answer from this mark instead of waiting (see docs/import.md).
   */
  holdForWrite(): () => void;
  /** A long write holds the store right now. */
  busy(): boolean;
  /** Whether the store answers `SELECT 1` within `timeoutMs` (never waits longer, never throws). */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/** How long the PostgreSQL pool waits; see src/config/env.ts (TEND_DB_*). */
export interface StoreTimeouts {
  /** Opening a connection, and waiting for a free one in the pool. */
  connectMs: number;
  /** One statement: PostgreSQL cancels it after this; the client gives up shortly after. */
  statementMs: number;
}

export const STORE_TIMEOUTS: StoreTimeouts = { connectMs: 5_000, statementMs: 60_000 };

export interface OpenOptions {
  databaseUrl?: string;
  timeouts?: StoreTimeouts;
  dataDir?: string; // PGlite data folder; "memory://" for a throwaway in-memory store
  /** Load a PGlite data folder from a tarball made by dumpDataDir (fast test set-up). */
  loadDataDir?: Blob | File;
}

export async function openDb(opts: OpenOptions): Promise<Db> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.timeouts ?? STORE_TIMEOUTS);
  return openPglite(opts.dataDir ?? "./data", opts.loadDataDir);
}

function wrap(kind: StoreKind, pool: pg.Pool, factoryConfig: pg.PoolConfig, onClose: () => Promise<void>): Db {
  // An idle client whose connection drops (server restart, database dropped) is discarded by the
  // pool and the next query reconnects; without a listener Node would crash on the 'error' event.
  pool.on("error", () => {});
  const adapter = new PrismaPg(pool);
  const prisma = new PrismaClient({ adapter });
  let closed = false;
  let holds = 0;
  return {
    kind,
    prisma,
    pool,
    holdForWrite() {
      holds++;
      let done = false;
      return () => {
        if (!done) holds--;
        done = true;
      };
    },
    busy: () => holds > 0,
    migrate: (log) => applyMigrations(new PrismaPg({ ...factoryConfig, max: 1 }), log),
    pending: () => pendingMigrations(async (sql) => (await pool.query(sql)).rows),
    async ping(timeoutMs = 1_500) {
      // Our own write holds the embedded store's only connection: it is reachable, just busy.
      if (kind === "pglite" && holds > 0) return true;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((r) => {
        timer = setTimeout(() => r(false), timeoutMs);
      });
      const answer = pool.query("SELECT 1").then(
        () => true,
        () => false,
      );
      try {
        return await Promise.race([answer, late]);
      } finally {
        clearTimeout(timer);
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

async function openPostgres(url: string, timeouts: StoreTimeouts): Promise<Db> {
  // Nothing waits on the store for ever: a dropped network (packets lost, no reset) would otherwise
  // hang connects, pool waits and queries. statement_timeout bounds work in the server; query_timeout
  // bounds the wait for an answer that may never come (the pool then discards that connection).
  const config: pg.PoolConfig = {
    connectionString: url,
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    query_timeout: timeouts.statementMs + timeouts.connectMs,
    keepAlive: true,
  };
  const pool = new pg.Pool({ ...config, max: 10 });
  // Migrations may legitimately run long (an index on a big table): only the connect is bounded.
  const migrateConfig = { connectionString: url, connectionTimeoutMillis: timeouts.connectMs, keepAlive: true };
  return wrap("postgres", pool, migrateConfig, async () => {});
}

/** PGlite's shared buffers (PostgreSQL's default is 128MB). */
export const PGLITE_SHARED_BUFFERS = "32MB";

async function openPglite(dataDir: string, loadDataDir?: Blob | File): Promise<Db> {
  const pglite = await PGlite.create(dataDir === "memory://" ? undefined : dataDir, {
    ...(loadDataDir ? { loadDataDir } : {}),
    // PGlite's 128 MB of shared buffers live in the service's WebAssembly memory, which never shrinks:
    // with 32 MB the service idles ~100 MB smaller on a 10k-account book (pages past the buffers
    // come from the OS file cache; docs/scale.md "Service memory").
    startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
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

/**
 * The store cannot be reached right now (connection refused, reset or timed out, the server shutting
 * down, a statement cancelled by its timeout), as opposed to a query that is wrong. People get "try
 * again in a minute"; the outbox and start-up wait it out.
 */
export class StoreUnavailable extends Error {}

/** Reaches the store with one trivial statement; throws what the driver throws when it cannot. */
export async function reachStore(db: Db): Promise<void> {
  await db.pool.query("SELECT 1");
}

const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "57P01", // admin shutdown
  "57P02", // crash shutdown
  "57P03", // cannot connect now (starting up)
  "57014", // statement cancelled (statement_timeout)
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  "P1001", // Prisma: can't reach the database server
  "P1002", // Prisma: the server timed out
  "P1008", // Prisma: operation timed out
  "P1017", // Prisma: the server closed the connection
  "P2024", // Prisma: timed out waiting for a pool connection
]);
const UNAVAILABLE_TEXT =
  /timeout exceeded when trying to connect|connection terminated|query read timeout|connection timeout|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|statement timeout|Connection closed|server closed the connection/i;

/** Whether `err` (or what it wraps: Prisma errors carry the driver's) says the store is unreachable. */
export function isStoreUnavailable(err: unknown, depth = 0): boolean {
  if (err instanceof StoreUnavailable) return true;
  if (!err || typeof err !== "object" || depth > 4) return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; meta?: unknown; originalCode?: unknown };
  if (typeof e.code === "string" && UNAVAILABLE_CODES.has(e.code)) return true;
  if (typeof e.originalCode === "string" && UNAVAILABLE_CODES.has(e.originalCode)) return true;
  if (typeof e.message === "string" && UNAVAILABLE_TEXT.test(e.message)) return true;
  const meta = e.meta as { driverAdapterError?: unknown } | undefined;
  return isStoreUnavailable(e.cause, depth + 1) || isStoreUnavailable(meta?.driverAdapterError, depth + 1);
}

/** Where the store is, for "waiting for ..." lines: host, port and database, never credentials. */
export function describeStore(opts: OpenOptions): string {
  if (!opts.databaseUrl) return `the embedded store (${opts.dataDir ?? "./data"})`;
  try {
    const u = new URL(opts.databaseUrl);
    return `PostgreSQL at ${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return "PostgreSQL";
  }
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
