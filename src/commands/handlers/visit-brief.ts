import type { AppContext } from "../../context.js";
import { type BriefFacts, buildBrief } from "../../domain/brief.js";
import { addDays, isoDay, localDay } from "../../domain/dates.js";
import { settingsFor } from "../../domain/health/config.js";
import { HEALTH_DEFAULTS } from "../../domain/health/defaults.js";
import { readinessGaps } from "../../domain/renewal.js";
import { formatPercent, sep } from "../../i18n/locale.js";
import { accountTrendAttachment } from "../../reply/charts.js";
import type { Block, Reply } from "../../reply/model.js";
import type { Db } from "../../store/db.js";
import { accountRef } from "../../store/repos/accounts.js";
import { accountForBrief, healthyPeerOf, latestGrade } from "../../store/repos/brief.js";
import { accountTickets } from "../../store/repos/support.js";
import { accountTrend } from "../../store/repos/trends.js";
import { data } from "../../text/user-data.js";
import { type Asker, canRead, identify, readableFilter } from "../access.js";
import {
  accountButtons,
  day,
  type FoundAccount,
  type HandlerContext,
  handlerContext,
  money,
  reason,
  renewalText,
} from "./common.js";

const iso = (d: Date | null) => (d ? isoDay(d) : null);

async function similarHealthyPeer(
  d: HandlerContext,
  a: { id: string; industry: string | null; tier: string; arr: unknown; currency: string },
): Promise<BriefFacts["peer"]> {
  const p = await healthyPeerOf(d.db, readableFilter(d.asker), a, d.asker.today);
  if (!p) return null;
  return {
    name: p.name,
    score: p.score,
    sameIndustry: p.same_industry,
    coreUsed: p.core_used,
    coreTotal: p.core_total,
    cadenceDays: p.touches > 0 ? Math.round(90 / p.touches) : null,
    strength: (p.reasons ?? []).filter((r) => r.kind === "lift").sort((x, y) => y.impact - x.impact)[0] ?? null,
  };
}

/** The open renewal's readiness gaps, read as the renewals list reads them (src/domain/renewal.ts). */
async function renewalGaps(
  d: HandlerContext,
  a: {
    id: string;
    renewals: { termsClear: boolean | null; valueReportSent: boolean }[];
    contacts: { role: string; attitude: string; active: boolean; lastContact: Date | null }[];
    promises: { status: string }[];
    surveys: { score: number }[];
  },
): Promise<string[] | undefined> {
  const r = a.renewals[0];
  if (!r) return undefined;
  const h = await latestGrade(d.db, a.id, d.asker.today);
  const cut = addDays(d.asker.today, -90);
  return readinessGaps({
    termsClear: r.termsClear,
    grade: h && h.state !== "new" ? h.grade : null,
    latestNps: a.surveys[0]?.score ?? null,
    decisionMakerEngaged: a.contacts.some(
      (c) =>
        c.role === "decision_maker" &&
        c.active &&
        c.attitude !== "opponent" &&
        c.lastContact !== null &&
        isoDay(c.lastContact) >= cut,
    ),
    openPromises: a.promises.filter((p) => p.status === "open").length,
    valueReportSent: r.valueReportSent,
  });
}

/**
 * The visit brief of one account the asker may read. It records nothing: whoever shows it to a
 * person records the read (`brief <name>` at once; the proactive engine when it sends the brief).
 */
type Brief = ReturnType<typeof buildBrief>;
type BriefAccount = Awaited<ReturnType<typeof accountForBrief>>;
type Ticket = Awaited<ReturnType<typeof accountTickets>>[number];

