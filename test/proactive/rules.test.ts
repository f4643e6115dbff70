import { describe, expect, it } from "vitest";
import { PROACTIVE_DEFAULTS, resolveProactiveConfig } from "../../src/config/proactive.js";
import { addDays } from "../../src/domain/dates.js";
import type { MetricsRenewal } from "../../src/domain/health/metrics.js";
import { outsideQuietHours } from "../../src/jobs/jobs.js";
import { healthTrend } from "../../src/proactive/facts.js";
import { composeDigest as composeDigestMarked, digestContent } from "../../src/proactive/morning-digest.js";
import {
  composeNudges as composeNudgesMarked,
  nudgeButtons,
  nudgeText as nudgeTextMarked,
} from "../../src/proactive/nudges.js";
import { evaluateRules, RULES } from "../../src/proactive/rules/index.js";
import type { DayScore, RuleFacts, RuleId } from "../../src/proactive/rules/types.js";
import { capNudges, filterNudges, type NudgeStateRow, nudgeKey, parseNudgeKey } from "../../src/proactive/state.js";
import { composeVisitPrep as composeBriefMarked } from "../../src/proactive/visit-prep.js";
import { composeWeekly as composeWeeklyMarked } from "../../src/proactive/weekly-summary.js";

import { stripData } from "../../src/text/user-data.js";

// The texts as a reader sees them: without the markers that tell renderers which parts are user data.
const unmarked =
  <A extends unknown[], R>(f: (...a: A) => R) =>
  (...a: A): R =>
    JSON.parse(stripData(JSON.stringify(f(...a)) ?? "null")) as R;
const composeBrief = unmarked(composeBriefMarked);
const composeDigest = unmarked(composeDigestMarked);
const composeNudges = unmarked(composeNudgesMarked);
const composeWeekly = unmarked(composeWeeklyMarked);
const nudgeText = unmarked(nudgeTextMarked);

const DAY = "2026-11-23";
const ctx = { day: DAY, config: PROACTIVE_DEFAULTS };

function facts(over: Partial<RuleFacts> = {}): RuleFacts {
  return {
    id: "acc1",
    name: "Acme",
    tier: "key",
    stage: "steady",
    arr: 100_000,
    currency: "USD",
    ownerId: "m1",
    teamId: "t1",
    goLiveDate: null,
    seats: 100,
    scores: [],
    usage: { baseline: 50, recentAvg: 49, downPct: null, weekMax: 52, weekAvg: 49, weekDays: 7, activation: 0.9 },
    lastContact: addDays(DAY, -3),
    stakeholdersLeft: [],
    decisionMaker: { name: "Dana", attitude: "supporter", lastContact: addDays(DAY, -10) },
    openFeedback: [],
    overduePromises: [],
    openPromises: 0,
    overdueMilestones: [],
    detractors: [],
    plannedVisits: [],
    renewals: [],
    ...over,
  };
}

const score = (daysAgo: number, s: number, grade: DayScore["grade"], u = 1, v = 1): DayScore => ({
  day: addDays(DAY, -daysAgo),
  score: s,
  grade,
  usageLevel: u as 0 | 1 | 2,
  valueLevel: v as 0 | 1 | 2,
});

const fired = (rule: RuleId, f: RuleFacts, c = ctx) => RULES[rule](f, c);

