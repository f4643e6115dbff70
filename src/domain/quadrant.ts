// Nine quadrants (usage level x relationship-and-value level): the moves between them over time.

export interface QuadrantMove {
  day: string;
  from: [number, number];
  to: [number, number];
  direction: "down" | "up";
}

/**
 * Days a new quadrant must hold before the move is reported: the trailing 7-day window, the shortest
 * natural period usage is judged over (a weekly user's figures change once a week). A cell seen for
 * fewer days (a quiet weekend, a late usage file, noise at a threshold) is not a move.
 */
export const QUADRANT_HOLD_DAYS = 7;

const cell = (r: { usageLevel: number; valueLevel: number }) => `${r.usageLevel}${r.valueLevel}`;

/**
 * Moves between the nine quadrants over consecutive days: down when usage + value level falls. A
 * move is reported on the day the new cell has held `hold` days in a row (from the last settled
 * cell); a cell that comes and goes within fewer days is no move at all.
 */
export function quadrantMoves(
  rows: { day: string; usageLevel: number; valueLevel: number }[],
  hold = QUADRANT_HOLD_DAYS,
): QuadrantMove[] {
  const moves: QuadrantMove[] = [];
  if (rows.length === 0) return moves;
  let settled = rows[0]!;
  let run = 0;
  for (let i = 1; i < rows.length; i++) {
    const c = rows[i]!;
    if (cell(c) === cell(settled)) {
      run = 0;
      continue;
    }
    run = cell(c) === cell(rows[i - 1]!) ? run + 1 : 1;
    if (run < hold) continue;
    const p = settled;
    const delta = c.usageLevel + c.valueLevel - (p.usageLevel + p.valueLevel);
    const down = delta < 0 || (delta === 0 && c.usageLevel < p.usageLevel);
    moves.push({
      day: c.day,
      from: [p.usageLevel, p.valueLevel],
      to: [c.usageLevel, c.valueLevel],
      direction: down ? "down" : "up",
    });
    settled = c;
    run = 0;
  }
  return moves;
}
