import { daysBetween } from "../dates.js";
import type { Settings } from "./config.js";
import type { HealthFacts, UsageFacts } from "./facts.js";
import type { Dimension, Reason } from "./types.js";

// One scorer per dimension. A dimension is a weighted mean of parts (each 0-100 or null = no data);
// parts with no data are left out and their weight shared by the others. Each part carries the
// reasons it would give, so the top drags and lifts come with the numbers that produced them.

export type Inputs = Record<string, number | string | boolean | null>;
type ReasonSeed = Pick<Reason, "kind" | "key" | "params"> & { dimension?: Reason["dimension"] };

export interface Part {
  score: number | null;
  weight: number;
  reasons: ReasonSeed[];
}

export interface DimensionDraft {
  dimension: Dimension;
  parts: Part[];
  inputs: Inputs;
}

export interface Context {
  facts: HealthFacts;
  settings: Settings;
  /** Days since go-live when within the onboarding window, else null. */
  onboardingDay: number | null;
}

const clamp = (n: number, lo = 0, hi = 100) => Math.min(hi, Math.max(lo, n));
const pct = (ratio: number) => Math.round(ratio * 100);
const round2 = (n: number) => Math.round(n * 100) / 100;
const toTarget = (value: number, target: number) => (target <= 0 ? 100 : clamp((value / target) * 100));

/** Activation expected `day` days after go-live: linear between checkpoints, from 0 at go-live. */
export function activationTarget(settings: Settings, day: number): number {
  const points = [{ day: 0, target: 0 }, ...[...settings.onboarding.activationTargets].sort((a, b) => a.day - b.day)];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    if (day <= b.day) return a.target + ((b.target - a.target) * (day - a.day)) / (b.day - a.day);
  }
  return points.at(-1)!.target;
}

/** A part read against 60, the line between the two: the `low` drag below it, the `high` lift from it up. */
function judged(score: number, weight: number, low: string, high: string, params: Reason["params"]): Part {
  return {
    score,
    weight,
    reasons: [score < 60 ? { kind: "drag", key: low, params } : { kind: "lift", key: high, params }],
  };
}

function seatsOf(f: HealthFacts): number | null {
  const s = f.usage?.seats ?? f.seats;
  return s && s > 0 ? s : null;
}

/** Fewer active days than this in 4 weeks, with use in most weeks, is a weekly rhythm. */
const WEEKLY_ACTIVE_DAYS = 12;

/**
 * The account's natural rhythm: set per segment (daily or weekly), learned from its own history when
 * it uses the product on a few days each week though its segment says daily, and "monthly" when most
 * use falls at the month end.
 */
export function rhythmOf(u: UsageFacts, configured: "daily" | "weekly"): "daily" | "weekly" | "monthly" {
  if (u.monthEnd) return "monthly";
  if (configured === "weekly") return "weekly";
  const weeksUsed = u.weeklyPeaks.filter((w) => w !== null && w > 0).length;
  if (u.activeDays !== undefined && u.activeDays < WEEKLY_ACTIVE_DAYS && weeksUsed >= 3) return "weekly";
  return "daily";
}

