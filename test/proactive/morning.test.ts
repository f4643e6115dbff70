import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type { Db } from "../../src/store/db.js";
import { seedBook, TODAY } from "../commands/book.js";
import { testContext, testDb } from "../support/store.js";

// A morning on the conversation core's test book (two teams, English and Chinese), through the CLI
// exactly as an operator would preview it.
describe("a morning on a small book", () => {
  let db: Db;
  const out: string[] = [];
  const run = async (...args: string[]) => {
    out.length = 0;
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
    const code = await runCli(["run", ...args, "--dry-run", "--date", TODAY], io, {
      ctx: testContext(db, { now: new Date(`${TODAY}T13:00:00Z`) }),
    });
    expect(code).toBe(0);
    return out.join("\n");
  };
  beforeAll(async () => {
    db = await testDb();
    await seedBook(db);
  });
  afterAll(() => db.close());

  it("each CSM with something to do gets one message in their language; nothing is written", async () => {
    const text = await run("nudges");
    expect(text.match(/^--- nudges -> Cara CSM/gm)).toHaveLength(1);
    expect(text).toContain("Good morning Cara");
    expect(text).toContain("李娜，早上好");
    expect(text).not.toMatch(/nudges -> (Vic Viewer|Gone)/); // no book, or inactive: nothing
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM "Outbox"`)).rows[0].n).toBe(0);
  });

  it("each team gets its digest in the team's language and managers their weekly summary", async () => {
    const digest = await run("digest");
    expect(digest).toMatch(/--- digest -> team East/);
    expect(digest).toMatch(/--- digest -> team 华东/);
    expect(digest).toMatch(/华东：/);
    const weekly = await run("weekly");
    expect(weekly).toContain("--- weekly -> Max Manager");
    expect(weekly).toContain("East: weekly summary");
  });
});
