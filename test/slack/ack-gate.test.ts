import { describe, expect, it } from "vitest";
import { AckGate } from "../../src/slack/services.js";

// The ack budget under a burst: answers ready in time go in the ack; when too many are being worked
// on at once, everyone acks now (answering later through response_url) instead of queueing towards
// Slack's 3 s.

function deferred<T>() {
  let resolve: (v: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("AckGate", () => {
  it("gives the answer when it is ready within the budget", async () => {
    const gate = new AckGate(2);
    const d = deferred<string>();
    const raced = gate.race(d.promise, 60_000);
    d.resolve("answer");
    expect(await raced).toBe("answer");
  });

  it("answers later at once with no budget left", async () => {
    const gate = new AckGate(2);
    expect(await gate.race(deferred<string>().promise, 0)).toBeUndefined();
  });

  it("under a burst releases the waiting answers and does not wait for new ones", async () => {
    const gate = new AckGate(2);
    const first = gate.race(deferred<string>().promise, 60_000);
    const second = gate.race(deferred<string>().promise, 60_000);
    // A third answer in the works: more than 2 busy, so all three ack now (no 60 s wait).
    const third = gate.race(deferred<string>().promise, 60_000);
    expect(await Promise.all([first, second, third])).toEqual([undefined, undefined, undefined]);
  });

  it("waits again once the burst has been worked off", async () => {
    const gate = new AckGate(1);
    const a = deferred<string>();
    const b = deferred<string>();
    const ra = gate.race(a.promise, 60_000);
    const rb = gate.race(b.promise, 60_000);
    expect(await Promise.all([ra, rb])).toEqual([undefined, undefined]);
    a.resolve("a");
    b.resolve("b");
    await new Promise((r) => setImmediate(r));
    const c = deferred<string>();
    const rc = gate.race(c.promise, 60_000);
    c.resolve("c");
    expect(await rc).toBe("c");
  });
});