describe("nudge rules on crafted accounts", () => {
  it("a healthy, recently contacted account triggers nothing", () => {
    expect(
      evaluateRules([facts({ scores: [score(7, 80, "green"), score(1, 81, "green"), score(0, 82, "green")] })], ctx),
    ).toEqual([]);
  });

  it("contact cadence: overdue by tier, silent within cadence and for long-tail", () => {
    expect(fired("contact_overdue", facts({ tier: "key", lastContact: addDays(DAY, -31) }))).toHaveLength(1);
    expect(fired("contact_overdue", facts({ tier: "key", lastContact: addDays(DAY, -30) }))).toEqual([]);
    expect(
      fired("contact_overdue", facts({ tier: "strategic", lastContact: addDays(DAY, -15) }))[0]?.params,
    ).toMatchObject({
      days: 15,
      cadence: 14,
    });
    expect(fired("contact_overdue", facts({ tier: "standard", lastContact: addDays(DAY, -60) }))).toEqual([]);
    expect(fired("contact_overdue", facts({ tier: "long_tail", lastContact: null }))).toEqual([]);
    const custom = {
      day: DAY,
      config: resolveProactiveConfig({ cadenceDays: { strategic: 7, key: 10, standard: 20, long_tail: 40 } }),
    };
    expect(fired("contact_overdue", facts({ tier: "long_tail", lastContact: addDays(DAY, -41) }), custom)).toHaveLength(
      1,
    );
  });

  it("an account with no owner produces no nudge (nobody to tell)", () => {
    expect(fired("contact_overdue", facts({ ownerId: null, lastContact: null }))).toEqual([]);
  });

  it("usage drop: the health engine's figures, fired only when every day of the week is >= 25% below its baseline", () => {
    // The card says "active users down 34% vs 4-week baseline" (last 4 weeks 273 vs 415 before);
    // this week was lower still, every day. The nudge quotes the card, not a second percentage.
    const u = { baseline: 415, recentAvg: 273, downPct: 34, weekMax: 300, weekAvg: 155, weekDays: 7, activation: 0.9 };
    const drop = fired("usage_drop", facts({ usage: u }));
    expect(drop[0]?.params).toMatchObject({ pct: 34, recent: 273, baseline: 415 });
    expect(drop[0]?.priority).toBe(1); // this week under half the baseline
    expect(nudgeText("en", drop[0]!)).toBe(
      "Acme: active users down 34% vs 4-week baseline (273 vs 415 a day on average), and at least 25% below that baseline every day this week.",
    );
    expect(nudgeText("zh-CN", drop[0]!)).toBe(
      "Acme：活跃用户较前 4 周基线下降 34%（日均 273 对 415），本周每天都比该基线低至少 25%。",
    );
    // A day this week above 75% of the baseline: a dip, not a sustained drop.
    expect(fired("usage_drop", facts({ usage: { ...u, weekMax: 320 } }))).toEqual([]);
    // Too few days of data this week.
    expect(fired("usage_drop", facts({ usage: { ...u, weekDays: 2 } }))).toEqual([]);
    // The figures come from the day's stored score: the reason's own N when it is among the top
    // reasons, else the card's change input (reasons are capped at the biggest few).
    const trend = {
      dimension: "trend" as const,
      score: 19,
      weight: 0.15,
      effectiveWeight: 0.15,
      inputs: { recent_avg_active: 272.8, baseline_avg_active: 415, change: -0.34 },
    };
    const reason = {
      kind: "drag" as const,
      dimension: "trend" as const,
      key: "trend.active_users_down",
      params: { pct: 34 },
      impact: 9,
    };
    expect(healthTrend([trend], [reason])).toEqual({ baseline: 415, recentAvg: 272.8, downPct: 34 });
    expect(healthTrend([trend], [])).toEqual({ baseline: 415, recentAvg: 272.8, downPct: 34 });
    expect(healthTrend([{ ...trend, inputs: { ...trend.inputs, change: 0.05 } }], [])?.downPct).toBeNull();
    expect(healthTrend(null, null)).toEqual({ baseline: null, recentAvg: null, downPct: null });
    // The health engine does not see usage down: neither does the nudge.
    expect(fired("usage_drop", facts({ usage: { ...u, downPct: null } }))).toEqual([]);
  });

  it("health drop >= 15 points in 7 days fires; 14 does not", () => {
    expect(fired("health_drop", facts({ scores: [score(7, 80, "green"), score(0, 65, "yellow")] }))).toHaveLength(1);
    expect(fired("health_drop", facts({ scores: [score(7, 80, "green"), score(0, 66, "yellow")] }))).toEqual([]);
  });

  it("quadrant move down and grade turned red fire on the day they happen only", () => {
    const down = facts({ scores: [score(1, 60, "yellow", 2, 1), score(0, 58, "yellow", 1, 1)] });
    expect(fired("quadrant_down", down)).toHaveLength(1);
    const up = facts({ scores: [score(1, 60, "yellow", 1, 1), score(0, 62, "yellow", 2, 1)] });
    expect(fired("quadrant_down", up)).toEqual([]);
    // Said in words, naming the axis that moved, not as level codes.
    const [n] = fired("quadrant_down", down);
    expect(nudgeText("en", n!)).toBe("Acme: moved down a quadrant (usage high → mid) - act fast.");
    expect(nudgeText("zh-CN", n!)).toBe("Acme：九宫格下移（使用高 → 中）——需要尽快干预。");
    expect(fired("grade_red", facts({ scores: [score(1, 52, "yellow"), score(0, 48, "red")] }))).toHaveLength(1);
    expect(fired("grade_red", facts({ scores: [score(1, 45, "red"), score(0, 44, "red")] }))).toEqual([]);
  });

  it("champion or decision maker left within 30 days", () => {
    const f = facts({ stakeholdersLeft: [{ name: "Li Wei", role: "champion", leftAt: addDays(DAY, -12) }] });
    expect(fired("stakeholder_left", f)[0]).toMatchObject({
      messageKey: "nudge.champion_left",
      params: { name: "Li Wei", days: 12 },
    });
    const old = facts({ stakeholdersLeft: [{ name: "Li Wei", role: "decision_maker", leftAt: addDays(DAY, -45) }] });
    expect(fired("stakeholder_left", old)).toEqual([]);
  });

  it("onboarding behind the day-30/60/90 activation expectations or with overdue milestones", () => {
    const behind = facts({ goLiveDate: addDays(DAY, -62), usage: { ...facts().usage, activation: 0.4 } });
    expect(fired("onboarding_behind", behind)[0]?.params).toMatchObject({
      checkpoint: 60,
      activation: 40,
      expected: 60,
    });
    const onTrack = facts({ goLiveDate: addDays(DAY, -62), usage: { ...facts().usage, activation: 0.7 } });
    expect(fired("onboarding_behind", onTrack)).toEqual([]);
    const late = facts({
      goLiveDate: addDays(DAY, -10),
      overdueMilestones: [{ id: "ms1", title: "SSO live", dueDate: addDays(DAY, -2) }],
    });
    expect(fired("onboarding_behind", late)[0]?.messageKey).toBe("nudge.onboarding_milestones");
    expect(
      fired(
        "onboarding_behind",
        facts({ goLiveDate: addDays(DAY, -200), usage: { ...facts().usage, activation: 0.1 } }),
      ),
    ).toEqual([]);
  });

  it("feedback open > 30 days, promise overdue, NPS detractor", () => {
    const fb = facts({
      openFeedback: [
        { id: "f1", title: "Export", raisedAt: addDays(DAY, -31) },
        { id: "f2", title: "New", raisedAt: addDays(DAY, -5) },
      ],
    });
    expect(fired("feedback_open", fb)[0]?.params).toMatchObject({ count: 1, days: 31 });
    expect(
      fired("feedback_open", facts({ openFeedback: [{ id: "f2", title: "New", raisedAt: addDays(DAY, -30) }] })),
    ).toEqual([]);
    expect(
      fired("promise_overdue", facts({ overduePromises: [{ id: "p1", title: "API", dueDate: addDays(DAY, -3) }] })),
    ).toHaveLength(1);
    const nps = facts({
      detractors: [{ id: "s1", score: 4, respondent: "Bo", comment: null, respondedAt: addDays(DAY, -2) }],
    });
    expect(fired("nps_detractor", nps)[0]?.params).toMatchObject({ score: 4 });
    const passive = facts({
      detractors: [{ id: "s1", score: 7, respondent: "Bo", comment: null, respondedAt: addDays(DAY, -2) }],
    });
    expect(fired("nps_detractor", passive)).toEqual([]);
    const stale = facts({
      detractors: [{ id: "s1", score: 3, respondent: "Bo", comment: null, respondedAt: addDays(DAY, -40) }],
    });
    expect(fired("nps_detractor", stale)).toEqual([]);
  });

  it("says singular and plural as a reader would, in English; Chinese has no plural", () => {
    const fb = (n: number) =>
      fired(
        "feedback_open",
        facts({
          openFeedback: Array.from({ length: n }, (_, i) => ({
            id: `f${i}`,
            title: `Item ${i}`,
            raisedAt: addDays(DAY, -98 + i),
          })),
        }),
      )[0]!;
    expect(nudgeText("en", fb(1))).toBe("Acme: 1 feedback item open > 30 days (open 98 days: Item 0).");
    expect(nudgeText("en", fb(2))).toBe("Acme: 2 feedback items open > 30 days (oldest 98 days: Item 0).");
    expect(nudgeText("zh-CN", fb(1))).toBe("Acme：1 条反馈超过 30 天未解决（已 98 天：Item 0）。");
    expect(nudgeText("zh-CN", fb(2))).toBe("Acme：2 条反馈超过 30 天未解决（最久 98 天：Item 0）。");
    const promise = (days: number) =>
      fired(
        "promise_overdue",
        facts({ overduePromises: [{ id: "p1", title: "API", dueDate: addDays(DAY, -days) }] }),
      )[0]!;
    expect(nudgeText("en", promise(1))).toBe("Acme: 1 promise overdue (API, 1 day late).");
    expect(nudgeText("en", promise(3))).toBe("Acme: 1 promise overdue (API, 3 days late).");
    const one = composeNudges("en", "Alice", [promise(3)], []);
    expect(one.blocks[0]).toEqual({ type: "header", text: "Good morning Alice: 1 thing needs you today" });
    expect(one.summary).toBe("1 account needs you today");
    const two = composeNudges("en", "Alice", [promise(3), fb(2)], []);
    expect(two.blocks[0]).toEqual({ type: "header", text: "Good morning Alice: 2 things need you today" });
    for (const r of [one, two]) expect(JSON.stringify(r)).not.toContain("(s)");
  });

  it("an NPS detractor quotes what the customer wrote and offers the brief", () => {
    const said =
      "Support takes days to answer and the new reports keep timing out on our biggest dataset, which our execs noticed.";
    const nps = fired(
      "nps_detractor",
      facts({
        detractors: [{ id: "s1", score: 3, respondent: "Bo Li", comment: said, respondedAt: addDays(DAY, -2) }],
      }),
    )[0]!;
    expect(nudgeText("en", nps)).toBe(`Acme: NPS detractor response (3) from Bo Li: "${said}" - call them.`);
    expect(nudgeText("zh-CN", nps)).toBe(`Acme：Bo Li 给出 NPS 贬损分（3）：“${said}”——请致电沟通。`);
    expect(nudgeButtons("en", nps).map((b) => b.text)).toEqual(["Log call", "Brief", "Snooze 7d", "Done"]);
    // A long comment is cut at a word; no comment, no quote; no name, "a respondent".
    const long = fired(
      "nps_detractor",
      facts({
        detractors: [
          { id: "s1", score: 3, respondent: null, comment: `${said} ${said}`, respondedAt: addDays(DAY, -2) },
        ],
      }),
    )[0]!;
    expect(String(long.params.quote).length).toBeLessThanOrEqual(141);
    expect(String(long.params.quote).endsWith("…")).toBe(true);
    expect(nudgeText("en", long)).toContain("from a respondent: ");
    const silent = fired(
      "nps_detractor",
      facts({ detractors: [{ id: "s1", score: 3, respondent: "Bo", comment: "  ", respondedAt: addDays(DAY, -2) }] }),
    )[0]!;
    expect(nudgeText("en", silent)).toBe("Acme: NPS detractor response (3) from Bo - call them.");
  });

  it("visit-prep brief: the morning of the visit, or the evening before when configured", () => {
    const f = facts({ plannedVisits: [{ id: "v1", kind: "visit", day: addDays(DAY, 1), contactName: "Dana" }] });
    expect(fired("visit_prep", f)).toEqual([]);
    const evening = { day: DAY, config: resolveProactiveConfig({ briefTiming: "evening" }) };
    expect(fired("visit_prep", f, evening)[0]?.messageKey).toBe("nudge.visit_tomorrow");
    const today = facts({ plannedVisits: [{ id: "v1", kind: "qbr", day: DAY, contactName: "Dana" }] });
    expect(fired("visit_prep", today)[0]?.fingerprint).toBe("visit:v1");
    // Above the full brief it says what the visit is, not that the brief is "one click away".
    const n = fired("visit_prep", today)[0]!;
    const full = { summary: "brief", blocks: [{ type: "text" as const, text: "Usage: 40 active" }] };
    const withBrief = JSON.stringify(composeBrief("en", n, undefined, "today", full));
    expect(withBrief).toContain("Acme: a QBR today with Dana.");
    expect(withBrief).not.toContain("one click");
    expect(JSON.stringify(composeBrief("zh-CN", n, undefined, "today", full))).toContain(
      "今天与 Dana 有季度业务回顾。",
    );
    // Chinese: no space between a Chinese name and the Chinese around it; kept next to Latin and numbers.
    const zhName = fired(
      "visit_prep",
      facts({ plannedVisits: [{ id: "v1", kind: "qbr", day: DAY, contactName: "孙俊杰" }] }),
    )[0]!;
    expect(nudgeText("zh-CN", zhName)).toBe("Acme：今天与孙俊杰有季度业务回顾。");
    const left = fired(
      "stakeholder_left",
      facts({ stakeholdersLeft: [{ name: "王芳", role: "champion", leftAt: addDays(DAY, -5) }] }),
    )[0]!;
    expect(nudgeText("zh-CN", left)).toBe("Acme：内部支持者王芳已离开 5 天——尽快找到并争取新的支持者。");
  });

  it("renewal reminders at the tier's checkpoints with readiness gaps; a passed date with no outcome", () => {
    const renewal = (days: number) => ({
      id: "r1",
      dueDate: addDays(DAY, days),
      status: "upcoming",
      arr: 100_000,
      termsClear: null,
      valueReportSent: false,
    });
    const at60 = fired("renewal_reminder", facts({ renewals: [renewal(60)] }))[0];
    expect(at60?.fingerprint).toBe("r1:60");
    expect(String(at60?.params.gaps)).toContain("terms");
    expect(String(at60?.params.gaps)).toContain("value_report");
    expect(fired("renewal_reminder", facts({ tier: "key", renewals: [renewal(100)] }))).toEqual([]);
    expect(fired("renewal_reminder", facts({ tier: "strategic", renewals: [renewal(100)] }))[0]?.fingerprint).toBe(
      "r1:120",
    );
    expect(fired("renewal_reminder", facts({ renewals: [{ ...renewal(20), status: "renewed" }] }))).toEqual([]);
    expect(fired("renewal_passed", facts({ renewals: [renewal(-3)] }))[0]?.params).toMatchObject({ days: 3 });
    expect(fired("renewal_passed", facts({ renewals: [renewal(0)] }))).toEqual([]);
    // At the 120- and 90-day checks the value report is offered while it is not sent; not at 60.
    const at120 = fired("renewal_reminder", facts({ tier: "strategic", renewals: [renewal(100)] }))[0]!;
    expect(nudgeButtons("en", at120).map((b) => [b.text, b.value])).toContainEqual([
      "Value report",
      `report id:${at120.accountId}`,
    ]);
    expect(nudgeButtons("zh-CN", at120).map((b) => b.text)).toContain("价值报告");
    expect(nudgeButtons("en", at60!).map((b) => b.text)).not.toContain("Value report");
    const sent = fired(
      "renewal_reminder",
      facts({ tier: "strategic", renewals: [{ ...renewal(100), valueReportSent: true }] }),
    )[0]!;
    expect(nudgeButtons("en", sent).map((b) => b.text)).not.toContain("Value report");
  });

  it("a ready renewal (no readiness gaps) is quiet until the final checkpoint, then lowest priority", () => {
    const ready = (days: number) =>
      facts({
        id: "ready",
        name: "Readyco",
        arr: 5_000_000,
        scores: [score(1, 85, "green"), score(0, 85, "green")],
        renewals: [
          {
            id: "r9",
            dueDate: addDays(DAY, days),
            status: "upcoming",
            arr: 5_000_000,
            termsClear: true,
            valueReportSent: true,
          },
        ],
      });
    // 16 days out (the 30-day checkpoint): nothing to do, nothing said.
    expect(fired("renewal_reminder", ready(16))).toEqual([]);
    expect(fired("renewal_reminder", ready(60))).toEqual([]);
    const final = fired("renewal_reminder", ready(5));
    expect(final[0]?.priority).toBe(3);
    expect(nudgeText("en", final[0]!)).toBe(
      "Readyco: renewal in 5 days (Nov 28, 2026), ready: no readiness gaps - confirm the signing.",
    );
    expect(nudgeText("zh-CN", final[0]!)).toContain("5 天后续约");
    expect(nudgeText("en", final[0]!)).not.toContain("Readiness gaps");
    // It never takes a slot from an actionable item, however big the account: with 6 accounts to
    // act on it waits in the overflow; with fewer it fills the spare slot.
    const todo = Array.from(
      { length: 6 },
      (_, i) => fired("contact_overdue", facts({ id: `t${i}`, name: `Todo ${i}`, lastContact: addDays(DAY, -40) }))[0]!,
    );
    const full = capNudges([...final, ...todo], 6);
    expect(full.shown.map((n) => n.accountId)).not.toContain("ready");
    expect(full.overflow.map((n) => n.accountId)).toEqual(["ready"]);
    const spare = capNudges([...final, ...todo.slice(0, 5)], 6);
    expect(spare.shown.at(-1)?.accountId).toBe("ready");
  });
});

