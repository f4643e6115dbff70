import { parseConfig } from "../src/config/env.js";
import { PROACTIVE_DEFAULTS } from "../src/config/proactive.js";
import type { AppContext } from "../src/context.js";
import { PLATFORM_LIMITS, RateLimiter, scaledClock } from "../src/delivery/limits.js";
import { drainOnce, enqueue, type OutboxMessage, outboxKey } from "../src/delivery/outbox.js";
import { everyone, planJob } from "../src/jobs/jobs.js";
import { silentLogger } from "../src/log.js";
import type { Db } from "../src/store/db.js";
import { startChatStandIn, webApiSender } from "../test/delivery/chat-stand-in.js";
import { type BenchRow, time } from "./harness.js";
import { benchStores } from "./stores.js";

// 1. Job time for 10k accounts: the morning nudges (facts + rules + composition) and the team
//    digests, vs a raw scan of the rows those jobs read.
// 2. Delivery of a large batch vs the rate-limit floor: 200 messages to 5 Slack channels at 1/s per
//    channel cannot take less than 39 s (the first message of each channel goes at once). The
//    limiter's clock runs SCALE times faster so the bench stays short; the ratio is unaffected.

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 10_000);
const DAY = "2026-11-23";
const SCALE = 20;

async function seed(db: Db) {
  const q = (sql: string) => db.pool.query(sql);
  await q(`INSERT INTO "Team" (id, name, "slackChannel", "updatedAt")
           SELECT 'bt' || i, 'Bench team ' || i, 'CB' || i, now() FROM generate_series(0, 9) i`);
  await q(`INSERT INTO "Member" (id, email, name, "teamId", "slackUserId", "updatedAt")
           SELECT 'bm' || i, 'm' || i || '@bench.test', 'Member ' || i, 'bt' || (i % 10), 'UB' || i, now()
             FROM generate_series(0, 99) i`);
  await q(`INSERT INTO "Account" (id, name, tier, "ownerId", "teamId", arr, "updatedAt")
           SELECT 'ba' || i, 'Bench ' || i, (ARRAY['strategic','key','standard','long_tail'])[1 + i % 4]::"Tier",
                  'bm' || (i % 100), 'bt' || (i % 10), 10000 + (i % 50) * 1000, now()
             FROM generate_series(0, ${ACCOUNTS - 1}) i`);
  await q(`INSERT INTO "HealthScore" ("accountId", day, score, grade, "usageLevel", "valueLevel", components, reasons)
           SELECT 'ba' || i, DATE '${DAY}' - d, s, CASE WHEN s >= 76 THEN 'green' WHEN s >= 51 THEN 'yellow' ELSE 'red' END::"Grade",
                  LEAST(2, s / 34), LEAST(2, s / 34), '[]', '[]'
             FROM generate_series(0, ${ACCOUNTS - 1}) i, generate_series(0, 7) d,
                  LATERAL (SELECT GREATEST(0, LEAST(100, 30 + (i * 37) % 70 - CASE WHEN i % 13 = 0 THEN (7 - d) * 4 ELSE 0 END))::int AS s) x`);
  await q(`INSERT INTO "UsageSnapshot" ("accountId", day, "activeUsers", "activatedUsers", seats)
           SELECT 'ba' || i, DATE '${DAY}' - d, CASE WHEN i % 11 = 0 AND d < 7 THEN 10 ELSE 40 + (i + d) % 10 END, 45, 50
             FROM generate_series(0, ${ACCOUNTS - 1}) i, generate_series(0, 34) d`);
  await q(`INSERT INTO "Interaction" (id, "accountId", kind, "occurredAt")
           SELECT 'bi' || i, 'ba' || i, 'call', DATE '${DAY}' - (i % 120) FROM generate_series(0, ${ACCOUNTS - 1}) i`);
  await q(`INSERT INTO "Renewal" (id, "accountId", "dueDate", arr, "updatedAt")
           SELECT 'br' || i, 'ba' || i, DATE '${DAY}' + (i % 365) - 20, 20000, now() FROM generate_series(0, ${ACCOUNTS - 1}) i`);
  await q(`INSERT INTO "CustomerPromise" (id, "accountId", title, "madeAt", "dueDate", "updatedAt")
           SELECT 'bp' || i, 'ba' || i, 'Promise ' || i, DATE '${DAY}' - 40, DATE '${DAY}' - (i % 20) + 5, now()
             FROM generate_series(0, ${ACCOUNTS - 1}, 7) i`);
  await q(`ANALYZE`);
}

