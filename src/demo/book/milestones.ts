// Milestones on an account's success plan: the onboarding plan around go-live for accounts live
// less than six months, a success goal or two for established strategic and key accounts.
import * as N from "../names.js";
import type { AccountPlan, BookContext } from "./context.js";
import type { MilestoneRow } from "./rows.js";

/** The account's milestones (none once it churned). */
export function addMilestones(ctx: BookContext, p: AccountPlan, goLive: number) {
  const { r, row, lang } = p;
  if (row.stage === "churned") return;
  const start = ctx.offsetOf(row.contractStart);
  if (goLive > -180) {
    const plan = N.MILESTONES.onboarding[lang];
    const offsets = [start + 5 - goLive, -14, -7, -3, 0, 30, 60, 90];
    plan.forEach((title, k) => {
      addMilestone(ctx, p, title, goLive + offsets[k]!);
    });
  } else if (row.tier === "strategic" || row.tier === "key") {
    const titles = [...N.MILESTONES.success[lang]];
    for (let k = r.int(1, 2); k > 0; k--) {
      const title = titles.splice(r.int(0, titles.length - 1), 1)[0]!;
      addMilestone(ctx, p, title, r.int(-30, 120));
    }
  }
}

/** One milestone: done (or missed) when its due date passed, as health made likely. */
function addMilestone(ctx: BookContext, p: AccountPlan, title: string, due: number) {
  const { book, day, nextId } = ctx;
  const { r } = p;
  let status: MilestoneRow["status"] = "planned";
  let done: number | null = null;
  if (due <= 0) {
    if (r.chance(0.72 + 0.28 * p.h(due))) {
      status = "done";
      done = Math.min(0, due + r.int(-3, 5));
    } else if (-due > 14) status = "missed";
  }
  book.milestones.push({
    id: nextId("milestone"),
    accountId: p.row.id,
    title,
    dueDate: day(due),
    status,
    doneAt: done === null ? null : day(done),
  });
}