describe("noise limits", () => {
  const now = new Date(`${DAY}T08:00:00Z`);
  const n = fired("contact_overdue", facts({ lastContact: addDays(DAY, -40) }))[0]!;
  const state = (s: Partial<NudgeStateRow>): NudgeStateRow => ({
    memberId: "m1",
    accountId: "acc1",
    rule: "contact_overdue",
    fingerprint: n.fingerprint,
    state: "sent",
    until: null,
    lastSentAt: null,
    ...s,
  });
  const run = (states: NudgeStateRow[], snoozes: { memberId: string; accountId: string; until: Date }[] = []) =>
    filterNudges([n], { states, snoozes, now, config: PROACTIVE_DEFAULTS });

  it("a done nudge stays silent until its fingerprint changes", () => {
    expect(run([state({ state: "done" })]).due).toEqual([]);
    expect(run([state({ state: "done", fingerprint: "last:2026-01-01" })]).due).toHaveLength(1);
  });

  it("a snoozed nudge is silent until the snooze ends", () => {
    expect(run([state({ state: "snoozed", until: new Date(now.getTime() + 86_400_000) })]).silenced[0]?.why).toBe(
      "snoozed",
    );
    expect(run([state({ state: "snoozed", until: new Date(now.getTime() - 1) })]).due).toHaveLength(1);
  });

  it("an account snooze silences the account's nudges for that member only", () => {
    const until = new Date(now.getTime() + 7 * 86_400_000);
    expect(run([], [{ memberId: "m1", accountId: "acc1", until }]).silenced[0]?.why).toBe("account_snoozed");
    expect(run([], [{ memberId: "m2", accountId: "acc1", until }]).due).toHaveLength(1);
  });

  it("the same nudge is not repeated within its cool-down", () => {
    expect(run([state({ lastSentAt: new Date(now.getTime() - 2 * 86_400_000) })]).silenced[0]?.why).toBe("cool_down");
    expect(run([state({ lastSentAt: new Date(now.getTime() - 8 * 86_400_000) })]).due).toHaveLength(1);
  });

  it("the daily cap shows the most urgent and summarises the rest in one line", () => {
    const many = Array.from(
      { length: 9 },
      (_, i) =>
        fired(
          "contact_overdue",
          facts({ id: `a${i}`, name: `Acct ${i}`, arr: i * 1000, lastContact: addDays(DAY, -40) }),
        )[0]!,
    );
    const { shown, overflow } = capNudges(many, 6);
    expect(shown).toHaveLength(6);
    expect(shown[0]?.accountName).toBe("Acct 8"); // highest ARR first at equal priority
    const reply = composeNudges("en", "Alice", shown, overflow);
    const lines = reply.blocks.filter((b) => b.type === "context");
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines[0])).toContain("3 more");
    // The overflow line names what is left out and where to look, in the reader's language.
    const mixed = [
      ...overflow,
      fired("promise_overdue", facts({ id: "p", overduePromises: [{ id: "p1", title: "API", dueDate: DAY }] }))[0]!,
    ];
    const en = composeNudges("en", "Alice", shown, mixed).blocks.find((b) => b.type === "context");
    expect(en).toEqual({
      type: "context",
      text: "...and 4 more not shown (contact 3, promise 1) - `mine` shows what needs you today, `risk` your accounts at risk.",
    });
    const zh = composeNudges("zh-CN", "李娜", shown, mixed).blocks.find((b) => b.type === "context");
    expect(zh).toEqual({
      type: "context",
      text: "……另有 4 项未显示（联系 3、承诺 1）——发送 `我的` 查看今天需要你处理的事，`风险` 查看风险客户。",
    });
  });

  it("the cap counts accounts: a shown account brings all its nudges, lower-priority ones included", () => {
    const big = facts({
      id: "north",
      name: "Northwind",
      tier: "strategic",
      arr: 900_000,
      stakeholdersLeft: [{ name: "Rita", role: "champion", leftAt: addDays(DAY, -5) }],
      usage: { baseline: 300, recentAvg: 200, downPct: 33, weekMax: 160, weekAvg: 150, weekDays: 7, activation: 0.8 },
    });
    const north = evaluateRules([big], ctx);
    expect(north.map((x) => x.rule).sort()).toEqual(["stakeholder_left", "usage_drop"]);
    const others = Array.from(
      { length: 6 },
      (_, i) =>
        fired("contact_overdue", facts({ id: `o${i}`, name: `Other ${i}`, lastContact: addDays(DAY, -40) }))[0]!,
    );
    const { shown, overflow } = capNudges([...others, ...north], 2);
    expect(new Set(shown.map((x) => x.accountId))).toEqual(new Set(["north", "o0"]));
    expect(shown.filter((x) => x.accountId === "north").map((x) => x.rule)).toEqual(["usage_drop", "stakeholder_left"]);
    expect(overflow).toHaveLength(5);
    expect(JSON.stringify(composeNudges("en", "Alice", shown, overflow))).toContain("champion Rita left 5 days ago");
  });

  it("quiet hours hold a message until they end, in the member's time zone", () => {
    // 22:00 in Shanghai (UTC+8) with quiet hours 20-7: held until 07:00 local = 23:00 UTC.
    const late = new Date("2026-11-23T14:00:00Z");
    expect(outsideQuietHours(late, "Asia/Shanghai", 20, 7).toISOString()).toBe("2026-11-23T23:00:00.000Z");
    const morning = new Date("2026-11-23T01:00:00Z"); // 09:00 Shanghai
    expect(outsideQuietHours(morning, "Asia/Shanghai", 20, 7)).toEqual(morning);
    expect(outsideQuietHours(late, "UTC", 20, 7)).toEqual(late);
  });

  it("every nudge offers snooze and done, and done carries a key that round-trips", () => {
    const buttons = nudgeButtons("zh-CN", n);
    expect(buttons.map((b) => b.actionId)).toEqual([
      "tend.log_form",
      "tend.log_form",
      "tend.snooze",
      "tend.nudge_done",
    ]);
    const key = JSON.parse(buttons[3]!.value).nudgeKey;
    expect(key).toBe(nudgeKey(n));
    expect(parseNudgeKey(key)).toEqual({ accountId: "acc1", rule: "contact_overdue", fingerprint: n.fingerprint });
    expect(buttons[3]!.text).toBe("完成");
  });
});

