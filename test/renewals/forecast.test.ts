import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/context.js";
import { handleCommand } from "../../src/conversation/index.js";
import { parseCommand } from "../../src/conversation/parse.js";
import { addDays } from "../../src/domain/dates.js";
import {
  buildForecast,
  disagreement,
  type ForecastRenewal,
  forecastByMonth,
  modelCall,
  periodRange,
} from "../../src/domain/forecast.js";
import { renderText } from "../../src/reply/render-text.js";
import type { Db } from "../../src/store/db.js";
import { stripData } from "../../src/text/user-data.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";
import { PEOPLE, type RenewalBook, seedRenewalBook, TODAY } from "./book.js";

describe("the forecast grammar", () => {
  it("reads periods, scopes, calls and notes; Chinese too", () => {
    expect(parseCommand("forecast")).toEqual({
      ok: true,
      command: { kind: "forecast", period: { kind: "quarter" }, scope: { kind: "default" } },
    });
    expect(parseCommand("forecast next-quarter team East")).toEqual({
      ok: true,
      command: { kind: "forecast", period: { kind: "next_quarter" }, scope: { kind: "team", name: "East" } },
    });
    expect(parseCommand("预测 2026-12 @cara")).toEqual({
      ok: true,
      command: {
        kind: "forecast",
        period: { kind: "month", month: "2026-12" },
        scope: { kind: "member", who: "cara" },
      },
    });
    expect(parseCommand("forecast 2026-13")).toMatchObject({ ok: false, topic: "forecast", problem: "bad_period" });
    expect(parseCommand("call Acme Corp at-risk budget frozen")).toEqual({
      ok: true,
      command: { kind: "call", name: "Acme Corp", call: "at_risk", note: "budget frozen" },
    });
    expect(parseCommand("判断 星辰 科技 确定")).toEqual({
      ok: true,
      command: { kind: "call", name: "星辰 科技", call: "commit" },
    });
    expect(parseCommand("call acme")).toMatchObject({ ok: false, problem: "missing_call" });
    expect(parseCommand("call acme maybe")).toMatchObject({ ok: false, problem: "bad_call", detail: "maybe" });
    expect(parseCommand("metrics team ttm")).toMatchObject({ ok: true, command: { kind: "metrics", period: "ttm" } });
    expect(parseCommand("expansion team East")).toEqual({
      ok: true,
      command: { kind: "expansion", scope: { kind: "team", name: "East" } },
    });
  });
});

describe("the model's call", () => {
  const base = { grade: "green" as const, score: 80, openRisks: 0, highRisk: false, gaps: 0 };
  it("commits green and ready, doubts red, loses red with a high risk and a low score", () => {
    expect(modelCall(base)).toBe("commit");
    expect(modelCall({ ...base, gaps: 2 })).toBe("likely");
    expect(modelCall({ ...base, openRisks: 1 })).toBe("likely");
    expect(modelCall({ ...base, grade: "yellow" })).toBe("likely");
    expect(modelCall({ ...base, grade: null, score: null })).toBe("likely");
    expect(modelCall({ ...base, grade: "yellow", gaps: 4 })).toBe("at_risk");
    expect(modelCall({ ...base, grade: "red", score: 45 })).toBe("at_risk");
    expect(modelCall({ ...base, highRisk: true, openRisks: 1 })).toBe("at_risk");
    expect(modelCall({ ...base, grade: "red", score: 25, highRisk: true, openRisks: 1 })).toBe("lost");
  });
  it("says which way a CSM's call departs from it", () => {
    expect(disagreement("commit", "lost")).toBe("optimistic");
    expect(disagreement("at_risk", "likely")).toBe("cautious");
    expect(disagreement("likely", "likely")).toBeNull();
    expect(disagreement(null, "lost")).toBeNull();
  });
});

