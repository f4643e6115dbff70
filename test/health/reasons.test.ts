import { describe, expect, it } from "vitest";
import { REASON_KEYS, renderReason } from "../../src/domain/health/reasons.js";
import type { Reason } from "../../src/domain/health/types.js";
import { MESSAGES } from "../../src/i18n/catalogue.js";
import { reasonText } from "../../src/reply/reasons.js";

// One example per reason key: the sentence a CSM reads, with its numbers, in both languages.
const EXAMPLES: [string, Record<string, string | number>, string, string][] = [
  ["health.no_data", {}, "no usage, contact, survey or support data yet", "尚无使用、联系、调研或支持数据"],
  [
    "health.new_account",
    { days: 6 },
    "new - not enough data yet (no usage and no contact; started 6 days ago)",
    "新客户——数据尚不足（尚无使用和联系；开始于 6 天前）",
  ],
  [
    "activity.activation_low",
    { pct: 35, activated: 14, seats: 40 },
    "only 35% of seats activated (14 of 40)",
    "仅 35% 的席位已激活（40 个中 14 个）",
  ],
  [
    "activity.activation_high",
    { pct: 92, activated: 37, seats: 40 },
    "92% of seats activated (37 of 40)",
    "92% 的席位已激活（40 个中 37 个）",
  ],
  [
    "activity.active_users_low",
    { active: 12, seats: 40, pct: 30, per: "daily" },
    "only 12 of 40 seats active per day (30%)",
    "每日活跃仅 12 人，共 40 个席位（30%）",
  ],
  [
    "activity.active_users_high",
    { active: 30, seats: 40, pct: 75, per: "weekly" },
    "30 of 40 seats active per week (75%)",
    "每周活跃 30 人，共 40 个席位（75%）",
  ],
  ["activity.no_usage", { days: 28 }, "no active users in the last 28 days", "最近 28 天没有活跃用户"],
  ["activity.weeks_used_low", { weeks: 2, of: 4 }, "used in only 2 of the last 4 weeks", "最近 4 周中仅 2 周有使用"],
  [
    "activity.stickiness_low",
    { pct: 18 },
    "stickiness low: average daily users 18% of the 4-week peak",
    "粘性偏低：日均活跃仅为 4 周峰值的 18%",
  ],
  [
    "onboarding.activation_behind",
    { day: 60, pct: 20, target: 60 },
    "day 60 of onboarding: 20% of seats activated, target 60%",
    "上线第 60 天：席位激活率 20%，目标 60%",
  ],
  [
    "onboarding.activation_on_track",
    { day: 30, pct: 40, target: 30 },
    "day 30 of onboarding: 40% of seats activated, on target (30%)",
    "上线第 30 天：席位激活率 40%，达到目标（30%）",
  ],
  [
    "onboarding.milestones_overdue",
    { count: 2, day: 45 },
    "2 onboarding milestones overdue on day 45",
    "上线第 45 天：2 个上线里程碑逾期",
  ],
  ["depth.core_features_low", { used: 2, total: 8 }, "uses only 2 of 8 core features", "核心功能仅使用 2/8 个"],
  ["depth.core_features", { used: 6, total: 8 }, "uses 6 of 8 core features", "核心功能使用 6/8 个"],
  ["trend.active_users_down", { pct: 38 }, "active users down 38% vs 4-week baseline", "活跃用户较前 4 周基线下降 38%"],
  ["trend.active_users_up", { pct: 15 }, "active users up 15% vs 4-week baseline", "活跃用户较前 4 周基线上升 15%"],
  [
    "trend.usage_collapse",
    { from: 18, to: 1, pct: 97 },
    "usage collapsed: 18 daily users down to 1 or fewer this week (-97%)",
    "使用断崖式下跌：日活从 18 人降到本周最多 1 人（-97%）",
  ],
  [
    "relationship.no_contact",
    { days: 45, cadence: 30 },
    "no meaningful contact for 45 days (cadence 30 days)",
    "已 45 天没有有效联系（节奏 30 天）",
  ],
  ["relationship.recent_contact", { days: 3 }, "last met 3 days ago", "3 天前有过联系"],
  ["relationship.never_contacted", {}, "no meaningful contact on record, ever", "从未有过有效联系记录"],
  [
    "relationship.refusing_contact",
    { attempts: 4, days: 45 },
    "refusing contact: 4 outreach attempts unanswered over 45 days",
    "拒绝联系：45 天内 4 次联系无人回应",
  ],
  ["relationship.no_exec_contact", { days: 90 }, "no executive contact in the last 90 days", "最近 90 天没有高层接触"],
  ["relationship.exec_contact", { days: 20 }, "executive contact 20 days ago", "20 天前有过高层接触"],
  [
    "relationship.champion_left",
    { name: "Li Wei", days: 12 },
    "champion Li Wei left 12 days ago",
    "关键支持者 Li Wei 已于 12 天前离开",
  ],
  [
    "relationship.champion_opponent",
    { name: "Li Wei" },
    "champion Li Wei is now an opponent",
    "关键支持者 Li Wei 已转为反对者",
  ],
  ["relationship.no_champion", {}, "no active champion", "没有在任的关键支持者"],
  [
    "relationship.decision_maker_left",
    { name: "王芳", days: 5 },
    "decision maker 王芳 left 5 days ago",
    "决策人 王芳 已于 5 天前离开",
  ],
  [
    "relationship.decision_maker_opponent",
    { name: "Dana Fox" },
    "decision maker Dana Fox is an opponent",
    "决策人 Dana Fox 持反对态度",
  ],
  ["relationship.no_decision_maker", {}, "no decision maker on record", "没有记录决策人"],
  ["sentiment.nps_low", { score: 3 }, "latest NPS 3 (detractor)", "最新 NPS 3（贬损者）"],
  ["sentiment.nps_high", { score: 9 }, "latest NPS 9 (promoter)", "最新 NPS 9（推荐者）"],
  [
    "sentiment.decision_maker_detractor",
    { name: "Dana Fox", score: 2 },
    "decision maker Dana Fox answered NPS 2 (detractor)",
    "决策人 Dana Fox 的 NPS 为 2（贬损者）",
  ],
  ["sentiment.csat_low", { score: 2 }, "latest CSAT 2 of 5", "最新 CSAT 2/5"],
  ["sentiment.csat_high", { score: 5 }, "latest CSAT 5 of 5", "最新 CSAT 5/5"],
  ["sentiment.complaints", { count: 1, days: 90 }, "1 complaint in 90 days", "90 天内 1 次投诉"],
  ["sentiment.praise", { count: 3, days: 90 }, "3 notes of praise in 90 days", "90 天内 3 次表扬"],
  ["value.feedback_open", { count: 2, days: 30 }, "2 feedback items open > 30 days", "2 条反馈已开放超过 30 天"],
  [
    "value.promises_overdue",
    { count: 3, days: 21 },
    "3 promises overdue (longest 21 days)",
    "3 项承诺逾期（最长 21 天）",
  ],
  ["value.milestones_overdue", { count: 1 }, "1 success-plan milestone overdue", "1 个成功计划里程碑逾期"],
  ["value.all_clear", {}, "no old feedback, overdue promises or milestones", "没有积压反馈、逾期承诺或里程碑"],
  [
    "value.urgent_tickets_late",
    { count: 1, hours: 30 },
    "1 urgent support ticket open 30 hours",
    "1 个紧急工单已开放 30 小时",
  ],
  ["value.tickets_reopened", { count: 2 }, "2 support tickets reopened in 90 days", "90 天内 2 个工单被重新打开"],
  [
    "value.ticket_csat_bad",
    { bad: 3, rated: 4 },
    "3 of 4 rated support tickets rated bad (90 days)",
    "90 天内 4 个已评价工单中 3 个差评",
  ],
  [
    "value.ticket_csat_good",
    { good: 4, rated: 5 },
    "4 of 5 rated support tickets rated good (90 days)",
    "90 天内 5 个已评价工单中 4 个好评",
  ],
  [
    "risk.high",
    { kind: "decision_maker_changed", days: 4 },
    "high-severity risk: decision maker changed (4 days) - capped at red",
    "高风险：决策人变更（4 天）——评级封顶为红色",
  ],
  [
    "risk.medium",
    { kind: "slow_go_live", days: 10 },
    "medium risk: slow go-live (10 days)",
    "中风险：上线缓慢（10 天）",
  ],
];

