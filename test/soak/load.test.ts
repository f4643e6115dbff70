import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/store/db.js";
import { blockText } from "../slack/harness.js";
import { DEMO_NOW, DEMO_STORIES, demoDb } from "../support/demo.js";
import { scaled } from "./scale.js";
import { fireSlashCommands, type LoadTarget, startLoadTarget } from "./slash-load.js";

// A burst of signed slash commands on the demo book, through the real HTTP server and Slack endpoint.
// Correctness only: every request acknowledged with 200, every command answered (in the ack or via
// its response_url) with the right account, nothing logged as an error. How fast is `npm run bench soak`.

const N = scaled(200, 60);

/** What each command's answer must name, so answers are not mixed up or degraded under load. */
const MUST_NAME: Record<string, string> = {
  "brief northwind": DEMO_STORIES.championLeft,
  "health northwind": DEMO_STORIES.championLeft,
  brightwave: DEMO_STORIES.onboarding,
  kestrel: DEMO_STORIES.detractor,
  summit: DEMO_STORIES.expansion,
  云帆: DEMO_STORIES.renewalPromise,
};

describe(`${N} concurrent slash commands on the demo book`, () => {
  let db: Db;
  let target: LoadTarget;
  beforeAll(async () => {
    db = await demoDb();
    target = await startLoadTarget(db, DEMO_NOW);
  });
  afterAll(async () => {
    await target?.close();
    await db?.close();
  });

  it("acknowledges every one with 200 and answers every one, nothing failing", async () => {
    const r = await fireSlashCommands(target, N, { now: DEMO_NOW });
    expect(r.outcomes.filter((o) => o.status !== 200).map((o) => `${o.text}: ${o.status}`)).toEqual([]);
    expect(r.unanswered).toBe(0);
    for (const o of r.outcomes) {
      const text = blockText(o.answer);
      expect(text, o.text).not.toMatch(/went wrong|try again in/i);
      const name = MUST_NAME[o.text];
      if (name) expect(text, o.text).toContain(name);
    }
    expect(target.logs.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([]);
    // The person's own writes landed once per command, not lost and not doubled.
    const logged = r.outcomes.filter((o) => o.text.startsWith("log summit")).length;
    const calls = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Interaction" i JOIN "Account" a ON a.id = i."accountId"
        WHERE a.name = $1 AND i.notes = 'quick check-in'`,
      [DEMO_STORIES.expansion],
    );
    expect(calls.rows[0]!.n).toBe(logged);
    // Informational (speed is asserted nowhere; `npm run bench soak` reports it).
    const acks = r.outcomes.map((o) => o.ackMs).sort((a, b) => a - b);
    const inAck = r.outcomes.filter((o) => o.answeredIn === "ack").length;
    console.log(
      `soak load: ${N} commands, ack p50 ${Math.round(acks[Math.floor(N / 2)]!)} ms, max ${Math.round(acks.at(-1)!)} ms; ` +
        `${inAck} answered in the ack, ${N - inAck} via response_url; all answered after ${Math.round(r.allAnsweredMs)} ms`,
    );
  });
});
