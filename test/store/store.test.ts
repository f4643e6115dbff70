import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/store/db.js";
import { upsertUsage } from "../../src/store/repos/usage.js";
import { STORE_KINDS, testDb } from "../support/store.js";

describe.each(STORE_KINDS)("account store on %s", (kind) => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb(kind);
  });
  afterAll(async () => db?.close());

  it("is migrated, and migrating again applies nothing", async () => {
    expect(await db.pending()).toEqual([]);
    expect(await db.migrate()).toEqual([]);
    const rows = await db.pool.query(`SELECT migration_name FROM _prisma_migrations`);
    expect(rows.rowCount).toBeGreaterThan(0);
  });

  it("keeps accounts with owners, teams and aliases, including Chinese names", async () => {
    const team = await db.prisma.team.create({
      data: { name: "华东团队", locale: "zh-CN", timezone: "Asia/Shanghai" },
    });
    const csm = await db.prisma.member.create({ data: { email: "li.na@example.com", name: "李娜", teamId: team.id } });
    const acct = await db.prisma.account.create({
      data: {
        name: "上海星辰科技",
        aliases: ["Xingchen", "星辰"],
        tier: "strategic",
        ownerId: csm.id,
        teamId: team.id,
        arr: "120000.50",
        currency: "CNY",
        renewalDate: new Date("2027-03-31"),
      },
    });
    const back = await db.prisma.account.findUniqueOrThrow({
      where: { id: acct.id },
      include: { owner: true, team: true },
    });
    expect(back.aliases).toEqual(["Xingchen", "星辰"]);
    expect(back.owner?.name).toBe("李娜");
    expect(back.arr.toString()).toBe("120000.5");
    expect(back.renewalDate?.toISOString().slice(0, 10)).toBe("2027-03-31");
  });

  it("bulk-loads usage snapshots, one per account and day, and a re-sent day replaces it", async () => {
    const acct = await db.prisma.account.create({ data: { name: "Acme Corp" } });
    const rows = Array.from({ length: 90 }, (_, i) => ({
      accountId: acct.id,
      day: new Date(Date.UTC(2026, 7, 1 + i)).toISOString().slice(0, 10),
      activeUsers: 10 + i,
      activatedUsers: 40,
      seats: 50,
      logins: 100,
      coreFeaturesUsed: 3,
      coreFeaturesTotal: 8,
    }));
    expect(await upsertUsage(db, rows)).toBe(90);
    expect(await upsertUsage(db, [{ ...rows[0]!, activeUsers: 7 }])).toBe(1);
    expect(await db.prisma.usageSnapshot.count({ where: { accountId: acct.id } })).toBe(90);
    const first = await db.prisma.usageSnapshot.findFirstOrThrow({
      where: { accountId: acct.id },
      orderBy: { day: "asc" },
    });
    expect(first.activeUsers).toBe(7);
  });

  it("refuses a second usage snapshot for the same account and day through Prisma too", async () => {
    const acct = await db.prisma.account.create({ data: { name: "Globex" } });
    const data = { accountId: acct.id, day: new Date("2026-10-01"), activeUsers: 1, activatedUsers: 1, seats: 1 };
    await db.prisma.usageSnapshot.create({ data });
    await expect(db.prisma.usageSnapshot.create({ data })).rejects.toThrow();
  });

  it("a statement the store refuses costs nothing to the queries after it", async () => {
    // One person's refused input (here a division by zero) must not fail the next person's command.
    for (let round = 0; round < 3; round++) {
      await expect(db.pool.query("SELECT 1/0")).rejects.toThrow(/division by zero/);
      expect((await db.pool.query("SELECT 2 AS x")).rows).toEqual([{ x: 2 }]);
      await expect(db.prisma.account.count()).resolves.toBeTypeOf("number");
    }
  });
});
