import { type Asker, askerFor } from "../commands/access.js";
import { briefFor } from "../commands/handlers/visit-brief.js";
import type { ProactiveConfig } from "../config/proactive.js";
import type { AppContext } from "../context.js";
import { enqueue, type OutboxMessage, outboxKey } from "../delivery/outbox.js";
import type { Platform } from "../delivery/types.js";
import { addDays, dayToDate, localDay, localHour } from "../domain/dates.js";
import { buildForecast, periodRange } from "../domain/forecast.js";
import { loadHealthConfig } from "../health/config-file.js";
import { resolveLocale } from "../i18n/locale.js";
import { loadRuleFacts } from "../proactive/facts.js";
import { composeDigest, digestContent } from "../proactive/morning-digest.js";
import { composeNudges } from "../proactive/nudges.js";
import { planToday, TODAY_RULES } from "../proactive/planner.js";
import { evaluateRules } from "../proactive/rules/index.js";
import type { Nudge, RuleFacts, RuleId } from "../proactive/rules/types.js";
import { capNudges, filterNudges, loadNudgeStates, loadSnoozes, recordSent } from "../proactive/state.js";
import { overdueTickets, ticketAlertReply, ticketSubject } from "../proactive/ticket-alerts.js";
import { composeVisitPrep } from "../proactive/visit-prep.js";
import { composeWeekly } from "../proactive/weekly-summary.js";
import { accountTrendAttachment } from "../reply/charts.js";
import type { Attachment, Reply } from "../reply/model.js";
import { inTransaction } from "../store/db.js";
import { audit } from "../store/repos/audit.js";
import { forecastRenewals } from "../store/repos/forecast.js";
import { findMemberById, loadPeople, type MemberInfo, type TeamInfo } from "../store/repos/members.js";
import { loadClosedRenewals } from "../store/repos/metrics.js";
import { openUrgentTickets } from "../store/repos/support.js";
import { accountTrend, teamGradeMovement } from "../store/repos/trends.js";

// The proactive jobs: plan messages (pure rules + composition over set-based facts), then write
// them to the outbox in one transaction together with the nudge state. The drainer sends them.

export const JOBS = [
  "recompute",
  "nudges",
  "digest",
  "weekly",
  "briefs",
  "renewals",
  "tickets",
  "drain",
  "rollup",
] as const;
export type JobName = (typeof JOBS)[number];

const RENEWAL_RULES: RuleId[] = ["renewal_reminder", "renewal_passed"];

export interface PlannedMessage extends OutboxMessage {
  /** Who, for people: "Alice Chen <alice@acme.test>" or "#team-east". */
  to: string;
  /** Nudges this message delivers (recorded as sent when it is enqueued). */
  nudges: Nudge[];
  /** Preview only: the recipient has no chat id / channel, so it would not be sent. */
  undeliverable?: boolean;
  /** What a person reads in this message, recorded in the audit log once it is enqueued. */
  reads?: { memberId: string; accountId: string; action: string }[];
}

/** Which local day (if any) to plan for a recipient in `timeZone`; undefined skips them. */
export type Audience = (timeZone: string) => string | undefined;

/** Everyone, for one given day (manual runs: `tend run <job> --date D`). */
export const everyone =
  (day: string): Audience =>
  () =>
    day;

/**
 * Recipients whose local time at `now` is within `span` hours from `hour` (the hourly scheduler
 * tick), for their local day. A span over one hour makes later ticks catch up on a missed or
 * crashed one; the day's idempotency keys keep it to one message per recipient and day.
 */
export const atLocalHour =
  (now: Date, hour: number, span = 1): Audience =>
  (tz) => {
    const h = localHour(now, tz);
    return h >= hour && h < hour + span ? localDay(now, tz) : undefined;
  };

export interface PlanContext {
  ctx: AppContext;
  config: ProactiveConfig;
  /** Platforms messages may go to (configured senders; all platforms for a dry run with none). */
  platforms: Platform[];
  audience: Audience;
  /** Dry runs: also show messages for people and teams with no chat id or channel. */
  preview?: boolean;
}

const nowhere = (p: PlanContext) => ({ platform: p.platforms[0] ?? ("slack" as Platform), recipient: "-" });

function inQuiet(hour: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start > end ? hour >= start || hour < end : hour >= start && hour < end;
}

/** The first instant at or after `now` outside the member's quiet hours (local time). */
export function outsideQuietHours(now: Date, tz: string, start: number, end: number): Date {
  let t = now;
  for (let i = 0; i < 25 && inQuiet(localHour(t, tz), start, end); i++) {
    const next = new Date(t.getTime() + 3_600_000);
    t = new Date(Math.floor(next.getTime() / 3_600_000) * 3_600_000);
  }
  return t;
}

