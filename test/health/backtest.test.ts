import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { addDays } from "../../src/domain/dates.js";
import {
  auc,
  aucInterval,
  type BacktestCase,
  flagging,
  lowestQuintile,
  summarizeBacktest,
} from "../../src/domain/health/backtest.js";
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

describe("an honest backtest", () => {
  // A small book of 14 closed renewals: 3 churns (two flagged yellow or red beforehand, one green),
  // 2 downsizes, 9 renewals (one of them flagged).
  const book: BacktestCase[] = [
    { ...c(40, "churned", "c1"), tier: "key" },
    { ...c(60, "churned", "c2"), tier: "key" },
    { ...c(82, "churned", "c3"), tier: "long_tail" },
    { ...c(55, "downsized", "d1"), tier: "long_tail" },
    { ...c(79, "downsized", "d2"), tier: "key" },
    ...[95, 92, 90, 88, 86, 84, 80, 78].map((s, i) => ({ ...c(s, "renewed", `r${i}`), tier: "key" as const })),
    { ...c(65, "renewed", "r9"), tier: "long_tail" },
  ];

  it("counts renewals and churns, and warns when fewer than 10 churned", () => {
    const s = summarizeBacktest(book);
    expect(s.cases).toBe(14);
    expect(s.outcomes.churned).toBe(3);
    expect(s.warnings).toEqual(["few_churns"]);
    const many = Array.from({ length: 10 }, (_, i) => c(30 + i, "churned", `x${i}`));
    expect(summarizeBacktest([...book, ...many]).warnings).toEqual([]);
  });

  it("gives the AUC a seeded 90% bootstrap interval around it, the same on every run", () => {
    const churn = (x: BacktestCase) => x.outcome === "churned";
    const i = aucInterval(book, churn)!;
    const a = auc(book, churn)!;
    expect(i.lo).toBeLessThanOrEqual(a);
    expect(i.hi).toBeGreaterThanOrEqual(a);
    expect(i.hi - i.lo).toBeGreaterThan(0.1); // three churns cannot pin an AUC down
    expect(aucInterval(book, churn)).toEqual(i);
    expect(aucInterval([c(80, "renewed")], churn)).toBeNull();
  });

  it("precision and recall of 'not green N days before' for churn and for downsell, per tier", () => {
    // Not green (< 76): c1 40, c2 60, d1 55, r9 65; a new account counts as not green too.
    expect(flagging(book, "churned")).toMatchObject({ flagged: 4, hits: 2, outcomes: 3, caught: 2 });
    expect(flagging(book, "churned")).toMatchObject({ precision: 0.5, recall: 0.67 });
    expect(flagging(book, "downsized")).toMatchObject({ hits: 1, outcomes: 2, caught: 1, recall: 0.5 });
    const s = summarizeBacktest(book);
    expect(Object.keys(s.bySegment)).toEqual(["key", "long_tail"]);
    expect(s.bySegment.long_tail).toMatchObject({ cases: 3, churned: 1, downsized: 1 });
    expect(s.bySegment.long_tail!.churn.recall).toBe(0);
    const fresh = { ...c(90, "churned", "n1"), state: "new" };
    expect(flagging([fresh], "churned").caught).toBe(1);
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
    expect(text).toMatch(/AUC churned vs kept: 0\.\d\d \(90% interval 0\.\d\d-[01]\.\d\d\)/);
    expect(text).toMatch(/of churn: precision \d+% \(\d+ of \d+ flagged\), recall \d+%/);
    expect(text).toMatch(/of downsell: precision/);
    expect(text).toMatch(/by tier:\n {2}key +\d+ renewals/);
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

  it("warns when a window holds fewer than 10 churns, and --what-if scores the same history with proposed settings", async () => {
    out.length = 0;
    const { rows } = await db.pool.query<{ due: string }>(
      `SELECT to_char("dueDate", 'YYYY-MM-DD') AS due FROM "Renewal" WHERE status = 'churned' ORDER BY "dueDate" DESC LIMIT 1`,
    );
    const last = rows[0]!.due;
    expect(await runCli(["backtest", "--from", last, "--to", last], io, { ctx: demoContext(db) })).toBe(0);
    expect(out.join("\n")).toMatch(/WARNING: only \d churns? \(fewer than 10\)/);
    const dir = await mkdtemp(path.join(tmpdir(), "tend-whatif-"));
    const file = path.join(dir, "health.json");
    await writeFile(file, JSON.stringify({ base: { bands: { green: 90, yellow: 70 } } }));
    out.length = 0;
    expect(await runCli(["backtest", "--what-if", file], io, { ctx: demoContext(db) })).toBe(0);
    const text = out.join("\n");
    expect(text).toContain("== current settings ==");
    expect(text).toContain(`== what if: ${file} ==`);
    // Stricter bands flag more accounts: fewer green, churn recall at least as high.
    const side = text.slice(text.indexOf("== side by side"));
    const [, before, after] = side.match(/green N days before +(\d+) -> (\d+)/)!;
    expect(Number(after)).toBeLessThan(Number(before));
    await writeFile(file, JSON.stringify({ base: { bands: { green: "high" } } }));
    out.length = 0;
    expect(await runCli(["backtest", "--what-if", file], io, { ctx: demoContext(db) })).toBe(2);
    expect(out.join("\n")).toContain("bands.green");
  });

  it("says so when there is nothing to replay", async () => {
    out.length = 0;
    expect(await runCli(["backtest", "--from", "2001-01-01", "--to", "2001-12-31"], io, { ctx: demoContext(db) })).toBe(
      0,
    );
    expect(out).toEqual(["no closed renewals to replay (renewed, downsized or churned)"]);
  });
});
