// Slack's 3 seconds, measured where Slack measures it: signed /tend requests over HTTP into Tend's
// server (our signature check, Bolt's HTTPReceiver, the conversation core on the demo book), timed
// from sending the request to receiving the acknowledgement. One at a time (each role's mix), then a
// burst of concurrent commands; every answer must arrive, in the ack or through response_url.
import type { AddressInfo } from "node:net";
import { Worker } from "node:worker_threads";
import { parseConfig } from "../src/config/env.js";
import type { AppContext } from "../src/context.js";
import { demoSlackUserId } from "../src/demo/generate.js";
import { installDemo } from "../src/demo/load.js";
import { HttpApp } from "../src/http/server.js";
import { silentLogger } from "../src/log.js";
import { mountSlackWith } from "../src/slack/mount.js";
import { startSlackApiStandIn } from "../test/slack/api-stand-in.js";
import { postSigned, signedHeaders, slashCommandBody, TEST_SIGNING_SECRET } from "../test/slack/sign.js";
import { BENCH_DEMO_TODAY, ROLE_MIX } from "./commands.bench.js";
import { type BenchRow, deadlineRow, percentile } from "./harness.js";
import { benchStores } from "./stores.js";

const ROUNDS = Number(process.env.BENCH_SLACK_ROUNDS ?? 3);
const BURST = Number(process.env.BENCH_SLACK_BURST ?? 100);

const MIX = Object.values(ROLE_MIX).flatMap(({ handle, commands }) =>
  commands.map((text) => ({ user: demoSlackUserId(handle), text })),
);

/**
 * The burst's client runs on its own thread, as Slack runs on its own machines: with the client on
 * the server's event loop, the answers' work would delay reading the acks and the figure would
 * measure our client, not Tend.
 */
const BURST_CLIENT = `
const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  const results = await Promise.all(workerData.requests.map(async (r) => {
    const t0 = performance.now();
    const res = await fetch(workerData.url, { method: "POST", headers: r.headers, body: r.body });
    const text = await res.text();
    return { ms: performance.now() - t0, status: res.status, inAck: text.length > 0 };
  }));
  parentPort.postMessage(results);
})();
`;

type Sent = { ms: number; status: number; inAck: boolean };

function burstFrom(url: string, requests: { headers: Record<string, string>; body: string }[]): Promise<Sent[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BURST_CLIENT, { eval: true, workerData: { url, requests } });
    worker.once("message", (m: Sent[]) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

export async function run(): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  for (const s of await benchStores()) {
    const db = await s.open();
    const api = await startSlackApiStandIn();
    const http = new HttpApp(silentLogger);
    try {
      const now = new Date(`${BENCH_DEMO_TODAY}T09:00:00Z`);
      const ctx: AppContext = {
        config: parseConfig({
          TEND_DEMO: "off",
          TEND_SCHEDULER: "off",
          SLACK_BOT_TOKEN: "xoxb-test",
          SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
          SLACK_API_URL: api.url,
        }),
        log: silentLogger,
        db,
        now: () => now,
      };
      const demo = await installDemo(ctx, { today: BENCH_DEMO_TODAY });
      if (!demo.loaded) throw new Error("the bench store was not empty");
      // Production timing: the default ack budget and Slack's deadline.
      const part = await mountSlackWith(ctx, http);
      if (!part) throw new Error("Slack endpoint not mounted");
      const { port } = (await http.listen(0, "127.0.0.1")) as AddressInfo;
      const url = `http://127.0.0.1:${port}/slack/events`;

      /** One signed /tend: ack time, and whether the answer came in the ack. */
      const command = async (c: { user: string; text: string }) => {
        const body = slashCommandBody({ text: c.text, userId: c.user, responseUrl: api.responseUrl() });
        const t0 = performance.now();
        const res = await postSigned(url, body, { now });
        const text = await res.text();
        const ms = performance.now() - t0;
        if (res.status !== 200) throw new Error(`/tend ${c.text}: HTTP ${res.status}`);
        return { ms, inAck: text.length > 0 };
      };

      // Warm-up, then one at a time.
      for (const c of MIX) await command(c);
      await part.slack.idle();
      api.responses.length = 0;
      const seq: number[] = [];
      let inAck = 0;
      for (let r = 0; r < ROUNDS; r++)
        for (const c of MIX) {
          const x = await command(c);
          seq.push(x.ms);
          if (x.inAck) inAck++;
          await part.slack.idle();
        }
      seq.sort((a, b) => a - b);
      const laterSeq = api.responses.length;
      api.responses.length = 0;

      // A burst: everyone at once.
      const requests = Array.from({ length: BURST }, (_, i) => {
        const c = MIX[i % MIX.length]!;
        const body = slashCommandBody({ text: c.text, userId: c.user, responseUrl: api.responseUrl() });
        return { body, headers: signedHeaders(body, { now }) };
      });
      const burst = await burstFrom(url, requests);
      await part.slack.idle(60_000);
      const refused = burst.filter((b) => b.status !== 200).length;
      if (refused) throw new Error(`${refused} of the burst's commands were not acknowledged (HTTP status)`);
      const burstMs = burst.map((b) => b.ms).sort((a, b) => a - b);
      const delivered = burst.filter((b) => b.inAck).length + api.responses.length;

      const ms = (figure: string, value: number) => deadlineRow("slack", s.name, figure, value, "< 3000 ms");
      const n = seq.length;
      out.push(
        ms(`p50 /tend ack over HTTP, one at a time (${n}), ${demo.counts.accounts} accounts`, percentile(seq, 50)),
        ms(`p99 /tend ack over HTTP, one at a time (${n})`, percentile(seq, 99)),
        {
          bench: "slack",
          store: s.name,
          figure: `answered inside the ack, one at a time (rest via response_url: ${laterSeq})`,
          value: (100 * inAck) / n,
          unit: "%",
          better: "higher",
        },
        ms(`p99 /tend ack, burst of ${BURST} at once (client on its own thread)`, percentile(burstMs, 99)),
        ms(`max /tend ack, burst of ${BURST} at once`, burstMs.at(-1) ?? 0),
        {
          bench: "slack",
          store: s.name,
          figure: `answers delivered, burst of ${BURST} (ack or response_url)`,
          value: delivered,
          unit: "",
          baseline: { label: "commands sent", value: BURST },
          better: "higher",
          target: `= ${BURST}`,
        },
      );
      await http.close();
      await part.stop?.();
    } finally {
      await http.close(0).catch(() => {});
      await api.close();
      await db.close();
      await s.drop();
    }
  }
  return out;
}
