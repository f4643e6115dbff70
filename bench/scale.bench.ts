import type pg from "pg";
import { parseConfig } from "../src/config/env.js";
import { PROACTIVE_DEFAULTS } from "../src/config/proactive.js";
import type { AppContext } from "../src/context.js";
import { installDemo } from "../src/demo/load.js";
import { addDays } from "../src/domain/dates.js";
import { recompute } from "../src/health/recompute.js";
import { everyone, planJob } from "../src/jobs/jobs.js";
import { silentLogger } from "../src/log.js";
import type { Db } from "../src/store/db.js";
import { copyRows, copyUsage, type UsageRow } from "../src/store/repos/usage.js";
import { BENCH_DEMO_TODAY, rows as commandRows, measure } from "./commands.bench.js";
import { type BenchRow, time } from "./harness.js";
import { benchStores } from "./stores.js";

// A tech-touch book on PostgreSQL: 100k accounts x 365 days of daily usage (36.5M rows) next to the
// demo book. Only with BENCH_SCALE=large (BENCH_SCALE=small runs the same steps on 3k x 120 days to
// try the bench itself); `npm run bench` without it skips this file so CI stays short.
//  1. usage bulk load through the import's COPY path (20k-row batches, savepoint each) vs one raw
//     COPY stream of the same rows into the same table (first 30 days), then on to 90 days;
//  2. nightly recompute with 90 days of history vs a raw scan (cursor fetch) of the rows it reads;
//  3. the nudges, digest and weekly jobs for every member and team;
//  4. command p99 of every role's mix (bench/commands.bench.ts) over the big book;
//  5. the rest of the year through the COPY path, and the recompute again with 365 days stored (the
//     read must stay flat).

const SCALE = process.env.BENCH_SCALE;
const ACCOUNTS = Number(process.env.BENCH_SCALE_ACCOUNTS ?? (SCALE === "large" ? 100_000 : 3_000));
const DAYS = Number(process.env.BENCH_SCALE_DAYS ?? (SCALE === "large" ? 365 : 120));
const FIRST = Math.min(90, DAYS);
const DAY = BENCH_DEMO_TODAY;
const BATCH = 20_000; // the import's usage batch (src/import/run.ts)

const log = (msg: string) => console.log(`  scale: ${msg}`);

/** Day k of the history (0 = oldest). */
const dayAt = (k: number) => addDays(DAY, k - (DAYS - 1));

/** Usage of days [from, to), day by day as a nightly feed delivers it: a weekly rhythm, some fading. */
function* usage(from: number, to: number): Generator<UsageRow> {
  for (let k = from; k < to; k++) {
    const day = dayAt(k);
    const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
    const weekend = dow === 0 || dow === 6;
    const ago = DAYS - 1 - k;
    for (let i = 1; i <= ACCOUNTS; i++) {
      const seats = 20 + ((i * 37) % 480);
      const level = Math.floor((seats * (10 + ((i * 7) % 60))) / 100);
      const fade = i % 9 === 0 && ago < 28 ? Math.floor(seats / 5) : 0;
      yield {
        accountId: `sc${i}`,
        day,
        activeUsers: Math.max(0, Math.floor((level * (weekend ? 3 : 10)) / 10) - fade),
        activatedUsers: Math.floor((seats * (40 + ((i * 11) % 60))) / 100),
        seats,
        logins: level + (k % 5),
        coreFeaturesUsed: 1 + (i % 8),
        coreFeaturesTotal: 8,
      };
    }
  }
}

