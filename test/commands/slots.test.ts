import { describe, expect, it } from "vitest";
import { COMMAND_SLOTS, commandSlots } from "../../src/conversation/slots.js";
import type { Db } from "../../src/store/db.js";

// A burst of commands runs a few at a time per store (bounded memory), every one is answered, in the
// order they came, and a command that fails gives its place to the next.
describe("command slots", () => {
  it("runs at most the store's slots at once, answers all in order, and frees a failed one's place", async () => {
    const db = { kind: "pglite" } as Db;
    const slots = commandSlots(db);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const work = Array.from({ length: 30 }, (_, i) =>
      slots
        .run(async () => {
          started.push(i);
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 2));
          running--;
          if (i % 7 === 0) throw new Error(`boom ${i}`);
          return i;
        })
        .catch((err: Error) => err.message),
    );
    const out = await Promise.all(work);
    expect(peak).toBe(COMMAND_SLOTS.pglite);
    expect(started).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(out).toEqual(Array.from({ length: 30 }, (_, i) => (i % 7 === 0 ? `boom ${i}` : i)));
    expect(commandSlots(db)).toBe(slots);
    expect(commandSlots({ kind: "postgres" } as Db)).not.toBe(slots);
  });
});
