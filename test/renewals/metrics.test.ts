import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleCommand } from "../../src/conversation/index.js";
import { dayToDate } from "../../src/domain/dates.js";
import { resolveUnitEconomics, segmentValues, trailingTwelveMonths } from "../../src/domain/unit-economics.js";
import { loadUnitEconomics } from "../../src/renewals/unit-economics-file.js";
import { renderText } from "../../src/reply/render-text.js";
import type { Db } from "../../src/store/db.js";
import { stripData } from "../../src/text/user-data.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";
import { TODAY } from "./book.js";

describe("unit economics (pure)", () => {
  it("trailing twelve months end today and start the day after a year back", () => {
    expect(trailingTwelveMonths("2026-11-23")).toEqual({ from: "2025-11-24", to: "2026-11-23" });
    expect(trailingTwelveMonths("2028-02-29")).toEqual({ from: "2027-03-01", to: "2028-02-29" });
    expect(trailingTwelveMonths("2026-01-05").from).toBe("2025-01-06");
  });
  it("LTV = average ARR × gross margin × lifetime, per segment and currency; LTV/CAC under 3 flagged", () => {
    const e = resolveUnitEconomics({ key: { cac: { USD: 10_000 } } });
    const v = segmentValues(
      [
        { tier: "key", arr: 20_000, currency: "USD" },
        { tier: "key", arr: 40_000, currency: "USD" },
        { tier: "standard", arr: 5_000, currency: "GBP" },
      ],
      2,
      e,
    );
    expect(v[0]).toMatchObject({ segment: "key", currency: "USD", accounts: 2, ltv: 30_000 * 0.75 * 2, cac: 10_000 });
    expect(v[0]!.ltvToCac).toBeCloseTo(4.5);
    expect(v[0]!.low).toBe(false);
    expect(v[1]).toMatchObject({ segment: "standard", currency: "GBP", cac: null, ltvToCac: null, low: false });
    expect(() => resolveUnitEconomics({ key: { grossMargin: 1.5 } })).toThrow();
    expect(() => resolveUnitEconomics({ premium: {} })).toThrow();
  });
});

describe.each(STORE_KINDS)("metrics ttm with LTV (%s)", (kind) => {
  let db: Db;
  let dir: string;
  const ask = async (text: string, env: Record<string, string> = {}) =>
    stripData(
      renderText(
        await handleCommand(testContext(db, { now: new Date(`${TODAY}T12:00:00Z`), env }), {
          identity: { surface: "cli", email: "max@tend.test" },
          text,
        }),
      ),
    );
  beforeAll(async () => {
    db = await testDb(kind);
    dir = await mkdtemp(path.join(os.tmpdir(), "tend-ue-"));
    const team = await db.prisma.team.create({ data: { name: "East" } });
    await db.prisma.member.create({ data: { email: "max@tend.test", name: "Max", role: "manager", teamId: team.id } });
    // Ten yearly renewals closed in the last twelve months, four churned: three of them in
    // December 2025 (one churned), so "year" (since 1 January) sees seven.
    const closed = [
      "2025-12-05",
      "2025-12-10",
      "2025-12-15",
      ...Array.from({ length: 7 }, (_, i) => `2026-0${i + 1}-10`),
    ];
    const churned = new Set([0, 3, 4, 5]);
    for (const [i, day] of closed.entries()) {
      const a = await db.prisma.account.create({
        data: {
          name: `Account ${i}`,
          tier: "key",
          teamId: team.id,
          arr: "20000",
          stage: churned.has(i) ? "churned" : "steady",
        },
      });
      await db.prisma.renewal.create({
        data: {
          accountId: a.id,
          dueDate: dayToDate(day),
          closedAt: dayToDate(day),
          arr: "20000",
          status: churned.has(i) ? "churned" : "renewed",
        },
      });
    }
  });
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("ttm counts the twelve months to today; a rate under 70% is flagged with its lifetime; LTV/CAC under 3 too", async () => {
    const ttm = await ask("metrics team ttm");
    expect(ttm).toContain("trailing 12 months");
    expect(ttm).toMatch(/Renewals closed +10/);
    expect(ttm).toContain("⚠ Renewal rate 60% is under 70%: at that rate a customer stays 2.5 years on average.");
    // 6 live key accounts at $20,000 × 75% × 2.5 years = $37,500 against the default $25,000 CAC.
    expect(ttm).toContain("key (USD, 6 accounts): LTV $37,500 = $20,000 × 75% × 2.5 years; CAC $25,000, LTV/CAC 1.5");
    expect(ttm).toContain("⚠ below 3");
    const year = await ask("metrics team year");
    expect(year).toMatch(/Renewals closed +7/);
  });

  it("takes gross margin and CAC from TEND_UNIT_ECONOMICS, and names a bad file's field", async () => {
    const good = path.join(dir, "ue.json");
    await writeFile(good, JSON.stringify({ key: { grossMargin: 0.8, cac: { USD: 10_000 } } }));
    const out = await ask("metrics team ttm", { TEND_UNIT_ECONOMICS: good });
    expect(out).toContain("LTV $40,000 = $20,000 × 80% × 2.5 years; CAC $10,000, LTV/CAC 4");
    expect(out).not.toContain("⚠ below 3");
    const bad = path.join(dir, "bad.json");
    await writeFile(bad, JSON.stringify({ key: { grossMargin: 2 } }));
    await expect(loadUnitEconomics(bad)).rejects.toThrow(/key\.grossMargin/);
  });

  it("answers in Chinese", async () => {
    await db.prisma.member.create({
      data: {
        email: "li@tend.test",
        name: "李娜",
        role: "manager",
        locale: "zh-CN",
        teamId: (await db.prisma.team.findFirstOrThrow()).id,
      },
    });
    const out = stripData(
      renderText(
        await handleCommand(testContext(db, { now: new Date(`${TODAY}T12:00:00Z`) }), {
          identity: { surface: "cli", email: "li@tend.test" },
          text: "指标 团队 近12个月",
        }),
      ),
    );
    expect(out).toContain("近 12 个月");
    expect(out).toContain("低于 70%");
    expect(out).toContain("重点客户（USD，6 个客户）");
  });
});
