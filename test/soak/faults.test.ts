import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimiter, scaledClock } from "../../src/delivery/limits.js";
import { drainOnce } from "../../src/delivery/outbox.js";
import type { ChatSender } from "../../src/delivery/types.js";
import { addDays } from "../../src/domain/dates.js";
import type { JobName } from "../../src/jobs/jobs.js";
import { runJob } from "../../src/jobs/run.js";
import { silentLogger } from "../../src/log.js";
import { createChatSender } from "../../src/slack/sender.js";
import type { Db } from "../../src/store/db.js";
import { stripData } from "../../src/text/user-data.js";
import { type ChatStandIn, startChatStandIn, webApiSender } from "../delivery/chat-stand-in.js";
import { drainWorker } from "../delivery/workers.js";
import { TEST_SIGNING_SECRET } from "../slack/sign.js";
import { DEMO_TODAY, demoContext, demoDb } from "../support/demo.js";
import { scaled } from "./scale.js";

// Delivery under faults on the demo book's real mornings (digests, nudges, briefs): Slack answers
// 429 with Retry-After, 500s, timeouts and transient errors; a drainer process is killed mid-send and
// another takes over. Every message must arrive exactly once and nothing may end failed, also when the
// kill lands after Slack accepted a message and before the drainer heard back.

const JOBS: JobName[] = ["digest", "nudges", "briefs"];
const DAYS = scaled(3, 1);

/** Enqueues the demo mornings' messages for Slack, then makes them all due now (quiet hours over). */
async function enqueueMornings(db: Db, sender: ChatSender): Promise<number> {
  let n = 0;
  for (let d = 0; d < DAYS; d++) {
    const day = addDays(DEMO_TODAY, d);
    const ctx = demoContext(db, { now: new Date(`${day}T09:00:00Z`) });
    for (const job of JOBS) n += (await runJob(ctx, job, { day, senders: [sender] })).enqueued ?? 0;
  }
  await db.pool.query(`UPDATE "Outbox" SET "nextAttemptAt" = now() - interval '1 second'`);
  return n;
}

interface OutboxState {
  recipient: string;
  summary: string;
  status: string;
  externalId: string | null;
}

const outbox = async (db: Db) =>
  (
    await db.pool.query<OutboxState>(
      `SELECT recipient, payload->>'summary' AS summary, status::text AS status, "externalId" FROM "Outbox"`,
    )
  ).rows;

