import { describe, expect, it } from "vitest";
import { progress } from "../../src/cli/progress.js";

// Long work shows where it is at a terminal, and keeps logs clean elsewhere (issue 15).
const stream = (isTTY: boolean) => {
  const writes: string[] = [];
  return { writes, isTTY, columns: 200, write: (s: string) => writes.push(s) };
};

describe("progress of long work", () => {
  it("at a terminal: one line redrawn in place with counts, rate and time left, cleared at the end", () => {
    const s = stream(true);
    const p = progress(s, "importing", "rows");
    p.update(250, 1000, "usage: 250 read");
    expect(s.writes).toHaveLength(1);
    const CLEAR = "\r\u001b[2K";
    expect(s.writes[0]?.startsWith(CLEAR)).toBe(true);
    expect(s.writes[0]?.slice(CLEAR.length)).toMatch(
      /^importing: 250 of ~1,000 rows \(usage: 250 read\) · [\d,]+ rows\/s/,
    );
    expect(s.writes[0]).toMatch(/left$/);
    p.finish("done");
    expect(s.writes.at(-1)).toBe("\r\u001b[2K");
    expect(s.writes.join("")).not.toContain("\n");
  });

  it("off a terminal: nothing while it runs, then one quiet line", () => {
    const s = stream(false);
    const p = progress(s, "importing", "rows");
    for (let i = 1; i <= 100; i++) p.update(i * 10, 1000);
    expect(s.writes).toEqual([]);
    p.finish("imported 1000 rows from 3 files");
    expect(s.writes).toHaveLength(1);
    expect(s.writes[0]).toMatch(/^imported 1000 rows from 3 files in \d+\.\d s\n$/);
  });

  it("without a stream (tests, library use): silent", () => {
    const p = progress(undefined, "x", "rows");
    p.update(1, 2);
    p.finish("y");
  });
});