export function activity(ctx: Context): DimensionDraft {
  const { facts: f, settings: s } = ctx;
  const a = s.activity;
  const u = f.usage;
  const seats = seatsOf(f);
  const inputs: Inputs = {
    seats,
    activated_users: u?.activatedUsers ?? null,
    activation: null,
    active_users: null,
    utilisation: null,
    stickiness: null,
    frequency: a.frequency,
  };
  if (!u || u.recentDays === 0) return { dimension: "activity", parts: [], inputs };
  const rhythm = rhythmOf(u, a.frequency);
  inputs.frequency = rhythm;

  const parts: Part[] = [];
  if (seats !== null && u.activatedUsers !== null) parts.push(activationPart(ctx, u.activatedUsers, seats, inputs));
  // Active users against seats, at the account's natural rhythm: per day, per week (mean of the
  // weekly peaks) or, for month-end users, the month-end peak.
  const weeks = u.weeklyPeaks.filter((w): w is number => w !== null);
  const active =
    rhythm === "monthly"
      ? (u.peak ?? u.recentPeak)
      : rhythm === "weekly"
        ? weeks.length
          ? weeks.reduce((x, y) => x + y, 0) / weeks.length
          : null
        : u.recentAvg;
  if (active !== null) inputs.active_users = round2(active);
  if (u.recentAvg === 0) {
    parts.push({
      score: 0,
      weight: a.parts.utilisation + a.parts.stickiness,
      reasons: [{ kind: "drag", key: "activity.no_usage", params: { days: 28 } }],
    });
    return { dimension: "activity", parts, inputs };
  }
  if (seats !== null && active !== null) parts.push(utilisationPart(a, active, seats, rhythm, inputs));
  const sticky = stickinessPart(a, u, rhythm, weeks.length > 0, inputs);
  if (sticky) parts.push(sticky);
  return { dimension: "activity", parts, inputs };
}

type ActivitySettings = Context["settings"]["activity"];

/** Activated users over seats; during onboarding against the day's target. */
function activationPart(
  { settings: s, onboardingDay }: Context,
  activated: number,
  seats: number,
  inputs: Inputs,
): Part {
  const a = s.activity;
  const rate = Math.min(1, activated / seats);
  inputs.activation = round2(rate);
  if (onboardingDay !== null) {
    const target = activationTarget(s, onboardingDay);
    inputs.activation_target = round2(target);
    const params = { day: onboardingDay, pct: pct(rate), target: pct(target) };
    return {
      score: toTarget(rate, target),
      weight: a.parts.activation,
      reasons: [
        rate < target
          ? { kind: "drag", key: "onboarding.activation_behind", params, dimension: "onboarding" }
          : { kind: "lift", key: "onboarding.activation_on_track", params, dimension: "onboarding" },
      ],
    };
  }
  const params = { pct: pct(rate), activated, seats };
  const score = toTarget(rate, a.activationTarget);
  return judged(score, a.parts.activation, "activity.activation_low", "activity.activation_high", params);
}

/** Active users (at the account's rhythm) over seats. */
function utilisationPart(
  a: ActivitySettings,
  active: number,
  seats: number,
  rhythm: ReturnType<typeof rhythmOf>,
  inputs: Inputs,
): Part {
  const rate = active / seats;
  inputs.utilisation = round2(rate);
  const score = toTarget(rate, a.utilisationTarget);
  const params = { active: Math.round(active), seats, pct: pct(rate), per: rhythm };
  return judged(score, a.parts.utilisation, "activity.active_users_low", "activity.active_users_high", params);
}

/** Weekly use: the share of weeks used; daily use: the average day against the peak; month-end use: none. */
function stickinessPart(
  a: ActivitySettings,
  u: UsageFacts,
  rhythm: ReturnType<typeof rhythmOf>,
  anyWeek: boolean,
  inputs: Inputs,
): Part | undefined {
  // Use that follows the month end has no daily or weekly stickiness to judge.
  if (rhythm === "monthly") return undefined;
  if (rhythm === "weekly") {
    if (!anyWeek) return undefined;
    const used = u.weeklyPeaks.filter((w) => w !== null && w > 0).length;
    const rate = used / u.weeklyPeaks.length;
    inputs.stickiness = round2(rate);
    inputs.weeks_used = used;
    const score = toTarget(rate, a.stickinessTarget);
    return {
      score,
      weight: a.parts.stickiness,
      reasons:
        rate < a.stickinessTarget
          ? [{ kind: "drag", key: "activity.weeks_used_low", params: { weeks: used, of: u.weeklyPeaks.length } }]
          : [],
    };
  }
  if (u.recentAvg === null || !u.recentPeak) return undefined;
  const rate = u.recentAvg / u.recentPeak;
  inputs.stickiness = round2(rate);
  const score = toTarget(rate, a.stickinessTarget);
  return {
    score,
    weight: a.parts.stickiness,
    reasons: score < 60 ? [{ kind: "drag", key: "activity.stickiness_low", params: { pct: pct(rate) } }] : [],
  };
}

