import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { addDays } from "../../src/domain/dates.js";
import { auc, type BacktestCase, lowestQuintile, summarizeBacktest } from "../../src/domain/health/backtest.js";
import { backtest } from "../../src/health/backtest.js";
import type { Db } from "../../src/store/db.js";
import { DEMO_TODAY, demoContext, demoDb } from "../support/demo.js";

const c = (score: number, outcome: BacktestCase["outcome"], id = `a${score}`): BacktestCase => ({
  accountId: id,
  dueDate: "2026-06-01",
  scoreDay: "2026-04-02",
  outcome,
  score,
  grade: score >= 76 ? "green" : score >= 51 ? "yellow" : "red",
  hadUsage: true,
});

describe("backtest figures", () => {
  it("AUC is 1 when every kept account outscored every lost one, 0 when reversed, 0.5 for ties", () => {
    const churn = (x: BacktestCase) => x.outcome === "churned";
    expect(auc([c(80, "renewed"), c(70, "renewed"), c(30, "churned")], churn)).toBe(1);
    expect(auc([c(20, "renewed"), c(90, "churned")], churn)).toBe(0);
    expect(auc([c(60, "renewed", "x"), c(60, "churned", "y")], churn)).toBe(0.5);
    // One of two pairs ordered right.
    expect(auc([c(80, "renewed"), c(40, "renewed"), c(60, "churned")], churn)).toBe(0.5);
    expect(auc([c(80, "renewed")], churn)).toBeNull();
  });

  it("the lowest-scored fifth counts the churns and downsizes it caught", () => {
    const cases = [
      ...[95, 90, 88, 85, 82, 80, 78].map((s) => c(s, "renewed")),
      c(40, "churned"),
      c(45, "downsized"),
      c(70, "churned"),
    ];
    expect(lowestQuintile(cases)).toEqual({
      size: 2,
      maxScore: 45,
      churned: 1,
      churnedTotal: 2,
      lost: 2,
      lostTotal: 3,
    });
    const s = summarizeBacktest(cases);
    expect(s.outcomes).toEqual({ renewed: 7, downsized: 1, churned: 2 });
    expect(s.byGrade.red).toEqual({ renewed: 0, downsized: 1, churned: 1 });
    // Churn at 70 sits below the renewals but above the downsize at 45: 15 of 16 pairs right.
    expect(s.aucChurn).toBe(15 / 16);
  });
});

describe("tend backtest on the demo book", () => {
  let db: Db;
  const out: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };

  beforeAll(async () => {
    db = await demoDb();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("scores each closed renewal as its account stood N days before, from history as of then", async () => {
    const r = await backtest(demoContext(db), { daysBefore: 60 });
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Renewal" WHERE status IN ('renewed','downsized','churned')`,
    );
    expect(r.cases.length).toBe(rows[0]!.n);
    for (const x of r.cases) expect(x.scoreDay).toBe(addDays(x.dueDate, -60));
    expect(r.cases.every((x) => x.dueDate <= DEMO_TODAY)).toBe(true);
    // The demo's outcomes are drawn from a hidden curve, never from our score: the score must still
    // rank churned accounts below kept ones far better than chance.
    expect(r.summary.aucChurn).toBeGreaterThan(0.7);
    expect(r.summary.quintile.churned).toBeGreaterThan(r.summary.quintile.churnedTotal / 5);
  });

  it("prints AUC and the churn caught in the lowest-scored fifth; bad flags are refused", async () => {
    expect(await runCli(["backtest", "--days-before", "30"], io, { ctx: demoContext(db) })).toBe(0);
    const text = out.join("\n");
    expect(text).toMatch(/closed renewals scored 30 days before due: \d+ renewed, \d+ downsized, \d+ churned/);
    expect(text).toMatch(/AUC churned vs kept: 0\.\d\d/);
    expect(text).toMatch(/lowest-scored 20% \(\d+ renewals, score <= \d+\): caught \d+ of \d+ churns/);
    out.length = 0;
    expect(await runCli(["backtest", "--days-before", "soon"], io, { ctx: demoContext(db) })).toBe(2);
    expect(out.at(-1)).toContain('--days-before needs a whole number of days from 0 to 730, got "soon"');
    expect(await runCli(["backtest", "--window", "3"], io, { ctx: demoContext(db) })).toBe(2);
    expect(out.at(-1)).toContain('unknown argument "--window"');
  });

  it("tend recompute scores the demo book's live accounts for today, grades spread over all three", async () => {
    out.length = 0;
    expect(await runCli(["recompute", "--date", DEMO_TODAY], io, { ctx: demoContext(db) })).toBe(0);
    const m = out.at(-1)!.match(/^2026-11-23: (\d+) accounts scored \(green (\d+), yellow (\d+), red (\d+)\)/);
    expect(m).not.toBeNull();
    const [, total, green, yellow, red] = m!.map(Number);
    const live = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Account" WHERE stage <> 'churned'`,
    );
    expect(total).toBe(live.rows[0]!.n);
    for (const g of [green, yellow, red]) expect(g).toBeGreaterThan(0);
    // The load had already scored today: the re-run replaced those rows, one per account.
    const rows = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "HealthScore" WHERE day = $1::date`,
      [DEMO_TODAY],
    );
    expect(rows.rows[0]!.n).toBe(total);
  });

  it("says so when there is nothing to replay", async () => {
    out.length = 0;
    expect(await runCli(["backtest", "--from", "2001-01-01", "--to", "2001-12-31"], io, { ctx: demoContext(db) })).toBe(
      0,
    );
    expect(out).toEqual(["no closed renewals to replay (renewed, downsized or churned)"]);
  });
});
