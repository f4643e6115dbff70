// Shapes of a health result, shared by the scorer (domain), the store (HealthScore.components /
// HealthScore.reasons JSON columns), the conversation core and the proactive engine.

export const DIMENSIONS = ["activity", "depth", "trend", "relationship", "sentiment", "value"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export type Grade = "green" | "yellow" | "red";

/** 0 low, 1 mid, 2 high. */
export type Level = 0 | 1 | 2;

export interface DimensionScore {
  dimension: Dimension;
  /** 0-100, or null when there is no data (its weight is then redistributed). */
  score: number | null;
  /** Configured weight and the weight actually applied after redistribution. */
  weight: number;
  effectiveWeight: number;
  /** The inputs the score came from, for "show me why" (null = no data). */
  inputs: Record<string, number | string | boolean | null>;
}

/** One human sentence with numbers: rendered per locale from `key` and `params`. */
export interface Reason {
  kind: "drag" | "lift";
  dimension: Dimension | "risk" | "onboarding";
  key: string;
  params: Record<string, string | number>;
  /** Points this reason moves the score by (for ordering; larger first). */
  impact: number;
}

export interface HealthResult {
  score: number;
  grade: Grade;
  components: DimensionScore[];
  reasons: Reason[];
  usageLevel: Level;
  valueLevel: Level;
  /**
   * "new": a young account with no usage and no contact yet - not enough data to judge. Its grade is
   * a placeholder (yellow, at the bottom of the band) that lists and counts must not read as green or
   * red; surfaces show "new - not enough data" instead.
   */
  state?: "new";
  /** Set when an active high-severity risk capped the grade at red. */
  cappedBy?: string;
}
