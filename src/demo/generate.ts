// The demo book: a believable CS organisation (3 teams, ~300 accounts, 120 days of usage) built
// from a seed and "today", as plain rows. Pure: no I/O, no clock, no Math.random - the same
// (seed, today) gives the same rows on every machine, so tests and docs can name what is in it.
//
// Every account has a hidden health trajectory h(d) in [0, 1]; usage, contact cadence, sentiment,
// open issues and past renewal outcomes are all drawn from it with noise. The score the health
// engine computes is never consulted, so whether it separates outcomes is a fair test.
//
// Each kind of row is made in src/demo/book/ (organisation, accounts, renewals, contacts, usage,
// interactions, feedback, promises, surveys, milestones, risks, opportunities, story-accounts);
// this file runs them in order, handing each the book's context (src/demo/book/context.ts).

import { planAccounts, stageOf } from "./book/accounts.js";
import { makeContacts, setLastContacts } from "./book/contacts.js";
import { type AccountPlan, type BookContext, newBookContext } from "./book/context.js";
import { addFeedback } from "./book/feedback.js";
import { addInteractions, addRenewalTalk, scheduleVisits } from "./book/interactions.js";
import { addMilestones } from "./book/milestones.js";
import { addOpportunities } from "./book/opportunities.js";
import { addTeamsAndMembers, ownerDiligence } from "./book/organisation.js";
import { addPromises } from "./book/promises.js";
import { addPastRenewals, addRenewalCalls, addUpcomingRenewal } from "./book/renewals.js";
import { addRisks } from "./book/risks.js";
import type { DemoBook } from "./book/rows.js";
import { patchStory, storyAccounts } from "./book/story-accounts.js";
import { addSurveys } from "./book/surveys.js";
import { addUsage } from "./book/usage.js";

export { USAGE_DAYS } from "./book/context.js";
export {
  DEMO_EMAIL_DOMAIN,
  DEMO_PEOPLE,
  demoEmail,
  demoFeishuOpenId,
  demoSlackUserId,
} from "./book/organisation.js";
export type { DemoBook } from "./book/rows.js";
export { DEMO_STORIES } from "./book/stories.js";

export const DEMO_SEED = "tend-demo-1";

/**
 * Builds the demo book for `today` (YYYY-MM-DD). The order below is the order of the draws: each
 * account draws from its own stream, part after part, so moving a step changes the book.
 */
export function generateDemoBook(opts: { today: string; seed?: string }): DemoBook {
  const ctx = newBookContext(opts.today, opts.seed ?? DEMO_SEED);
  addTeamsAndMembers(ctx.book);
  const plans = planAccounts(ctx, ownerDiligence(ctx.seed));
  for (const s of storyAccounts(ctx)) {
    plans.push(s);
    addPastRenewals(ctx, s);
  }
  for (const p of plans) addAccountHistory(ctx, p);
  scheduleVisits(ctx, plans);
  addRenewalCalls(ctx);
  setLastContacts(ctx.book);
  return ctx.book;
}

/** One account and everything about it; a story account then gets its hand-written part. */
function addAccountHistory(ctx: BookContext, p: AccountPlan) {
  const { row } = p;
  ctx.book.accounts.push(row);
  const goLive = ctx.offsetOf(row.goLiveDate);
  const renewal = ctx.offsetOf(row.renewalDate);
  if (row.stage !== "churned") {
    row.stage = stageOf(goLive, renewal);
    addUpcomingRenewal(ctx, p, renewal);
  }
  const contacts = makeContacts(ctx, p);
  addUsage(ctx, p, goLive);
  addInteractions(ctx, p, contacts);
  if (row.stage !== "churned") addRenewalTalk(ctx, p, contacts, renewal);
  addFeedback(ctx, p);
  addPromises(ctx, p);
  addSurveys(ctx, p, contacts);
  addMilestones(ctx, p, goLive);
  addRisks(ctx, p, goLive);
  addOpportunities(ctx, p);
  patchStory(ctx, p, contacts);
  ctx.book.contacts.push(...contacts);
}
