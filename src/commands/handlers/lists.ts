// Lists over a book: renewals, risk, mine (and the home view built from it).
import { addDays, daysBetween } from "../../domain/dates.js";
import type { Reason } from "../../domain/health/types.js";
import { arrAtRisk, quarterEnd, rankingValue, readinessGaps } from "../../domain/renewal.js";
import { nudgeText } from "../../proactive/compose.js";
import { PROACTIVE_DEFAULTS } from "../../proactive/config.js";
import { loadRuleFacts } from "../../proactive/facts.js";
import { planToday, urgencyOf, withRoutineSummed } from "../../proactive/planner.js";
import type { Block, Reply } from "../../reply/model.js";
import {
  atRiskAccounts,
  type ListDetail,
  type ListRow,
  lastContacts,
  listAccounts,
  listDetails,
  type ReadinessRow,
  readinessOf,
} from "../../store/repos/accounts.js";
import { findMemberByHandle, findTeamByName } from "../../store/repos/members.js";
import type { AccountFilter } from "../access.js";
import type { RenewalWindow, Scope } from "../parse.js";
import { auditRead, type Deps, day, gradeLabel, money, reason, simple } from "./common.js";

/** Items shown per list; the rest is summarised with a "more" line. */
export const LIST_LIMIT = 30;

export type ScopeResult = { ok: true; filter: AccountFilter; label: string } | { ok: false; reply: Reply };

/** Whose accounts a list covers, checked against the asker's role. */
export async function resolveScope(d: Deps, scope: Scope): Promise<ScopeResult> {
  const me = d.asker.member;
  const admin = d.asker.role === "admin";
  const teamFilter = (teamId: string, name: string): ScopeResult => ({
    ok: true,
    filter: { kind: "team", teamId },
    label: d.t("scope.team", { name }),
  });
  if (scope.kind === "default") {
    if (admin) return { ok: true, filter: { kind: "all" }, label: d.t("scope.all") };
    if (d.asker.role === "csm" || !me.team)
      return { ok: true, filter: { kind: "owner", ownerId: me.id }, label: d.t("scope.mine") };
    return teamFilter(me.team.id, me.team.name);
  }
  if (scope.kind === "member") {
    // `@me` (what "my renewals" reads as) is the asker, whatever their handle.
    const m = /^(me|我)$/i.test(scope.who) ? me : await findMemberByHandle(d.db, scope.who);
    if (!m)
      return { ok: false, reply: simple(d.t("resolve.member_unknown", { who: scope.who }), "not_found", "warning") };
    if (!admin && m.id !== me.id && (m.teamId === null || m.teamId !== me.teamId))
      return { ok: false, reply: simple(d.t("access.forbidden_scope"), "forbidden", "warning") };
    return {
      ok: true,
      filter: { kind: "owner", ownerId: m.id },
      label: m.id === me.id ? d.t("scope.mine") : d.t("scope.member", { name: m.name }),
    };
  }
  if (!scope.name) {
    if (me.team) return teamFilter(me.team.id, me.team.name);
    if (admin) return { ok: true, filter: { kind: "all" }, label: d.t("scope.all") };
    return { ok: false, reply: simple(d.t("access.no_team"), "forbidden", "neutral") };
  }
  const team = await findTeamByName(d.db, scope.name);
  if (!team)
    return { ok: false, reply: simple(d.t("resolve.team_unknown", { name: scope.name }), "not_found", "warning") };
  if (!admin && team.id !== me.teamId)
    return { ok: false, reply: simple(d.t("access.forbidden_scope"), "forbidden", "warning") };
  return teamFilter(team.id, team.name);
}

function sumByCurrency(d: Deps, rows: { amount: number; currency: string }[]): string {
  const by = new Map<string, number>();
  for (const r of rows) by.set(r.currency, (by.get(r.currency) ?? 0) + r.amount);
  if (by.size === 0) return money(d, 0, "USD");
  return [...by.entries()].map(([c, v]) => money(d, v, c)).join(" + ");
}

export interface RenewalLine {
  row: ListRow;
  ready: ReadinessRow;
  arr: number;
  atRisk: number;
  gaps: ReturnType<typeof readinessGaps>;
  days: number;
}

/** readinessOf answers for every id it is given: this fallback only satisfies the type. */
const NO_READINESS: ReadinessRow = { openPromises: 0, dmEngaged: false, latestNps: null };