export async function visitBrief(d: HandlerContext, found: FoundAccount): Promise<Reply> {
  const today = d.asker.today;
  const a = await accountForBrief(d.db, found.id, addDays(today, -56));
  const renewal = a.renewals[0]?.dueDate ?? a.renewalDate;
  const facts: BriefFacts = {
    today,
    usage: a.usage.map((u) => ({ ...u, day: isoDay(u.day) })),
    feedback: a.feedback.map((f) => ({
      title: f.title,
      status: f.status,
      raisedAt: isoDay(f.raisedAt),
      resolvedAt: iso(f.resolvedAt),
    })),
    interactions: a.interactions.map((i) => ({
      kind: i.kind,
      occurredAt: i.occurredAt.toISOString(),
      notes: i.notes,
      nextSteps: i.nextSteps,
      scheduled: i.scheduled,
      contactName: i.contactName,
      answered: i.answered,
    })),
    contacts: a.contacts.map((c) => ({
      name: c.name,
      role: c.role,
      title: c.title,
      attitude: c.attitude,
      influence: c.influence,
      active: c.active,
      leftAt: iso(c.leftAt),
      lastContact: iso(c.lastContact),
    })),
    nps: a.surveys.map((s) => ({ score: s.score, respondedAt: isoDay(s.respondedAt) })),
    milestones: a.milestones.map((m) => ({ title: m.title, dueDate: isoDay(m.dueDate), status: m.status })),
    promises: a.promises.map((p) => ({ title: p.title, dueDate: isoDay(p.dueDate), status: p.status })),
    risks: a.risks.map((r) => ({
      kind: r.kind,
      severity: r.severity,
      raisedAt: isoDay(r.raisedAt),
      resolvedAt: iso(r.resolvedAt),
    })),
    renewalDate: iso(renewal),
    readinessGaps: await renewalGaps(d, a),
    cadenceDays: settingsFor(HEALTH_DEFAULTS, a.tier, a.industry).relationship.cadenceDays,
    peer: await similarHealthyPeer(d, a),
  };
  const b = buildBrief(facts);
  const tickets = await accountTickets(d.db, a.id, new Date(`${addDays(today, -30)}T00:00:00Z`));
  const blocks: Block[] = [
    { type: "header", text: d.t("brief.title", { name: a.name }) },
    ...usageSection(d, b),
    ...raisedSection(d, b, tickets),
    ...recordSection(d, a, b, facts.renewalDate),
    ...practiceSection(d, b),
    ...changesSection(d, b),
    ...promisesSection(d, b),
  ];
  blocks.push({ type: "buttons", buttons: accountButtons(d, a, `brief id:${a.id}`) });
  const trend = accountTrendAttachment(d.locale, await accountTrend(d.db, a.id, today));
  return {
    summary: d.t("brief.summary", { name: a.name }),
    blocks,
    tone: "neutral",
    ...(trend ? { attachments: [trend] } : {}),
  };
}

/** 1. Usage: active users, activation, core features, the trend and what to push. */
function usageSection(d: HandlerContext, b: Brief): Block[] {
  const t = d.t;
  const pct = (r: number) => formatPercent(d.locale, r);
  const signed = (r: number) => {
    const whole = Math.round(r * 100) / 100 || 0; // "-0%" reads as a fall that is not there
    return `${whole > 0 ? "+" : ""}${pct(whole)}`;
  };
  const out: Block[] = [];
  const usageLines: string[] = [];
  if (b.usage) {
    usageLines.push(
      t("brief.usage_line", {
        active: b.usage.activeAvg,
        seats: b.usage.seats,
        change: b.usage.change === null ? t("label.no_data") : signed(b.usage.change),
        activated: pct(b.usage.activation),
        core: b.usage.core,
        coreTotal: b.usage.coreTotal,
      }),
      t(`brief.usage_${b.usage.trend}`, { pct: pct(b.usage.activation) }),
    );
    if (b.usage.advice.includes("activation"))
      usageLines.push(t("brief.advice_activation", { pct: pct(b.usage.activation) }));
    if (b.usage.advice.includes("depth"))
      usageLines.push(t("brief.advice_depth", { core: b.usage.core, coreTotal: b.usage.coreTotal }));
  } else usageLines.push(t("brief.usage_none"));
  out.push({ type: "text", text: `**${t("brief.usage")}**\n${usageLines.join("\n")}` });
  return out;
}

