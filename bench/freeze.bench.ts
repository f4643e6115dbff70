import type { AddressInfo } from "node:net";
import { createLogger } from "../src/log.js";
import { createService } from "../src/service.js";
import { openDb } from "../src/store/db.js";
import { type SlackApiStandIn, startSlackApiStandIn } from "../test/slack/api-stand-in.js";
import { slackTestConfig } from "../test/slack/config.js";
import { postSigned, slashCommandBody } from "../test/slack/sign.js";
import { type BenchRow, deadlineRow, percentile } from "./harness.js";

// Does a big write freeze the embedded store? A 10 MiB usage push (POST /api/v1/usage, ~140k rows,
// one transaction) on PGlite while /healthz and signed /tend commands are sent every 100 ms: their
// latency p99 / max while the push runs, against Slack's 3 s (docs/import.md).
const ACCOUNTS = 2_000;

function usageCsv(bytes: number): string {
  const lines = [
    "account_external_id,day,active_users,activated_users,seats,logins,core_features_used,core_features_total",
  ];
  let size = lines[0]!.length;
  for (let i = 0; size < bytes - 100; i++) {
    const day = new Date(Date.UTC(2025, 0, 1 + Math.floor(i / ACCOUNTS))).toISOString().slice(0, 10);
    const line = `CRM-${i % ACCOUNTS},${day},${i % 50},40,50,${i % 9},3,8`;
    size += line.length + 1;
    lines.push(line);
  }
  return `${lines.join("\n")}\n`;
}

export async function run(): Promise<BenchRow[]> {
  const db = await openDb({ dataDir: "memory://" });
  await db.migrate();
  await db.pool.query(
    `INSERT INTO "Account" (id, "externalId", name, "updatedAt")
     SELECT 'a' || i, 'CRM-' || i, 'Bench ' || i, now() FROM generate_series(0, $1::int - 1) AS i`,
    [ACCOUNTS],
  );
  const api: SlackApiStandIn = await startSlackApiStandIn();
  const service = await createService(
    slackTestConfig(api.url, { TEND_INGEST_TOKEN: "bench-token" }),
    createLogger("silent"),
    db,
  );
  const { port } = (await service.start()) as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const body = usageCsv(10 * 1024 * 1024 - 1024);
  const healthz: number[] = [];
  const acks: number[] = [];
  let pushing = true;
  const probe = async () => {
    while (pushing) {
      const t0 = performance.now();
      const h = fetch(`${base}/healthz`).then(async (r) => {
        await r.text();
        if (pushing) healthz.push(performance.now() - t0);
      });
      const cmd = slashCommandBody({ text: "risk", userId: "U_BENCH", responseUrl: api.responseUrl() });
      const a = postSigned(`${base}/slack/events`, cmd, { now: new Date() }).then(async (r) => {
        await r.text();
        if (pushing) acks.push(performance.now() - t0);
      });
      await new Promise((r) => setTimeout(r, 100));
      void Promise.all([h, a]).catch(() => {});
    }
  };
  const probing = probe();
  const t0 = performance.now();
  const res = await fetch(`${base}/api/v1/usage`, {
    method: "POST",
    headers: { authorization: "Bearer bench-token", "content-type": "text/csv" },
    body,
  });
  const answer = (await res.json()) as { rows?: number };
  const pushMs = performance.now() - t0;
  pushing = false;
  await probing;
  await service.stop();
  await api.close();
  healthz.sort((a, b) => a - b);
  acks.sort((a, b) => a - b);
  const rows: BenchRow[] = [
    {
      bench: "freeze",
      store: "pglite",
      figure: `10 MiB usage push (${answer.rows ?? "?"} rows, HTTP ${res.status})`,
      value: pushMs,
      unit: "ms",
      better: "lower",
    },
    deadlineRow(
      "freeze",
      "pglite",
      `/healthz p99 during the push (n=${healthz.length})`,
      percentile(healthz, 99),
      "< 1 s",
    ),
    deadlineRow("freeze", "pglite", "/healthz max during the push", healthz.at(-1) ?? 0),
    deadlineRow("freeze", "pglite", `/tend ack p99 during the push (n=${acks.length})`, percentile(acks, 99), "< 1 s"),
    deadlineRow("freeze", "pglite", "/tend ack max during the push", acks.at(-1) ?? 0),
  ];
  return rows;
}
