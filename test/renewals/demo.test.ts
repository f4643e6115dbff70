import { describe, expect, it } from "vitest";
import { DEMO_STORIES, generateDemoBook } from "../../src/demo/generate.js";
import { daysBetween } from "../../src/domain/dates.js";

// The demo book carries the workspace's stories: a commit the model doubts (the renewal with an
// overdue promise, called "commit" by its owner) and an account ready to expand with open
// opportunities; other renewals within 120 days carry calls, some older than 30 days.
describe("the demo book's calls and opportunities", () => {
  const today = "2026-11-23";
  const book = generateDemoBook({ today });
  const byName = (name: string) => book.accounts.find((a) => a.name === name)!;

  it("the renewal with an overdue promise is called commit by its owner, 12 days ago", () => {
    const yunfan = byName(DEMO_STORIES.renewalPromise);
    const calls = book.calls.filter((c) => c.accountId === yunfan.id);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ call: "commit", memberId: yunfan.ownerId });
    expect(daysBetween(calls[0]!.calledAt, today)).toBe(12);
    // Its readiness gaps are what the model doubts it on.
    const renewal = book.renewals.find((r) => r.accountId === yunfan.id && r.status === "in_progress")!;
    expect(renewal).toMatchObject({ termsClear: false, valueReportSent: false });
  });

  it("other open renewals within 120 days carry calls, fresh and stale, each on its renewal's due date", () => {
    expect(book.calls.length).toBeGreaterThan(10);
    const due = new Map(book.renewals.map((r) => [`${r.accountId}|${r.dueDate.toISOString()}`, r]));
    for (const c of book.calls) expect(due.has(`${c.accountId}|${c.dueDate.toISOString()}`)).toBe(true);
    expect(book.calls.some((c) => daysBetween(c.calledAt, today) > 30)).toBe(true);
    expect(book.calls.some((c) => daysBetween(c.calledAt, today) <= 30)).toBe(true);
    expect(new Set(book.calls.map((c) => c.call)).size).toBeGreaterThanOrEqual(3);
  });

  it("the account ready to expand has open opportunities with stage and expected close", () => {
    const summit = byName(DEMO_STORIES.expansion);
    const opps = book.opportunities.filter((o) => o.accountId === summit.id && o.status === "open");
    expect(opps.map((o) => [o.kind, o.stage])).toEqual([
      ["upsell", "Proposal"],
      ["cross_sell", "Discovery"],
    ]);
    expect(opps.every((o) => o.expectedClose !== null && daysBetween(today, o.expectedClose) > 0)).toBe(true);
    expect(book.opportunities.every((o) => o.stage !== null)).toBe(true);
  });
});