export function depth({ facts: f, settings: s }: Context): DimensionDraft {
  const u = f.usage;
  const used = u?.coreUsed ?? null;
  const total = u?.coreTotal ?? null;
  const inputs: Inputs = { core_features_used: used, core_features_total: total };
  if (used === null || !total) return { dimension: "depth", parts: [], inputs };
  const rate = Math.min(1, used / total);
  const score = toTarget(rate, s.depth.coreFeatureTarget);
  const params = { used, total };
  return {
    dimension: "depth",
    inputs,
    parts: [judged(score, 1, "depth.core_features_low", "depth.core_features", params)],
  };
}

export function trend({ facts: f, settings: s }: Context): DimensionDraft {
  const t = s.trend;
  const u = f.usage;
  const inputs: Inputs = {
    recent_avg_active: u?.recentAvg == null ? null : round2(u.recentAvg),
    baseline_avg_active: u?.baseAvg == null ? null : round2(u.baseAvg),
    change: null,
  };
  if (!u) return { dimension: "trend", parts: [], inputs };
  const rhythm = rhythmOf(u, s.activity.frequency);
  // A daily-use account whose last week fell to almost nobody has collapsed: said in its own words,
  // not as one more percentage (the risk register raises it).
  const base = u.baseAvg;
  const l7 = u.last7;
  if (
    rhythm === "daily" &&
    base !== null &&
    base >= t.collapse.minBaseline &&
    u.baseDays >= t.minDays &&
    l7 &&
    l7.days >= t.collapse.minDays &&
    l7.max !== null &&
    l7.max <= base * t.collapse.maxShare
  ) {
    const to = Math.round(l7.max);
    const from = Math.round(base);
    inputs.change = round2((l7.avg ?? 0) / base - 1);
    return {
      dimension: "trend",
      inputs,
      parts: [
        {
          score: 0,
          weight: 1,
          reasons: [
            { kind: "drag", key: "trend.usage_collapse", params: { from, to, pct: pct(1 - (l7.avg ?? 0) / base) } },
          ],
        },
      ],
    };
  }
  // Month-end users are compared month end to month end; others day to day over 4 weeks.
  const [recent, baseline] =
    rhythm === "monthly" && u.monthEnd ? [u.monthEnd.recentAvg, u.monthEnd.baseAvg] : [u.recentAvg, u.baseAvg];
  if (recent === null || baseline === null || u.recentDays < t.minDays || u.baseDays < t.minDays)
    return { dimension: "trend", parts: [], inputs };
  // Both windows empty of users is flat (activity already says "no usage"); from zero up is +100%.
  const change = baseline === 0 ? (recent > 0 ? 1 : 0) : recent / baseline - 1;
  inputs.change = round2(change);
  const score = clamp(t.flatScore + change * 100 * t.pointsPerPct);
  const reasons: ReasonSeed[] = [];
  if (change <= -t.reasonPct)
    reasons.push({ kind: "drag", key: "trend.active_users_down", params: { pct: pct(-change) } });
  else if (change >= t.reasonPct)
    reasons.push({ kind: "lift", key: "trend.active_users_up", params: { pct: pct(Math.min(change, 9.99)) } });
  return { dimension: "trend", inputs, parts: [{ score, weight: 1, reasons }] };
}

