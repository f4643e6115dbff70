/**
 * Which line first named each (account, day) of a usage file, kept compact: per account, one
 * Uint32Array of line numbers indexed by day (4 bytes a day spanned) instead of a string-keyed map
 * entry per row (~100 bytes). A year of daily usage for 100k accounts holds ~146 MB this way instead
 * of several GB. An account whose days are scattered far apart (span much larger than the days it
 * has) switches to a Map of day numbers so a sparse file cannot blow the array up.
 */
const DAY_MS = 86_400_000;
const SLACK = 400; // days an array may span beyond 4x its entries before the account goes sparse

interface Dense {
  base: number;
  lines: Uint32Array;
  count: number;
}

export class DayLines {
  private byAccount = new Map<string, Dense | Map<number, number>>();

  /** Day "YYYY-MM-DD" as a day number (days since 1970-01-01). */
  static dayNumber(day: string): number {
    return Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)) / DAY_MS;
  }

  /** Records `line` for (account, day); returns the earlier line when that pair was already seen. */
  claim(account: string, day: string, lineNo: number): number | undefined {
    const line = lineNo + 1; // 0 marks a free slot, so line 0 of a source is stored as 1
    const d = DayLines.dayNumber(day);
    const at = this.byAccount.get(account);
    if (at === undefined) {
      const lines = new Uint32Array(8);
      lines[0] = line;
      this.byAccount.set(account, { base: d, lines, count: 1 });
      return undefined;
    }
    if (at instanceof Map) {
      const first = at.get(d);
      if (first !== undefined) return first - 1;
      at.set(d, line);
      return undefined;
    }
    let i = d - at.base;
    if (i >= 0 && i < at.lines.length) {
      const first = at.lines[i]!;
      if (first !== 0) return first - 1;
      at.lines[i] = line;
      at.count++;
      return undefined;
    }
    const lo = Math.min(at.base, d);
    const hi = Math.max(at.base + at.lines.length - 1, d);
    const span = hi - lo + 1;
    if (span > 4 * (at.count + 1) + SLACK) {
      const sparse = new Map<number, number>();
      at.lines.forEach((l, j) => {
        if (l !== 0) sparse.set(at.base + j, l);
      });
      sparse.set(d, line);
      this.byAccount.set(account, sparse);
      return undefined;
    }
    // Grow with headroom on the side the new day falls (feeds usually move forward day by day).
    const room = Math.max(span, 2 * at.lines.length);
    const newBase = d < at.base ? hi - room + 1 : lo;
    const grown = new Uint32Array(room);
    grown.set(at.lines, at.base - newBase);
    at.base = newBase;
    at.lines = grown;
    i = d - newBase;
    grown[i] = line;
    at.count++;
    return undefined;
  }
}
