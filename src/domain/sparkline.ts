const BARS = "▁▂▃▄▅▆▇█";

/** A text sparkline of 0-100 scores, one bar per day. */
export function sparkline(scores: readonly number[]): string {
  return scores.map((s) => BARS[Math.max(0, Math.min(7, Math.floor((s / 100) * 8)))]).join("");
}