const reason = (key: string, params: Record<string, string | number>): Reason => ({
  kind: "drag",
  dimension: "activity",
  key,
  params,
  impact: 1,
});

describe("reason sentences", () => {
  it.each(EXAMPLES)("%s", (key, params, en, zh) => {
    expect(renderReason(reason(key, params), "en")).toBe(en);
    expect(renderReason(reason(key, params), "zh-CN")).toBe(zh);
  });

  it("every key the scorer can give has an example above and a sentence in both languages", () => {
    expect(EXAMPLES.map((e) => e[0]).sort()).toEqual([...REASON_KEYS].sort());
    const zh = Object.keys(MESSAGES["zh-CN"]).filter((k) => k.startsWith("reason."));
    expect(zh.map((k) => k.slice("reason.".length)).sort()).toEqual([...REASON_KEYS].sort());
  });

  it("singular and plural in English", () => {
    expect(renderReason(reason("value.feedback_open", { count: 1, days: 30 }), "en")).toBe(
      "1 feedback item open > 30 days",
    );
    expect(renderReason(reason("value.promises_overdue", { count: 1, days: 12 }), "en")).toBe(
      "1 promise overdue by 12 days",
    );
    expect(renderReason(reason("value.urgent_tickets_late", { count: 2, hours: 50 }), "en")).toBe(
      "2 urgent support tickets open too long (longest 50 hours)",
    );
  });

  it("an unknown key (newer data, older build) still reads as words with its numbers", () => {
    expect(renderReason(reason("usage.seat_cap_near", { used_pct: 97 }), "zh-CN")).toBe("seat cap near (used pct 97)");
  });

  it("the conversation core's reasonText is this renderer", () => {
    const r = reason("trend.active_users_down", { pct: 38 });
    expect(reasonText(r, "en")).toBe("active users down 38% vs 4-week baseline");
    expect(reasonText(r, "zh-CN")).toBe("活跃用户较前 4 周基线下降 38%");
  });
});
