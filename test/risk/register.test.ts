import { describe, expect, it } from "vitest";
import type { Reason } from "../../src/domain/health/types.js";
import { detectRisks, type RenewalFacts } from "../../src/domain/risk/detect-risks.js";
import { nextStep, renderEvidence } from "../../src/domain/risk/evidence.js";
import { CAUSE_SEVERITY, capGradeBySeverity, causeOf, RISK_CAUSES } from "../../src/domain/risk/register.js";
import { planRiskSync } from "../../src/domain/risk/sync.js";
import { MESSAGES as messages } from "../../src/i18n/catalogue.js";
import { ago, DAY, facts, usage } from "../health/crafted.js";

const drag = (key: string, params: Reason["params"] = {}): Reason => ({
  kind: "drag",
  dimension: "relationship",
  key,
  params,
  impact: 5,
});
const causes = (rs: ReturnType<typeof detectRisks>) => rs.map((r) => `${r.cause}:${r.severity}`);

describe("risk detection (pure)", () => {
  it("a healthy account has nothing at stake", () => {
    expect(detectRisks({ facts: facts(), reasons: [] })).toEqual([]);
  });

  it("maps health reasons to causes with the domain's severity, keeping the reason as evidence", () => {
    const rs = detectRisks({
      facts: facts(),
      reasons: [
        drag("relationship.decision_maker_left", { name: "Dana Fox", days: 20 }),
        drag("relationship.champion_left", { name: "Li Wei", days: 10 }),
        drag("onboarding.activation_behind", { day: 45, pct: 18, target: 45 }),
        drag("value.feedback_open", { count: 2, days: 30 }),
        drag("relationship.refusing_contact", { attempts: 5, days: 45 }),
        drag("sentiment.decision_maker_detractor", { name: "Dana Fox", score: 2 }),
        drag("trend.usage_collapse", { from: 18, to: 1, pct: 94 }),
        // lifts are never evidence of a risk
        { ...drag("relationship.champion_left", { name: "X", days: 1 }), kind: "lift" },
      ],
    });
    expect(causes(rs)).toEqual([
      "decision_maker_changed:high",
      "detractor:high",
      "usage_collapse:high",
      "refusing_contact:medium",
      "slow_feedback:medium",
      "slow_go_live:medium",
      "champion_changed:low",
    ]);
    const dm = rs.find((r) => r.cause === "decision_maker_changed")!;
    expect(renderEvidence(dm.evidence, "en")).toBe("decision maker Dana Fox left 20 days ago");
    expect(renderEvidence(dm.evidence, "zh-CN")).toBe("决策人 Dana Fox 已于 20 天前离开");
  });

  it("a large sustained drop of daily users is a collapse; one low week or a small base is not", () => {
    const collapse = detectRisks({ facts: facts({ usage: usage({ weeklyPeaks: [1, 0, 18, 17] }) }), reasons: [] });
    expect(causes(collapse)).toEqual(["usage_collapse:high"]);
    expect(renderEvidence(collapse[0]!.evidence, "en")).toBe(
      "daily active users fell from 18 to 1 (-94%) over the last two weeks",
    );
    expect(renderEvidence(collapse[0]!.evidence, "zh-CN")).toBe("最近两周日活跃用户从 18 降至 1（下降 94%）");
    // A holiday week followed by a normal one, a 30% dip, and 3 users becoming 1 are not collapses.
    for (const weeklyPeaks of [
      [18, 2, 18, 17],
      [12, 12, 18, 17],
      [1, 1, 3, 3],
    ])
      expect(detectRisks({ facts: facts({ usage: usage({ weeklyPeaks }) }), reasons: [] })).toEqual([]);
  });

  it("a recent detractor answer is a medium risk; an old one is not", () => {
    expect(causes(detectRisks({ facts: facts({ nps: { score: 5, day: ago(20) } }), reasons: [] }))).toEqual([
      "detractor:medium",
    ]);
    expect(detectRisks({ facts: facts({ nps: { score: 5, day: ago(300) } }), reasons: [] })).toEqual([]);
  });

  it("a renewal close at hand with readiness gaps is unready; a lapsed one is too; a ready or far one is not", () => {
    const ready: RenewalFacts = {
      dueDate: DAY,
      termsClear: true,
      valueReportSent: true,
      openPromises: 0,
      decisionMakerEngaged: true,
      latestNps: 9,
    };
    const at = (days: number, over: Partial<RenewalFacts> = {}) =>
      detectRisks({ facts: facts(), reasons: [], renewal: { ...ready, ...over, dueDate: ago(-days) } });
    expect(at(20)).toEqual([]);
    expect(at(60, { termsClear: null, openPromises: 1 })).toEqual([]);
    const unready = at(20, { termsClear: null, openPromises: 1, decisionMakerEngaged: false });
    expect(causes(unready)).toEqual(["renewal_unready:medium"]);
    expect(renderEvidence(unready[0]!.evidence, "en")).toBe(
      "renewal in 20 days with 3 readiness gaps: terms not confirmed, decision maker not engaged, open promises",
    );
    expect(renderEvidence(unready[0]!.evidence, "zh-CN")).toBe(
      "距续约 20 天，仍有 3 项准备缺口：条款未确认、未与决策人保持沟通、有未兑现承诺",
    );
    const lapsed = at(-5);
    expect(renderEvidence(lapsed[0]!.evidence, "en")).toBe("renewal date passed 5 days ago with no outcome recorded");
  });
});

