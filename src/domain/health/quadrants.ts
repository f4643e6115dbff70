import { QUADRANT_HOLD_DAYS, type QuadrantMove, quadrantMoves } from "../quadrant.js";
import type { Level } from "./types.js";

// Nine quadrants: the levels come from the score (score.ts levelOf); the day-over-day moves are the
// product's one definition in src/domain/quadrant.ts, re-exported here for the health engine.
export { QUADRANT_HOLD_DAYS, type QuadrantMove, quadrantMoves };

export interface QuadrantCell {
  accountId: string;
  usageLevel: Level | number;
  valueLevel: Level | number;
}

/**
 * Each account's reported move as of `day`: `previous` holds the days before it (any order, any
 * number), `current` the day itself. A move counts when it has held QUADRANT_HOLD_DAYS days.
 */
export function quadrantChanges(
  previous: readonly (QuadrantCell & { day?: string })[],
  current: readonly QuadrantCell[],
  day: string,
  hold = QUADRANT_HOLD_DAYS,
): (QuadrantMove & { accountId: string })[] {
  const before = new Map<string, (QuadrantCell & { day?: string })[]>();
  for (const p of previous) before.set(p.accountId, [...(before.get(p.accountId) ?? []), p]);
  const out: (QuadrantMove & { accountId: string })[] = [];
  for (const c of current) {
    const rows = (before.get(c.accountId) ?? []).sort((a, b) => (a.day ?? "").localeCompare(b.day ?? ""));
    if (rows.length === 0) continue;
    const series = [
      ...rows.map((r) => ({ day: r.day ?? "", usageLevel: r.usageLevel, valueLevel: r.valueLevel })),
      { day, usageLevel: c.usageLevel, valueLevel: c.valueLevel },
    ];
    // A store with fewer days of scores than the hold (a fresh install) compares day over day.
    const move = quadrantMoves(series, series.length - 1 >= hold ? hold : 1).at(-1);
    if (move && move.day === day) out.push({ accountId: c.accountId, ...move });
  }
  return out;
}