/** 2. What they raised: feedback, support tickets, and the last contact. */
function raisedSection(d: HandlerContext, b: Brief, tickets: Ticket[]): Block[] {
  const t = d.t;
  const out: Block[] = [];
  const raisedItems = b.raised.map((r) => ({
    text: t("brief.raised_item", { title: r.title, status: t(`fb.${r.status as "open"}`), date: day(d, r.raisedAt) }),
    tone:
      r.status === "open" ? ("warning" as const) : r.status === "delivered" ? ("good" as const) : ("neutral" as const),
  }));
  // Support tickets (Zendesk): open ones, urgent first, then those solved in the last 30 days.
  for (const tk of tickets) {
    const open = tk.solvedAt === null;
    raisedItems.push({
      text: t(open ? (tk.priority === "urgent" ? "brief.ticket_urgent" : "brief.ticket_open") : "brief.ticket_solved", {
        ref: tk.externalId,
        title: tk.subject,
        // The reader's day (a ticket opened late in the evening there is not dated the next UTC day).
        date: day(d, localDay(open ? tk.openedAt : tk.solvedAt!, d.asker.timeZone)),
      }),
      tone: open ? ("warning" as const) : ("good" as const),
    });
  }
  if (b.lastInteraction)
    raisedItems.push({
      text: t("brief.last_contact", {
        kind: t(`kind.${b.lastInteraction.kind as "visit"}`),
        date: day(d, b.lastInteraction.occurredAt),
        notes: b.lastInteraction.notes ? ` - ${b.lastInteraction.notes}` : "",
      }),
      tone: "neutral",
    });
  out.push({
    type: "list",
    title: t("brief.raised"),
    items: raisedItems.length ? raisedItems : [{ text: t("brief.raised_none") }],
  });
  return out;
}

/** 3. The account record, the decision chain and the questions to ask. */
function recordSection(d: HandlerContext, a: BriefAccount, b: Brief, renewalDate: string | null): Block[] {
  const t = d.t;
  const out: Block[] = [];
  out.push({ type: "text", text: `**${t("brief.chain")}**` });
  out.push({
    type: "fields",
    fields: [
      { label: t("label.arr"), value: money(d, Number(a.arr), a.currency) },
      { label: t("label.renewal"), value: renewalText(d, renewalDate) },
      { label: t("label.stage"), value: t(`stage.${a.stage}`) },
      { label: t("label.tier"), value: t(`tier.${a.tier}`) },
      { label: t("label.owner"), value: a.owner ? data(a.owner.name) : t("label.unassigned") },
    ],
  });
  out.push({
    type: "list",
    items: b.contacts.slice(0, 8).map((c) => ({
      text: t("brief.contact", {
        name: c.name,
        role: t(`role.${c.role as "user"}`),
        title: c.title ? `, ${c.title}` : "",
        attitude: t(`att.${c.attitude as "neutral"}`),
        last: c.lastContact ? day(d, c.lastContact) : t("brief.contact_never"),
      }),
      tone:
        c.attitude === "opponent"
          ? ("danger" as const)
          : c.attitude === "supporter"
            ? ("good" as const)
            : ("neutral" as const),
    })),
  });
  out.push({
    type: "list",
    title: t("brief.questions"),
    items: b.questions.map((q) => {
      const params: Record<string, string | number> = "params" in q ? { ...q.params } : {};
      if (q.key === "milestone") params.date = day(d, q.params.date);
      if (q.key === "usage_drop") params.pct = `${q.params.pct}%`;
      if (q.key === "open_risk") params.risk = t(`risk.${q.params.kind as "other"}`);
      if (q.key === "readiness") return { text: t(`brief.q_gap_${q.params.gap as "terms"}`, params) };
      return { text: t(`brief.q_${q.key}`, params) };
    }),
  });
  return out;
}

