// Command latency: p50/p99 of each role's command mix through handleCommand (identify, parse,
// authorize, query, build the reply, render Block Kit) on the demo book, then with 10k more accounts
// in the largest team. Reference: Slack wants slash commands acknowledged within 3 s.

import { parseConfig } from "../src/config/env.js";
import type { AppContext } from "../src/context.js";
import { handleCommand } from "../src/conversation/index.js";
import { demoEmail } from "../src/demo/generate.js";
import { installDemo } from "../src/demo/load.js";
import { silentLogger } from "../src/log.js";
import { renderSlack } from "../src/reply/render-slack.js";
import type { Db } from "../src/store/db.js";
import { bulkAccounts } from "../test/commands/bulk.js";
import { type BenchRow, deadlineRow, percentile } from "./harness.js";
import { benchStores } from "./stores.js";

const ROUNDS = Number(process.env.BENCH_COMMAND_ROUNDS ?? 5);
const BIG = Number(process.env.BENCH_ACCOUNTS ?? 10_000);
/** The demo book's day (fixed, so every run measures the same book). */
export const BENCH_DEMO_TODAY = "2026-11-23";

/** Each role's mix: what that person asks in a day (reads mostly, a few writes). */
export const ROLE_MIX: Record<string, { handle: string; commands: string[] }> = {
  admin: {
    handle: "sam.rivera",
    commands: ["renewals 120", "risk", "metrics year", "northwind", "云帆", "brief kestrel", "help"],
  },
  manager: {
    handle: "morgan.lee",
    commands: ["risk team", "renewals quarter team", "metrics team year", "brief northwind", "summit", "mine"],
  },
  csm: {
    handle: "alice.chen",
    commands: [
      "mine",
      "northwind",
      "brief northwind",
      "health northwind",
      "renewals 90",
      "log northwind call quick check-in",
      "snooze northwind 7",
      "plan northwind visit 2026-12-01",
      "risk",
      "nrthwind",
    ],
  },
  "csm (zh-CN)": {
    handle: "li.na",
    commands: ["我的", "云帆", "简报 云帆", "健康 云帆", "续约 90", "风险", "记录 云帆 拜访 谈了续约"],
  },
  viewer: { handle: "victor.hale", commands: ["risk team", "renewals 90 team", "northwind", "brief summit", "help"] },
};

export async function measure(ctx: AppContext): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>();
  for (let r = 0; r < ROUNDS; r++)
    for (const [role, { handle, commands }] of Object.entries(ROLE_MIX))
      for (const text of commands) {
        const t0 = performance.now();
        const reply = await handleCommand(ctx, { identity: { surface: "slack", email: demoEmail(handle) }, text });
        renderSlack(reply);
        const list = times.get(role) ?? [];
        list.push(performance.now() - t0);
        times.set(role, list);
        if (reply.error === "internal" || reply.error === "unknown_user") throw new Error(`${role}: ${text} failed`);
      }
  for (const list of times.values()) list.sort((a, b) => a - b);
  return times;
}

export function rows(store: string, book: string, times: Map<string, number[]>): BenchRow[] {
  const row = (figure: string, value: number) => deadlineRow("commands", store, figure, value, "< 3000 ms");
  const all = [...times.values()].flat().sort((a, b) => a - b);
  return [
    row(`p50 command latency, ${book}, all roles`, percentile(all, 50)),
    row(`p99 command latency, ${book}, all roles`, percentile(all, 99)),
    ...[...times].map(([role, list]) => row(`p99 command latency, ${book}, ${role}`, percentile(list, 99))),
  ];
}

export async function run(): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  for (const s of await benchStores()) {
    const db: Db = await s.open();
    try {
      const ctx: AppContext = {
        config: parseConfig({ TEND_DEMO: "off", TEND_SCHEDULER: "off" }),
        log: silentLogger,
        db,
        now: () => new Date(`${BENCH_DEMO_TODAY}T09:00:00Z`),
      };
      const demo = await installDemo(ctx, { today: BENCH_DEMO_TODAY });
      if (!demo.loaded) throw new Error("the bench store was not empty");
      const book = `demo book (${demo.counts.accounts} accounts)`;
      await measure(ctx); // warm-up
      out.push(...rows(s.name, book, await measure(ctx)));
      // 10k more accounts in the Americas team, owned by its CSMs: lists and name lookups grow.
      const americas = await db.prisma.member.findMany({
        where: { email: { in: [demoEmail("alice.chen"), demoEmail("ben.carter")] } },
        select: { id: true, teamId: true },
      });
      await bulkAccounts(db, {
        n: BIG,
        today: BENCH_DEMO_TODAY,
        teamId: americas[0]?.teamId as string,
        ownerIds: americas.map((m) => m.id),
        prefix: "Scale",
      });
      out.push(...rows(s.name, `demo book + ${BIG.toLocaleString("en")} accounts`, await measure(ctx)));
    } finally {
      await db.close();
      await s.drop();
    }
  }
  return out;
}
