import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadChatSenders } from "../../src/chat-senders.js";
import { runCli } from "../../src/cli/main.js";
import { PROACTIVE_DEFAULTS } from "../../src/config/proactive.js";
import { listOutbox } from "../../src/delivery/outbox.js";
import { HttpApp } from "../../src/http/server.js";
import { hourlyTick, schedulerPart } from "../../src/jobs/scheduler.js";
import { silentLogger } from "../../src/log.js";
import type { Db } from "../../src/store/db.js";
import { webApiSender } from "../delivery/chat-stand-in.js";
import { testContext, testDb } from "../support/store.js";
import { at, DAY, seed } from "./crafted.js";

const mountScheduler = schedulerPart(loadChatSenders);

describe("scheduler", () => {
  let db: Db;
  let ids: Awaited<ReturnType<typeof seed>>;
  const senders = [webApiSender("http://127.0.0.1:9/api/")];
  beforeAll(async () => {
    db = await testDb();
    ids = await seed(db);
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await db.pool.query(`DELETE FROM "Outbox"; DELETE FROM "NudgeState"`);
  });

  it("the hourly tick sends each member's nudges and the team digest at their local morning hour only", async () => {
    const early = await hourlyTick(testContext(db, { now: at(DAY, 7, 5) }), at(DAY, 7, 5), PROACTIVE_DEFAULTS, senders);
    expect(early.reduce((s, r) => s + (r.enqueued ?? 0), 0)).toBe(0);
    const ctx = testContext(db, { now: at(DAY, 8, 5) });
    await hourlyTick(ctx, at(DAY, 8, 5), PROACTIVE_DEFAULTS, senders);
    const rows = await listOutbox(db);
    // 2026-11-23 is a Monday: the manager's weekly summary goes too.
    expect(rows.map((r) => `${r.kind}:${r.recipient}`).sort()).toEqual([
      "digest:C_EAST",
      "nudges:U_ALICE",
      "nudges:U_CAROL",
      "weekly:U_BOB",
    ]);
    // The same fire again (another replica that slipped past the coordinator) adds nothing.
    await hourlyTick(ctx, at(DAY, 8, 5), PROACTIVE_DEFAULTS, senders);
    expect(await listOutbox(db)).toHaveLength(4);
  });

  it("a later tick catches up on a missed morning tick, and adds nothing after a successful one", async () => {
    const nine = at(DAY, 9, 5);
    await hourlyTick(testContext(db, { now: nine }), nine, PROACTIVE_DEFAULTS, senders); // 08:05 never ran
    const caught = await listOutbox(db);
    expect(caught.map((r) => r.recipient).sort()).toEqual(["C_EAST", "U_ALICE", "U_BOB", "U_CAROL"]);
    const ten = at(DAY, 10, 5);
    await hourlyTick(testContext(db, { now: ten }), ten, PROACTIVE_DEFAULTS, senders);
    expect(await listOutbox(db)).toHaveLength(4);
    const noon = at(DAY, 12, 5); // past the catch-up window: nothing for today any more
    const late = await hourlyTick(testContext(db, { now: noon }), noon, PROACTIVE_DEFAULTS, senders);
    expect(late.every((r) => (r.plan?.messages.length ?? 0) === 0)).toBe(true);
  });

  it("follows the member's own time zone", async () => {
    await db.prisma.member.update({ where: { id: ids.alice.id }, data: { timezone: "Asia/Shanghai" } });
    try {
      // 08:05 in Shanghai is 00:05 UTC: Alice's nudges, nobody else's.
      await hourlyTick(testContext(db, { now: at(DAY, 0, 5) }), at(DAY, 0, 5), PROACTIVE_DEFAULTS, senders);
      expect((await listOutbox(db)).map((r) => r.recipient)).toEqual(["U_ALICE"]);
    } finally {
      await db.prisma.member.update({ where: { id: ids.alice.id }, data: { timezone: null } });
    }
  });

  it("mounts as a part only when the scheduler is on, and stops cleanly", async () => {
    const off = await mountScheduler(testContext(db), new HttpApp(silentLogger));
    expect(off).toBeUndefined();
    const part = await mountScheduler(testContext(db, { env: { TEND_SCHEDULER: "on" } }), new HttpApp(silentLogger));
    expect(part?.name).toBe("scheduler");
    await part?.start?.();
    await part?.stop?.();
  });

  it("tend outbox shows failed deliveries with the reason", async () => {
    await db.pool.query(
      `INSERT INTO "Outbox" (id, "idempotencyKey", kind, platform, recipient, payload, status, "lastError", "updatedAt")
       VALUES ('o1', 'k1', 'digest', 'slack', 'C_GONE', '{"summary":"East digest","blocks":[]}', 'failed', 'channel_not_found', now())`,
    );
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
    expect(await runCli(["outbox", "--status", "failed"], io, { ctx: testContext(db) })).toBe(0);
    const text = out.join("\n");
    expect(text).toContain("1 failed");
    expect(text).toContain("slack:C_GONE");
    expect(text).toContain("last error: channel_not_found");
    expect(await runCli(["outbox", "--retry-failed"], io, { ctx: testContext(db) })).toBe(0);
    expect((await listOutbox(db, { status: "pending" })).map((r) => r.id)).toEqual(["o1"]);
  });
});