/** Accounts owned by the demo book's CSMs (in their teams), with people, touches, renewals, risks. */
async function seedAccounts(db: Db) {
  const q = (sql: string) => db.pool.query(sql, [ACCOUNTS, DAY]);
  await q(`INSERT INTO "Account" (id, name, tier, industry, seats, "goLiveDate", "ownerId", "teamId", arr, currency, "renewalDate", stage, "updatedAt")
           SELECT 'sc' || i, 'Scale ' || i, (ARRAY['strategic','key','standard','long_tail'])[1 + i % 4]::"Tier",
                  (ARRAY['retail','finance','manufacturing','health'])[1 + i % 4], 20 + (i * 37) % 480,
                  $2::date - (400 + (i * 13) % 900), m.id, m."teamId", 1000 * (5 + (i * 37) % 500), 'USD',
                  $2::date + (i % 365), 'steady', now()
             FROM generate_series(1, $1::int) i
             JOIN (SELECT id, "teamId", row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS n
                     FROM "Member" WHERE role = 'csm' AND "teamId" IS NOT NULL) m ON m.k = i % m.n`);
  await q(`INSERT INTO "Contact" (id, "accountId", name, role, attitude, active, "lastContact", "updatedAt")
           SELECT 'scc' || i || '-' || r, 'sc' || i, 'Person ' || i || '-' || r,
                  (ARRAY['champion','decision_maker','user'])[r]::"ContactRole",
                  (CASE WHEN (i + r) % 11 = 0 THEN 'opponent' ELSE 'supporter' END)::"Attitude",
                  NOT (r = 1 AND i % 17 = 0), $2::date - (i * r) % 120, now()
             FROM generate_series(1, $1::int) i, generate_series(1, 3) r`);
  await q(`INSERT INTO "Interaction" (id, "accountId", kind, "occurredAt")
           SELECT 'sci' || i || '-' || k, 'sc' || i,
                  (ARRAY['visit','call','qbr','email','praise','complaint'])[1 + (i + k) % 6]::"InteractionKind",
                  ($2::date - (k * 23 + i % 23)) + time '10:00'
             FROM generate_series(1, $1::int) i, generate_series(0, 5) k`);
  await q(`INSERT INTO "SurveyResponse" (id, "accountId", kind, score, "respondedAt")
           SELECT 'scs' || i, 'sc' || i, 'nps', i % 11, $2::date - (20 + i % 200) FROM generate_series(1, $1::int, 2) i`);
  await q(`INSERT INTO "Renewal" (id, "accountId", "dueDate", arr, status, "termsClear", "updatedAt")
           SELECT 'scr' || i, 'sc' || i, $2::date + (i % 365) - 10, 1000 * (5 + (i * 37) % 500), 'upcoming', i % 3 = 0, now()
             FROM generate_series(1, $1::int) i`);
  await q(`INSERT INTO "CustomerPromise" (id, "accountId", title, "madeAt", "dueDate", "updatedAt")
           SELECT 'scp' || i, 'sc' || i, 'Promise ' || i, $2::date - 40, $2::date - (i % 20) + 5, now()
             FROM generate_series(1, $1::int, 5) i`);
  await q(`INSERT INTO "RiskFlag" (id, "accountId", kind, severity, "raisedAt")
           SELECT 'scf' || i, 'sc' || i, 'roi_gap', (ARRAY['high','medium'])[1 + i % 2]::"Severity", $2::date - i % 50
             FROM generate_series(7, $1::int, 7) i`);
}

