// Writes the demo book into a store: one set-based INSERT per table (json_populate_recordset) and the
// usage bulk path, so ~300 accounts with 120 days of usage load in seconds. Prisma's createMany
// took ~4x longer here (one bind parameter per field). Then scores health when the engine is present.
import type { AppContext } from "../context.js";
import { addDays, localDay } from "../domain/dates.js";
import type { Prisma } from "../generated/prisma/client.js";
import { recompute } from "../health/recompute.js";
import type { Db } from "../store/db.js";
import { bookCounts, clearBook, insertRows, type StoreCounts } from "../store/repos/book.js";
import { upsertUsage } from "../store/repos/usage.js";

import { type DemoBook, generateDemoBook } from "./generate.js";

/** What `--force` empties: the book and the per-member state that points into it. */

/** Days of health history scored after loading (sparklines, 7-day drops, quadrant moves). */
export const DEMO_HEALTH_DAYS = 30;

export interface LoadedCounts {
  teams: number;
  members: number;
  accounts: number;
  churned: number;
  contacts: number;
  usage: number;
  interactions: number;
  feedback: number;
  promises: number;
  surveys: number;
  milestones: number;
  risks: number;
  opportunities: number;
  calls: number;
  renewals: number;
}

/** The rows must stay what Prisma would accept: this fails to compile when the schema drifts. */
function typed(book: DemoBook) {
  return {
    teams: book.teams satisfies Prisma.TeamCreateManyInput[],
    members: book.members satisfies Prisma.MemberCreateManyInput[],
    accounts: book.accounts satisfies Prisma.AccountCreateManyInput[],
    contacts: book.contacts satisfies Prisma.ContactCreateManyInput[],
    interactions: book.interactions satisfies Prisma.InteractionCreateManyInput[],
    feedback: book.feedback satisfies Prisma.FeedbackCreateManyInput[],
    promises: book.promises satisfies Prisma.CustomerPromiseCreateManyInput[],
    surveys: book.surveys satisfies Prisma.SurveyResponseCreateManyInput[],
    milestones: book.milestones satisfies Prisma.MilestoneCreateManyInput[],
    risks: book.risks satisfies Prisma.RiskFlagCreateManyInput[],
    opportunities: book.opportunities satisfies Prisma.OpportunityCreateManyInput[],
    renewals: book.renewals satisfies Prisma.RenewalCreateManyInput[],
    calls: book.calls satisfies Prisma.RenewalCallCreateManyInput[],
  };
}

/** Inserts every row of `book` (the store should be empty; ids are fixed, so twice is a conflict). */
export async function writeBook(db: Db, book: DemoBook): Promise<LoadedCounts> {
  const t = typed(book);
  // Parents first; PGlite serves one statement at a time, so sequential costs nothing.
  await insertRows(db, "Team", t.teams, true);
  await insertRows(db, "Member", t.members, true);
  await insertRows(db, "Account", t.accounts, true);
  await insertRows(db, "Contact", t.contacts, true);
  await upsertUsage(db, book.usage);
  await insertRows(db, "Interaction", t.interactions, false);
  await insertRows(db, "Feedback", t.feedback, true);
  await insertRows(db, "CustomerPromise", t.promises, true);
  await insertRows(db, "SurveyResponse", t.surveys, false);
  await insertRows(db, "Milestone", t.milestones, true);
  await insertRows(db, "RiskFlag", t.risks, false);
  await insertRows(db, "Opportunity", t.opportunities, true);
  await insertRows(db, "Renewal", t.renewals, true);
  await insertRows(db, "RenewalCall", t.calls, false);
  return {
    teams: book.teams.length,
    members: book.members.length,
    accounts: book.accounts.length,
    churned: book.accounts.filter((a) => a.stage === "churned").length,
    contacts: book.contacts.length,
    usage: book.usage.length,
    interactions: book.interactions.length,
    feedback: book.feedback.length,
    promises: book.promises.length,
    surveys: book.surveys.length,
    milestones: book.milestones.length,
    risks: book.risks.length,
    opportunities: book.opportunities.length,
    calls: book.calls.length,
    renewals: book.renewals.length,
  };
}

export interface InstallOptions {
  /** The book's "today" (YYYY-MM-DD); default: today in TEND_TIMEZONE. */
  today?: string;
  /** Replace whatever the store holds. Without it a non-empty store is refused. */
  force?: boolean;
  /** Days of health history to score after loading (0 = none). */
  healthDays?: number;
  /** Called after each step: writing the book is step 1, each day scored one more. */
  onStep?: (done: number, total: number, what: string) => void;
}

export type InstallResult =
  | { loaded: false; existing: StoreCounts }
  | {
      loaded: true;
      today: string;
      counts: LoadedCounts;
      /** Days scored by the health engine (0 when it is not installed). */
      healthDays: number;
      loadMs: number;
      healthMs: number;
    };

/** Fills the store with the demo book for `today`; refuses a non-empty store unless `force`. */
export async function installDemo(ctx: AppContext, opts: InstallOptions = {}): Promise<InstallResult> {
  const { db } = ctx;
  const today = opts.today ?? localDay(ctx.now(), ctx.config.timezone);
  const existing = await bookCounts(db);
  if (existing.teams + existing.members + existing.accounts > 0) {
    if (!opts.force) return { loaded: false, existing };
    await clearBook(db);
  }
  const started = performance.now();
  const book = generateDemoBook({ today });
  let counts: LoadedCounts;
  try {
    counts = await writeBook(db, book);
  } catch (err) {
    // Half a book is worse than none: the next start would think the store is in use.
    await clearBook(db).catch(() => {});
    throw err;
  }
  const loadMs = performance.now() - started;
  const healthStarted = performance.now();
  const days = opts.healthDays ?? DEMO_HEALTH_DAYS;
  opts.onStep?.(1, days + 1, "book written");
  if (days > 0)
    for (let d = days - 1; d >= 0; d--) {
      const day = addDays(today, -d);
      await recompute(ctx, day);
      opts.onStep?.(days - d + 1, days + 1, `scored ${day}`);
    }
  return {
    loaded: true,
    today,
    counts,
    healthDays: days,
    loadMs,
    healthMs: performance.now() - healthStarted,
  };
}

/** One line for people: what was loaded and how long it took. */
export function describeLoad(r: Extract<InstallResult, { loaded: true }>): string {
  const c = r.counts;
  const health = r.healthDays
    ? `; health scored for ${r.healthDays} days (${(r.healthMs / 1000).toFixed(1)} s)`
    : "; health not scored (no health engine in this build)";
  return (
    `loaded demo book for ${r.today}: ${c.accounts} accounts (${c.churned} churned), ${c.members} members in ` +
    `${c.teams} teams, ${c.usage} usage rows, ${c.interactions} interactions, ${c.renewals} renewals ` +
    `in ${(r.loadMs / 1000).toFixed(1)} s${health}`
  );
}
