// What every part of the demo generator is handed: the book filled so far, dates as day offsets
// from "today", ids numbered per kind, and per account its plan (hidden health and its own random
// stream). Made fresh for each book: nothing is kept between calls, and the order in which the
// parts run is the order of the draws, which the orchestrator (src/demo/generate.ts) fixes.
import { addDays, daysBetween, dayToDate } from "../../domain/dates.js";
import type { Rng } from "../random.js";
import type { Lang, TeamSpec } from "./organisation.js";
import type { AccountRow, DemoBook } from "./rows.js";
import type { StoryKey } from "./stories.js";

/** Days of daily usage, ending today. */
export const USAGE_DAYS = 120;

export interface BookContext {
  readonly today: string;
  readonly seed: string;
  /** The rows made so far; later parts read and amend what earlier ones made. */
  readonly book: DemoBook;
  /** The date `offset` days from today (negative: past). */
  day(offset: number): Date;
  /** Days from today to `d`. */
  offsetOf(d: Date): number;
  /** `demo-<kind>-00001`, numbered per kind in the order the rows are made. */
  nextId(kind: string): string;
}

export function newBookContext(today: string, seed: string): BookContext {
  const ids = new Map<string, number>();
  return {
    today,
    seed,
    book: {
      today,
      seed,
      teams: [],
      members: [],
      accounts: [],
      contacts: [],
      usage: [],
      interactions: [],
      feedback: [],
      promises: [],
      surveys: [],
      milestones: [],
      risks: [],
      opportunities: [],
      renewals: [],
      calls: [],
    },
    day: (offset) => dayToDate(addDays(today, offset)),
    offsetOf: (d) => daysBetween(today, d),
    nextId: (kind) => {
      const n = (ids.get(kind) ?? 0) + 1;
      ids.set(kind, n);
      return `demo-${kind}-${String(n).padStart(5, "0")}`;
    },
  };
}

/** One account as the generator sees it: its row and what its history is drawn from. */
export interface AccountPlan {
  row: AccountRow;
  team: TeamSpec;
  lang: Lang;
  /** The account's own random stream: every part draws from it in turn. */
  r: Rng;
  /** Hidden health on day offset d (0 = today, negative = past). */
  h: (d: number) => number;
  /** Multiplier on engaged users (stories shape their own curve). */
  engagement?: (d: number) => number;
  /** Activation on day offset d, when a story fixes it. */
  activation?: (d: number) => number;
  /** Day offset usage ends (churned accounts), inclusive. */
  lastUsageDay: number;
  /** Owner's habit: >1 means contact gaps run longer. */
  diligence: number;
  story?: StoryKey;
}

/** The last day the account's history runs to: today, or the day a churned account left. */
export const lastDay = (p: AccountPlan) => (p.row.stage === "churned" ? p.lastUsageDay : 0);

export const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
export const weekday = (day: string) => dayToDate(day).getUTCDay();
export const round100 = (x: number) => Math.round(x / 100) * 100;