describe("the register's sync plan", () => {
  const open = (cause: string, source: "detected" | "person", confirmed = false) => ({
    id: `${cause}-${source}`,
    cause: cause as never,
    severity: "medium" as const,
    source,
    confirmed,
  });
  const found = (cause: string) => ({
    cause: cause as never,
    severity: "medium" as const,
    evidence: { key: "value.feedback_open", params: { count: 1, days: 30 } },
  });

  it("opens new causes, refreshes those still detected and closes detected ones whose evidence is gone", () => {
    const plan = planRiskSync(
      [open("slow_feedback", "detected"), open("detractor", "detected"), open("roi_gap", "person")],
      [found("slow_feedback"), found("slow_go_live")],
    );
    expect(plan.open.map((r) => r.cause)).toEqual(["slow_go_live"]);
    expect(plan.refresh.map((r) => r.id)).toEqual(["slow_feedback-detected"]);
    expect(plan.close).toEqual(["detractor-detected"]);
  });

  it("never closes what a person raised or confirmed, and does not reopen what a person just resolved", () => {
    const plan = planRiskSync(
      [open("detractor", "detected", true), open("roi_gap", "person")],
      [found("slow_feedback")],
      new Set(["slow_feedback"]),
    );
    expect(plan).toEqual({ open: [], refresh: [], close: [] });
  });

  it("a cause raised by a person and also detected is listed once: the detected flag closes", () => {
    const plan = planRiskSync(
      [open("champion_changed", "detected"), open("champion_changed", "person")],
      [found("champion_changed")],
    );
    expect(plan).toEqual({ open: [], refresh: [], close: ["champion_changed-detected"] });
  });
});

describe("severity caps the grade", () => {
  const bands = { green: 76, yellow: 51 };
  it("high caps at red, medium at yellow, low leaves it; the score moves into the band", () => {
    expect(capGradeBySeverity("green", 91, ["low", "high"], bands)).toEqual({
      grade: "red",
      score: 50,
      cappedBy: "high",
    });
    expect(capGradeBySeverity("green", 91, ["medium"], bands)).toEqual({
      grade: "yellow",
      score: 75,
      cappedBy: "medium",
    });
    expect(capGradeBySeverity("yellow", 60, ["medium"], bands)).toEqual({ grade: "yellow", score: 60 });
    expect(capGradeBySeverity("red", 30, ["high"], bands)).toEqual({ grade: "red", score: 30 });
    expect(capGradeBySeverity("green", 91, ["low"], bands)).toEqual({ grade: "green", score: 91 });
    expect(capGradeBySeverity("green", 91, [], bands)).toEqual({ grade: "green", score: 91 });
  });
});

describe("wording", () => {
  it("every cause has a name, a next step and a typed word in English and Chinese", () => {
    for (const c of RISK_CAUSES) {
      expect(messages.en[`risk.${c}`]).toBeTruthy();
      expect(messages["zh-CN"][`risk.${c}`]).toMatch(/[\u4e00-\u9fff]/);
      expect(nextStep("en", c)).toBeTruthy();
      expect(nextStep("zh-CN", c)).toMatch(/。$/);
      expect(causeOf(c)).toBe(c);
      expect(causeOf(messages["zh-CN"][`risk.${c}`].replace(/\s/g, ""))).toBe(c);
      expect(CAUSE_SEVERITY[c]).toMatch(/high|medium|low/);
    }
    expect(causeOf("__proto__")).toBeUndefined();
  });
});
