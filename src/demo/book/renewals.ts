// Renewals: the past ones (their outcome drawn from health two months before; a churn ends the
// account), the upcoming one of each live account, and CSMs' calls on those due soon.
import { rng } from "../random.js";
import { type AccountPlan, type BookContext, round100 } from "./context.js";
import type { CallRow } from "./rows.js";
import { DEMO_STORIES } from "./stories.js";

/** The renewals before the upcoming one, for accounts two or more years in. */
export function addPastRenewals(ctx: BookContext, p: AccountPlan) {
  const renewal = ctx.offsetOf(p.row.renewalDate);
  const years = Math.round((renewal - ctx.offsetOf(p.row.contractStart)) / 365);
  if (years >= 2) addLastRenewals(ctx, p, renewal - 365, years);
}

/**
 * Last renewal before the upcoming one: its outcome is drawn from health two months before; and,
 * three or more years in, the one before (renewed). A churned account ends at that renewal.
 */
function addLastRenewals(ctx: BookContext, p: AccountPlan, due: number, years: number) {
  const { book, day, nextId } = ctx;
  const { r, row } = p;
  const risk = 1 - p.h(due - 60);
  const u = r.next();
  const pChurn = p.story ? 0 : risk * risk;
  const pDown = p.story ? 0 : 0.35 * risk;
  // Churn needs usage history to show it coming; older non-renewals are long gone from the book.
  const outcome = u < pChurn && due >= -110 ? "churned" : u < pChurn + pDown ? "downsized" : "renewed";
  let prevArr = row.arr;
  if (outcome === "downsized") prevArr = row.arr / r.range(0.65, 0.85);
  if (outcome === "renewed" && p.h(due - 60) > 0.7 && r.chance(0.5)) prevArr = row.arr / r.range(1.05, 1.2);
  prevArr = row.currency === "CNY" ? Math.round(prevArr / 1000) * 1000 : round100(prevArr);
  const closed = Math.min(0, due + r.int(-10, 3));
  book.renewals.push({
    id: nextId("renewal"),
    accountId: row.id,
    dueDate: day(due),
    arr: prevArr,
    status: outcome,
    outcomeArr: outcome === "churned" ? 0 : row.arr,
    closedAt: day(closed),
    termsClear: true,
    valueReportSent: r.chance(0.6),
    notes: null,
  });
  if (years >= 3)
    book.renewals.push({
      id: nextId("renewal"),
      accountId: row.id,
      dueDate: day(due - 365),
      arr: prevArr,
      status: "renewed",
      outcomeArr: prevArr,
      closedAt: day(due - 365 - r.int(0, 10)),
      termsClear: true,
      valueReportSent: r.chance(0.5),
      notes: null,
    });
  if (outcome === "churned") {
    row.stage = "churned";
    row.arr = prevArr;
    row.renewalDate = day(due);
    p.lastUsageDay = due;
  }
}

/** A live account's next renewal, `due` days ahead: terms and value report likelier when healthy. */
export function addUpcomingRenewal(ctx: BookContext, p: AccountPlan, due: number) {
  const { r, row } = p;
  const hNow = p.h(0);
  ctx.book.renewals.push({
    id: ctx.nextId("renewal"),
    accountId: row.id,
    dueDate: ctx.day(due),
    arr: row.arr,
    status: due <= 60 ? "in_progress" : "upcoming",
    outcomeArr: null,
    closedAt: null,
    termsClear: due <= 120 ? r.chance(0.45 + 0.45 * hNow) : null,
    valueReportSent: due <= 60 ? r.chance(0.25 + 0.5 * hNow) : false,
    notes: null,
  });
}

/**
 * CSMs' renewal calls on open renewals due within 120 days, from their own stream (the rest of the
 * book is unchanged by them): some fresh, some older than 30 days (asked again). The renewal with
 * an overdue promise is called "commit" by its owner: a commit the model doubts.
 */
export function addRenewalCalls(ctx: BookContext) {
  const { book, day, nextId } = ctx;
  const r = rng(`${ctx.seed}:calls`);
  const owners = new Map(book.accounts.map((a) => [a.id, a.ownerId]));
  const story = book.accounts.find((a) => a.name === DEMO_STORIES.renewalPromise)?.id;
  for (const ren of book.renewals) {
    if (ren.status !== "upcoming" && ren.status !== "in_progress") continue;
    const left = ctx.offsetOf(ren.dueDate);
    if (left < 0 || left > 120) continue;
    const doubted = ren.accountId === story;
    if (!doubted && !r.chance(0.6)) continue;
    const call: CallRow["call"] = doubted
      ? "commit"
      : ren.termsClear
        ? "commit"
        : r.weighted([
            ["likely", 0.7],
            ["at_risk", 0.25],
            ["lost", 0.05],
          ]);
    book.calls.push({
      id: nextId("call"),
      accountId: ren.accountId,
      dueDate: ren.dueDate,
      call,
      note: doubted ? "客户口头确认会续约" : null,
      memberId: owners.get(ren.accountId) ?? null,
      source: "import",
      calledAt: new Date(day(doubted ? -12 : -r.int(3, 50)).getTime() + 10 * 3_600_000),
    });
  }
}
