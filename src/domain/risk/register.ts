// The risk register's vocabulary: causes, their severity, their next step, and what severity does
// to a grade. Pure: no store, no chat. Detection lives in detect-risks.ts, sentences in evidence.ts.
import type { Grade } from "../health/types.js";

export const RISK_CAUSES = [
  "wrong_fit",
  "roi_gap",
  "decision_maker_changed",
  "slow_go_live",
  "slow_feedback",
  "champion_changed",
  "requirement_not_delivered",
  "payment_overdue",
  "refusing_contact",
  "usage_collapse",
  "detractor",
  "renewal_unready",
  "other",
] as const;
export type RiskCause = (typeof RISK_CAUSES)[number];

export type RiskSeverity = "high" | "medium" | "low";
export type RiskSource = "detected" | "person";

/**
 * The domain's list (DESIGN.md): high - wrong fit, ROI not there, decision maker changed; medium -
 * slow go-live, slow answers to feedback; low - champion changed, a requirement not delivered. The
 * warning signs added by the register: a usage collapse is high (the account is leaving in fact),
 * refusing contact, a detractor and an unready renewal are medium. Detection may raise a cause's
 * severity for stronger evidence (a decision maker's detractor answer).
 */
export const CAUSE_SEVERITY: Record<RiskCause, RiskSeverity> = {
  wrong_fit: "high",
  roi_gap: "high",
  decision_maker_changed: "high",
  slow_go_live: "medium",
  slow_feedback: "medium",
  champion_changed: "low",
  requirement_not_delivered: "low",
  payment_overdue: "medium",
  refusing_contact: "medium",
  usage_collapse: "high",
  detractor: "medium",
  renewal_unready: "medium",
  other: "medium",
};

const RANK: Record<RiskSeverity, number> = { high: 3, medium: 2, low: 1 };
export const severityRank = (s: RiskSeverity) => RANK[s];

/** Highest severity of a list (undefined when empty). */
export function worstSeverity(severities: readonly RiskSeverity[]): RiskSeverity | undefined {
  let worst: RiskSeverity | undefined;
  for (const s of severities) if (!worst || RANK[s] > RANK[worst]) worst = s;
  return worst;
}

export function isRiskCause(value: string): value is RiskCause {
  return (RISK_CAUSES as readonly string[]).includes(value);
}

/** Words people type for a cause, English and Chinese (`risk raise acme 决策人变更`). */
export const CAUSE_WORDS: Record<string, RiskCause> = {
  wrong_fit: "wrong_fit",
  "wrong-fit": "wrong_fit",
  fit: "wrong_fit",
  roi: "roi_gap",
  roi_gap: "roi_gap",
  "roi-gap": "roi_gap",
  decision_maker_changed: "decision_maker_changed",
  "decision-maker-changed": "decision_maker_changed",
  "decision-maker": "decision_maker_changed",
  dm: "decision_maker_changed",
  slow_go_live: "slow_go_live",
  "slow-go-live": "slow_go_live",
  "go-live": "slow_go_live",
  golive: "slow_go_live",
  slow_feedback: "slow_feedback",
  "slow-feedback": "slow_feedback",
  feedback: "slow_feedback",
  champion_changed: "champion_changed",
  "champion-changed": "champion_changed",
  champion: "champion_changed",
  requirement_not_delivered: "requirement_not_delivered",
  "requirement-not-delivered": "requirement_not_delivered",
  requirement: "requirement_not_delivered",
  payment_overdue: "payment_overdue",
  "payment-overdue": "payment_overdue",
  payment: "payment_overdue",
  refusing_contact: "refusing_contact",
  "refusing-contact": "refusing_contact",
  unreachable: "refusing_contact",
  usage_collapse: "usage_collapse",
  "usage-collapse": "usage_collapse",
  collapse: "usage_collapse",
  detractor: "detractor",
  renewal_unready: "renewal_unready",
  "renewal-unready": "renewal_unready",
  unready: "renewal_unready",
  other: "other",
  客户不匹配: "wrong_fit",
  不匹配: "wrong_fit",
  ROI未达预期: "roi_gap",
  roi未达预期: "roi_gap",
  决策人变更: "decision_maker_changed",
  上线缓慢: "slow_go_live",
  反馈响应慢: "slow_feedback",
  关键联系人变更: "champion_changed",
  需求未交付: "requirement_not_delivered",
  付款逾期: "payment_overdue",
  拒绝联系: "refusing_contact",
  失联: "refusing_contact",
  使用量骤降: "usage_collapse",
  使用骤降: "usage_collapse",
  贬损者: "detractor",
  续约未就绪: "renewal_unready",
  其他: "other",
};

/** A typed cause word, or undefined (own keys only: user text is data). */
export function causeOf(word: string): RiskCause | undefined {
  const w = word.trim();
  if (Object.hasOwn(CAUSE_WORDS, w)) return CAUSE_WORDS[w];
  const lower = w.toLowerCase();
  return Object.hasOwn(CAUSE_WORDS, lower) ? CAUSE_WORDS[lower] : undefined;
}

export interface CappedGrade {
  grade: Grade;
  score: number;
  /** The severity that lowered the grade, when one did. */
  cappedBy?: RiskSeverity;
}

/**
 * Severity caps the grade: an open high-severity risk caps it at red, a medium one at yellow; low
 * ones leave it alone. The score is lowered into the capped band too, so "yellow 91" never shows.
 */
export function capGradeBySeverity(
  grade: Grade,
  score: number,
  severities: readonly RiskSeverity[],
  bands: { green: number; yellow: number },
): CappedGrade {
  const worst = worstSeverity(severities);
  if (worst === "high" && grade !== "red")
    return { grade: "red", score: Math.min(score, Math.max(0, Math.ceil(bands.yellow) - 1)), cappedBy: "high" };
  if (worst === "medium" && grade === "green")
    return { grade: "yellow", score: Math.min(score, Math.max(0, Math.ceil(bands.green) - 1)), cappedBy: "medium" };
  return { grade, score };
}