describe("daily digest", () => {
  it("shows 15 lines per list and counts the rest, pointing to the command that lists them", () => {
    const red = Array.from({ length: 18 }, (_, i) =>
      facts({ id: `d${i}`, name: `Down ${i}`, arr: 1000 + i, scores: [score(1, 60, "yellow"), score(0, 40, "red")] }),
    );
    const reply = composeDigest("en", "East", DAY, digestContent(red, DAY, PROACTIVE_DEFAULTS), PROACTIVE_DEFAULTS);
    const items = reply?.blocks.flatMap((b) => (b.type === "list" ? b.items.map((x) => x.text) : [])) ?? [];
    expect(items.filter((x) => x.startsWith("Down "))).toHaveLength(15);
    expect(items).toContain("...and 3 more (see `risk team East`).");
    const zh = composeDigest("zh-CN", "华东", DAY, digestContent(red, DAY, PROACTIVE_DEFAULTS), PROACTIVE_DEFAULTS);
    expect(JSON.stringify(zh)).toContain("……另有 3 个（见 `风险 团队 华东`）。");
  });

  it("sums the ARR of red accounts per currency, never across", () => {
    const turned = [score(1, 60, "yellow"), score(0, 40, "red")];
    const team = [
      facts({ id: "u", name: "Usd Co", arr: 100_000, scores: turned }),
      facts({ id: "c", name: "Cny Co", arr: 700_000, currency: "CNY", scores: turned }),
      facts({ id: "g", name: "Green Co", arr: 999_000, scores: [score(0, 90, "green")] }),
    ];
    const reply = composeDigest("en", "East", DAY, digestContent(team, DAY, PROACTIVE_DEFAULTS), PROACTIVE_DEFAULTS);
    const field = reply?.blocks.flatMap((b) => (b.type === "fields" ? b.fields : [])).at(-1);
    expect(field).toEqual({ label: "ARR of red accounts", value: "CN¥700,000; $100,000" });
  });
});

