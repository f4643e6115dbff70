// One replica's outbox drainer, run as a separate process by replicas.test.ts:
//   tsx test/delivery/replica-worker.ts <databaseUrl> <chatApiUrl> <leaseMs>
// Drains until the outbox has nothing pending or in flight, then prints its counts as JSON.
import { RateLimiter, scaledClock } from "../../src/delivery/limits.js";
import { drainOnce } from "../../src/delivery/outbox.js";
import { silentLogger } from "../../src/log.js";
import { openDb } from "../../src/store/db.js";
import { webApiSender } from "./chat-stand-in.js";

const [databaseUrl, chatUrl, lease] = process.argv.slice(2);
const db = await openDb({ databaseUrl });
const limiter = new RateLimiter(scaledClock(200));
const total = { sent: 0, claimed: 0 };
for (;;) {
  const r = await drainOnce(db, [webApiSender(String(chatUrl))], silentLogger, {
    leaseMs: Number(lease),
    batch: 10,
    limiter,
  });
  total.sent += r.sent;
  total.claimed += r.claimed;
  if (r.claimed === 0) {
    const left = await db.pool.query(`SELECT count(*)::int AS n FROM "Outbox" WHERE status IN ('pending','sending')`);
    if (left.rows[0].n === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
}
process.stdout.write(`${JSON.stringify(total)}\n`);
await db.close();
