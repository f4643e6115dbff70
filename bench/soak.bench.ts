// The soak suite's load figures: 200 signed /tend commands at once against the service's HTTP server
// (Slack endpoint) on the demo book. Ack latency p50/p99/max vs Slack's 3 s, and the time until every
// answer had arrived (in the ack or through response_url). The client is a process of its own (on the
// same 2 CPUs). `npm run test:soak` checks correctness of the same load.
import { parseConfig } from "../src/config/env.js";
import type { AppContext } from "../src/context.js";
import { installDemo } from "../src/demo/load.js";
import { silentLogger } from "../src/log.js";
import { fireSlashCommands, startLoadTarget } from "../test/soak/slash-load.js";
import { type BenchRow, deadlineRow, percentile } from "./harness.js";
import { benchStores } from "./stores.js";

const N = Number(process.env.BENCH_SOAK_COMMANDS ?? 200);
const TODAY = "2026-11-23";
const NOW = new Date(`${TODAY}T09:00:00Z`);

export async function run(): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  for (const s of await benchStores()) {
    const db = await s.open();
    try {
      const ctx: AppContext = {
        config: parseConfig({ TEND_DEMO: "off", TEND_SCHEDULER: "off" }),
        log: silentLogger,
        db,
        now: () => NOW,
      };
      if (!(await installDemo(ctx, { today: TODAY })).loaded) throw new Error("the bench store was not empty");
      const target = await startLoadTarget(db, NOW);
      try {
        await fireSlashCommands(target, 20, { now: NOW, clientProcess: true }); // warm-up
        const r = await fireSlashCommands(target, N, { now: NOW, clientProcess: true });
        const failed = r.outcomes.filter((o) => o.status !== 200).length + r.unanswered;
        if (failed) throw new Error(`${failed} of ${N} commands not acknowledged or not answered`);
        const acks = r.outcomes.map((o) => o.ackMs).sort((a, b) => a - b);
        const row = (figure: string, value: number, target?: string) =>
          deadlineRow("soak", s.name, `${figure}, ${N} concurrent /tend`, value, target);
        const inAck = r.outcomes.filter((o) => o.answeredIn === "ack").length;
        out.push(
          row("ack p50", percentile(acks, 50), "< 3000 ms"),
          row("ack p99", percentile(acks, 99), "< 3000 ms"),
          row("ack max", acks.at(-1) ?? 0, "< 3000 ms"),
          row(`all answered (${inAck} in the ack)`, r.allAnsweredMs),
          // When this tracks the ack latency, the acks wait for the CPU, not for the store.
          row("event-loop delay p99 while acks were due", r.loopDelay.p99),
        );
      } finally {
        await target.close();
      }
    } finally {
      await db.close();
      await s.drop();
    }
  }
  return out;
}
