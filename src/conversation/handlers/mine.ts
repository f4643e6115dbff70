// `mine`: the asker's book - grades, what needs them today, at risk, renewals (also the home view).

import { PROACTIVE_DEFAULTS } from "../../config/proactive.js";
import { addDays, daysBetween } from "../../domain/dates.js";
import type { Grade } from "../../domain/health/types.js";
import { sep } from "../../i18n/locale.js";
import { loadRuleFacts } from "../../proactive/facts.js";
import { nudgeText } from "../../proactive/nudges.js";
import { planToday, urgencyOf, withRoutineSummed } from "../../proactive/planner.js";
import type { Nudge } from "../../proactive/rules/types.js";
import type { Block, Reply } from "../../reply/model.js";
import {
  type ListRow,
  lastContacts,
  listAccounts,
  listDetails,
  type ReadinessRow,
} from "../../store/repos/accounts.js";
import { openPromisesDueBy, plannedVisitsOn } from "../../store/repos/interactions.js";
import { agendaBlock } from "./agenda.js";
import { type StakeLine, stakeItem, stakeLines, stakeReadiness } from "./at-risk.js";
import { auditRead, day, type HandlerContext } from "./common.js";
import { gapText, isLapsed, type RenewalLine, renewalItem, renewalLines } from "./renewals.js";

/** Lines of "what needs you today" before a "more" line (routine reminders are summed apart). */
export const NEEDS_LIMIT = 25;

/** Red accounts nobody has talked to for this long need the owner today. */
export const RED_CONTACT_DAYS = 14;

/** How many at-risk accounts and renewals `mine` lists. */
const SECTION_LIMIT = 10;

type Tone = "danger" | "warning" | "neutral";

/** One line of "what needs you today"; the lowest urgency comes first. */
interface Need {
  text: string;
  tone: Tone;
  accountId: string;
  urgency: number;
}

export async function mine(d: HandlerContext, home = false): Promise<Reply> {
  const me = d.asker.member;
  const today = d.asker.today;
  // The list holds every account of the book that is not churned: the grade counts come from it.
  const rows = await listAccounts(d.db, { kind: "owner", ownerId: me.id }, today);
  const c = gradeCounts(rows);
  const total = c.green + c.yellow + c.red + c.none;
  const blocks: Block[] = [{ type: "header", text: home ? d.t("home.title") : d.t("mine.title", { name: me.name }) }];
  if (total === 0) {
    blocks.push({ type: "text", text: d.t("mine.empty") });
    return { summary: d.t("mine.empty"), blocks, tone: "neutral" };
  }
  blocks.push({ type: "text", text: d.t("mine.grades", c) });

  // Readiness of every renewal within 90 days (or lapsed): the at-risk section's and the renewals'.
  const readiness = await stakeReadiness(d, rows, today);
  const renewalSoon = renewalsSoon(rows, readiness, today);
  const { needs, routine } = await todaysNeeds(d, rows, renewalSoon);
  blocks.push(needsBlock(d, needs, routine));

  // The same accounts `risk` lists for this book, in the same order.
  const atRisk = stakeLines(rows, readiness, today).slice(0, SECTION_LIMIT);
  const atRiskSection = await atRiskBlock(d, atRisk);
  // Planned visits and calendar meetings ahead, together.
  const agenda = await agendaBlock(d);
  if (agenda.block) blocks.push(agenda.block);
  if (atRiskSection) blocks.push(atRiskSection);
  blocks.push(renewalsBlock(d, renewalSoon));
  if (home) blocks.push({ type: "context", text: d.t("home.hint") });
  // Audit the accounts this answer actually shows (grade counts are aggregates, not reads).
  const shown = new Set([
    ...needs.slice(0, NEEDS_LIMIT).map((n) => n.accountId),
    ...atRisk.map((l) => l.row.id),
    ...renewalSoon.slice(0, SECTION_LIMIT).map((l) => l.row.id),
    ...agenda.accountIds,
  ]);
  await auditRead(d, home ? "home.read" : "mine.read", [...shown]);
  return { summary: d.t("mine.summary", { count: total, ...c }), blocks, tone: c.red > 0 ? "warning" : "good" };
}

function gradeCounts(rows: ListRow[]): Record<Grade | "none", number> {
  const c = { green: 0, yellow: 0, red: 0, none: 0 };
  for (const r of rows) c[r.grade ?? "none"] += 1;
  return c;
}

/**
 * What needs the member today: the planner's list (the morning nudge is this list minus what they
 * silenced, capped), with routine reminders beyond a few summed up apart, plus what only `mine`
 * shows (today's visits, red accounts nobody talked to, promises and renewals coming due), most
 * urgent first.
 */
async function todaysNeeds(d: HandlerContext, rows: ListRow[], renewalSoon: RenewalLine[]) {
  const today = d.asker.today;
  // Same accounts as `rows`, by relation: a list of thousands of ids is slow to send and plan.
  const promises = await openPromisesDueBy(d.db, d.asker.member.id, addDays(today, 7));
  const visits = await plannedVisitsOn(d.db, d.asker.member.id, today, addDays(today, 1));
  const planned = await plannerNeeds(d);
  const needs: Need[] = [
    ...planned.needs,
    ...visits.map(
      (v): Need => ({
        text: d.t("mine.need_visit", { name: v.account.name }),
        tone: "neutral",
        accountId: v.accountId,
        urgency: 1,
      }),
    ),
    ...(await redUncontactedNeeds(d, rows)),
    ...promiseNeeds(d, promises),
  ];
  needs.push(...renewalNeeds(d, renewalSoon, planned.reminded));
  needs.sort((a, b) => a.urgency - b.urgency);
  return { needs, routine: planned.routine };
}