function memberTz(ctx: AppContext, m: MemberInfo, team: TeamInfo | undefined) {
  return m.timezone ?? team?.timezone ?? ctx.config.timezone;
}

function memberTarget(m: MemberInfo, platforms: Platform[]): { platform: Platform; recipient: string } | undefined {
  if (m.slackUserId && platforms.includes("slack")) return { platform: "slack", recipient: m.slackUserId };
  if (m.feishuOpenId && platforms.includes("feishu")) return { platform: "feishu", recipient: m.feishuOpenId };
  return undefined;
}

/**
 * Where, how and when a member's message goes: their chat, their language, after their quiet hours.
 * Undefined for a member with no chat id (listed as unreachable), except in a preview.
 */
function memberDelivery(p: PlanContext, report: PlanReport, m: MemberInfo, team: TeamInfo | undefined, now: Date) {
  const to = `${m.name} <${m.email}>`;
  const found = memberTarget(m, p.platforms);
  if (!found) {
    if (!report.unreachable.includes(to)) report.unreachable.push(to);
    if (!p.preview) return undefined;
  }
  const tz = memberTz(p.ctx, m, team);
  return {
    target: found ?? nowhere(p),
    to,
    undeliverable: !found || undefined,
    locale: resolveLocale(m.locale, team?.locale, p.ctx.config.locale),
    notBefore: outsideQuietHours(now, tz, m.quietStart ?? p.config.quietStart, m.quietEnd ?? p.config.quietEnd),
  };
}

function teamTargets(t: TeamInfo, platforms: Platform[]) {
  const out: { platform: Platform; recipient: string }[] = [];
  if (t.slackChannel && platforms.includes("slack")) out.push({ platform: "slack", recipient: t.slackChannel });
  if (t.feishuChatId && platforms.includes("feishu")) out.push({ platform: "feishu", recipient: t.feishuChatId });
  return out;
}

/**
 * The full visit-prep brief, exactly as the member would get it by asking `brief <account>`
 * (the conversation core's use case by account id: access rules, five points of DESIGN.md, their
 * language). Planning records no read: commitPlanned does, for the briefs it enqueues.
 * Undefined when the core refuses or fails; the message then carries the short brief and a button.
 */
async function fullBrief(ctx: AppContext, asker: Asker | undefined, accountId: string): Promise<Reply | undefined> {
  if (!asker) return undefined;
  try {
    return await briefFor(ctx.db, asker, accountId);
  } catch (err) {
    ctx.log.warn({ err, accountId }, "proactive: full brief unavailable");
    return undefined;
  }
}

/** Facts are loaded once per distinct local day. */
function factsCache(ctx: AppContext) {
  const cache = new Map<string, Promise<RuleFacts[]>>();
  return (day: string) => {
    let p = cache.get(day);
    if (!p) {
      p = loadRuleFacts(ctx.db, day);
      cache.set(day, p);
    }
    return p;
  };
}

export interface PlanReport {
  messages: PlannedMessage[];
  /** People or teams with something to say but no way to reach them (no chat id configured). */
  unreachable: string[];
  silenced: number;
}

