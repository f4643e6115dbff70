import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type { Db } from "../../src/store/db.js";
import { getCheckpoint, quarantine, saveCheckpoint } from "../../src/store/repos/sync.js";
import { runSync, SyncBusy, syncStatus } from "../../src/sync/run.js";
import { emptyCounts, emptyReport, type SyncSource } from "../../src/sync/types.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";

/** A source built in the test: it waits on `gate` so a second run can try to start meanwhile. */
function source(behaviour: { gate?: Promise<void>; fail?: string }): SyncSource & { runs: number } {
  const s = {
    name: "fake",
    runs: 0,
    configured: () => true,
    async run(ctx: Parameters<SyncSource["run"]>[0], opts: Parameters<SyncSource["run"]>[1]) {
      s.runs++;
      await behaviour.gate;
      if (behaviour.fail) throw new Error(behaviour.fail);
      const r = emptyReport("fake", opts);
      r.objects.things = { ...emptyCounts(), fetched: 3, created: 3 };
      await saveCheckpoint(ctx.db, "fake", "things", ctx.now(), { cursor: "2026-11-23T08:00:00.000Z", success: true });
      return r;
    },
    status: async () => ["api calls today: 12 of 15000"],
  };
  return s;
}

describe.each(STORE_KINDS)("sync framework (%s)", (kind) => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb(kind);
  });
  afterAll(() => db.close());

  it("one run of a source at a time: a second start is refused while the first holds the lease", async () => {
    const ctx = testContext(db);
    let open!: () => void;
    const slow = source({ gate: new Promise<void>((r) => (open = r)) });
    const first = runSync(ctx, slow, { dryRun: false, full: false });
    await expect.poll(() => slow.runs).toBe(1);
    await expect(runSync(ctx, slow, { dryRun: false, full: false })).rejects.toBeInstanceOf(SyncBusy);
    expect(slow.runs).toBe(1);
    open();
    const report = await first;
    expect(report.objects.things?.created).toBe(3);
    // Released: the next run goes.
    await runSync(ctx, slow, { dryRun: false, full: false });
    expect(slow.runs).toBe(2);
  });

  it("a failed run keeps the object checkpoints, records its error, and the status shows it with the quarantine", async () => {
    const ctx = testContext(db);
    await runSync(ctx, source({}), { dryRun: false, full: false });
    await expect(runSync(ctx, source({ fail: "HubSpot said 401" }), { dryRun: false, full: false })).rejects.toThrow(
      "401",
    );
    expect((await getCheckpoint(db, "fake", "things"))?.cursor).toBe("2026-11-23T08:00:00.000Z");
    await quarantine(
      db,
      [{ source: "fake", object: "things", externalId: "T-9", reason: 'arr: not a number ("lots")', payload: {} }],
      ctx.now(),
    );
    const lines = await syncStatus(ctx, [source({})]);
    expect(lines.join("\n")).toContain("last error: HubSpot said 401");
    expect(lines.join("\n")).toContain("up to 2026-11-23T08:00:00.000Z");
    expect(lines.join("\n")).toContain('things T-9: arr: not a number ("lots")');
    expect(lines.join("\n")).toContain("api calls today: 12 of 15000");
  });

  it("tend sync names the sources it knows and refuses one it does not", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    expect(await runCli(["sync", "nosuch"], io, { ctx: testContext(db) })).toBe(2);
    expect(err.join("\n")).toContain('unknown source "nosuch"');
    expect(await runCli(["sync", "status"], io, { ctx: testContext(db) })).toBe(0);
  });
});