/** The import's path: COPY in 20k-row batches, each under a savepoint, in one transaction. */
async function loadOurs(db: Db, from: number, to: number): Promise<number> {
  const client = await db.pool.connect();
  let n = 0;
  try {
    await client.query("BEGIN");
    let batch: UsageRow[] = [];
    for (const r of usage(from, to)) {
      batch.push(r);
      if (batch.length === BATCH) {
        n += (await copyUsage(client, batch)).created;
        batch = [];
      }
    }
    if (batch.length) n += (await copyUsage(client, batch)).created;
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  return n;
}

/**
 * The floor: one COPY stream of the same rows straight into the same table (same key, index and
 * foreign key), emptied again after.
 */
async function loadRaw(db: Db, from: number, to: number): Promise<number> {
  const client = await db.pool.connect();
  try {
    return Number(await copyRows(client, `"UsageSnapshot"`, usage(from, to)));
  } finally {
    client.release();
  }
}

/** The rows recompute reads for `day`, fetched through a cursor 50k at a time (bounded memory). */
async function rawScan(db: Db, day: string): Promise<number> {
  const scans = [
    `SELECT * FROM "Account" WHERE stage <> 'churned'`,
    `SELECT * FROM "UsageSnapshot" WHERE day > DATE '${day}' - 56 AND day <= DATE '${day}'`,
    `SELECT * FROM "Interaction" WHERE NOT scheduled AND "occurredAt" < DATE '${day}' + 1`,
    `SELECT * FROM "Contact"`,
    `SELECT * FROM "SurveyResponse" WHERE "respondedAt" <= DATE '${day}'`,
    `SELECT * FROM "Feedback" WHERE "raisedAt" <= DATE '${day}'`,
    `SELECT * FROM "CustomerPromise" WHERE "madeAt" <= DATE '${day}'`,
    `SELECT * FROM "Milestone"`,
    `SELECT * FROM "RiskFlag" WHERE "raisedAt" <= DATE '${day}'`,
  ];
  const client: pg.PoolClient = await db.pool.connect();
  let rows = 0;
  try {
    await client.query("BEGIN");
    for (const sql of scans) {
      await client.query(`DECLARE scan NO SCROLL CURSOR FOR ${sql}`);
      for (;;) {
        const r = await client.query("FETCH 50000 FROM scan");
        rows += r.rows.length;
        if (r.rows.length === 0) break;
      }
      await client.query("CLOSE scan");
    }
    await client.query("COMMIT");
  } finally {
    client.release();
  }
  return rows;
}

/** Peak resident memory of this process while `fn` runs (sampled every 100 ms). */
async function peakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  try {
    const result = await fn();
    return { result, peakMb: Math.max(peak, process.memoryUsage().rss) / 1048576 };
  } finally {
    clearInterval(timer);
  }
}

