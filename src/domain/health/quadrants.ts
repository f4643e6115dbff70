import { type QuadrantMove, quadrantMoves } from "../quadrant.js";
import type { Level } from "./types.js";

// Nine quadrants: the levels come from the score (score.ts levelOf); the day-over-day moves are the
// product's one definition in src/domain/quadrant.ts, re-exported here for the health engine.
export { type QuadrantMove, quadrantMoves };

export interface QuadrantCell {
  accountId: string;
  usageLevel: Level | number;
  valueLevel: Level | number;
}

/** Each account's move between two days' quadrants (accounts scored on only one day have none). */
export function quadrantChanges(
  previous: readonly QuadrantCell[],
  current: readonly QuadrantCell[],
  day: string,
): (QuadrantMove & { accountId: string })[] {
  const before = new Map(previous.map((p) => [p.accountId, p]));
  const out: (QuadrantMove & { accountId: string })[] = [];
  for (const c of current) {
    const p = before.get(c.accountId);
    if (!p) continue;
    const [move] = quadrantMoves([
      { day: "", usageLevel: p.usageLevel, valueLevel: p.valueLevel },
      { day, usageLevel: c.usageLevel, valueLevel: c.valueLevel },
    ]);
    if (move) out.push({ accountId: c.accountId, ...move });
  }
  return out;
}
