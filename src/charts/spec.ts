import type { Locale } from "../i18n/locale.js";

// What a chart shows, as plain data: handlers and jobs build these, a surface renders them to PNG
// when it delivers (src/charts/render.ts). Small JSON, so a queued message carries the spec, not the
// picture, and a retry draws the same picture again.

/** An account's last 90 days: health score (0-100) and active users, one point per day (null: none). */
export interface AccountTrendSpec {
  type: "account-trend";
  locale: Locale;
  days: string[];
  score: (number | null)[];
  activeUsers: (number | null)[];
  seats?: number | null;
  /** The health model's grade bands (scores from which an account is yellow, green), shaded when given. */
  bands?: { yellow: number; green: number };
}

/** A team's accounts by grade a week ago and now, with how many moved each way. */
export interface HealthDistributionSpec {
  type: "health-distribution";
  locale: Locale;
  before: GradeCounts;
  now: GradeCounts;
  moves: { up: number; down: number };
}

export interface GradeCounts {
  green: number;
  yellow: number;
  red: number;
  new: number;
}

export const FORECAST_CALLS = ["commit", "likely", "at-risk", "lost"] as const;
export type ForecastCall = (typeof FORECAST_CALLS)[number];

/** ARR due per month, stacked by call (the CSM's, or the model's), in one currency. */
export interface ForecastSpec {
  type: "forecast";
  locale: Locale;
  currency: string;
  months: string[]; // YYYY-MM
  /** ARR per call, one value per month. */
  byCall: Partial<Record<ForecastCall, number[]>>;
  /** Whose call it is: the CSMs' or the model's. */
  source: "csm" | "model";
}

export type ChartSpec = AccountTrendSpec | HealthDistributionSpec | ForecastSpec;
