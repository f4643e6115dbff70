import { addDays } from "../../domain/dates.js";
import { QUADRANT_HOLD_DAYS, quadrantMoves } from "../../domain/quadrant.js";
import { BRIEF, CALL, nudge } from "./nudge.js";
import type { DayScore, Rule, RuleFacts } from "./types.js";

function scoreOn(f: RuleFacts, day: string): DayScore | undefined {
  return f.scores.find((s) => s.day === day);
}

/**
 * Active users down, as the health engine says it (its "active users down N% vs 4-week baseline"
 * reason, with its figures), and sustained: every day of the last week at least usageDropPct below
 * that same baseline (>= 5 days of data). A one-day dip or a drop the card does not show stays quiet.
 */
export const usageDrop: Rule = (f, { config }) => {
  const { baseline, recentAvg, downPct, weekMax, weekAvg, weekDays } = f.usage;
  if (downPct === null || !baseline || baseline <= 0 || recentAvg === null) return [];
  if (weekMax === null || weekAvg === null || weekDays < 5) return [];
  const limit = baseline * (1 - config.usageDropPct / 100);
  if (weekMax > limit) return [];
  return nudge(
    f,
    "usage_drop",
    "nudge.usage_drop",
    {
      pct: downPct,
      baseline: Math.round(baseline),
      recent: Math.round(recentAvg),
      limit: config.usageDropPct,
    },
    `band:${Math.floor(downPct / 10)}`,
    // How deep this week is orders the batch: half the baseline or worse is the most urgent.
    weekAvg <= baseline * 0.5 ? 1 : 2,
    [CALL, BRIEF],
  );
};

/** Health score down by healthDropPoints or more within 7 days. */
export const healthDrop: Rule = (f, { day, config }) => {
  const today = scoreOn(f, day);
  const before = scoreOn(f, addDays(day, -7));
  if (!today || !before) return [];
  const drop = before.score - today.score;
  if (drop < config.healthDropPoints) return [];
  return nudge(
    f,
    "health_drop",
    "nudge.health_drop",
    { points: drop, from: before.score, to: today.score },
    `band:${Math.floor(today.score / 10)}`,
    1,
    [CALL, BRIEF],
  );
};

/** Moved down a quadrant of the nine-box since yesterday (the core's quadrantMoves definition). */
export const quadrantDown: Rule = (f, { day }) => {
  const move = heldMove(f.scores, day);
  if (move?.direction !== "down") return [];
  return nudge(
    f,
    "quadrant_down",
    "nudge.quadrant_down",
    { usageFrom: move.from[0], usageTo: move.to[0], valueFrom: move.from[1], valueTo: move.to[1] },
    `q:${move.to[0]}${move.to[1]}`,
    1,
    [CALL, BRIEF],
  );
};

/**
 * One definition of "down a quadrant" across the product (src/domain/quadrant.ts): a move down that
 * has held its days and is reported on `day`.
 */
export function movedDown(scores: readonly DayScore[], day: string): boolean {
  return heldMove(scores, day)?.direction === "down";
}

/** The quadrant move reported on `day` (held its days), if any. */
export function heldMove(scores: readonly DayScore[], day: string) {
  const upTo = scores.filter((s) => s.day <= day);
  // Fewer days of scores than the hold (a fresh install): day over day.
  const move = quadrantMoves(upTo, upTo.length - 1 >= QUADRANT_HOLD_DAYS ? QUADRANT_HOLD_DAYS : 1).at(-1);
  return move?.day === day ? move : undefined;
}

/** The grade turned red today. */
export const gradeRed: Rule = (f, { day }) => {
  const today = scoreOn(f, day);
  const prev = scoreOn(f, addDays(day, -1));
  if (!today || !prev || today.grade !== "red" || prev.grade === "red") return [];
  return nudge(f, "grade_red", "nudge.grade_red", { score: today.score }, `red:${day}`, 1, [CALL, BRIEF]);
};