function stakeholderPart(f: HealthFacts, role: "champion" | "decision_maker", weight: number): Part {
  const prefix = role === "champion" ? "champion" : "decision_maker";
  const people = f.stakeholders.filter((p) => p.role === role);
  const present = people.filter((p) => p.active);
  const ally = present.find((p) => p.attitude !== "opponent");
  if (ally) return { score: 100, weight, reasons: [] };
  const opponent = present[0];
  if (opponent)
    return {
      score: 20,
      weight,
      reasons: [{ kind: "drag", key: `relationship.${prefix}_opponent`, params: { name: opponent.name } }],
    };
  // A departed champion or decision maker stays a reason until a successor of the role is recorded.
  const left = people
    .filter((p) => p.leftAt !== null && p.leftAt <= f.day)
    .sort((a, b) => (b.leftAt ?? "").localeCompare(a.leftAt ?? ""))[0];
  return {
    score: 0,
    weight,
    reasons: [
      left
        ? {
            kind: "drag",
            key: `relationship.${prefix}_left`,
            params: { name: left.name, days: daysBetween(left.leftAt!, f.day) },
          }
        : { kind: "drag", key: `relationship.no_${prefix}`, params: {} },
    ],
  };
}

export function relationship({ facts: f, settings: s }: Context): DimensionDraft {
  const r = s.relationship;
  const since = f.lastContact ? daysBetween(f.lastContact, f.day) : null;
  const execSince = f.lastExecContact ? daysBetween(f.lastExecContact, f.day) : null;
  const inputs: Inputs = {
    days_since_contact: since,
    cadence_days: r.cadenceDays,
    days_since_executive_contact: execSince,
    champion: null,
    decision_maker: null,
  };
  const parts: Part[] = [];
  // No contact ever, on an account whose usage is on record, is not a perfect relationship: the
  // cadence and executive parts score 0. With no usage either there is nothing recorded to judge the
  // gap against (a young account is set apart as "new" first, in scoreHealth; older history may
  // predate the data): the stakeholder parts speak alone.
  const recorded = (f.usage?.recentDays ?? 0) + (f.usage?.baseDays ?? 0) > 0 || !!f.unanswered?.attempts;
  if (since === null && execSince === null && !recorded) {
    if (f.contactCount > 0) parts.push(...stakeholderParts(f, s, inputs));
    return { dimension: "relationship", parts, inputs };
  }
  const cadence: Part =
    since === null
      ? {
          score: 0,
          weight: r.parts.cadence,
          reasons: [{ kind: "drag", key: "relationship.never_contacted", params: {} }],
        }
      : {
          score: since <= r.cadenceDays ? 100 : clamp(100 * (1 - (since - r.cadenceDays) / (2 * r.cadenceDays))),
          weight: r.parts.cadence,
          reasons:
            since > r.cadenceDays
              ? [{ kind: "drag", key: "relationship.no_contact", params: { days: since, cadence: r.cadenceDays } }]
              : since <= r.cadenceDays / 2
                ? [{ kind: "lift", key: "relationship.recent_contact", params: { days: since } }]
                : [],
        };
  parts.push(cadence);
  const ok = execSince !== null && execSince <= r.execWindowDays;
  parts.push({
    score: ok ? 100 : 0,
    weight: r.parts.executive,
    reasons: ok
      ? [{ kind: "lift", key: "relationship.exec_contact", params: { days: execSince! } }]
      : [{ kind: "drag", key: "relationship.no_exec_contact", params: { days: r.execWindowDays } }],
  });
  // Outreach nobody answers is not contact; repeated, over weeks, it is a warning sign of its own.
  const un = f.unanswered;
  if (un?.first && un.attempts >= r.refusing.attempts) {
    const days = daysBetween(un.first, f.day);
    inputs.unanswered_attempts = un.attempts;
    if (days >= r.refusing.days)
      parts.push({
        score: 0,
        weight: r.refusing.weight,
        reasons: [{ kind: "drag", key: "relationship.refusing_contact", params: { attempts: un.attempts, days } }],
      });
  }
  if (f.contactCount > 0) parts.push(...stakeholderParts(f, s, inputs));
  return { dimension: "relationship", parts, inputs };
}