/** The planner's lines for the member, the routine reminders it sums up, and the renewals it reminds of. */
async function plannerNeeds(d: HandlerContext): Promise<{ needs: Need[]; routine: Nudge[]; reminded: Set<string> }> {
  const me = d.asker.member;
  const today = d.asker.today;
  const config = d.proactiveConfig ? await d.proactiveConfig() : PROACTIVE_DEFAULTS;
  const plan = planToday(await loadRuleFacts(d.db, today, { ownerId: me.id }), { day: today, config }, me.id);
  const { lines, routine } = withRoutineSummed(plan);
  const needs = lines.map(
    (n): Need => ({
      text: nudgeText(d.locale, n),
      tone: urgencyOf(n) <= 1 ? "danger" : urgencyOf(n) <= 2 ? "warning" : "neutral",
      accountId: n.accountId,
      urgency: urgencyOf(n),
    }),
  );
  const reminded = new Set(plan.filter((n) => n.rule === "renewal_reminder").map((n) => n.accountId));
  return { needs, routine, reminded };
}

/** Red accounts with no contact for RED_CONTACT_DAYS, or none ever. */
async function redUncontactedNeeds(d: HandlerContext, rows: ListRow[]): Promise<Need[]> {
  const today = d.asker.today;
  const reds = rows.filter((r) => r.grade === "red");
  const contacted = await lastContacts(
    d.db,
    reds.map((r) => r.id),
    today,
  );
  const needs: Need[] = [];
  for (const r of reds) {
    const last = contacted.get(r.id);
    const since = last ? daysBetween(last, today) : null;
    if (since === null || since >= RED_CONTACT_DAYS)
      needs.push({
        text:
          since === null
            ? d.t("mine.need_red_never", { name: r.name })
            : d.t("mine.need_red_contact", { name: r.name, days: since }),
        tone: "danger",
        accountId: r.id,
        urgency: 0,
      });
  }
  return needs;
}

/** Overdue promises are the planner's; promises coming due this week are `mine`'s own reminder. */
function promiseNeeds(d: HandlerContext, promises: Awaited<ReturnType<typeof openPromisesDueBy>>): Need[] {
  const needs: Need[] = [];
  for (const p of promises) {
    const due = p.dueDate.toISOString().slice(0, 10);
    if (due < d.asker.today) continue;
    needs.push({
      text: d.t("mine.need_promise", { name: p.account.name, date: day(d, due), title: p.title }),
      tone: "warning",
      accountId: p.accountId,
      urgency: 2,
    });
  }
  return needs;
}

/** Renewals due within 90 days (or lapsed); `readiness` covers them (stakeReadiness reads a superset). */
function renewalsSoon(rows: ListRow[], readiness: Map<string, ReadinessRow>, today: string): RenewalLine[] {
  const soon = rows.filter(
    (r) => r.renewalDate && r.renewalDate <= addDays(today, 90) && (r.renewalDate >= today || isLapsed(r, today)),
  );
  return renewalLines(soon, readiness, today);
}

/** Renewals within 30 days with readiness gaps, unless the planner already reminds of them. */
function renewalNeeds(d: HandlerContext, renewalSoon: RenewalLine[], reminded: Set<string>): Need[] {
  return renewalSoon
    .filter((l) => l.days >= 0 && l.days <= 30 && l.gaps.length > 0 && !reminded.has(l.row.id))
    .map((l) => ({
      text: d.t("mine.need_renewal", { name: l.row.name, days: l.days, gaps: gapText(d, l) }),
      tone: "warning",
      accountId: l.row.id,
      urgency: 2,
    }));
}

/** The first NEEDS_LIMIT needs, a "more" line, and the routine reminders summed up in one line. */
function needsBlock(d: HandlerContext, needs: Need[], routine: Nudge[]): Block {
  const items: { text: string; tone?: Tone }[] = needs.slice(0, NEEDS_LIMIT).map(({ text, tone }) => ({ text, tone }));
  if (needs.length > NEEDS_LIMIT) items.push({ text: d.t("mine.more", { count: needs.length - NEEDS_LIMIT }) });
  if (routine.length)
    items.push({
      text: d.t("mine.routine", {
        count: routine.length,
        names: routine
          .slice(0, 3)
          .map((n) => n.accountName)
          .join(sep(d.locale, "items")),
      }),
    });
  return { type: "list", title: d.t("mine.today"), items: items.length ? items : [{ text: d.t("mine.today_none") }] };
}

/** The at-risk section, with each account's details; none when nothing is at stake. */
async function atRiskBlock(d: HandlerContext, atRisk: StakeLine[]): Promise<Block | undefined> {
  const details = await listDetails(
    d.db,
    atRisk.map((l) => l.row.id),
    d.asker.today,
  );
  if (!atRisk.length) return undefined;
  return { type: "list", title: d.t("mine.at_risk"), items: atRisk.map((l) => stakeItem(d, l, details.get(l.row.id))) };
}

function renewalsBlock(d: HandlerContext, renewalSoon: RenewalLine[]): Block {
  return {
    type: "list",
    title: d.t("mine.renewals"),
    items: renewalSoon.length
      ? renewalSoon.slice(0, SECTION_LIMIT).map((l) => renewalItem(d, l, d.asker.today))
      : [{ text: d.t("mine.renewals_none") }],
  };
}
