import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { parseConfig } from "../src/config/env.js";
import type { AppContext } from "../src/context.js";
import { HttpApp } from "../src/http/server.js";
import { silentLogger } from "../src/log.js";
import { mountSegment } from "../src/signals/mount.js";
import type { Db } from "../src/store/db.js";
import type { BenchRow } from "./harness.js";
import { benchStores } from "./stores.js";

// Sustained product events through the Segment intake over HTTP (validation, group commit, account
// days rolled up) vs a raw multi-row INSERT of the same events into the same table. Memory is sampled
// through the stream: the heap after the first tenth against the end shows whether it stays flat.
// BENCH_SIGNALS_MINUTES=10 instead streams for that long to the service itself (`npm start` in a
// child process, on PostgreSQL) and prints its resident memory every minute (see `stream` below).
const SECONDS = Number(process.env.BENCH_SIGNALS_SECONDS ?? 20);
const MINUTES = Number(process.env.BENCH_SIGNALS_MINUTES ?? 0);
const ACCOUNTS = 1_000;
const USERS_PER_ACCOUNT = 5;
const BATCH = 250; // events a request (~75 KB)
const SENDERS = 8;
const KEY = "bench-write-key";
const NAMES = ["Report Created", "Dashboard Viewed", "Workflow Run", "Signed In", "Invoice Downloaded"];

function track(i: number) {
  const a = i % ACCOUNTS;
  return {
    type: "track",
    messageId: randomUUID(),
    userId: `u-${a}-${i % USERS_PER_ACCOUNT}`,
    event: NAMES[i % NAMES.length],
    // Mostly now, one in 50 a late event for one of the last 20 days (it updates its own day).
    timestamp: (i % 50 === 0 ? new Date(Date.now() - (1 + (i % 20)) * 86_400_000) : new Date()).toISOString(),
    properties: { plan: "pro", value: i },
    context: { library: { name: "bench", version: "1" } },
  };
}

/** Posts one batch to the intake on `port`, waiting out 429s as Retry-After says. */
function poster(port: number) {
  const url = `http://127.0.0.1:${port}/segment/v1/batch`;
  const auth = `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`;
  return async (batch: unknown[]) => {
    for (;;) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: auth },
        body: JSON.stringify({ batch, sentAt: new Date().toISOString() }),
      });
      await res.arrayBuffer();
      if (res.status === 200) return;
      if (res.status !== 429) throw new Error(`intake answered ${res.status}`);
      await new Promise((r) => setTimeout(r, Number(res.headers.get("retry-after") ?? 1) * 1000));
    }
  };
}

/** Every user tied to its account by a group call. */
async function groupAll(post: (batch: unknown[]) => Promise<void>) {
  const groups = Array.from({ length: ACCOUNTS * USERS_PER_ACCOUNT }, (_, i) => ({
    type: "group",
    userId: `u-${Math.floor(i / USERS_PER_ACCOUNT)}-${i % USERS_PER_ACCOUNT}`,
    groupId: `CRM-acc-${Math.floor(i / USERS_PER_ACCOUNT)}`,
  }));
  for (let i = 0; i < groups.length; i += BATCH) await post(groups.slice(i, i + BATCH));
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

/** Resident memory of a process (Linux /proc), in MB. */
async function rssMb(pid: number): Promise<number> {
  const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
}

/**
 * The long stream: the service (`src/main.ts`, as `npm start` runs it) in a child process on the
 * bench's PostgreSQL database, fed by 8 senders for MINUTES minutes; its RSS and the events of each
 * minute are printed as they come, then the last minute's RSS against the second's (the first
 * minute is warm-up). Bounded in time, loopback only.
 */
async function stream(store: { name: string; url?: string }, db: Db): Promise<BenchRow[]> {
  if (!store.url) return [];
  await setup(db);
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: {
      PATH: process.env.PATH ?? "",
      DATABASE_URL: store.url,
      PORT: String(port),
      HOST: "127.0.0.1",
      TEND_SEGMENT_WRITE_KEY: KEY,
      TEND_DEMO: "off",
      TEND_SCHEDULER: "off",
      TEND_LOG_LEVEL: "warn",
      TEND_LOG_FORMAT: "json",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    const post = poster(port);
    for (let i = 0; ; i++) {
      const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (i > 120) throw new Error("the service did not start within a minute");
      await new Promise((r) => setTimeout(r, 500));
    }
    await groupAll(post);
    let sent = 0;
    let lastSent = 0;
    const rss: number[] = [];
    const t0 = performance.now();
    const until = t0 + MINUTES * 60_000;
    const minute = setInterval(() => {
      void rssMb(child.pid!).then((mb) => {
        rss.push(mb);
        console.log(
          `  minute ${rss.length}: service RSS ${mb} MB, ${Math.round((sent - lastSent) / 60).toLocaleString("en")} events/s`,
        );
        lastSent = sent;
      });
    }, 60_000);
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        while (performance.now() < until) {
          const start = sent;
          sent += BATCH;
          await post(Array.from({ length: BATCH }, (_, k) => track(start + k)));
        }
      }),
    );
    clearInterval(minute);
    const second = rss[1] ?? rss[0] ?? Number.NaN;
    const last = rss.at(-1) ?? Number.NaN;
    console.log(
      `  ${sent.toLocaleString("en")} events in ${MINUTES} min; RSS last minute / second minute = ${(last / second).toFixed(2)}`,
    );
    return [
      {
        bench: `Service RSS under a ${MINUTES}-minute Segment stream (${sent.toLocaleString("en")} events, ${SENDERS} senders)`,
        store: store.name,
        figure: "RSS",
        value: last,
        unit: "MB",
        baseline: { label: "RSS at the second minute", value: second },
        better: "lower",
        target: "flat",
      },
      {
        bench: `Segment intake over HTTP to the service, ${MINUTES} min`,
        store: store.name,
        figure: "events/s",
        value: Math.round(sent / ((performance.now() - t0) / 1000)),
        unit: "events/s",
        better: "higher",
        target: ">= 5,000 events/s",
      },
    ];
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