/** 4. Good practice: what a healthy comparable account does. */
function practiceSection(d: HandlerContext, b: Brief): Block[] {
  const t = d.t;
  const out: Block[] = [];
  const p = b.practice;
  const practices = !p
    ? []
    : [
        ...(p.strength ? [reason(d, p.strength)] : []),
        // Their strongest reason may already be their core-feature use: say it once.
        ...(p.coreUsed !== null && p.coreTotal && !p.strength?.key.startsWith("depth.")
          ? [t("brief.practice_depth", { core: p.coreUsed, coreTotal: p.coreTotal })]
          : []),
        ...(p.cadenceDays !== null ? [t("brief.practice_cadence", { days: p.cadenceDays })] : []),
      ];
  const what = practices.length ? practices.join(sep(d.locale, "clauses")) : t("brief.practice_generic");
  out.push({
    type: "text",
    text: `**${t("brief.practice")}**\n${
      p
        ? t("brief.practice_line", {
            name: p.name,
            reason: t(p.sameIndustry ? "brief.practice_industry" : "brief.practice_tier"),
            score: p.score,
            what,
          })
        : t("brief.practice_none")
    }`,
  });
  return out;
}

/** 5. Recent changes. */
function changesSection(d: HandlerContext, b: Brief): Block[] {
  const t = d.t;
  const out: Block[] = [];
  const changeText = b.changes.map((c) => {
    switch (c.key) {
      case "left":
        return t("brief.change_left", { name: c.name, role: t(`role.${c.role as "user"}`), date: day(d, c.date) });
      case "nps":
        return t("brief.change_nps", { from: c.from, to: c.to });
      case "feedback":
        return t("brief.change_feedback", { count: c.count });
      case "risk":
        return t("brief.change_risk", {
          risk: t(`risk.${c.kind as "other"}`),
          severity: t(`severity.${c.severity as "high"}`),
        });
      case "usage":
        return t("brief.change_usage", { change: `${c.changePct >= 0 ? "+" : ""}${c.changePct}%` });
      default:
        return "";
    }
  });
  out.push({
    type: "list",
    title: t("brief.changes"),
    items: (changeText.length ? changeText : [t("brief.changes_none")]).map((text) => ({ text })),
  });
  return out;
}

/** Open promises, overdue first in tone. */
function promisesSection(d: HandlerContext, b: Brief): Block[] {
  const t = d.t;
  const out: Block[] = [];
  out.push({
    type: "list",
    title: t("brief.promises"),
    items: b.openPromises.length
      ? b.openPromises.map((pr) => ({
          text: t(pr.overdue ? "brief.promise_overdue" : "brief.promise", {
            title: pr.title,
            date: day(d, pr.dueDate),
          }),
          tone: pr.overdue ? ("danger" as const) : ("warning" as const),
        }))
      : [{ text: t("brief.promises_none") }],
  });
  return out;
}

/**
 * The visit brief of an account by id, for a member already identified (the proactive engine and
 * the playground's morning preview): no name lookup, no command text, nothing recorded.
 * Undefined when the account is gone or outside the member's reach.
 */
export async function briefFor(db: Db, asker: Asker, accountId: string): Promise<Reply | undefined> {
  const a = await accountRef(db, accountId);
  if (!a || !canRead(asker, a)) return undefined;
  return visitBrief(handlerContext(db, asker), a);
}

/**
 * The visit brief a member's meeting brief carries (src/calendar/sync.ts): the account as the
 * calendar matched it in their book, by id. Undefined when the member is not known or not active.
 */
export async function meetingVisitBrief(
  ctx: AppContext,
  memberEmail: string,
  account: { id: string; name: string },
): Promise<Reply | undefined> {
  const who = await identify(ctx, { surface: "cli", email: memberEmail });
  if (!who.ok) return undefined;
  return visitBrief(handlerContext(ctx.db, who.asker), { ...account, teamId: null, ownerId: null });
}
