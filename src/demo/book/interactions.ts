// What CSMs did with each account: the handoff call, visits, calls, QBRs, trainings and emails at a
// cadence set by tier, owner habit and health, praise and complaints on the way, a renewal talk
// before a renewal, and a few visits on the calendar ahead.
import * as N from "../names.js";
import { rng } from "../random.js";
import { type AccountPlan, type BookContext, lastDay } from "./context.js";
import type { ContactRow, InteractionKind, InteractionRow, Tier } from "./rows.js";

/** Which kinds of touch each tier gets, weighted. */
const MIX: Record<Tier, [InteractionKind, number][]> = {
  strategic: [
    ["visit", 3],
    ["call", 4],
    ["qbr", 1],
    ["exec_visit", 0.5],
    ["training", 0.5],
  ],
  key: [
    ["visit", 2],
    ["call", 5],
    ["qbr", 1],
    ["training", 1],
  ],
  standard: [
    ["call", 6],
    ["visit", 1],
    ["training", 1],
  ],
  long_tail: [
    ["call", 3],
    ["email", 5],
  ],
};

/** The account's held interactions, newest first after the handoff call, then its emails. */
export function addInteractions(ctx: BookContext, p: AccountPlan, contacts: ContactRow[]) {
  const { r, row } = p;
  const start = Math.max(ctx.offsetOf(row.contractStart), -200);
  const end = lastDay(p);
  const base = { strategic: 9, key: 18, standard: 40, long_tail: 75 }[row.tier];
  const gapOf = () => base * p.diligence * (p.h(0) < 0.35 ? 1.25 : 1) * r.range(0.6, 1.4);
  const dm = contacts.find((c) => c.role === "decision_maker" && c.active)?.name ?? null;
  const champ = contacts.find((c) => c.role === "champion" && c.active)?.name ?? null;
  const exec = contacts.find((c) => c.role === "executive")?.name;
  const admin = contacts.find((c) => c.role === "admin")?.name;
  // The handoff call from sales opens every relationship (of those that began in view).
  if (ctx.offsetOf(row.contractStart) >= start)
    addInteraction(ctx, p, "call", Math.min(end, start + r.int(1, 5)), champ).notes =
      p.lang === "zh"
        ? "销售交接会：决策链、购买原因、特殊条款"
        : "Handoff from sales: decision chain, why they bought, special terms";
  for (let t = end - Math.round(r.range(0, 1.2) * gapOf()); t > start + 5; t -= Math.max(2, Math.round(gapOf()))) {
    const kind = r.weighted(MIX[row.tier]);
    const who =
      kind === "exec_visit"
        ? (exec ?? dm)
        : kind === "training"
          ? (admin ?? champ)
          : kind === "qbr" || r.chance(0.15 + 0.35 * p.h(t))
            ? dm
            : champ;
    addInteraction(ctx, p, kind, t, who);
    const ht = p.h(t);
    if (ht > 0.8 && r.chance(0.12)) addInteraction(ctx, p, "praise", t, champ);
    if (ht < 0.35 && r.chance(0.2)) addInteraction(ctx, p, "complaint", t, champ);
  }
  for (let t = end - r.int(0, 30); t >= start; t -= r.int(20, 45)) addInteraction(ctx, p, "email", t, champ);
}

/**
 * Once a renewal is in progress (due within 60 days) most CSMs talk terms with the decision maker;
 * healthier accounts and more diligent owners more often. Without it nearly every small account
 * would reach its renewal date with the decision maker unmet. Its own stream, so the rest of the
 * account's draws stay as they were.
 */
export function addRenewalTalk(ctx: BookContext, p: AccountPlan, contacts: ContactRow[], due: number) {
  if (due < 0 || due > 60) return;
  const r = rng(`${ctx.seed}:renewal-talk:${p.row.id}`);
  const dm = contacts.find((c) => c.role === "decision_maker" && c.active);
  if (!dm || !r.chance(Math.min(0.9, (0.35 + 0.5 * p.h(0)) / p.diligence))) return;
  const strategic = p.row.tier === "strategic" || p.row.tier === "key";
  const d = -r.int(2, Math.max(2, Math.min(25, 60 - due)));
  addInteraction(ctx, { ...p, r }, strategic ? "visit" : "call", d, dm.name).notes =
    p.lang === "zh" ? "续约沟通：明年的范围、目标与条款" : "Renewal conversation: next year's scope, goals and terms";
}

/** A few visits on the calendar today and in the next days (visit-prep briefs). */
export function scheduleVisits(ctx: BookContext, plans: readonly AccountPlan[]) {
  const r = rng(`${ctx.seed}:calendar`);
  const candidates = plans.filter(
    (p) => p.row.stage !== "churned" && !p.story && (p.row.tier === "strategic" || p.row.tier === "key"),
  );
  const offsets = [0, 0, 0, 1, 1, 1, 2, 3, 4, 6, 8, 9];
  for (const d of offsets) {
    const p = candidates.splice(r.int(0, candidates.length - 1), 1)[0];
    if (!p) break;
    const contact = ctx.book.contacts.find((c) => c.accountId === p.row.id && c.role === "champion" && c.active);
    const kind = r.pick(["visit", "visit", "qbr", "exec_visit"] as const);
    addInteraction(ctx, p, kind, d, contact?.name ?? null, true);
  }
}

/** One interaction on day offset `d`, at a business hour of the account's team, with a stock note. */
export function addInteraction(
  ctx: BookContext,
  p: AccountPlan,
  kind: InteractionKind,
  d: number,
  contactName: string | null,
  scheduled = false,
): InteractionRow {
  const row: InteractionRow = {
    id: ctx.nextId("interaction"),
    accountId: p.row.id,
    kind,
    occurredAt: at(ctx, p, d),
    scheduled,
    memberId: p.row.ownerId,
    contactName,
    notes: p.r.pick(N.NOTES[kind][p.lang]),
    nextSteps: null,
  };
  ctx.book.interactions.push(row);
  return row;
}

function at(ctx: BookContext, p: AccountPlan, d: number): Date {
  const [from, to] = p.team.utcHours;
  const hour = p.r.int(from, to);
  return new Date(ctx.day(d).getTime() + hour * 3_600_000 + p.r.int(0, 3) * 15 * 60_000);
}
