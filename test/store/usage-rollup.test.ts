import { afterEach, describe, expect, it } from "vitest";
import { addDays } from "../../src/domain/dates.js";
import { recompute } from "../../src/health/recompute.js";
import { runJob } from "../../src/jobs/run.js";
import type { Db } from "../../src/store/db.js";
import { type UsageRow, upsertUsage } from "../../src/store/repos/usage.js";
import { mondayOf, rollupCutoff, usageWeeksOf } from "../../src/store/repos/usage-rollup.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";

// Usage retention: daily rows older than TEND_USAGE_DAILY_DAYS become weekly rows, and the health
// scores (which read the last 56 days) come out exactly the same after the roll-up.

const DAY = "2026-11-23"; // a Monday
const KEEP = 90;

/** Three accounts with 300 days of varied daily usage: a weekly rhythm, one fading, one growing. */
async function seed(db: Db): Promise<string[]> {
  const ids: string[] = [];
  for (const [name, tier] of [
    ["Acme", "key"],
    ["Globex", "standard"],
    ["Initech", "strategic"],
  ] as const) {
    const a = await db.prisma.account.create({
      data: { name, tier, seats: 120, goLiveDate: new Date(`${addDays(DAY, -500)}T00:00:00Z`) },
    });
    ids.push(a.id);
  }
  const rows: UsageRow[] = [];
  for (let i = 0; i < 300; i++) {
    const day = addDays(DAY, -i);
    const weekend = [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());
    ids.forEach((accountId, k) => {
      const level = k === 0 ? 80 : k === 1 ? (i < 28 ? 30 : 70) : 20 + Math.floor((300 - i) / 6);
      rows.push({
        accountId,
        day,
        activeUsers: weekend ? Math.floor(level / 4) : level + ((i * 7 + k) % 9),
        activatedUsers: 90 + k,
        seats: 120,
        logins: i + k,
        coreFeaturesUsed: 3 + ((i + k) % 4),
        coreFeaturesTotal: 8,
      });
    });
  }
  await upsertUsage(db, rows);
  return ids;
}

const scoresOf = async (db: Db, day: string) =>
  (
    await db.pool.query(
      `SELECT "accountId", score, grade, state, "usageLevel", "valueLevel", components, reasons
         FROM "HealthScore" WHERE day = $1::date ORDER BY "accountId"`,
      [day],
    )
  ).rows;

describe.each(STORE_KINDS)("usage roll-up (%s)", (kind) => {
  let db: Db | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it("cuts at whole weeks", () => {
    expect(mondayOf("2026-11-23")).toBe("2026-11-23");
    expect(mondayOf("2026-11-29")).toBe("2026-11-23");
    expect(rollupCutoff(DAY, KEEP)).toBe(mondayOf(addDays(DAY, -KEEP)));
  });

  it("rolls old daily rows into weeks, leaves the scores unchanged, and a dry run writes nothing", async () => {
    db = await testDb(kind);
    const ctx = testContext(db, { now: new Date(`${DAY}T03:00:00Z`), env: { TEND_USAGE_DAILY_DAYS: String(KEEP) } });
    const ids = await seed(db);
    await recompute(ctx, DAY);
    const before = await scoresOf(db, DAY);
    expect(before).toHaveLength(3);
    const count = async (sql: string) => Number((await db!.pool.query(sql)).rows[0].n);

    const dry = await runJob(ctx, "rollup", { day: DAY, dryRun: true });
    const cutoff = rollupCutoff(DAY, KEEP);
    expect(dry.note).toContain(`before ${cutoff}`);
    expect(await count(`SELECT count(*) AS n FROM "UsageSnapshot"`)).toBe(900);
    expect(await count(`SELECT count(*) AS n FROM "UsageWeek"`)).toBe(0);

    const done = await runJob(ctx, "rollup", { day: DAY });
    // Seeded days are DAY - 0 .. DAY - 299; those before the cut-off (DAY - gap) roll up.
    const old = 299 - (new Date(`${DAY}T00:00:00Z`).getTime() - new Date(`${cutoff}T00:00:00Z`).getTime()) / 86_400_000;
    expect(done.note).toContain(`rolled ${old * 3} daily usage rows`);
    expect(await count(`SELECT count(*) AS n FROM "UsageSnapshot" WHERE day < '${cutoff}'`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM "UsageSnapshot"`)).toBe(900 - old * 3);

    // The weeks hold what the days held: days, averages and peaks per account-week.
    const weeks = await usageWeeksOf(db, ids[0]!);
    expect(weeks.reduce((s, w) => s + w.days, 0)).toBe(old);
    expect(weeks.every((w) => w.weekStart === mondayOf(w.weekStart) && w.weekStart < cutoff)).toBe(true);
    const last = weeks.at(-1)!;
    // Recomputed from the same (seeded) figures: the last rolled week of Acme.
    const expected: number[] = [];
    for (let i = 0; i < 7; i++) {
      const day = addDays(last.weekStart, i);
      const back = (new Date(`${DAY}T00:00:00Z`).getTime() - new Date(`${day}T00:00:00Z`).getTime()) / 86_400_000;
      const weekend = [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());
      expected.push(weekend ? 20 : 80 + ((back * 7) % 9));
    }
    expect(last.days).toBe(7);
    expect(last.activeUsersAvg).toBeCloseTo(expected.reduce((s, x) => s + x, 0) / 7, 6);
    expect(last.activeUsersMax).toBe(Math.max(...expected));

    await recompute(ctx, DAY);
    expect(await scoresOf(db, DAY)).toEqual(before);

    // Running it again changes nothing; a late row for a rolled week merges into that week.
    await runJob(ctx, "rollup", { day: DAY });
    expect(await usageWeeksOf(db, ids[0]!)).toEqual(weeks);
    const first = weeks[0]!;
    await db.pool.query(`DELETE FROM "UsageWeek" WHERE "accountId" = $1 AND "weekStart" = $2::date`, [
      ids[0],
      first.weekStart,
    ]);
    await upsertUsage(db, [
      {
        accountId: ids[0]!,
        day: first.weekStart,
        activeUsers: 500,
        activatedUsers: 90,
        seats: 120,
        logins: 1,
        coreFeaturesUsed: 3,
        coreFeaturesTotal: 8,
      },
    ]);
    await db.pool.query(
      `INSERT INTO "UsageWeek" ("accountId", "weekStart", days, "activeUsersSum", "activeUsersMax", "activatedUsers", seats, logins, "coreFeaturesUsed", "coreFeaturesTotal")
       VALUES ($1, $2::date, 2, 100, 60, 90, 120, 0, 3, 8)`,
      [ids[0], first.weekStart],
    );
    await runJob(ctx, "rollup", { day: DAY });
    const merged = (await usageWeeksOf(db, ids[0]!))[0]!;
    expect(merged).toMatchObject({ weekStart: first.weekStart, days: 3, activeUsersMax: 500 });
    expect(merged.activeUsersAvg).toBeCloseTo(200, 6);
  });
});