describe("weekly summary", () => {
  const closed = (over: Partial<MetricsRenewal>): MetricsRenewal => ({
    accountId: "a",
    teamId: "t1",
    ownerId: "m1",
    dueDate: addDays(DAY, -30),
    closedAt: addDays(DAY, -30),
    status: "renewed",
    arr: 100,
    outcomeArr: 100,
    currency: "USD",
    ...over,
  });
  const renewal = { id: "r1", dueDate: addDays(DAY, 40), arr: 100_000, status: "in_progress" };
  const renewing = facts({ renewals: [{ ...renewal, termsClear: true, valueReportSent: true }] });

  it("gives GRR and NRR per currency (never summed across) and renewal statuses in the reader's language", () => {
    const input = {
      team: "华东",
      day: DAY,
      accounts: [renewing],
      closed: [
        closed({ arr: 100, outcomeArr: 150 }),
        closed({ status: "churned", arr: 100, outcomeArr: null }),
        closed({ currency: "CNY", status: "downsized", arr: 1000, outcomeArr: 800 }),
      ],
    };
    const zh = JSON.stringify(composeWeekly("zh-CN", input));
    expect(zh).toContain("CNY: GRR 80%，NRR 80%，共 1 个续约");
    expect(zh).toContain("USD: GRR 50%，NRR 75%，共 2 个续约");
    expect(zh).toContain("进行中");
    expect(zh).not.toContain("in_progress");
    const en = JSON.stringify(composeWeekly("en", { ...input, closed: input.closed.slice(0, 2) }));
    expect(en).toContain("GRR 50%, NRR 75% over 2 renewals");
    expect(en).toContain("in progress");
  });

  it("lists 20 renewals and counts the rest with the whole window's number and ARR per currency", () => {
    const accounts = Array.from({ length: 23 }, (_, i) =>
      facts({
        id: `r${i}`,
        name: `Renew ${i}`,
        currency: i < 21 ? "USD" : "CNY",
        renewals: [
          {
            ...renewal,
            id: `rr${i}`,
            dueDate: addDays(DAY, i + 1),
            arr: 1000,
            termsClear: true,
            valueReportSent: true,
          },
        ],
      }),
    );
    const reply = composeWeekly("en", { team: "East", day: DAY, accounts, closed: [] });
    const items = reply.blocks.flatMap((b) => (b.type === "list" ? b.items.map((x) => x.text) : []));
    expect(items.filter((x) => x.startsWith("Renew "))).toHaveLength(20);
    expect(items).toContain(
      "...and 3 more: 23 renewals in the next 90 days, ARR $21,000; CN¥2,000 in all (see `renewals team East`).",
    );
    const zh = JSON.stringify(composeWeekly("zh-CN", { team: "华东", day: DAY, accounts, closed: [] }));
    expect(zh).toContain("……另有 3 个：未来 90 天共 23 个续约，ARR 合计 US$21,000；¥2,000（见 `续约 团队 华东`）。");
    // Up to 20: no such line.
    const few = composeWeekly("en", { team: "East", day: DAY, accounts: accounts.slice(0, 20), closed: [] });
    expect(JSON.stringify(few)).not.toContain("more:");
  });

  it("says plainly when nothing closed in the last 90 days", () => {
    const old = closed({ closedAt: addDays(DAY, -120), dueDate: addDays(DAY, -120) });
    const en = JSON.stringify(composeWeekly("en", { team: "East", day: DAY, accounts: [], closed: [old] }));
    expect(en).toContain("no renewals closed in the last 90 days");
  });
});
