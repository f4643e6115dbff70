import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resolveProactiveConfig } from "../../src/config/proactive.js";
import type { AppContext } from "../../src/context.js";
import { listOutbox } from "../../src/delivery/outbox.js";
import { runJob } from "../../src/jobs/run.js";
import { createChatSender } from "../../src/slack/sender.js";
import type { Db } from "../../src/store/db.js";
import { type SlackApiStandIn, startSlackApiStandIn } from "../slack/api-stand-in.js";
import { drainAt } from "../support/attachments.js";
import { isPng } from "../support/png.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";
import { at, DAY, seed } from "./crafted.js";

// Proactive messages with pictures: the visit-prep brief carries the account's 90-day trend, the
// manager's weekly summary the team's accounts by grade a week ago and now. Planning (and a dry
// run) writes nothing; a message is queued once, and its picture is uploaded once even when the
// first upload fails.

describe.each(STORE_KINDS)("pictures on proactive messages (%s)", (kind) => {
  let db: Db;
  let ids: Awaited<ReturnType<typeof seed>>;
  let api: SlackApiStandIn;
  const config = resolveProactiveConfig();
  const ctxAt = (now: Date, env: Record<string, string> = {}): AppContext => testContext(db, { now, env });
  beforeAll(async () => {
    db = await testDb(kind);
    ids = await seed(db);
    api = await startSlackApiStandIn();
    await db.prisma.interaction.create({
      data: { accountId: ids.acme.id, kind: "visit", scheduled: true, occurredAt: at(DAY, 14), contactName: "Dana" },
    });
  });
  afterAll(async () => {
    await api.close();
    await db.close();
  });
  beforeEach(async () => {
    await db.pool.query(`DELETE FROM "Outbox"; DELETE FROM "NudgeState"`);
    api.calls.length = 0;
    api.files.clear();
    api.failUploads = 0;
  });

  it("the visit-prep brief carries the account's 90-day health and usage trend; a dry run queues nothing", async () => {
    const r = await runJob(ctxAt(at(DAY)), "briefs", { day: DAY, config, dryRun: true });
    const [chart] = r.plan!.messages[0]!.reply.attachments ?? [];
    expect(chart).toMatchObject({ kind: "chart", name: "health-usage-90-days", title: "Last 90 days" });
    expect(chart?.kind === "chart" && chart.chart.type).toBe("account-trend");
    expect(chart?.kind === "chart" && chart.alt).toMatch(/^Health score \d+ to \d+ over 90 days/);
    expect(await listOutbox(db)).toEqual([]);
  });

  it("the weekly summary carries the team's grades a week ago and now, in the manager's language", async () => {
    const r = await runJob(ctxAt(at(DAY)), "weekly", { day: DAY, config, dryRun: true });
    const [chart] = r.plan!.messages[0]!.reply.attachments ?? [];
    expect(chart).toMatchObject({ kind: "chart", name: "team-health", title: "客户健康分布" });
    if (chart?.kind !== "chart" || chart.chart.type !== "health-distribution") throw new Error("no distribution");
    const total = (g: object) => (Object.values(g) as number[]).reduce((a, b) => a + b, 0);
    expect(total(chart.chart.now)).toBeGreaterThan(0);
    expect(chart.alt).toMatch(/^一周前：绿 \d+、黄 \d+、红 \d+、新 \d+。现在：/);
    expect(await listOutbox(db)).toEqual([]);
  });

  it("the weekly summary's picture reaches Slack once: a failed upload is retried, a second run queues nothing", async () => {
    const env = { SLACK_BOT_TOKEN: "xoxb-test", SLACK_SIGNING_SECRET: "s", SLACK_API_URL: api.url };
    const ctx = ctxAt(at(DAY), env);
    const sender = createChatSender(ctx);
    expect((await runJob(ctx, "weekly", { day: DAY, config, senders: [sender] })).enqueued).toBe(1);
    api.failUploads = 1;
    expect(await drainAt(db, sender, at(DAY))).toMatchObject({ sent: 0, retried: 1 });
    expect((await runJob(ctx, "weekly", { day: DAY, config, senders: [sender] })).enqueued).toBe(0);
    const later = (min: number) => new Date(at(DAY).getTime() + min * 60_000);
    expect(await drainAt(db, sender, later(1))).toMatchObject({ sent: 1 });
    expect(await drainAt(db, sender, later(60))).toMatchObject({ claimed: 0 });
    // The failed upload's URL is abandoned (as on Slack); the picture's bytes arrive once, shared once.
    const files = [...api.files.values()].filter((f) => f.uploads > 0);
    expect(files.map((f) => [f.filename, f.uploads])).toEqual([["team-health.png", 1]]);
    expect(isPng(files[0]!.bytes as Buffer)).toBe(true);
    expect(api.of("chat.postMessage").map((c) => c.body.channel)).toEqual(["U_BOB"]);
    expect(files[0]!.shares).toHaveLength(1);
  });
});