describe("forecast totals and months (pure)", () => {
  const r = (x: Partial<ForecastRenewal>): ForecastRenewal => ({
    accountId: x.name ?? "a",
    name: "a",
    ownerId: null,
    currency: "USD",
    dueDate: "2026-12-10",
    arr: 100,
    status: "upcoming",
    outcomeArr: null,
    csm: null,
    expansion: 0,
    grade: "green",
    score: 80,
    openRisks: 0,
    highRisk: false,
    gaps: 0,
    ...x,
  });
  it("sums per currency per call (the CSM's call first), never across currencies", () => {
    const f = buildForecast(
      [
        r({ name: "a", arr: 100 }),
        r({ name: "b", arr: 50, grade: "red", score: 20, highRisk: true, openRisks: 1 }),
        r({ name: "c", arr: 70, currency: "EUR", csm: { call: "at_risk", note: null, by: "Cara", on: TODAY } }),
        r({ name: "d", arr: 40, status: "churned", dueDate: "2026-11-01" }),
      ],
      TODAY,
    );
    expect(f.totals.USD!.byCall).toEqual({ commit: 100, likely: 0, at_risk: 0, lost: 50 });
    expect(f.totals.EUR!.byCall).toEqual({ commit: 0, likely: 0, at_risk: 70, lost: 0 });
    expect(f.totals.USD!.grr).toBeCloseTo(100 / 190);
    expect(f.totals.EUR!.grr).toBe(0);
    expect(f.disagreements).toBe(1); // c: at risk vs the model's commit
    expect(forecastByMonth(f.lines)).toEqual([
      { month: "2026-11", currency: "USD", call: "closed", arr: 0 },
      { month: "2026-12", currency: "EUR", call: "at_risk", arr: 70 },
      { month: "2026-12", currency: "USD", call: "commit", arr: 100 },
      { month: "2026-12", currency: "USD", call: "lost", arr: 50 },
    ]);
  });
  it("knows this quarter, the next (across a year end) and a month", () => {
    expect(periodRange({ kind: "quarter" }, "2026-11-23")).toEqual({ from: "2026-10-01", to: "2026-12-31" });
    expect(periodRange({ kind: "next_quarter" }, "2026-11-23")).toEqual({ from: "2027-01-01", to: "2027-03-31" });
    expect(periodRange({ kind: "month", month: "2027-02" }, "2026-11-23")).toEqual({
      from: "2027-02-01",
      to: "2027-02-28",
    });
  });
});

