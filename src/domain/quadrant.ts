// Nine quadrants (usage level x relationship-and-value level): the moves between them over time.

export interface QuadrantMove {
  day: string;
  from: [number, number];
  to: [number, number];
  direction: "down" | "up";
}

/** Moves between the nine quadrants, day over day: down when usage + value level falls. */
export function quadrantMoves(rows: { day: string; usageLevel: number; valueLevel: number }[]): QuadrantMove[] {
  const moves: QuadrantMove[] = [];
  for (let i = 1; i < rows.length; i++) {
    const p = rows[i - 1]!;
    const c = rows[i]!;
    if (p.usageLevel === c.usageLevel && p.valueLevel === c.valueLevel) continue;
    const delta = c.usageLevel + c.valueLevel - (p.usageLevel + p.valueLevel);
    const down = delta < 0 || (delta === 0 && c.usageLevel < p.usageLevel);
    moves.push({
      day: c.day,
      from: [p.usageLevel, p.valueLevel],
      to: [c.usageLevel, c.valueLevel],
      direction: down ? "down" : "up",
    });
  }
  return moves;
}
