import type { Tier } from "./config.js";

// What the scorer reads about one account on one day: plain numbers the I/O layer aggregates with
// set-based SQL (src/store/repos/health-facts.ts). Everything is "as of" `day`; null means no data.

export type Severity = "high" | "medium" | "low";

export interface UsageFacts {
  /** Days with a usage row in the recent window and in the baseline window before it. */
  recentDays: number;
  baseDays: number;
  /** Average daily active users in each window (null: no rows). */
  recentAvg: number | null;
  baseAvg: number | null;
  /** Highest daily active users in the recent window. */
  recentPeak: number | null;
  /** Highest daily active users in each of the last 4 weeks, newest first (null: no row that week). */
  weeklyPeaks: (number | null)[];
  /**
   * Activated users, seats and core features in use: the most seen over the trailing 7 days (28 when
   * the last 7 hold no row), never one day's snapshot - a weekly user's quiet day is not a lapse.
   */
  activatedUsers: number | null;
  seats: number | null;
  coreUsed: number | null;
  coreTotal: number | null;
  /** Days with at least one active user in the recent window (learns a weekly rhythm). */
  activeDays?: number;
  /** Highest daily active users over the whole 56 days. */
  peak?: number | null;
  /** The trailing 7 days: average and highest daily active users, and days with a row. */
  last7?: { avg: number | null; max: number | null; days: number };
  /**
   * Month-end cycle (most use falls in the last 3 days of a month, e.g. finance teams): average use
   * on month-end days in the recent and baseline windows (null: no month-end day in the window).
   */
  monthEnd?: { recentAvg: number | null; baseAvg: number | null } | null;
}

export interface StakeholderFacts {
  name: string;
  role: "champion" | "decision_maker";
  attitude: "supporter" | "neutral" | "opponent";
  active: boolean;
  leftAt: string | null;
}

/** One person's latest survey answer (only people still at the account, or not on record as contacts). */
export interface SurveyAnswer {
  score: number;
  day: string;
  /** The respondent's name and role when they are a contact on record. */
  name: string | null;
  role: string | null;
}

export interface HealthFacts {
  accountId: string;
  day: string;
  tier: Tier;
  industry: string | null;
  /** When the relationship began (contract start, else go-live, else when the account was recorded). */
  startDate?: string | null;
  goLiveDate: string | null;
  /** Seats on the account record (used when usage rows carry none). */
  seats: number | null;
  usage: UsageFacts | null;
  /** Last visit, call, QBR, executive visit or training on or before `day`. */
  lastContact: string | null;
  /** Last executive visit or QBR, or last contact with an executive or decision maker. */
  lastExecContact: string | null;
  /** How many contacts the account has at all (0 = no relationship data). */
  contactCount: number;
  stakeholders: StakeholderFacts[];
  /** Latest answer on the account (departed respondents left out). */
  nps: { score: number; day: string } | null;
  /** Latest NPS answer per respondent still at the account, newest first (absent: only `nps` is read). */
  npsAnswers?: SurveyAnswer[];
  /** Outreach nobody answered since the last answered contact: how many, and the first one's day. */
  unanswered?: { attempts: number; first: string | null };
  csat: { score: number; day: string } | null;
  /** Days of praise and complaint interactions in the last year. */
  praise: string[];
  complaints: string[];
  /** Raised days of feedback still open on `day`. */
  feedback: { total: number; openRaised: string[] };
  /** Due days of promises still open on `day`. */
  promises: { total: number; openDue: string[] };
  /** Due days of milestones not done on `day` (planned or missed). */
  milestones: { total: number; openDue: string[] };
  risks: { kind: string; severity: Severity; raisedAt: string }[];
  /**
   * Support tickets (Zendesk) as of the day's end: open ones, how long each urgent open one has been
   * open (hours), tickets reopened and satisfaction ratings in the last 90 days. Absent: no desk synced.
   */
  support?: {
    total: number;
    open: number;
    urgentOpenHours: number[];
    reopened: number;
    csatGood: number;
    csatBad: number;
  } | null;
}
