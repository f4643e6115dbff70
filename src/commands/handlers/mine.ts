import { sep } from "../../i18n/locale.js";
// `mine`: the asker's book - grades, what needs them today, at risk, renewals (also the home view).

import { PROACTIVE_DEFAULTS } from "../../config/proactive.js";
import { addDays, daysBetween } from "../../domain/dates.js";
import type { AccountFilter } from "../../domain/identity.js";
import { loadRuleFacts } from "../../proactive/facts.js";
import { nudgeText } from "../../proactive/nudges.js";
import { planToday, urgencyOf, withRoutineSummed } from "../../proactive/planner.js";
import type { Block, Reply } from "../../reply/model.js";
import { lastContacts, listAccounts, listDetails, readinessOf } from "../../store/repos/accounts.js";
import { openPromisesDueBy, plannedVisitsOn } from "../../store/repos/interactions.js";
import { agendaBlock } from "./agenda.js";
import { stakeItem, stakeLines, stakeReadiness } from "./at-risk.js";
import { auditRead, day, type HandlerContext } from "./common.js";
import { gapText, isLapsed, renewalItem, renewalLines } from "./renewals.js";

/** Lines of "what needs you today" before a "more" line (routine reminders are summed apart). */
export const NEEDS_LIMIT = 25;

/** Red accounts nobody has talked to for this long need the owner today. */
export const RED_CONTACT_DAYS = 14;

export async function mine(d: HandlerContext, home = false): Promise<Reply> {
  const me = d.asker.member;
  const today = d.asker.today;
  const filter: AccountFilter = { kind: "owner", ownerId: me.id };
  // The list holds every account of the book that is not churned: the grade counts come from it.
  const rows = await listAccounts(d.db, filter, today);
  const c = { green: 0, yellow: 0, red: 0, none: 0 };
  for (const r of rows) c[r.grade ?? "none"] += 1;
  const total = c.green + c.yellow + c.red + c.none;
  const blocks: Block[] = [{ type: "header", text: home ? d.t("home.title") : d.t("mine.title", { name: me.name }) }];
  if (total === 0) {
    blocks.push({ type: "text", text: d.t("mine.empty") });
    return { summary: d.t("mine.empty"), blocks, tone: "neutral" };
  }
  blocks.push({ type: "text", text: d.t("mine.grades", c) });

  // Same accounts as `rows`, by relation: a list of thousands of ids is slow to send and plan.
  const promises = await openPromisesDueBy(d.db, me.id, addDays(today, 7));
  const visits = await plannedVisitsOn(d.db, me.id, today, addDays(today, 1));
  // What needs the member today: the planner's list (the morning nudge is this list minus what
  // they silenced, capped), with routine reminders beyond a few summed up in one line, plus what
  // only `mine` shows (today's visits, promises coming due, red accounts nobody talked to).
  type Need = { text: string; tone: "danger" | "warning" | "neutral"; accountId: string; urgency: number };
  const needs: Need[] = [];
  const config = d.proactiveConfig ? await d.proactiveConfig() : PROACTIVE_DEFAULTS;
  const plan = planToday(await loadRuleFacts(d.db, today, { ownerId: me.id }), { day: today, config }, me.id);
  const { lines, routine } = withRoutineSummed(plan);
  for (const n of lines)
    needs.push({
      text: nudgeText(d.locale, n),
      tone: urgencyOf(n) <= 1 ? "danger" : urgencyOf(n) <= 2 ? "warning" : "neutral",
      accountId: n.accountId,
      urgency: urgencyOf(n),
    });
  for (const v of visits)
    needs.push({
      text: d.t("mine.need_visit", { name: v.account.name }),
      tone: "neutral",
      accountId: v.accountId,
      urgency: 1,
    });
  const reds = rows.filter((r) => r.grade === "red");
  const contacted = await lastContacts(
    d.db,
    reds.map((r) => r.id),
    today,
  );
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
  // Overdue promises are the planner's; promises coming due this week are `mine`'s own reminder.
  for (const p of promises) {
    const due = p.dueDate.toISOString().slice(0, 10);
    if (due < today) continue;
    needs.push({
      text: d.t("mine.need_promise", { name: p.account.name, date: day(d, due), title: p.title }),
      tone: "warning",
      accountId: p.accountId,
      urgency: 2,
    });
  }
  const soon = rows.filter(
    (r) => r.renewalDate && r.renewalDate <= addDays(today, 90) && (r.renewalDate >= today || isLapsed(r, today)),
  );
  const renewalSoon = renewalLines(
    soon,
    await readinessOf(
      d.db,
      soon.map((r) => r.id),
      today,
    ),
    today,
  );
  const reminded = new Set(plan.filter((n) => n.rule === "renewal_reminder").map((n) => n.accountId));
  for (const l of renewalSoon.filter((l) => l.days >= 0 && l.days <= 30 && l.gaps.length > 0))
    if (!reminded.has(l.row.id))
      needs.push({
        text: d.t("mine.need_renewal", { name: l.row.name, days: l.days, gaps: gapText(d, l) }),
        tone: "warning",
        accountId: l.row.id,
        urgency: 2,
      });
  needs.sort((a, b) => a.urgency - b.urgency);
  const items: { text: string; tone?: "danger" | "warning" | "neutral" }[] = needs
    .slice(0, NEEDS_LIMIT)
    .map(({ text, tone }) => ({ text, tone }));
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
  blocks.push({
    type: "list",
    title: d.t("mine.today"),
    items: items.length ? items : [{ text: d.t("mine.today_none") }],
  });

  // The same accounts `risk` lists for this book, in the same order.
  const atRisk = stakeLines(rows, await stakeReadiness(d, rows, today), today).slice(0, 10);
  const details = await listDetails(
    d.db,
    atRisk.map((l) => l.row.id),
    today,
  );
  // Planned visits and calendar meetings ahead, together.
  const agenda = await agendaBlock(d);
  if (agenda.block) blocks.push(agenda.block);
  if (atRisk.length)
    blocks.push({
      type: "list",
      title: d.t("mine.at_risk"),
      items: atRisk.map((l) => stakeItem(d, l, details.get(l.row.id))),
    });
  blocks.push({
    type: "list",
    title: d.t("mine.renewals"),
    items: renewalSoon.length
      ? renewalSoon.slice(0, 10).map((l) => renewalItem(d, l, today))
      : [{ text: d.t("mine.renewals_none") }],
  });
  if (home) blocks.push({ type: "context", text: d.t("home.hint") });
  // Audit the accounts this answer actually shows (grade counts are aggregates, not reads).
  const shown = new Set([
    ...needs.slice(0, NEEDS_LIMIT).map((n) => n.accountId),
    ...atRisk.map((l) => l.row.id),
    ...renewalSoon.slice(0, 10).map((l) => l.row.id),
    ...agenda.accountIds,
  ]);
  await auditRead(d, home ? "home.read" : "mine.read", [...shown]);
  return { summary: d.t("mine.summary", { count: total, ...c }), blocks, tone: c.red > 0 ? "warning" : "good" };
}
