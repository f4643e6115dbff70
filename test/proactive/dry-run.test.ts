import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveProactiveConfig } from "../../src/config/proactive.js";
import type { AppContext } from "../../src/context.js";
import { JOBS } from "../../src/jobs/jobs.js";
import { runJob } from "../../src/jobs/run.js";
import { morning } from "../../src/playground/api.js";
import type { Db } from "../../src/store/db.js";
import { stripData } from "../../src/text/user-data.js";
import { webApiSender } from "../delivery/chat-stand-in.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";
import { at, DAY, seed } from "./crafted.js";

// Planning is reading: a dry run of any job (and the playground's morning preview, which is one)
// leaves every table as it was. An audit row means a person read something, so a brief is
// recorded as read only when it is enqueued for its reader.

/** Every table's rows, as one fingerprint per table: any insert, update or delete changes it. */
async function snapshot(db: Db): Promise<Record<string, string>> {
  const { rows: tables } = await db.pool.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const { rows } = await db.pool.query<{ n: number; sum: string | null }>(
      `SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS sum FROM "${name}" t`,
    );
    out[name] = `${rows[0]?.n}:${rows[0]?.sum ?? ""}`;
  }
  return out;
}

describe.each(STORE_KINDS)("dry runs write nothing on %s", (kind) => {
  let db: Db;
  let ids: Awaited<ReturnType<typeof seed>>;
  const config = resolveProactiveConfig();
  const ctx = (): AppContext => testContext(db, { now: at(DAY) });
  beforeAll(async () => {
    db = await testDb(kind);
    ids = await seed(db);
    // A visit today, so the briefs job has a full brief to plan.
    await db.prisma.interaction.create({
      data: { accountId: ids.acme.id, kind: "visit", scheduled: true, occurredAt: at(DAY, 14), contactName: "Dana" },
    });
  });
  afterAll(() => db.close());

  it.each([...JOBS])("tend run %s --dry-run leaves every table as it was", async (job) => {
    const before = await snapshot(db);
    const report = await runJob(ctx(), job, { day: DAY, config, dryRun: true });
    if (job === "briefs") expect(report.plan?.messages.map((m) => m.kind)).toEqual(["brief"]);
    if (job === "nudges") expect(report.plan?.messages.length).toBeGreaterThan(0);
    expect(await snapshot(db)).toEqual(before);
  });

  it("the playground's morning preview, full brief included, leaves every table as it was", async () => {
    const before = await snapshot(db);
    const preview = await morning(ctx(), config, "alice@t.test");
    const brief = preview?.messages.find((m) => m.kind === "brief");
    expect(stripData(JSON.stringify(brief?.reply))).toContain("Acme: a visit today with Dana");
    expect(await snapshot(db)).toEqual(before);
  });

  it("a brief enqueued for its reader is recorded as read by them, once", async () => {
    const reads = () =>
      db.prisma.auditLog.findMany({ where: { action: "brief.read" }, select: { memberId: true, accountId: true } });
    expect(await reads()).toEqual([]);
    const senders = [webApiSender("http://127.0.0.1:9/api/")];
    const first = await runJob(ctx(), "briefs", { day: DAY, config, senders });
    expect(first.enqueued).toBe(1);
    expect(await reads()).toEqual([{ memberId: ids.alice.id, accountId: ids.acme.id }]);
    // Planned again the same day: already in the outbox, so nothing new is read.
    expect((await runJob(ctx(), "briefs", { day: DAY, config, senders })).enqueued).toBe(0);
    expect(await reads()).toHaveLength(1);
  });
});