/** Baseline: one plain scan of each table the jobs read (the unavoidable I/O). */
async function rawScan(db: Db) {
  for (const t of ["Account", "HealthScore", "UsageSnapshot", "Interaction", "Renewal", "CustomerPromise", "Contact"])
    await db.pool.query(`SELECT * FROM "${t}"`);
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const store of await benchStores()) {
    const db = await store.open();
    try {
      await seed(db);
      const ctx: AppContext = {
        config: parseConfig({ TEND_DEMO: "off", TEND_SCHEDULER: "off" }),
        log: silentLogger,
        db,
        now: () => new Date(`${DAY}T08:00:00Z`),
      };
      const p = { ctx, config: PROACTIVE_DEFAULTS, platforms: ["slack" as const], audience: everyone(DAY) };
      await rawScan(db); // warm both paths the same way
      const scan = await time(() => rawScan(db));
      const nudges = await time(() => planJob(p, "nudges"));
      const digest = await time(() => planJob(p, "digest"));
      const baseline = { label: "raw scan of the rows read", value: scan.ms };
      rows.push({
        bench: "proactive",
        store: store.name,
        figure: `nudges job, ${ACCOUNTS} accounts (${nudges.result.messages.length} members, ${nudges.result.messages.reduce((s, m) => s + m.nudges.length, 0)} nudges)`,
        value: nudges.ms,
        unit: "ms",
        baseline,
        better: "lower",
        target: "< 60 s",
      });
      rows.push({
        bench: "proactive",
        store: store.name,
        figure: `digest job, ${ACCOUNTS} accounts (${digest.result.messages.length} teams)`,
        value: digest.ms,
        unit: "ms",
        baseline,
        better: "lower",
        target: "< 60 s",
      });
    } finally {
      await db.close();
      await store.drop();
    }
  }
  rows.push(await deliveryBench());
  return rows;
}

async function deliveryBench(): Promise<BenchRow> {
  const [store] = await benchStores();
  const db = await store!.open();
  const chat = await startChatStandIn();
  try {
    const channels = 5;
    const n = 200;
    const msgs: OutboxMessage[] = Array.from({ length: n }, (_, i) => {
      const recipient = `CD${i % channels}`;
      return {
        kind: "digest",
        platform: "slack",
        recipient,
        key: outboxKey({ kind: "digest", subject: String(i), platform: "slack", recipient, period: DAY }),
        reply: { summary: `digest ${i}`, blocks: [] },
      };
    });
    await enqueue(db.pool, msgs, new Date());
    const limiter = new RateLimiter(scaledClock(SCALE));
    const sender = webApiSender(chat.url);
    const t = await time(async () => {
      for (;;) {
        const r = await drainOnce(db, [sender], silentLogger, { limiter, batch: n });
        if (r.claimed === 0) break;
      }
    });
    if (chat.posted.length !== n) throw new Error(`delivered ${chat.posted.length} of ${n}`);
    const rate = PLATFORM_LIMITS.slack.perRecipient.rate;
    const floorSec = (n / channels - 1) / rate; // burst 1: each channel's first message goes at once
    return {
      bench: "proactive",
      store: store!.name,
      figure: `deliver ${n} msgs to ${channels} Slack channels (clock x${SCALE}, in real seconds)`,
      value: (t.ms * SCALE) / 1000,
      unit: "s",
      baseline: { label: "rate-limit floor", value: floorSec },
      better: "lower",
      target: "~1.0x floor",
    };
  } finally {
    await chat.close();
    await db.close();
    await store!.drop();
  }
}
