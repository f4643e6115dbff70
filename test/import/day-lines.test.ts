import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "../../src/domain/dates.js";
import { DayLines } from "../../src/import/day-lines.js";

// The usage import's duplicate check: whatever order the days come in (forward feeds, backfills,
// days scattered years apart), a repeated (account, day) gets the first line that named it.
describe("DayLines", () => {
  it("gives the first line of a repeated account and day, and nothing for a new one", () => {
    const s = new DayLines();
    expect(s.claim("a", "2026-11-01", 2)).toBeUndefined();
    expect(s.claim("a", "2026-11-02", 3)).toBeUndefined();
    expect(s.claim("b", "2026-11-01", 4)).toBeUndefined();
    expect(s.claim("a", "2026-11-01", 5)).toBe(2);
    expect(s.claim("b", "2026-11-01", 6)).toBe(4);
    expect(s.claim("a", "2025-01-01", 7)).toBeUndefined();
    expect(s.claim("a", "2025-01-01", 8)).toBe(7);
    expect(s.claim("a", "2026-11-02", 9)).toBe(3);
  });

  it("agrees with a plain map for any sequence of accounts and days", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("a", "b", "c"), fc.integer({ min: -3000, max: 3000 })), { maxLength: 300 }),
        (pairs) => {
          const s = new DayLines();
          const plain = new Map<string, number>();
          pairs.forEach(([acc, k], line) => {
            const day = addDays("2026-01-01", k);
            const key = `${acc}|${day}`;
            expect(s.claim(acc, day, line)).toBe(plain.get(key));
            if (!plain.has(key)) plain.set(key, line);
          });
        },
      ),
    );
  });
});