const open = async (db: Db) =>
  (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Outbox" WHERE status IN ('pending','sending')`))
    .rows[0]!.n;

/** Every outbox row sent, and the platform holds as many messages as there are rows. */
function expectAllSent(rows: OutboxState[], posted: ChatStandIn["posted"]) {
  expect(rows.filter((r) => r.status !== "sent").map((r) => `${r.recipient}: ${r.status}`)).toEqual([]);
  expect(posted.length).toBe(rows.length);
}

/** Faults spread over the run: call n gets one while the budget lasts (a row can still get through). */
function injectFaults(chat: ChatStandIn, budget: number, timeouts: number) {
  let left = budget;
  let hangs = timeouts;
  chat.onRequest = (n) => {
    if (left <= 0) return;
    let fault: ChatStandIn["script"][number] | undefined;
    if (n % 7 === 3 && hangs > 0) {
      hangs--;
      fault = { hangMs: 11_000 }; // past the Slack client's 10 s timeout
    } else if (n % 3 === 0) fault = { status: 429, retryAfterSec: 1 };
    else if (n % 3 === 1) fault = { status: 500 };
    else if (n % 5 === 2) fault = { error: "internal_error" };
    if (!fault) return;
    left--;
    chat.script.push(fault);
  };
}

describe("delivery of the demo mornings under Slack faults", () => {
  let db: Db;
  let chat: ChatStandIn;
  beforeAll(async () => {
    db = await demoDb();
    chat = await startChatStandIn();
  });
  afterAll(async () => {
    await chat?.close();
    await db?.close();
  });

  it("429s with Retry-After, 500s, timeouts and transient errors: every message delivered exactly once", async () => {
    const ctx = demoContext(db, {
      env: { SLACK_BOT_TOKEN: "xoxb-test", SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_API_URL: chat.url },
    });
    const sender = createChatSender(ctx); // the real Slack sender, over @slack/web-api
    const enqueued = await enqueueMornings(db, sender);
    expect(enqueued).toBeGreaterThan(10);
    injectFaults(chat, scaled(40, 15), scaled(3, 1));
    const limiter = new RateLimiter(scaledClock(20));
    const totals = { sent: 0, retried: 0, failed: 0 };
    const giveUpAt = Date.now() + 300_000;
    while ((await open(db)) > 0 && Date.now() < giveUpAt) {
      const r = await drainOnce(db, [sender], silentLogger, {
        leaseMs: 60_000,
        backoffBaseMs: 100,
        backoffMaxMs: 2_000,
        limiter,
      });
      totals.sent += r.sent;
      totals.retried += r.retried;
      totals.failed += r.failed;
      if (r.claimed === 0) await new Promise((res) => setTimeout(res, 100));
    }
    chat.onRequest = undefined;
    const rows = await outbox(db);
    expect(rows.length).toBe(enqueued);
    expectAllSent(rows, chat.posted);
    // Each row points at its own message among those the platform accepted: one each, none spare.
    const ids = rows.map((r) => r.externalId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(chat.posted.map((p) => p.ts)));
    expect(totals.failed).toBe(0);
    expect(totals.retried).toBeGreaterThan(0); // the faults did happen
  });
});

// A drainer process killed mid-send and restarted: needs a store two processes share.
const URL_BASE = process.env.TEST_DATABASE_URL;

describe.skipIf(!URL_BASE)("a drainer killed mid-delivery of the demo mornings (PostgreSQL)", () => {
  let db: Db;
  let chat: ChatStandIn;
  let url: string;
  beforeAll(async () => {
    db = await demoDb("postgres");
    chat = await startChatStandIn();
    const name = (await db.pool.query(`SELECT current_database() AS n`)).rows[0].n as string;
    const u = new URL(String(URL_BASE));
    u.pathname = `/${name}`;
    url = u.toString();
  });
  afterAll(async () => {
    await chat?.close();
    await db?.close();
  });

  it("kill -9 mid-drain, restarted under the same instance id, through 429s and 500s: every message exactly once", async () => {
    const sender = webApiSender(chat.url);
    const enqueued = await enqueueMornings(db, sender);
    const killAt = Math.min(6, Math.floor(enqueued / 2));
    // Slack takes each message at once and answers late, so the kill lands with accepted, unanswered
    // sends in flight: the restart must find those in the channel's history, not post them again.
    chat.postFirst = true;
    chat.delayMs = 30;
    const first = drainWorker(url, chat.url, "http://127.0.0.1:9", "soak-replica");
    await new Promise<void>((resolve) => {
      chat.onRequest = (n) => {
        if (n === killAt) resolve();
      };
    });
    first.proc.kill("SIGKILL");
    await first.done;
    chat.onRequest = undefined;
    expect(chat.posted.length).toBeGreaterThan(0);
    expect(await open(db)).toBeGreaterThan(0); // it died holding claimed rows
    chat.delayMs = 0;
    chat.postFirst = false;
    chat.script.push({ status: 429, retryAfterSec: 1 }, { status: 500 }, { error: "internal_error" });
    // Same instance id: its claims are taken back at once, not after the 2-minute lease.
    await drainWorker(url, chat.url, "http://127.0.0.1:9", "soak-replica").done;
    const rows = await outbox(db);
    expect(rows.length).toBe(enqueued);
    expectAllSent(rows, chat.posted);
    // The same messages as the rows (a member can get the same words on two days: compare as multisets).
    expect(chat.posted.map((p) => `${p.channel}|${p.text}`).sort()).toEqual(
      rows.map((r) => `${r.recipient}|${stripData(r.summary)}`).sort(),
    );
  });
});