function stakeholderParts(f: HealthFacts, s: Settings, inputs: Inputs): Part[] {
  const champion = stakeholderPart(f, "champion", s.relationship.parts.champion);
  const dm = stakeholderPart(f, "decision_maker", s.relationship.parts.decisionMaker);
  inputs.champion = champion.score === 100;
  inputs.decision_maker = dm.score === 100;
  return [champion, dm];
}

/**
 * NPS read per person: each current respondent's latest answer, a decision maker's counting
 * `decisionMakerFactor` times a user's. A decision maker's detractor answer is named and drags the
 * part that many times harder, whatever a user said later.
 */
function npsPart(f: HealthFacts, s: Settings, latest: number): Part {
  const c = s.sentiment;
  const fresh = (f.npsAnswers ?? []).filter((a) => a.day <= f.day && daysBetween(a.day, f.day) <= c.surveyWindowDays);
  const isDm = (a: { role: string | null }) => a.role === "decision_maker";
  const dmDetractor = fresh.find((a) => isDm(a) && a.score <= c.npsLowMax);
  let score = clamp(latest * 10);
  if (fresh.length > 1) {
    let sw = 0;
    let sum = 0;
    for (const a of fresh) {
      const w = isDm(a) ? c.decisionMakerFactor : 1;
      sw += w;
      sum += w * clamp(a.score * 10);
    }
    score = sum / sw;
  }
  if (dmDetractor)
    return {
      score: Math.min(score, clamp(dmDetractor.score * 10)),
      weight: c.parts.nps * c.decisionMakerFactor,
      reasons: [
        {
          kind: "drag",
          key: "sentiment.decision_maker_detractor",
          params: { name: dmDetractor.name ?? "-", score: dmDetractor.score },
        },
      ],
    };
  return {
    score,
    weight: c.parts.nps,
    reasons:
      latest <= c.npsLowMax
        ? [{ kind: "drag", key: "sentiment.nps_low", params: { score: latest } }]
        : latest >= c.npsHighMin && score >= c.npsHighMin * 10
          ? [{ kind: "lift", key: "sentiment.nps_high", params: { score: latest } }]
          : [],
  };
}

export function sentiment({ facts: f, settings: s }: Context): DimensionDraft {
  const c = s.sentiment;
  const fresh = (d: string) => d <= f.day && daysBetween(d, f.day) <= c.surveyWindowDays;
  const nps = f.nps && fresh(f.nps.day) ? f.nps.score : null;
  const csat = f.csat && fresh(f.csat.day) ? f.csat.score : null;
  const inWindow = (days: string[]) =>
    days.filter((d) => d <= f.day && daysBetween(d, f.day) <= c.voiceWindowDays).length;
  const praise = inWindow(f.praise);
  const complaints = inWindow(f.complaints);
  const inputs: Inputs = { nps, csat, praise, complaints };
  const parts: Part[] = [];
  if (nps !== null) parts.push(npsPart(f, s, nps));
  if (csat !== null)
    parts.push({
      score: clamp(((csat - 1) / 4) * 100),
      weight: c.parts.csat,
      reasons:
        csat <= 2
          ? [{ kind: "drag", key: "sentiment.csat_low", params: { score: csat } }]
          : csat >= 4.5
            ? [{ kind: "lift", key: "sentiment.csat_high", params: { score: csat } }]
            : [],
    });
  if (praise + complaints > 0)
    parts.push({
      // Smoothed share of praise: one complaint alone is 33, one praise alone 67.
      score: ((praise + 1) / (praise + complaints + 2)) * 100,
      weight: c.parts.voice,
      reasons:
        complaints > praise
          ? [{ kind: "drag", key: "sentiment.complaints", params: { count: complaints, days: c.voiceWindowDays } }]
          : praise > complaints
            ? [{ kind: "lift", key: "sentiment.praise", params: { count: praise, days: c.voiceWindowDays } }]
            : [],
    });
  return { dimension: "sentiment", parts, inputs };
}