/** Ranks renewals by ARR at risk; `readiness` must cover every row (totals count them all). */
export function renewalLines(rows: ListRow[], readiness: Map<string, ReadinessRow>, today: string): RenewalLine[] {
  return rows
    .map((row) => {
      const ready = readiness.get(row.id) ?? NO_READINESS;
      const gaps = readinessGaps({
        termsClear: row.termsClear,
        grade: row.grade,
        latestNps: ready.latestNps,
        decisionMakerEngaged: ready.dmEngaged,
        openPromises: ready.openPromises,
        valueReportSent: row.valueReportSent ?? false,
      });
      const arr = row.renewalArr ?? row.arr;
      return {
        row,
        ready,
        arr,
        gaps,
        atRisk: arrAtRisk(arr, row.grade, gaps.length),
        days: daysBetween(today, row.renewalDate ?? today),
      };
    })
    .sort(
      (a, b) =>
        // Lapsed renewals (past their date, no outcome) first: they are already late.
        Number(b.days < 0) - Number(a.days < 0) ||
        rankingValue(b.atRisk, b.row.currency) - rankingValue(a.atRisk, a.row.currency) ||
        rankingValue(b.arr, b.row.currency) - rankingValue(a.arr, a.row.currency) ||
        a.days - b.days ||
        byName(a.row, b.row),
    );
}

/** A lapsed renewal: an open renewal past its date with no outcome recorded. */
export const isLapsed = (row: ListRow, today: string) =>
  row.renewalStatus !== null && row.renewalDate !== null && row.renewalDate < today;

/** How far ahead `risk` looks at renewals. */
export const STAKE_DAYS = 90;

export interface StakeLine {
  row: ListRow;
  atRisk: number;
  gaps: ReturnType<typeof readinessGaps>;
  ready: ReadinessRow;
  /** Days to the renewal (negative: lapsed), when it is part of what is at stake. */
  renewalDays: number | null;
  lapsed: boolean;
}

/**
 * What is at stake in a book: every account with an open risk, a red grade, a renewal within 90
 * days that is not green or has readiness gaps, or a lapsed renewal; ranked by ARR at risk.
 * `readiness` must cover the rows with a renewal in that window.
 */
export function stakeLines(rows: ListRow[], readiness: Map<string, ReadinessRow>, today: string): StakeLine[] {
  const lines: StakeLine[] = [];
  for (const row of rows) {
    const days = row.renewalDate ? daysBetween(today, row.renewalDate) : null;
    const lapsed = isLapsed(row, today);
    const inWindow = days !== null && days >= 0 && days <= STAKE_DAYS;
    const ready = readiness.get(row.id) ?? NO_READINESS;
    const gaps =
      inWindow || lapsed
        ? readinessGaps({
            termsClear: row.termsClear,
            grade: row.grade,
            latestNps: ready.latestNps,
            decisionMakerEngaged: ready.dmEngaged,
            openPromises: ready.openPromises,
            valueReportSent: row.valueReportSent ?? false,
          })
        : [];
    const renewalAtStake = lapsed || (inWindow && (row.grade !== "green" || gaps.length > 0));
    if (!(row.grade === "red" || row.openRisks > 0 || renewalAtStake)) continue;
    const atRisk = lapsed
      ? (row.renewalArr ?? row.arr)
      : arrAtRisk(row.arr, row.grade, row.openRisks + (renewalAtStake ? gaps.length : 0));
    lines.push({ row, atRisk, gaps, ready, renewalDays: renewalAtStake ? days : null, lapsed });
  }
  return lines.sort(
    (a, b) =>
      rankingValue(b.atRisk, b.row.currency) - rankingValue(a.atRisk, a.row.currency) ||
      Number(b.lapsed) - Number(a.lapsed) ||
      rankingValue(b.row.arr, b.row.currency) - rankingValue(a.row.arr, a.row.currency) ||
      byName(a.row, b.row),
  );
}

/** Readiness of the rows whose renewal falls in the stake window (or has lapsed). */
export async function stakeReadiness(d: Deps, rows: ListRow[], today: string) {
  const end = addDays(today, STAKE_DAYS);
  return readinessOf(
    d.db,
    rows.filter((r) => r.renewalDate !== null && r.renewalDate <= end).map((r) => r.id),
    today,
  );
}