export async function run(): Promise<BenchRow[]> {
  if (SCALE !== "large" && SCALE !== "small") {
    console.log("  (scale: skipped; BENCH_SCALE=large runs 100k accounts x 365 days on PostgreSQL)");
    return [];
  }
  const store = (await benchStores()).find((s) => s.name === "postgres");
  if (!store) {
    console.log("  (scale: needs PostgreSQL: set BENCH_DATABASE_URL or TEST_DATABASE_URL)");
    return [];
  }
  const out: BenchRow[] = [];
  const book = `${ACCOUNTS / 1000}k accounts x ${DAYS} days`;
  // The nightly work at this size runs for minutes: the 60 s default statement limit would cut it.
  const db = await store.open({ connectMs: 5_000, statementMs: 3_600_000 });
  try {
    const ctx: AppContext = {
      config: parseConfig({ TEND_DEMO: "off", TEND_SCHEDULER: "off" }),
      log: silentLogger,
      db,
      now: () => new Date(`${DAY}T03:00:00Z`),
    };
    await installDemo(ctx, { today: DAY });
    const seeded = await time(() => seedAccounts(db));
    log(`${ACCOUNTS} accounts with contacts, touches, renewals in ${(seeded.ms / 1000).toFixed(0)} s`);

    // The load is compared on the first 30 days (3M rows at full size): the raw COPY, emptied, then
    // the import's path over the same rows, which then goes on to 90 days and later the whole year.
    const CMP = Math.min(30, FIRST);
    const raw = await time(() => loadRaw(db, 0, CMP));
    await db.pool.query(`TRUNCATE "UsageSnapshot"`);
    log(`raw COPY of ${raw.result} rows in ${(raw.ms / 1000).toFixed(0)} s`);
    const cmp = await time(() => loadOurs(db, 0, CMP));
    log(`COPY path, first ${CMP} days (${cmp.result} rows) in ${(cmp.ms / 1000).toFixed(0)} s`);
    const upTo90 = await time(() => loadOurs(db, CMP, FIRST));
    await db.pool.query("ANALYZE");
    log(`COPY path, days ${CMP}-${FIRST} (${upTo90.result} rows) in ${(upTo90.ms / 1000).toFixed(0)} s`);
    const bench = `scale ${book}`;
    const recomputeAt = async (days: number) => {
      const day = dayAt(days - 1);
      const scan = await time(() => rawScan(db, day));
      const r = await peakRss(() => time(() => recompute(ctx, day)));
      log(
        `recompute with ${days} days of history: ${(r.result.ms / 1000).toFixed(1)} s (read ${(r.result.result.readMs / 1000).toFixed(1)} s), raw scan of ${scan.result} rows ${(scan.ms / 1000).toFixed(1)} s, peak RSS ${r.peakMb.toFixed(0)} MB`,
      );
      out.push(
        {
          bench,
          store: store.name,
          figure: `nightly recompute, ${days} days of history stored`,
          value: r.result.ms / 1000,
          unit: "s",
          baseline: { label: `raw scan (${scan.result.toLocaleString("en")} rows)`, value: scan.ms / 1000 },
          better: "lower",
          target: "<= 3x raw scan, < 300 s",
        },
        {
          bench,
          store: store.name,
          figure: `  peak RSS of the process during it`,
          value: r.peakMb,
          unit: "MB",
          better: "lower",
        },
      );
    };
    out.push({
      bench,
      store: store.name,
      figure: `usage bulk load, first ${CMP} days (import's COPY path, ${cmp.result.toLocaleString("en")} rows)`,
      value: cmp.result / (cmp.ms / 1000),
      unit: "rows/s",
      baseline: { label: "raw COPY of the same rows", value: raw.result / (raw.ms / 1000) },
      better: "higher",
      target: ">= 0.7x raw COPY",
    });
    await recomputeAt(FIRST);

    // The jobs and commands read at most the last 56 days (day-indexed), so they are measured here,
    // before the rest of the year goes in: a run cut short by time still has their figures.
    const p = { ctx, config: PROACTIVE_DEFAULTS, platforms: ["slack" as const], audience: everyone(DAY) };
    for (const job of ["nudges", "digest", "weekly"] as const) {
      const t = await time(() => planJob(p, job));
      log(`${job}: ${t.result.messages.length} messages in ${(t.ms / 1000).toFixed(1)} s`);
      out.push({
        bench,
        store: store.name,
        figure: `${job} job (${t.result.messages.length} messages)`,
        value: t.ms / 1000,
        unit: "s",
        baseline: { label: "2 min target", value: 120 },
        better: "lower",
        target: "< 120 s",
      });
    }

    const cmdCtx = { ...ctx, now: () => new Date(`${DAY}T09:00:00Z`) };
    await measure(cmdCtx); // warm-up
    const times = await measure(cmdCtx);
    const cmdRows = commandRows(store.name, `demo book + ${book}`, times).map((r) => ({
      ...r,
      bench,
      target: r.figure.startsWith("p99") ? "< 150 ms" : r.target,
    }));
    for (const r of cmdRows) log(`${r.figure}: ${r.value.toFixed(0)} ms`);
    out.push(...cmdRows);

    const rest = await time(() => loadOurs(db, FIRST, DAYS));
    await db.pool.query("ANALYZE");
    const loaded = cmp.result + upTo90.result + rest.result;
    const loadS = (cmp.ms + upTo90.ms + rest.ms) / 1000;
    log(`COPY path, remaining ${DAYS - FIRST} days (${rest.result} rows) in ${(rest.ms / 1000).toFixed(0)} s`);
    out.push({
      bench,
      store: store.name,
      figure: `usage bulk load, all ${DAYS} days (${loaded.toLocaleString("en")} rows, import's COPY path)`,
      value: loadS,
      unit: "s",
      baseline: { label: "raw COPY's rate", value: loaded / (raw.result / (raw.ms / 1000)) },
      better: "lower",
    });
    await recomputeAt(DAYS);
  } finally {
    await db.close();
    await store.drop();
  }
  return out;
}
