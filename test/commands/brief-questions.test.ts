// The brief asks what is open: its questions come from the account's own gaps, and trend words need
// a meaningful base. A renewal 40 days out with an overdue promise, a decision maker not met for 45
// days, an open risk and feedback waiting for an answer must not get only "are the terms clear?".
import { describe, expect, it } from "vitest";
import { type BriefFacts, buildBrief } from "../../src/domain/brief.js";
import { addDays } from "../../src/domain/dates.js";
import { t } from "../../src/i18n/catalogue.js";
import { stripData } from "../../src/text/user-data.js";

const TODAY = "2026-11-23";
const ago = (n: number) => addDays(TODAY, -n);

function book(over: Partial<BriefFacts> = {}): BriefFacts {
  return {
    today: TODAY,
    usage: [],
    feedback: [],
    interactions: [],
    contacts: [
      {
        name: "Wen Li",
        role: "decision_maker",
        title: "CFO",
        attitude: "neutral",
        influence: 5,
        active: true,
        leftAt: null,
        lastContact: ago(45),
      },
      {
        name: "Ray Park",
        role: "champion",
        title: null,
        attitude: "supporter",
        influence: 3,
        active: true,
        leftAt: null,
        lastContact: ago(5),
      },
    ],
    nps: [],
    milestones: [],
    promises: [],
    risks: [],
    renewalDate: null,
    peer: null,
    cadenceDays: 30,
    ...over,
  };
}

const usageDays = (n: number, active: (i: number) => number, activated: number) =>
  Array.from({ length: n }, (_, i) => ({
    day: ago(n - 1 - i),
    activeUsers: active(n - 1 - i),
    activatedUsers: activated,
    seats: 200,
    coreFeaturesUsed: 5,
    coreFeaturesTotal: 8,
  }));

describe("brief questions from the account's own gaps", () => {
  it("each overdue promise, a decision maker not met in the tier's cadence, open risk, old feedback and readiness gap asks", () => {
    const b = buildBrief(
      book({
        renewalDate: addDays(TODAY, 40),
        readinessGaps: ["terms", "decision_maker", "promises", "value_report"],
        promises: [{ title: "SSO for the Berlin office", dueDate: ago(12), status: "open" }],
        risks: [{ kind: "roi_gap", severity: "medium", raisedAt: ago(20), resolvedAt: null }],
        feedback: [{ title: "Export to SAP", status: "open", raisedAt: ago(50), resolvedAt: null }],
      }),
    );
    const qs = b.questions.map((q) => ("params" in q ? [q.key, q.params] : [q.key]));
    expect(qs).toEqual(
      expect.arrayContaining([
        ["promise_overdue", { title: "SSO for the Berlin office", days: 12 }],
        ["dm_not_met", { name: "Wen Li", days: 45 }],
        ["open_risk", { kind: "roi_gap" }],
        ["feedback_unanswered", { title: "Export to SAP", days: 50 }],
        ["readiness", { gap: "terms", days: 40 }],
        ["readiness", { gap: "value_report", days: 40 }],
      ]),
    );
    // Asked once: the promise and the decision maker are not asked again as readiness gaps.
    expect(qs).not.toContainEqual(["readiness", { gap: "promises", days: 40 }]);
    expect(qs).not.toContainEqual(["readiness", { gap: "decision_maker", days: 40 }]);
    expect(b.questions.length).toBeGreaterThanOrEqual(6);
    // Each reads as a question in both languages.
    expect(stripData(t("en", "brief.q_dm_not_met", { name: "Wen Li", days: 45 }))).toBe(
      "Wen Li (decision maker) was last met 45 days ago: when can we meet?",
    );
    expect(stripData(t("zh-CN", "brief.q_gap_terms", { days: 40 }))).toBe("还有 40 天续约：条款谈妥了吗？（尚未确认）");
  });

  it("a decision maker met within the cadence is not asked about; one never met is", () => {
    const met = buildBrief(book({ contacts: [{ ...book().contacts[0]!, lastContact: ago(10) }] }));
    expect(met.questions.map((q) => q.key)).not.toContain("dm_not_met");
    const never = buildBrief(book({ contacts: [{ ...book().contacts[0]!, lastContact: null }] }));
    expect(never.questions).toContainEqual({ key: "dm_never_met", params: { name: "Wen Li" } });
    // An answered meeting with them counts as meeting them; an unanswered call does not.
    const called = (answered: boolean) =>
      buildBrief(
        book({
          contacts: [{ ...book().contacts[0]!, lastContact: null }],
          interactions: [
            {
              kind: "call",
              occurredAt: `${ago(3)}T10:00:00.000Z`,
              notes: null,
              nextSteps: null,
              scheduled: false,
              contactName: "Wen Li",
              answered,
            },
          ],
        }),
      ).questions.map((q) => q.key);
    expect(called(true)).not.toContain("dm_never_met");
    expect(called(false)).toContain("dm_never_met");
  });

  it("rising usage from a low base is not told to spread what works", () => {
    // 20 daily users became 36 on 200 seats, 18% activated.
    const low = buildBrief(book({ usage: usageDays(56, (i) => (i < 28 ? 36 : 20), 36) }));
    expect(low.usage?.trend).toBe("rising_low");
    expect(stripData(t("en", "brief.usage_rising_low", { pct: "18%" }))).not.toContain("spread");
    // The same rise where most seats are activated is a practice worth finding.
    const high = buildBrief(book({ usage: usageDays(56, (i) => (i < 28 ? 36 : 20), 160) }));
    expect(high.usage?.trend).toBe("rising");
  });
});
