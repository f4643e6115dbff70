import type { AddressInfo } from "node:net";
import { loadChatSenders } from "./chat-senders.js";
import type { Config } from "./config/env.js";
import type { AppContext } from "./context.js";
import { autoLoadDemo } from "./demo/auto.js";
import { HttpApp, sendJson } from "./http/server.js";
import { mountIngest } from "./import/mount.js";
import { schedulerPart } from "./jobs/scheduler.js";
import { errorLine, type Logger } from "./log.js";
import { mountPlayground } from "./playground/mount.js";
import type { MountPart, ServicePart } from "./service-part.js";
import { mountSegment } from "./signals/mount.js";
import { mountSlack } from "./slack/mount.js";
import { type Db, describeStore, isStoreUnavailable, openDb, reachStore } from "./store/db.js";
import { mountSync } from "./sync/mount.js";

export interface Service {
  ctx: AppContext;
  http: HttpApp;
  address?: AddressInfo;
  start(): Promise<AddressInfo>;
  stop(): Promise<void>;
}

/** Start-up waits for an unreachable store: 1 s, doubling, at most this long between tries. */
export const STORE_WAIT = { firstMs: 1_000, maxMs: 30_000 };

/**
 * Opens the configured store and applies pending migrations (the service at start-up, `tend migrate`). While the store cannot be reached it
 * tries again with backoff, saying what it waits for; any other failure stops the start.
 */
export async function openStore(
  config: Config,
  log: Logger,
  wait: { firstMs: number; maxMs: number; attempts?: number } = STORE_WAIT,
): Promise<{ db: Db; applied: string[] }> {
  const opts = { databaseUrl: config.databaseUrl, dataDir: config.dataDir, timeouts: config.storeTimeouts };
  for (let attempt = 1; ; attempt++) {
    const db = await openDb(opts);
    try {
      // Reach the store first: the schema engine reports a connection failure as an opaque error.
      await reachStore(db);
      // The schema engine (WebAssembly) is loaded only when a migration is pending: on an up-to-date
      // store it would add ~25 MB to the service's memory for nothing.
      const applied = (await db.pending()).length
        ? await db.migrate((line) => log.debug({ engine: line }, "schema engine"))
        : [];
      if (applied.length) log.info({ applied }, "migrations applied");
      if (attempt > 1) log.info({ store: describeStore(opts) }, "store reachable: starting");
      return { db, applied };
    } catch (err) {
      await db.close().catch(() => {});
      if (!isStoreUnavailable(err) || attempt === wait.attempts) throw err;
      const delay = Math.min(wait.maxMs, wait.firstMs * 2 ** (attempt - 1));
      log.warn(
        { store: describeStore(opts), attempt, retryInMs: delay, reason: errorLine(err) },
        `waiting for ${describeStore(opts)}: not reachable, trying again in ${Math.round(delay / 1000)} s`,
      );
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** The store is behind the migrations folder: every command but `migrate` stops and says what to run. */
export class StoreNotCurrent extends Error {
  constructor(readonly pending: string[]) {
    super(
      `the store is not up to date: ${pending.length} migration${pending.length === 1 ? "" : "s"} pending (${pending.join(", ")}).\n` +
        "Run `tend migrate` (or start the service, which applies them), then try again.",
    );
  }
}

/**
 * Opens the configured store for a one-off command: checks that it is current with one cheap query and
 * never loads the schema engine. A throwaway in-memory store is always fresh, so it is migrated.
 */
export async function openCurrentStore(config: Config, log: Logger): Promise<{ db: Db; applied: string[] }> {
  if (!config.databaseUrl && config.dataDir === "memory://") return openStore(config, log);
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, timeouts: config.storeTimeouts });
  const pending = await db.pending().catch(async (err) => {
    await db.close();
    throw err;
  });
  if (pending.length) {
    await db.close();
    throw new StoreNotCurrent(pending);
  }
  return { db, applied: [] };
}

export async function createService(
  config: Config,
  log: Logger,
  db?: Db,
  now: () => Date = () => new Date(),
): Promise<Service> {
  const store = db ?? (await openStore(config, log)).db;
  const ctx: AppContext = { config, log, db: store, now };
  // `npm start` on an empty embedded store loads the demo book (TEND_DEMO=off starts empty).
  if (!db) await autoLoadDemo(ctx);
  const http = new HttpApp(log);
  const parts: ServicePart[] = [];

  http.route("GET", "/healthz", async (_req, res) => {
    // While a long write holds the embedded store (in this process, working), a ping would only queue
    // behind it: it is reported busy at once and the migrations last seen stand. Otherwise the store
    // answers a ping within 2 s or counts as unreachable.
    const busy = store.kind === "pglite" && store.busy();
    const reachable = busy || (await store.ping(1_500));
    const pending = reachable && !busy ? await withTimeout(store.pending(), 400, ["(store too slow to tell)"]) : [];
    const ok = reachable && pending.length === 0;
    sendJson(res, ok ? 200 : 503, {
      status: ok ? "ok" : "degraded",
      store: { kind: store.kind, reachable, busy, migrationsCurrent: pending.length === 0, pending },
      parts: parts.map((d) => d.name),
    });
  });

  // Each part mounts its routes on `http` and returns what to start and stop with the service.
  for (const mount of serviceParts()) {
    const part = await mount(ctx, http);
    if (part) parts.push(part);
  }

  const service: Service = {
    ctx,
    http,
    async start() {
      const address = await http.listen(config.port, config.host ?? (config.playground ? "127.0.0.1" : undefined));
      service.address = address;
      for (const d of parts) await d.start?.();
      return address;
    },
    async stop() {
      // Stop taking work first, finish in-flight requests, then stop background work, then the store.
      await http.close();
      for (const d of [...parts].reverse())
        await d.stop?.().catch((err) => log.error({ err, part: d.name }, "stop failed"));
      await store.close();
    },
  };
  return service;
}

function withTimeout<T>(p: Promise<T>, ms: number, otherwise: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((r) => {
    timer = setTimeout(() => r(otherwise), ms);
  });
  return Promise.race([p.catch(() => otherwise), late]).finally(() => clearTimeout(timer));
}

/**
 * The parts of the service, in mounting order: each mounts its routes on the HTTP app and says what
 * to start and stop; a surface that is not configured mounts nothing. The one place parts are composed.
 */
function serviceParts(): MountPart[] {
  return [
    schedulerPart(loadChatSenders),
    // Always mounted: with no TEND_INGEST_TOKEN it answers 403 and says how to turn it on.
    mountIngest,
    async (ctx, http) => (ctx.config.slack ? mountSlack(ctx, http) : undefined),
    // Loaded only when configured: the Feishu SDK alone adds ~55 MB to the service's memory.
    async (ctx, http) => (ctx.config.feishu ? (await import("./feishu/mount.js")).mountFeishu(ctx, http) : undefined),
    mountPlayground,
    mountSync,
    // Always mounted: with no TEND_SEGMENT_WRITE_KEY it answers 404 and says how to turn it on.
    mountSegment,
  ];
}