async function setup(db: Db) {
  const ids = Array.from({ length: ACCOUNTS }, (_, i) => `acc-${i}`);
  await db.pool.query(
    `INSERT INTO "Account" (id, name, "externalId", "updatedAt") SELECT id, 'Bench ' || id, 'CRM-' || id, now() FROM unnest($1::text[]) AS id`,
    [ids],
  );
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  // BENCH_SIGNALS_STORE=postgres (or pglite) runs one store only.
  const only = process.env.BENCH_SIGNALS_STORE;
  for (const store of (await benchStores()).filter((s) => !only || s.name === only)) {
    const db = await store.open();
    try {
      if (MINUTES > 0) {
        rows.push(...(await stream(store, db)));
        continue;
      }
      await setup(db);
      const ctx: AppContext = {
        config: parseConfig({ TEND_SEGMENT_WRITE_KEY: KEY, TEND_DEMO: "off" }),
        log: silentLogger,
        db,
        now: () => new Date(),
      };
      const http = new HttpApp(silentLogger);
      const part = await mountSegment(ctx, http);
      part.intake!.start();
      const { port } = await http.listen(0, "127.0.0.1");
      const post = poster(port);
      await groupAll(post);

      let sent = 0;
      const heap: number[] = [];
      const sampler = setInterval(() => heap.push(process.memoryUsage().heapUsed), 500);
      const t0 = performance.now();
      const until = t0 + SECONDS * 1000;
      await Promise.all(
        Array.from({ length: SENDERS }, async () => {
          while (performance.now() < until) {
            const start = sent;
            sent += BATCH;
            await post(Array.from({ length: BATCH }, (_, k) => track(start + k)));
          }
        }),
      );
      await part.intake!.settle();
      const secs = (performance.now() - t0) / 1000;
      clearInterval(sampler);
      await part.stop?.();
      await http.close();
      const rate = sent / secs;

      // Raw baseline: the same number of events, 1000 a multi-row INSERT, straight into the table.
      const raw = Array.from({ length: Math.min(sent, 200_000) }, (_, i) => track(i));
      const r0 = performance.now();
      for (let i = 0; i < raw.length; i += 1000) {
        const chunk = raw.slice(i, i + 1000);
        const params: unknown[] = [];
        const values = chunk.map((e, j) => {
          params.push(`raw-${e.messageId}`, e.timestamp, e.event, e.userId);
          const b = j * 4;
          return `($${b + 1}, $${b + 2}::timestamptz AT TIME ZONE 'UTC', $${b + 2}::timestamptz AT TIME ZONE 'UTC', 'track', $${b + 3}, $${b + 4})`;
        });
        await db.pool.query(
          `INSERT INTO "ProductEvent" ("messageId","stampedAt","ts","kind","name","userKey") VALUES ${values.join(",")}`,
          params,
        );
      }
      const rawRate = raw.length / ((performance.now() - r0) / 1000);
      const tenth = heap[Math.max(0, Math.floor(heap.length / 10))] ?? 0;
      const last = heap.at(-1) ?? 0;
      rows.push({
        bench: `Segment intake over HTTP, ${SENDERS} senders x ${BATCH}-event batches, ${SECONDS} s (${sent.toLocaleString("en")} events, ${ACCOUNTS} accounts)`,
        store: store.name,
        figure: "events/s",
        value: Math.round(rate),
        unit: "events/s",
        baseline: { label: "raw multi-row INSERT", value: Math.round(rawRate) },
        better: "higher",
        target: store.name === "postgres" ? ">= 5,000 events/s" : "",
      });
      rows.push({
        bench: "Segment intake heap, after the first tenth vs the end of the stream",
        store: store.name,
        figure: "heap",
        value: Math.round(last / 1e6),
        unit: "MB",
        baseline: { label: "heap after the first tenth", value: Math.round(tenth / 1e6) },
        better: "lower",
        target: "flat",
      });
    } finally {
      await db.close();
      await store.drop();
    }
  }
  return rows;
}
