import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PROACTIVE_DEFAULTS } from "../../src/config/proactive.js";
import { addDays } from "../../src/domain/dates.js";
import { MESSAGES as PROACTIVE_MESSAGES } from "../../src/i18n/catalogue.js";
import { composeNudges, nudgeText } from "../../src/proactive/nudges.js";
import { evaluateRules } from "../../src/proactive/rules/index.js";
import type { RuleFacts } from "../../src/proactive/rules/types.js";
import { capNudges } from "../../src/proactive/state.js";

const DAY = "2026-11-23";
const day = fc.integer({ min: -200, max: 200 }).map((n) => addDays(DAY, n));
const maybeDay = fc.option(day, { nil: null });
// Free text without braces, so a leftover "{placeholder}" can only come from the catalogue.
const text = fc.string({ maxLength: 20 }).map((x) => x.replace(/[{}]/g, ""));
const grade = fc.constantFrom("green" as const, "yellow" as const, "red" as const);
const level = fc.constantFrom(0 as const, 1 as const, 2 as const);

const facts: fc.Arbitrary<RuleFacts> = fc.record({
  id: fc.uuid(),
  name: text.filter((x) => x.length > 0),
  tier: fc.constantFrom("strategic" as const, "key" as const, "standard" as const, "long_tail" as const),
  stage: fc.constantFrom("onboarding", "adoption", "steady", "renewal"),
  arr: fc.integer({ min: 0, max: 1_000_000 }),
  currency: fc.constant("USD"),
  ownerId: fc.option(fc.constantFrom("m1", "m2"), { nil: null }),
  teamId: fc.constant("t1"),
  goLiveDate: maybeDay,
  seats: fc.option(fc.integer({ min: 0, max: 500 }), { nil: null }),
  scores: fc.array(
    fc.record({ day, score: fc.integer({ min: 0, max: 100 }), grade, usageLevel: level, valueLevel: level }),
    { maxLength: 8 },
  ),
  usage: fc.record({
    baseline: fc.option(fc.double({ min: 0, max: 1000, noNaN: true }), { nil: null }),
    recentAvg: fc.option(fc.double({ min: 0, max: 1000, noNaN: true }), { nil: null }),
    downPct: fc.option(fc.integer({ min: 10, max: 100 }), { nil: null }),
    weekMax: fc.option(fc.double({ min: 0, max: 1000, noNaN: true }), { nil: null }),
    weekAvg: fc.option(fc.double({ min: 0, max: 1000, noNaN: true }), { nil: null }),
    weekDays: fc.integer({ min: 0, max: 7 }),
    activation: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
  }),
  lastContact: maybeDay,
  stakeholdersLeft: fc.array(
    fc.record({
      name: text,
      role: fc.constantFrom("champion" as const, "decision_maker" as const),
      leftAt: day,
    }),
    { maxLength: 2 },
  ),
  decisionMaker: fc.option(
    fc.record({
      name: text,
      attitude: fc.constantFrom("supporter", "neutral", "opponent"),
      lastContact: maybeDay,
    }),
    { nil: null },
  ),
  openFeedback: fc.array(fc.record({ id: fc.uuid(), title: text, raisedAt: day }), { maxLength: 3 }),
  overduePromises: fc.array(fc.record({ id: fc.uuid(), title: text, dueDate: day }), { maxLength: 3 }),
  openPromises: fc.integer({ min: 0, max: 5 }),
  overdueMilestones: fc.array(fc.record({ id: fc.uuid(), title: text, dueDate: day }), { maxLength: 2 }),
  detractors: fc.array(
    fc.record({
      id: fc.uuid(),
      score: fc.integer({ min: 0, max: 10 }),
      respondent: fc.option(text, { nil: null }),
      comment: fc.option(text, { nil: null }),
      respondedAt: day,
    }),
    { maxLength: 2 },
  ),
  plannedVisits: fc.array(
    fc.record({
      id: fc.uuid(),
      kind: fc.constantFrom("visit", "exec_visit", "qbr"),
      day,
      contactName: fc.option(text, { nil: null }),
    }),
    { maxLength: 2 },
  ),
  renewals: fc.array(
    fc.record({
      id: fc.uuid(),
      dueDate: day,
      status: fc.constantFrom("upcoming", "in_progress", "renewed"),
      arr: fc.integer({ min: 0, max: 100_000 }),
      termsClear: fc.option(fc.boolean(), { nil: null }),
      valueReportSent: fc.boolean(),
    }),
    { maxLength: 2 },
  ),
});

describe("rule properties", () => {
  it("any account gives nudges only for its owner, each with a sentence in both languages and no unfilled placeholder", () => {
    fc.assert(
      fc.property(fc.array(facts, { maxLength: 5 }), (accounts) => {
        const nudges = evaluateRules(accounts, { day: DAY, config: PROACTIVE_DEFAULTS });
        for (const n of nudges) {
          const acc = accounts.find((a) => a.id === n.accountId);
          expect(acc?.ownerId).toBe(n.memberId);
          expect(n.fingerprint.length).toBeGreaterThan(0);
          for (const locale of ["en", "zh-CN"] as const) expect(nudgeText(locale, n)).not.toMatch(/\{[a-zA-Z]+\}/);
        }
        // The cap never loses a nudge: shown + overflow = all, and one message per member.
        const { shown, overflow } = capNudges(nudges, 3);
        expect(shown.length + overflow.length).toBe(nudges.length);
        if (nudges.length) expect(composeNudges("en", "X", shown, overflow).blocks.length).toBeLessThanOrEqual(50);
      }),
      { numRuns: 300 },
    );
  });

  it("the catalogue's English and Chinese texts use the same placeholders", () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, en] of Object.entries(PROACTIVE_MESSAGES.en))
      expect(names(PROACTIVE_MESSAGES["zh-CN"][key as keyof typeof PROACTIVE_MESSAGES.en]), key).toEqual(names(en));
  });
});