/** Last tie-break, so equal lines keep one order whatever order the store returned them in. */
function byName(a: { name: string; id: string }, b: { name: string; id: string }): number {
  return a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function gapText(d: Deps, line: Pick<RenewalLine, "gaps" | "ready">): string {
  return line.gaps
    .map((g) => (g === "promises" ? d.t("gap.promises", { count: line.ready.openPromises }) : d.t(`gap.${g}`)))
    .join(d.locale === "zh-CN" ? "、" : ", ");
}

export async function renewals(d: Deps, window: RenewalWindow, scope: Scope): Promise<Reply> {
  const s = await resolveScope(d, scope);
  if (!s.ok) return s.reply;
  const today = d.asker.today;
  const end = "quarter" in window ? quarterEnd(today) : addDays(today, window.days);
  const rows = await listAccounts(d.db, s.filter, today, { renewalFrom: today, renewalTo: end, lapsed: true });
  const ready = await readinessOf(
    d.db,
    rows.map((r) => r.id),
    today,
  );
  const lines = renewalLines(rows, ready, today);
  const title =
    "quarter" in window
      ? d.t("renewals.title_quarter", { end: day(d, end), scope: s.label })
      : d.t("renewals.title", { days: window.days, scope: s.label });
  const totalArr = sumByCurrency(
    d,
    lines.map((l) => ({ amount: l.arr, currency: l.row.currency })),
  );
  const totalRisk = sumByCurrency(
    d,
    lines.map((l) => ({ amount: l.atRisk, currency: l.row.currency })),
  );
  const blocks: Block[] = [{ type: "header", text: title }];
  if (lines.length === 0) blocks.push({ type: "text", text: d.t("renewals.none") });
  else {
    const shown = lines.slice(0, LIST_LIMIT);
    blocks.push({ type: "list", items: shown.map((l) => renewalItem(d, l, today)) });
    if (lines.length > shown.length)
      blocks.push({ type: "context", text: d.t("renewals.more", { count: lines.length - shown.length }) });
    await auditRead(
      d,
      "renewals.read",
      shown.map((l) => l.row.id),
    );
  }
  blocks.push({
    type: "context",
    text: d.t("renewals.totals", { count: lines.length, arr: totalArr, atRisk: totalRisk }),
  });
  return {
    summary: d.t(lines.length === 1 ? "renewals.summary_one" : "renewals.summary", {
      count: lines.length,
      arr: totalArr,
      atRisk: totalRisk,
    }),
    blocks,
    tone: lines.some((l) => l.row.grade === "red") ? "warning" : "neutral",
  };
}

/** One renewal in a list; a lapsed one says so (and how long ago) instead of "in N days". */
export function renewalItem(d: Deps, l: RenewalLine, today: string) {
  const params = {
    name: l.row.name,
    arr: money(d, l.arr, l.row.currency),
    date: day(d, l.row.renewalDate ?? today),
    days: Math.abs(l.days),
    grade: gradeLabel(d, l.row.grade, l.row.score),
    status: d.t(`status.${(l.row.renewalStatus ?? "upcoming") as "upcoming"}`),
    atRisk: money(d, l.atRisk, l.row.currency),
  };
  const lapsed = l.days < 0;
  return {
    text: d.t(lapsed ? "renewals.item_lapsed" : "renewals.item", params),
    detail: l.gaps.length ? d.t("renewals.gaps", { gaps: gapText(d, l) }) : d.t("renewals.ready"),
    tone:
      lapsed || l.row.grade === "red"
        ? ("danger" as const)
        : l.gaps.length >= 3
          ? ("warning" as const)
          : ("neutral" as const),
  };
}

/** Causes with severity, the renewal at stake, then the top drags. */
export function stakeDetail(d: Deps, l: StakeLine, detail: ListDetail | undefined): string {
  const parts: string[] = [];
  if (l.lapsed) parts.push(d.t("risk.renewal_lapsed", { days: -(l.renewalDays ?? 0) }));
  else if (l.renewalDays !== null)
    parts.push(
      l.gaps.length
        ? d.t("risk.renewal_gaps", { days: l.renewalDays, gaps: gapText(d, { gaps: l.gaps, ready: l.ready }) })
        : d.t("risk.renewal_in", { days: l.renewalDays }),
    );
  const rest = riskDetail(d, detail);
  return [...(rest.risks ? [rest.risks] : []), ...parts, ...(rest.reasons ? [rest.reasons] : [])].join(" · ");
}

function riskDetail(d: Deps, detail: ListDetail | undefined): { risks: string; reasons: string } {
  // Open risks are listed by name first, so their reason sentences ("medium risk: ...") would repeat them.
  const reasons = ((detail?.reasons ?? []) as Reason[])
    .filter((r) => r.kind === "drag" && !r.key.startsWith("risk."))
    .sort((a, b) => Math.abs(b.impact) - Math.abs(a.impact))
    .slice(0, 2)
    .map((r) => reason(d, r));
  const risks = (detail?.openRisks ?? []).map((r) =>
    d.t("risk.with_severity", {
      risk: d.t(`risk.${r.kind as "other"}`),
      severity: d.t(`severity.${r.severity as "high"}`),
    }),
  );
  return { risks: risks.join(" · "), reasons: reasons.join(" · ") };
}

export async function risk(d: Deps, scope: Scope): Promise<Reply> {
  const s = await resolveScope(d, scope);
  if (!s.ok) return s.reply;
  const today = d.asker.today;
  const rows = await atRiskAccounts(d.db, s.filter, today, STAKE_DAYS);
  const lines = stakeLines(rows, await stakeReadiness(d, rows, today), today);
  const shown = lines.slice(0, LIST_LIMIT);
  const details = await listDetails(
    d.db,
    shown.map((l) => l.row.id),
    today,
  );
  const atRisk = sumByCurrency(
    d,
    lines.map((l) => ({ amount: l.atRisk, currency: l.row.currency })),
  );
  const blocks: Block[] = [{ type: "header", text: d.t("risk.title", { scope: s.label }) }];
  if (lines.length === 0) blocks.push({ type: "text", text: d.t("risk.none") });
  else {
    blocks.push({ type: "list", items: shown.map((l) => stakeItem(d, l, details.get(l.row.id))) });
    if (lines.length > shown.length)
      blocks.push({ type: "context", text: d.t("renewals.more", { count: lines.length - shown.length }) });
    await auditRead(
      d,
      "risk.read",
      shown.map((l) => l.row.id),
    );
  }
  const summary = d.t(lines.length === 1 ? "risk.summary_one" : "risk.summary", { count: lines.length, atRisk });
  blocks.push({ type: "context", text: summary });
  return { summary, blocks, tone: lines.length ? "danger" : "good" };
}

export function stakeItem(d: Deps, l: StakeLine, detail: ListDetail | undefined) {
  const high = (detail?.openRisks ?? []).some((r) => r.severity === "high");
  return {
    text: d.t("risk.item", {
      name: l.row.name,
      grade: gradeLabel(d, l.row.grade, l.row.score),
      arr: money(d, l.row.arr, l.row.currency),
      atRisk: money(d, l.atRisk, l.row.currency),
    }),
    detail: stakeDetail(d, l, detail),
    tone: l.row.grade === "red" || l.lapsed || high ? ("danger" as const) : ("warning" as const),
  };
}

/** Lines of "what needs you today" before a "more" line (routine reminders are summed apart). */
export const NEEDS_LIMIT = 25;

/** Red accounts nobody has talked to for this long need the owner today. */
export const RED_CONTACT_DAYS = 14;

export async function mine(d: Deps, home = false): Promise<Reply> {
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
  const book = { ownerId: me.id, stage: { not: "churned" as const } };
  const promises = await d.db.prisma.customerPromise.findMany({
    where: { account: book, status: "open", dueDate: { lte: new Date(`${addDays(today, 7)}T00:00:00Z`) } },
    include: { account: { select: { name: true } } },
    orderBy: { dueDate: "asc" },
    take: 10,
  });
  const visits = await d.db.prisma.interaction.findMany({
    where: {
      account: book,
      scheduled: true,
      occurredAt: { gte: new Date(`${today}T00:00:00Z`), lt: new Date(`${addDays(today, 1)}T00:00:00Z`) },
    },
    include: { account: { select: { name: true } } },
  });
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
          .join(d.locale === "zh-CN" ? "、" : ", "),
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
  ]);
  await auditRead(d, home ? "home.read" : "mine.read", [...shown]);
  return { summary: d.t("mine.summary", { count: total, ...c }), blocks, tone: c.red > 0 ? "warning" : "good" };
}
