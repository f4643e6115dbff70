// One replica's background drainer with the real Slack and Feishu senders, run as a separate process
// by kill.test.ts and the soak suite (which SIGKILL it mid-drain):
//   tsx test/delivery/drain-worker.ts <databaseUrl> <slackApiUrl> <feishuUrl> <instanceId>
// Drains (startDrainer, as the service does) until nothing is pending or in flight, then prints "done".
import { randomUUID } from "node:crypto";
import { loadChatSenders } from "../../src/chat-senders.js";
import { parseConfig } from "../../src/config/env.js";
import { RateLimiter, scaledClock } from "../../src/delivery/limits.js";
import { DELIVERY_DEFAULTS, startDrainer } from "../../src/delivery/outbox.js";
import { silentLogger } from "../../src/log.js";
import { openDb } from "../../src/store/db.js";

const [databaseUrl, slackUrl, feishuUrl, instanceId] = process.argv.slice(2);
const db = await openDb({ databaseUrl });
const config = parseConfig({
  TEND_DEMO: "off",
  TEND_INSTANCE_ID: instanceId,
  SLACK_BOT_TOKEN: "xoxb-test",
  SLACK_SIGNING_SECRET: "s",
  SLACK_API_URL: slackUrl,
  FEISHU_APP_ID: "cli_x",
  FEISHU_APP_SECRET: "s",
  FEISHU_DOMAIN: feishuUrl,
});
const ctx = { config, log: silentLogger, db, now: () => new Date() };
const drainer = startDrainer(db, await loadChatSenders(ctx), silentLogger, {
  pollMs: 50,
  backoffBaseMs: 50,
  backoffMaxMs: 500,
  limiter: new RateLimiter(scaledClock(100)),
  replica: { id: config.instanceId, boot: randomUUID(), staleMs: DELIVERY_DEFAULTS.staleMs },
});
for (;;) {
  const left = await db.pool.query(`SELECT count(*)::int AS n FROM "Outbox" WHERE status IN ('pending','sending')`);
  if (left.rows[0].n === 0) break;
  await new Promise((r) => setTimeout(r, 100));
}
await drainer.stop();
process.stdout.write("done\n");
await db.close();
