// Command latency: p50/p99 of a realistic command mix through handleCommand (parse, identify,
// authorize, query, build the reply, render Block Kit), on a small book and on 10k accounts.
// Reference: Slack wants slash commands acknowledged within 3 s.
import { handleCommand } from "../src/commands/index.js";
import { parseConfig } from "../src/config/env.js";
import type { AppContext } from "../src/context.js";
import { silentLogger } from "../src/log.js";
import { renderSlack } from "../src/reply/render-slack.js";
import type { Db } from "../src/store/db.js";
import { PEOPLE, seedBook, TODAY } from "../test/commands/book.js";
import { bulkAccounts } from "../test/commands/bulk.js";
import { type BenchRow, percentile } from "./harness.js";
import { benchStores } from "./stores.js";

const SLACK_DEADLINE_MS = 3000;
const ROUNDS = Number(process.env.BENCH_COMMAND_ROUNDS ?? 5);
const BIG = Number(process.env.BENCH_ACCOUNTS ?? 10_000);

const MIX: [string, string][] = [
  [PEOPLE.csm, "acme corp"],
  [PEOPLE.csm, "brief acme corp"],
  [PEOPLE.csm, "health acme"],
  [PEOPLE.csm, "mine"],
  [PEOPLE.csm, "renewals 90"],
  [PEOPLE.csm, "log acme corp call quick check-in"],
  [PEOPLE.csm, "snooze globex 7"],
  [PEOPLE.manager, "risk"],
  [PEOPLE.manager, "renewals quarter team"],
  [PEOPLE.manager, "metrics team year"],
  [PEOPLE.admin, "renewals 120"],
  [PEOPLE.admin, "xingchen"],
  [PEOPLE.admin, "bulk account 42"],
  [PEOPLE.zhCsm, "简报 星辰"],
  [PEOPLE.viewer, "help"],
];

async function measure(ctx: AppContext): Promise<number[]> {
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++)
    for (const [email, text] of MIX) {
      const t0 = performance.now();
      const reply = await handleCommand(ctx, { identity: { surface: "slack", email }, text });
      renderSlack(reply);
      times.push(performance.now() - t0);
      if (reply.error === "internal") throw new Error(`${text} failed`);
    }
  return times.sort((a, b) => a - b);
}

function rows(store: string, book: string, times: number[]): BenchRow[] {
  const base = { label: "Slack 3 s deadline", value: SLACK_DEADLINE_MS };
  return [
    {
      bench: "commands",
      store,
      figure: `p50 command latency, ${book}`,
      value: percentile(times, 50),
      unit: "ms",
      baseline: base,
      better: "lower",
      target: "< 3000 ms",
    },
    {
      bench: "commands",
      store,
      figure: `p99 command latency, ${book}`,
      value: percentile(times, 99),
      unit: "ms",
      baseline: base,
      better: "lower",
      target: "< 3000 ms",
    },
  ];
}

export async function run(): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  for (const s of await benchStores()) {
    const db: Db = await s.open();
    try {
      const book = await seedBook(db);
      const ctx: AppContext = {
        config: parseConfig({ TEND_DEMO: "off", TEND_SCHEDULER: "off" }),
        log: silentLogger,
        db,
        now: () => new Date(`${TODAY}T15:00:00Z`),
      };
      await bulkAccounts(db, {
        n: 200,
        today: TODAY,
        teamId: book.teams.east.id,
        ownerIds: [book.members.cara.id, book.members.carl.id],
      });
      await measure(ctx); // warm-up
      out.push(...rows(s.name, "small book (204 accounts)", await measure(ctx)));
      await bulkAccounts(db, {
        n: BIG,
        today: TODAY,
        teamId: book.teams.east.id,
        ownerIds: [book.members.cara.id, book.members.carl.id],
        prefix: "Scale",
      });
      out.push(...rows(s.name, `${BIG.toLocaleString("en")} more accounts`, await measure(ctx)));
    } finally {
      await db.close();
      await s.drop();
    }
  }
  return out;
}
