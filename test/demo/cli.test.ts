import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type { Db } from "../../src/store/db.js";
import { DEMO_STORIES, DEMO_TODAY, demoContext } from "../support/demo.js";
import { STORE_KINDS, testDb } from "../support/store.js";

// Loading ~300 accounts with 120 days of usage takes seconds, more on a busy 2-CPU CI machine.
describe.each(STORE_KINDS)("tend demo (%s)", { timeout: 180_000 }, (kind) => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  const tend = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { ctx: demoContext(db) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };
  const accounts = async () =>
    (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Account"`)).rows[0]!.n;

  it("fills an empty store and says what it loaded", async () => {
    const r = await tend("demo", "--date", DEMO_TODAY);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/loaded demo book for 2026-11-23: \d{3} accounts \(\d+ churned\), 17 members in 3 teams/);
    expect(r.out).toContain(DEMO_STORIES.championLeft);
    expect(await accounts()).toBeGreaterThanOrEqual(280);
  });

  it("refuses a store that is not empty and changes nothing", async () => {
    const before = await accounts();
    const r = await tend("demo");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/not empty \(\d+ accounts, 17 members, 3 teams\): nothing loaded/);
    expect(r.err).toContain("--force");
    expect(await accounts()).toBe(before);
  });

  it("--force replaces what the store holds with the demo book", async () => {
    const before = await accounts();
    await db.prisma.account.create({ data: { name: "Not In The Demo Ltd" } });
    await db.prisma.member.update({ where: { email: "alice.chen@demo.tend" }, data: { name: "Renamed" } });
    const r = await tend("demo", "--force", "--date", DEMO_TODAY);
    expect(r.code).toBe(0);
    expect(await accounts()).toBe(before);
    expect(await db.prisma.account.count({ where: { name: "Not In The Demo Ltd" } })).toBe(0);
    expect((await db.prisma.member.findUnique({ where: { email: "alice.chen@demo.tend" } }))?.name).toBe("Alice Chen");
  });

  it("rejects a bad date or an unknown option without touching the store", async () => {
    expect((await tend("demo", "--date", "23/11/2026")).code).toBe(2);
    expect((await tend("demo", "--forse")).err).toContain('unknown argument "--forse"');
  });
});
