import { afterEach, describe, expect, it } from "vitest";
import { importRows } from "../../src/import/run.js";
import { csvSource } from "../../src/import/source.js";
import type { Db } from "../../src/store/db.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";

// Usage imports on PostgreSQL go in through COPY; a batch meeting days already stored falls back to
// the upsert. Either way the store ends up with the file's rows and the report counts them right.

const HEADER = "account_external_id,day,active_users,activated_users,seats\n";
const csv = (lines: string[]) => csvSource([HEADER + lines.join("\n")]);

const stored = async (db: Db) =>
  (
    await db.pool.query<{ day: string; a: number }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, "activeUsers" AS a FROM "UsageSnapshot" ORDER BY day`,
    )
  ).rows;

describe.each(STORE_KINDS)("usage import writes (%s)", (kind) => {
  let db: Db | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it("loads new days, then counts a file mixing new, changed and unchanged days", async () => {
    db = await testDb(kind);
    const ctx = testContext(db);
    await db.prisma.account.create({ data: { name: "Acme", externalId: "A-1" } });
    const first = await importRows(ctx, "usage", await csv(["A-1,2026-11-01,5,9,10", "A-1,2026-11-02,6,9,10"]));
    expect(first).toMatchObject({ ok: true, created: 2, updated: 0, unchanged: 0 });

    const second = await importRows(
      ctx,
      "usage",
      await csv(["A-1,2026-11-01,5,9,10", "A-1,2026-11-02,7,9,10", "A-1,2026-11-03,8,9,10"]),
    );
    expect(second).toMatchObject({ ok: true, created: 1, updated: 1, unchanged: 1 });
    expect(await stored(db)).toEqual([
      { day: "2026-11-01", a: 5 },
      { day: "2026-11-02", a: 7 },
      { day: "2026-11-03", a: 8 },
    ]);
  });

  it("a file refused for one bad row writes none of its rows", async () => {
    db = await testDb(kind);
    const ctx = testContext(db);
    await db.prisma.account.create({ data: { name: "Acme", externalId: "A-1" } });
    const r = await importRows(ctx, "usage", await csv(["A-1,2026-11-01,5,9,10", "A-2,2026-11-02,6,9,10"]));
    expect(r.ok).toBe(false);
    expect(await stored(db)).toEqual([]);
  });
});