export function value({ facts: f, settings: s, onboardingDay }: Context): DimensionDraft {
  const v = s.value;
  const oldFeedback = f.feedback.openRaised.filter((d) => daysBetween(d, f.day) > v.feedbackAgeDays);
  const overduePromises = f.promises.openDue.filter((d) => d < f.day);
  const overdueMilestones = f.milestones.openDue.filter((d) => d < f.day);
  const inputs: Inputs = {
    feedback_open_old: f.feedback.total ? oldFeedback.length : null,
    promises_overdue: f.promises.total ? overduePromises.length : null,
    milestones_overdue: f.milestones.total ? overdueMilestones.length : null,
  };
  const parts: Part[] = [];
  if (f.feedback.total)
    parts.push({
      score: clamp(100 - v.penalties.feedback * oldFeedback.length),
      weight: 1,
      reasons: oldFeedback.length
        ? [{ kind: "drag", key: "value.feedback_open", params: { count: oldFeedback.length, days: v.feedbackAgeDays } }]
        : [],
    });
  if (f.promises.total) {
    const longest = Math.max(0, ...overduePromises.map((d) => daysBetween(d, f.day)));
    parts.push({
      score: clamp(100 - v.penalties.promise * overduePromises.length),
      weight: 1,
      reasons: overduePromises.length
        ? [{ kind: "drag", key: "value.promises_overdue", params: { count: overduePromises.length, days: longest } }]
        : [],
    });
  }
  if (f.milestones.total) {
    const factor = onboardingDay !== null ? s.onboarding.milestoneFactor : 1;
    const n = overdueMilestones.length;
    parts.push({
      score: clamp(100 - v.penalties.milestone * factor * n),
      weight: 1,
      reasons: n
        ? [
            onboardingDay !== null
              ? {
                  kind: "drag",
                  key: "onboarding.milestones_overdue",
                  params: { count: n, day: onboardingDay },
                  dimension: "onboarding",
                }
              : { kind: "drag", key: "value.milestones_overdue", params: { count: n } },
          ]
        : [],
    });
  }
  const t = f.support;
  if (t && t.total > 0) {
    // Support: urgent tickets open past their time, reopened tickets, and how the rated ones went.
    const late = t.urgentOpenHours.filter((h) => h > v.urgentTicketHours);
    inputs.tickets_open = t.open;
    inputs.urgent_tickets_late = late.length;
    inputs.tickets_reopened = t.reopened;
    const reasons: ReasonSeed[] = [];
    if (late.length)
      reasons.push({
        kind: "drag",
        key: "value.urgent_tickets_late",
        params: { count: late.length, hours: Math.round(Math.max(...late)) },
      });
    if (t.reopened) reasons.push({ kind: "drag", key: "value.tickets_reopened", params: { count: t.reopened } });
    parts.push({
      score: clamp(100 - v.penalties.urgentTicket * late.length - v.penalties.reopenedTicket * t.reopened),
      weight: 1,
      reasons,
    });
    const rated = t.csatGood + t.csatBad;
    if (rated > 0) {
      inputs.ticket_csat_good = t.csatGood;
      inputs.ticket_csat_bad = t.csatBad;
      parts.push({
        // Smoothed share of good ratings, as for praise and complaints.
        score: ((t.csatGood + 1) / (rated + 2)) * 100,
        weight: 0.5,
        reasons:
          t.csatBad > t.csatGood
            ? [{ kind: "drag", key: "value.ticket_csat_bad", params: { bad: t.csatBad, rated } }]
            : t.csatGood > t.csatBad
              ? [{ kind: "lift", key: "value.ticket_csat_good", params: { good: t.csatGood, rated } }]
              : [],
      });
    }
  }
  if (parts.length > 0 && parts.every((p) => p.score === 100))
    parts[0]!.reasons.push({ kind: "lift", key: "value.all_clear", params: {} });
  return { dimension: "value", parts, inputs };
}

export const SCORERS: Record<Dimension, (c: Context) => DimensionDraft> = {
  activity,
  depth,
  trend,
  relationship,
  sentiment,
  value,
};
