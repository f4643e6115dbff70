import type { DimensionScore, Reason } from "../domain/health/types.js";
import type { Db } from "../store/db.js";
import { ruleFactRows } from "../store/repos/rule-facts.js";
import type { RuleFacts } from "./rules/types.js";

// Loads what the rules read, for every (not churned) account as of `day`, with one set-based
// query per kind of fact - never a query per account.

/** Facts for the rules, digest and weekly summary, for every account not churned. */
export async function loadRuleFacts(db: Db, day: string, scope: { ownerId?: string } = {}): Promise<RuleFacts[]> {
  const {
    accounts,
    scores,
    usage,
    lastContact,
    left,
    dms,
    feedback,
    promises,
    milestones,
    detractors,
    visits,
    renewals,
    expansion,
  } = await ruleFactRows(db, day, scope.ownerId);
  return accounts.map((a) => {
    const u = usage.get(a.id);
    const todays = scores.get(a.id)?.find((s) => s.day === day);
    const openPromises = promises.get(a.id) ?? [];
    return {
      id: a.id,
      name: a.name,
      tier: a.tier,
      stage: a.stage,
      arr: Number(a.arr),
      currency: a.currency,
      ownerId: a.ownerId,
      teamId: a.teamId,
      goLiveDate: a.goLiveDate,
      seats: a.seats,
      scores: (scores.get(a.id) ?? []).map((s) => ({
        day: s.day,
        score: s.score,
        grade: s.grade,
        usageLevel: s.usageLevel,
        valueLevel: s.valueLevel,
      })),
      topDrag: topDrag(scores.get(a.id)?.at(-1)?.reasons),
      usage: {
        ...healthTrend(todays?.components, todays?.reasons),
        weekMax: u?.weekMax ?? null,
        weekAvg: u?.weekAvg ?? null,
        weekDays: u?.weekDays ?? 0,
        activation: u?.activation ?? null,
      },
      lastContact: lastContact.get(a.id) ?? null,
      stakeholdersLeft: (left.get(a.id) ?? []).map((s) => ({
        name: s.name,
        role: s.role,
        leftAt: s.leftAt,
        successorMet: s.successorMet,
      })),
      decisionMaker: (() => {
        const d = dms.get(a.id);
        return d ? { name: d.name, attitude: d.attitude, lastContact: d.lastContact } : null;
      })(),
      openFeedback: (feedback.get(a.id) ?? []).map((x) => ({ id: x.id, title: x.title, raisedAt: x.raisedAt })),
      overduePromises: openPromises
        .filter((p) => p.dueDate < day)
        .map((p) => ({ id: p.id, title: p.title, dueDate: p.dueDate })),
      openPromises: openPromises.length,
      overdueMilestones: (milestones.get(a.id) ?? []).map((m) => ({ id: m.id, title: m.title, dueDate: m.dueDate })),
      detractors: (detractors.get(a.id) ?? []).map((d) => ({
        id: d.id,
        score: d.score,
        respondent: d.respondent,
        comment: d.comment,
        respondedAt: d.respondedAt,
      })),
      plannedVisits: (visits.get(a.id) ?? []).map((v) => ({
        id: v.id,
        kind: v.kind,
        day: v.day,
        contactName: v.contactName,
      })),
      renewals: (renewals.get(a.id) ?? []).map((r) => ({
        id: r.id,
        dueDate: r.dueDate,
        status: r.status,
        arr: Number(r.arr),
        termsClear: r.termsClear,
        valueReportSent: r.valueReportSent,
        call: r.call && r.callOn ? { call: r.call, on: r.callOn } : null,
      })),
      ...(expansion.has(a.id) ? { expansion: expansion.get(a.id) } : {}),
    };
  });
}

/** The health engine's trend figures of the day, as the account card shows them. */
export function healthTrend(
  components: DimensionScore[] | null | undefined,
  reasons: Reason[] | null | undefined,
): Pick<RuleFacts["usage"], "baseline" | "recentAvg" | "downPct"> {
  const inputs = Array.isArray(components) ? components.find((c) => c?.dimension === "trend")?.inputs : undefined;
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  // The reason's own figure when it is among the day's top reasons; else the card's "change" input
  // (reasons are capped at the biggest few, the inputs always show the change).
  const down = Array.isArray(reasons) ? reasons.find((r) => r?.key === "trend.active_users_down") : undefined;
  const change = num(inputs?.change);
  const fromChange = change !== null && change < 0 ? Math.round(-change * 100) : null;
  return {
    baseline: num(inputs?.baseline_avg_active),
    recentAvg: num(inputs?.recent_avg_active),
    downPct: num(down?.params?.pct) ?? (fromChange ? fromChange : null),
  };
}

function topDrag(reasons: Reason[] | null | undefined): Reason | null {
  if (!Array.isArray(reasons)) return null;
  const drags = reasons.filter((r) => r && r.kind === "drag" && typeof r.key === "string");
  return drags.sort((a, b) => Math.abs(b.impact ?? 0) - Math.abs(a.impact ?? 0))[0] ?? null;
}