describe.each(STORE_KINDS)("forecast and call on a small book (%s)", (kind) => {
  let db: Db;
  let ctx: AppContext;
  let book: RenewalBook;
  const ask = async (email: string, text: string) => handleCommand(ctx, { identity: { surface: "cli", email }, text });
  const read = async (email: string, text: string) => stripData(renderText(await ask(email, text)));

  beforeAll(async () => {
    db = await testDb(kind);
    ctx = testContext(db, { now: new Date(`${TODAY}T09:00:00Z`) });
    book = await seedRenewalBook(db);
  });
  afterAll(async () => {
    await db.close();
  });

  it("lists the quarter's renewals with the model's call, totals per call and forecast GRR/NRR", async () => {
    const out = await read(PEOPLE.manager, "forecast");
    expect(out).toContain("Acme Corp - $100,000, due Dec 15, 2026: no CSM call yet, model commit");
    expect(out).toContain("Borealis - $50,000, due Dec 20, 2026: no CSM call yet, model lost");
    expect(out).toContain("Ember - $20,000, due Nov 30, 2026: no CSM call yet, model likely");
    expect(out).toContain("Delta - $30,000, due Oct 15, 2026: renewed, now $36,000");
    expect(out).not.toContain("Cobalt"); // next quarter
    expect(out).toContain("commit $100,000 · likely $20,000 · at risk $0 · lost $50,000");
    // (30k renewed + 100k commit + 20k likely) / 200k; commit only 130k; NRR adds the 6k uplift and the 20k upsell.
    expect(out).toContain("Forecast GRR 75% (commit only 65%) · NRR 88%");
  });

  it("records a CSM's call with history; a commit the model doubts is flagged with why", async () => {
    const saved = await ask(PEOPLE.csm, "call Borealis commit they signed the order form");
    expect(saved.error).toBeUndefined();
    const said = stripData(renderText(saved));
    expect(said).toContain("Call recorded for Borealis's renewal on Dec 20, 2026: commit.");
    expect(said).toContain("The model says lost (red, a high-severity risk open");
    const out = await read(PEOPLE.manager, "forecast");
    expect(out).toContain("Borealis - $50,000, due Dec 20, 2026: CSM commit, model lost");
    expect(out).toContain("⚠ the model doubts this call: red, a high-severity risk open");
    expect(out).toContain("called by Cara CSM on Nov 23, 2026");
    expect(out).toContain("“they signed the order form”");
    expect(out).toContain("1 disagreements between the CSMs and the model");
    expect(out).toContain("commit $150,000 · likely $20,000 · at risk $0 · lost $0");
    // The disagreement comes first: leadership decides where the two differ.
    expect(out.indexOf("Borealis")).toBeLessThan(out.indexOf("Acme Corp"));
    const rows = await db.prisma.renewalCall.findMany({ where: { accountId: book.borealis } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ call: "commit", note: "they signed the order form", source: "chat" });
    // A second call keeps the first in the history.
    const again = stripData(renderText(await ask(PEOPLE.csm, "call Borealis at-risk")));
    expect(again).toContain("Earlier calls: commit by Cara CSM on Nov 23, 2026");
    expect(await db.prisma.renewalCall.count({ where: { accountId: book.borealis } })).toBe(2);
    const audit = await db.prisma.auditLog.count({ where: { action: "renewal.call", accountId: book.borealis } });
    expect(audit).toBe(2);
  });

  it("asks again for a call older than 30 days", async () => {
    await db.prisma.renewalCall.create({
      data: {
        accountId: book.ember,
        dueDate: new Date("2026-11-30T00:00:00Z"),
        call: "likely",
        memberId: book.caraId,
        calledAt: new Date(`${addDays(TODAY, -41)}T10:00:00Z`),
      },
    });
    const out = await read(PEOPLE.manager, "forecast");
    expect(out).toContain("call is 41 days old - confirm or change it");
    expect(out).toContain("1 calls older than 30 days");
  });

  it("next quarter, a month, and another currency", async () => {
    const next = await read(PEOPLE.manager, "forecast next-quarter");
    expect(next).toContain("Cobalt GmbH - €40,000, due Feb 10, 2027: no CSM call yet, model likely");
    expect(next).not.toContain("Acme");
    const dec = await read(PEOPLE.manager, "forecast 2026-12");
    expect(dec).toContain("Acme Corp");
    expect(dec).not.toContain("Ember");
  });

  it("answers in Chinese", async () => {
    const out = await read(PEOPLE.zh, "预测 本季度");
    expect(out).toContain("续约预测");
    expect(out).toContain("Acme Corp——US$100,000，2026年12月15日 到期：CSM 尚未判断，模型 确定");
    expect(out).toContain("预测 GRR");
  });

  it("refuses a viewer's call and a call on an account without a renewal", async () => {
    const v = await ask(PEOPLE.viewer, "call Acme Corp commit");
    expect(v.error).toBe("forbidden");
    await db.prisma.account.create({ data: { name: "Nowhen", ownerId: book.caraId, teamId: book.teamId } });
    const none = await ask(PEOPLE.csm, "call Nowhen likely");
    expect(none.error).toBe("invalid");
    expect(stripData(none.summary)).toContain("Nowhen has no open renewal to call");
  });

  it("offers the four calls as buttons on the account card", async () => {
    const card = await ask(PEOPLE.csm, "Acme Corp");
    const buttons = card.blocks.flatMap((b) => (b.type === "buttons" ? b.buttons : []));
    expect(buttons.filter((b) => b.value.startsWith("call ")).map((b) => b.value)).toEqual([
      `call id:${book.acme} commit`,
      `call id:${book.acme} likely`,
      `call id:${book.acme} at_risk`,
      `call id:${book.acme} lost`,
    ]);
    const viewerCard = await ask(PEOPLE.viewer, "Acme Corp");
    expect(
      viewerCard.blocks
        .flatMap((b) => (b.type === "buttons" ? b.buttons : []))
        .some((b) => b.value.startsWith("call ")),
    ).toBe(false);
  });
});
