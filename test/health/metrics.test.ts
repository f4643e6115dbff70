import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../src/domain/dates.js";
import {
  expectedLifetime,
  type MetricsAccount,
  type MetricsRenewal,
  teamMetrics,
} from "../../src/domain/health/metrics.js";
import type { Db } from "../../src/store/db.js";
import { loadTeamMetrics } from "../../src/store/repos/metrics.js";
import { DEMO_TODAY, demoDb, demoEmail } from "../support/demo.js";

const Q3 = { from: "2026-07-01", to: "2026-09-30" };

const renewal = (over: Partial<MetricsRenewal>): MetricsRenewal => ({
  accountId: "a",
  teamId: "east",
  ownerId: "cara",
  dueDate: "2026-08-15",
  closedAt: null,
  status: "renewed",
  arr: 100,
  outcomeArr: null,
  currency: "USD",
  ...over,
});

const account = (over: Partial<MetricsAccount>): MetricsAccount => ({
  id: "a",
  teamId: "east",
  ownerId: "cara",
  arr: 100,
  currency: "USD",
  churned: false,
  grade: "green",
  ...over,
});

describe("team metrics", () => {
  // East in Q3: one flat renewal, one expansion 100 -> 150, one downsize 200 -> 120, one churn of 100.
  const book = [
    renewal({ accountId: "a1" }),
    renewal({ accountId: "a2", outcomeArr: 150 }),
    renewal({ accountId: "a3", status: "downsized", arr: 200, outcomeArr: 120, ownerId: "dev" }),
    renewal({ accountId: "a4", status: "churned", arr: 100, outcomeArr: null, closedAt: "2026-09-02" }),
    // Not counted: another team, open, closed after the period, due in it but closed before it.
    renewal({ accountId: "w1", teamId: "west", status: "churned" }),
    renewal({ accountId: "a5", status: "in_progress" }),
    renewal({ accountId: "a6", status: "churned", dueDate: "2026-09-20", closedAt: "2026-10-03" }),
    renewal({ accountId: "a7", status: "churned", dueDate: "2026-07-10", closedAt: "2026-06-20" }),
  ];

  it("renewal rate, logo churn, GRR, NRR and expected lifetime for a team over a period", () => {
    const m = teamMetrics(book, [], Q3, { teamId: "east" });
    expect(m.closed).toBe(4);
    expect(m.outcomes).toEqual({ renewed: 2, downsized: 1, churned: 1 });
    expect(m.renewalRate).toBe(0.75);
    expect(m.logoChurn).toBe(0.25);
    // 1 / (1 - 0.75): a customer stays about four years.
    expect(m.expectedLifetimeYears).toBe(4);
    // Up for renewal 500; kept without expansion 100 + 100 + 120 = 320; after 100 + 150 + 120 = 370.
    expect(m.retention.USD).toEqual({ base: 500, kept: 320, after: 370, grr: 0.64, nrr: 0.74 });
  });

  it("narrows to one CSM; a period with nothing closed has no rates rather than zeros", () => {
    const dev = teamMetrics(book, [], Q3, { ownerId: "dev" });
    expect(dev).toMatchObject({ closed: 1, renewalRate: 1, logoChurn: 0, expectedLifetimeYears: Infinity });
    expect(dev.retention.USD).toMatchObject({ grr: 0.6, nrr: 0.6 });
    const empty = teamMetrics(book, [], { from: "2025-01-01", to: "2025-03-31" });
    expect(empty).toMatchObject({ closed: 0, renewalRate: null, logoChurn: null, expectedLifetimeYears: null });
    expect(empty.retention).toEqual({});
  });

  it("keeps currencies apart and puts live accounts' ARR under their latest grade", () => {
    const m = teamMetrics(
      [renewal({ accountId: "c1", currency: "CNY", arr: 1000, outcomeArr: 900, status: "downsized" }), ...book],
      [
        account({ id: "g1", arr: 300 }),
        account({ id: "g2", arr: 200 }),
        account({ id: "r1", grade: "red", arr: 50 }),
        account({ id: "n1", grade: null, arr: 10 }),
        account({ id: "c1", currency: "CNY", grade: "yellow", arr: 900 }),
        account({ id: "x1", churned: true, arr: 999 }),
        account({ id: "w1", teamId: "west", arr: 999 }),
      ],
      Q3,
      { teamId: "east" },
    );
    expect(m.retention.CNY).toMatchObject({ base: 1000, grr: 0.9, nrr: 0.9 });
    expect(m.retention.USD?.base).toBe(500);
    expect(m.arrByGrade.USD).toEqual({
      green: { accounts: 2, arr: 500 },
      yellow: { accounts: 0, arr: 0 },
      red: { accounts: 1, arr: 50 },
      none: { accounts: 1, arr: 10 },
    });
    expect(m.arrByGrade.CNY?.yellow).toEqual({ accounts: 1, arr: 900 });
  });

  it("expected lifetime is 1 / (1 - renewal rate): below 70% renewal about three years", () => {
    expect(expectedLifetime(0.7)).toBeCloseTo(3.33, 2);
    expect(expectedLifetime(0.9)).toBeCloseTo(10, 9);
    expect(expectedLifetime(0)).toBe(1);
    expect(expectedLifetime(null)).toBeNull();
  });

  it("invariants: rates in [0, 1], renewal rate + logo churn = 1, GRR <= 1, GRR <= NRR, lifetime >= 1", () => {
    const arb = fc.array(
      fc.record({
        status: fc.constantFrom("renewed", "downsized", "churned", "upcoming") as fc.Arbitrary<
          MetricsRenewal["status"]
        >,
        arr: fc.integer({ min: 0, max: 1_000_000 }),
        outcomeArr: fc.option(fc.integer({ min: 0, max: 2_000_000 })),
        currency: fc.constantFrom("USD", "EUR"),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(arb, (rows) => {
        const m = teamMetrics(
          rows.map((r, i) => renewal({ ...r, accountId: `a${i}` })),
          [],
          Q3,
        );
        if (m.closed === 0) return m.renewalRate === null;
        expect(m.renewalRate! + m.logoChurn!).toBeCloseTo(1, 9);
        expect(m.renewalRate).toBeGreaterThanOrEqual(0);
        expect(m.renewalRate).toBeLessThanOrEqual(1);
        expect(m.expectedLifetimeYears).toBeGreaterThanOrEqual(1);
        for (const r of Object.values(m.retention)) {
          if (r.grr === null) continue;
          expect(r.grr).toBeLessThanOrEqual(1 + 1e-9);
          expect(r.grr).toBeLessThanOrEqual(r.nrr! + 1e-9);
        }
        return true;
      }),
    );
  });
});

describe("team metrics from the demo book", () => {
  let db: Db;
  const year = { from: addDays(DEMO_TODAY, -364), to: DEMO_TODAY };
  beforeAll(async () => {
    db = await demoDb();
  });
  afterAll(async () => {
    await db?.close();
  });
  const count = async (sql: string, params: unknown[] = []) =>
    (await db.pool.query<{ n: number }>(sql, params)).rows[0]!.n;

  it("the book over a year: every closed renewal counted once, the teams adding up to the book", async () => {
    const book = await loadTeamMetrics(db, year);
    const closed = await count(
      `SELECT count(*)::int AS n FROM "Renewal" WHERE status IN ('renewed','downsized','churned')
          AND COALESCE("closedAt", "dueDate") BETWEEN $1::date AND $2::date`,
      [year.from, year.to],
    );
    expect(book.closed).toBe(closed);
    expect(book.closed).toBeGreaterThan(0);
    expect(book.renewalRate).toBeCloseTo(1 - book.outcomes.churned / book.closed, 9);
    expect(book.expectedLifetimeYears).toBeCloseTo(1 / (1 - book.renewalRate!), 9);
    const teams = (await db.pool.query<{ id: string }>(`SELECT id FROM "Team"`)).rows;
    let sum = 0;
    for (const t of teams) sum += (await loadTeamMetrics(db, year, { teamId: t.id })).closed;
    expect(sum).toBe(book.closed);
  });

  it("one CSM: her renewals and her live accounts' ARR under their latest grade", async () => {
    const alice = (
      await db.pool.query<{ id: string }>(`SELECT id FROM "Member" WHERE email = $1`, [demoEmail("alice.chen")])
    ).rows[0]!.id;
    const m = await loadTeamMetrics(db, year, { ownerId: alice });
    const live = await count(`SELECT count(*)::int AS n FROM "Account" WHERE "ownerId" = $1 AND stage <> 'churned'`, [
      alice,
    ]);
    const inGrades = Object.values(m.arrByGrade)
      .flatMap((g) => Object.values(g))
      .reduce((s, g) => s + g.accounts, 0);
    expect(inGrades).toBe(live);
    // The demo book is scored for today, so every live account has a grade.
    expect(Object.values(m.arrByGrade).every((g) => g.none.accounts === 0)).toBe(true);
    const mine = await count(
      `SELECT count(*)::int AS n FROM "Renewal" r JOIN "Account" a ON a.id = r."accountId"
        WHERE a."ownerId" = $1 AND r.status IN ('renewed','downsized','churned')
          AND COALESCE(r."closedAt", r."dueDate") BETWEEN $2::date AND $3::date`,
      [alice, year.from, year.to],
    );
    expect(m.closed).toBe(mine);
  });
});