/** Per-member nudges: one batched message each (kind nudges / renewal), or one per visit (brief). */
export async function planMemberMessages(p: PlanContext, kind: "nudges" | "renewal" | "brief"): Promise<PlanReport> {
  const { ctx, config } = p;
  const { members, teams } = await loadPeople(ctx.db);
  const teamOf = new Map(teams.map((t) => [t.id, t]));
  const facts = factsCache(ctx);
  const now = ctx.now();
  const rules: RuleId[] = kind === "brief" ? ["visit_prep"] : kind === "renewal" ? RENEWAL_RULES : TODAY_RULES;
  const [states, snoozes] = await Promise.all([loadNudgeStates(ctx.db.pool), loadSnoozes(ctx.db.pool, now)]);
  const report: PlanReport = { messages: [], unreachable: [], silenced: 0 };
  // Group members by the local day they are planned for.
  const byDay = new Map<string, MemberInfo[]>();
  for (const m of members) {
    if (!m.active) continue;
    const team = m.teamId ? teamOf.get(m.teamId) : undefined;
    const tz = memberTz(ctx, m, team);
    const day = p.audience(tz);
    if (!day) continue;
    byDay.set(day, [...(byDay.get(day) ?? []), m]);
  }
  for (const [day, group] of byDay) {
    const accounts = await facts(day);
    const ids = new Set(group.map((m) => m.id));
    const mine = accounts.filter((a) => a.ownerId !== null && ids.has(a.ownerId));
    // The morning batch is the planner's list (what `mine` shows), minus what is silenced, capped.
    const planned = kind === "nudges" ? planToday(mine, { day, config }) : evaluateRules(mine, { day, config }, rules);
    const { due, silenced } = filterNudges(planned, {
      states,
      snoozes,
      now,
      config,
    });
    report.silenced += silenced.length;
    const perMember = new Map<string, Nudge[]>();
    for (const n of due) perMember.set(n.memberId, [...(perMember.get(n.memberId) ?? []), n]);
    const factsById = new Map(mine.map((a) => [a.id, a]));
    for (const m of group) {
      const list = perMember.get(m.id);
      if (!list?.length) continue;
      const delivery = memberDelivery(p, report, m, m.teamId ? teamOf.get(m.teamId) : undefined, now);
      if (!delivery) continue;
      const { target, to: label, undeliverable, locale, notBefore } = delivery;
      if (kind === "brief") {
        const row = await findMemberById(ctx.db, m.id);
        const asker = row?.active ? askerFor(ctx, row, target.platform) : undefined;
        for (const n of list) {
          const full = await fullBrief(ctx, asker, n.accountId);
          // The brief's own picture; without a full brief, the account's trend all the same.
          const pictures =
            full?.attachments ??
            [accountTrendAttachment(locale, await accountTrend(ctx.db, n.accountId, day))].filter(
              (a): a is Attachment => a !== undefined,
            );
          report.messages.push({
            kind: "brief",
            ...target,
            to: label,
            key: outboxKey({ kind: "brief", subject: `${n.accountId}:${n.fingerprint}`, ...target, period: day }),
            reply: composeVisitPrep(
              locale,
              n,
              factsById.get(n.accountId),
              config.briefTiming === "morning" ? "today" : "tomorrow",
              full,
              pictures,
            ),
            notBefore,
            nudges: [n],
            ...(full ? { reads: [{ memberId: m.id, accountId: n.accountId, action: "brief.read" }] } : {}),
            undeliverable,
          });
        }
        continue;
      }
      const { shown, overflow } = capNudges(list, config.dailyCap);
      report.messages.push({
        kind,
        ...target,
        to: label,
        key: outboxKey({ kind, subject: m.id, ...target, period: day }),
        reply: composeNudges(locale, m.name.split(" ")[0] ?? m.name, shown, overflow),
        notBefore,
        nudges: shown,
        undeliverable,
      });
    }
  }
  return report;
}

/** The morning at-risk digest for every team with a channel configured. */
export async function planDigests(p: PlanContext): Promise<PlanReport> {
  const { ctx, config } = p;
  const { teams } = await loadPeople(ctx.db);
  const facts = factsCache(ctx);
  const report: PlanReport = { messages: [], unreachable: [], silenced: 0 };
  for (const team of teams) {
    const day = p.audience(team.timezone);
    if (!day) continue;
    let targets: { platform: Platform; recipient: string; undeliverable?: boolean }[] = teamTargets(team, p.platforms);
    if (targets.length === 0) {
      report.unreachable.push(`team ${team.name} (no channel configured)`);
      if (!p.preview) continue;
      targets = [{ ...nowhere(p), undeliverable: true }];
    }
    const accounts = (await facts(day)).filter((a) => a.teamId === team.id);
    const locale = resolveLocale(undefined, team.locale, ctx.config.locale);
    const reply = composeDigest(locale, team.name, day, digestContent(accounts, day, config), config);
    if (!reply) continue;
    for (const target of targets)
      report.messages.push({
        kind: "digest",
        ...target,
        to: `team ${team.name} (${target.recipient})`,
        key: outboxKey({ kind: "digest", subject: team.id, ...target, period: day }),
        reply,
        nudges: [],
      });
  }
  return report;
}

/** Monday of the ISO week containing `day` (the weekly summary's period). */
export function weekOf(day: string): string {
  const dow = (dayToDate(day).getUTCDay() + 6) % 7;
  return addDays(day, -dow);
}

/** The weekly summary for each team's managers (direct messages). */
export async function planWeekly(p: PlanContext): Promise<PlanReport> {
  const { ctx } = p;
  const { members, teams } = await loadPeople(ctx.db);
  const facts = factsCache(ctx);
  const report: PlanReport = { messages: [], unreachable: [], silenced: 0 };
  for (const team of teams) {
    const day = p.audience(team.timezone);
    if (!day) continue;
    const managers = members.filter((m) => m.active && m.teamId === team.id && m.role === "manager");
    if (managers.length === 0) continue;
    const accounts = (await facts(day)).filter((a) => a.teamId === team.id);
    const closed = await loadClosedRenewals(
      ctx.db,
      { from: addDays(day, -90), to: day },
      {
        sql: `a."teamId" = $3`,
        params: [team.id],
      },
    );
    // This quarter's forecast for the team: the same lines `forecast team` shows.
    const quarter = periodRange({ kind: "quarter" }, day);
    const forecast = {
      end: quarter.to,
      forecast: buildForecast(await forecastRenewals(ctx.db, { kind: "team", teamId: team.id }, quarter, day), day),
    };
    const movement = await teamGradeMovement(ctx.db, team.id, addDays(day, -7), day);
    for (const m of managers) {
      const delivery = memberDelivery(p, report, m, team, ctx.now());
      if (!delivery) continue;
      const { target, to, undeliverable, locale, notBefore } = delivery;
      report.messages.push({
        kind: "weekly",
        ...target,
        to,
        key: outboxKey({ kind: "weekly", subject: team.id, ...target, period: weekOf(day) }),
        reply: composeWeekly(locale, { team: team.name, day, accounts, closed, forecast, movement }),
        undeliverable,
        notBefore,
        nudges: [],
      });
    }
  }
  return report;
}

/**
 * Urgent tickets of key accounts open past their time: one message to the account's owner per
 * ticket, whenever the job runs (hourly), held through the owner's quiet hours. The outbox key names
 * the ticket and no day, so no later run and no other replica sends it again.
 */
export async function planTicketAlerts(p: PlanContext): Promise<PlanReport> {
  const { ctx, config } = p;
  const report: PlanReport = { messages: [], unreachable: [], silenced: 0 };
  const tickets = await openUrgentTickets(ctx.db, config.urgentTicketTiers);
  if (!tickets.length) return report;
  const now = ctx.now();
  const alerts = overdueTickets(tickets, now, await loadHealthConfig(ctx.config.healthConfigFile));
  if (!alerts.length) return report;
  const { members, teams } = await loadPeople(ctx.db);
  const memberById = new Map(members.map((m) => [m.id, m]));
  const teamOf = new Map(teams.map((t) => [t.id, t]));
  for (const a of alerts) {
    const m = memberById.get(a.ticket.ownerId);
    if (!m?.active) continue;
    const delivery = memberDelivery(p, report, m, m.teamId ? teamOf.get(m.teamId) : undefined, now);
    if (!delivery) continue;
    const { target, to, undeliverable, locale, notBefore } = delivery;
    report.messages.push({
      kind: "ticket",
      ...target,
      to,
      key: outboxKey({ kind: "ticket", subject: ticketSubject(a.ticket), ...target, period: "overdue" }),
      reply: ticketAlertReply(locale, a),
      notBefore,
      nudges: [],
      undeliverable,
    });
  }
  return report;
}

/**
 * Writes planned messages to the outbox and records their nudges as sent, in one transaction:
 * a message already in the outbox (same idempotency key) is skipped along with its nudges.
 */
export async function commitPlanned(ctx: AppContext, planned: PlannedMessage[]): Promise<number> {
  const messages = planned.filter((m) => !m.undeliverable);
  if (messages.length === 0) return 0;
  const now = ctx.now();
  const inserted = await inTransaction(ctx.db, async (tx) => {
    const keys = new Set(await enqueue(tx, messages, now));
    await recordSent(
      tx,
      messages.filter((m) => keys.has(m.key)).flatMap((m) => m.nudges),
      now,
    );
    return keys;
  });
  // The reads of what was enqueued (a brief is on its way to its reader); a dry run reaches none of this.
  const reads = messages
    .filter((m) => inserted.has(m.key))
    .flatMap((m) => (m.reads ?? []).map((r) => ({ ...r, surface: m.platform })));
  await audit(ctx.db, reads).catch((err) => ctx.log.error({ err }, "audit: proactive reads could not be recorded"));
  return inserted.size;
}

/** Plans one job's messages. */
export function planJob(p: PlanContext, job: Exclude<JobName, "recompute" | "drain" | "rollup">): Promise<PlanReport> {
  switch (job) {
    case "nudges":
      return planMemberMessages(p, "nudges");
    case "renewals":
      return planMemberMessages(p, "renewal");
    case "briefs":
      return planMemberMessages(p, "brief");
    case "digest":
      return planDigests(p);
    case "weekly":
      return planWeekly(p);
    case "tickets":
      return planTicketAlerts(p);
  }
}
