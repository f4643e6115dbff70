import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unseal } from "../../src/calendar/secret.js";
import { runCli } from "../../src/cli/main.js";
import { secretKeyBytes } from "../../src/config/env.js";
import type { Db } from "../../src/store/db.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";

// The members import's calendar_url column (issue 20): sealed under TEND_SECRET_KEY as `calendar
// <url>` seals it, never echoed, refused whole without the key, and a blank cell keeps a feed.

const KEY = "3c".repeat(32);
const SECRET = "https://calendar.google.test/calendar/ical/ann/private-s3cr3t/basic.ics";
const OTHER = "https://outlook.office365.test/owa/calendar/abc/s3cr3t2/calendar.ics";

describe.each(STORE_KINDS)("members import: calendar_url (%s)", (storeKind) => {
  let db: Db;
  let root: string;
  beforeAll(async () => {
    db = await testDb(storeKind);
    root = await mkdtemp(path.join(os.tmpdir(), "tend-cal-import-"));
  });
  afterAll(async () => {
    await db?.close();
    await rm(root, { recursive: true, force: true });
  });

  let n = 0;
  const tend = async (csv: string, env: Record<string, string> = { TEND_SECRET_KEY: KEY }) => {
    const file = path.join(root, `members-${n++}.csv`);
    await writeFile(file, csv);
    const lines: string[] = [];
    const code = await runCli(
      ["import", "members", file],
      { out: (l) => lines.push(l), err: (l) => lines.push(l) },
      { ctx: testContext(db, { env }) },
    );
    return { code, text: lines.join("\n") };
  };
  const feeds = async () =>
    (
      await db.pool.query<{ email: string; memberId: string; urlEnc: string }>(
        `SELECT m.email, f."memberId", f."urlEnc" FROM "CalendarFeed" f JOIN "Member" m ON m.id = f."memberId" ORDER BY m.email`,
      )
    ).rows;
  const members = async () =>
    (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Member"`)).rows[0]!.n;

  it("without TEND_SECRET_KEY refuses the file with the line and the setting, and writes nothing", async () => {
    const r = await tend(`email,name,calendar_url\nann@ex.com,Ann Lee,\nbo@ex.com,Bo Chen,${SECRET}\n`, {
      TEND_SECRET_KEY: "",
    });
    expect(r.code).not.toBe(0);
    expect(r.text).toMatch(/line 3, column calendar_url: .*TEND_SECRET_KEY/);
    expect(r.text).not.toContain("s3cr3t");
    expect(await members()).toBe(0);
    expect(await feeds()).toEqual([]);
  });

  it("refuses an address that is not a calendar URL, without repeating it", async () => {
    const r = await tend("email,name,calendar_url\nann@ex.com,Ann Lee,ftp://files.test/s3cr3t.ics\n");
    expect(r.code).not.toBe(0);
    expect(r.text).toMatch(/line 2, column calendar_url: not a calendar address/);
    expect(r.text).not.toContain("s3cr3t");
    expect(await members()).toBe(0);
  });

  it("seals the address for its member, as `calendar <url>` does, and never echoes it", async () => {
    const r = await tend(
      `email,name,calendar_url\nann@ex.com,Ann Lee,${SECRET}\nbo@ex.com,Bo Chen,${OTHER.replace("https://", "webcal://")}\nli@ex.com,Li Wei,\n`,
    );
    expect(r.code).toBe(0);
    expect(r.text).not.toContain("s3cr3t");
    const stored = await feeds();
    expect(stored.map((f) => f.email)).toEqual(["ann@ex.com", "bo@ex.com"]);
    const key = secretKeyBytes(KEY) as Buffer;
    for (const f of stored) expect(f.urlEnc).not.toContain("s3cr3t");
    expect(unseal(key, stored[0]!.urlEnc, stored[0]!.memberId)).toBe(SECRET);
    expect(unseal(key, stored[1]!.urlEnc, stored[1]!.memberId)).toBe(OTHER);
    // Bound to its member: Ann's sealed address does not open as Bo's.
    expect(unseal(key, stored[0]!.urlEnc, stored[1]!.memberId)).toBeUndefined();
    const audit = await db.pool.query<{ detail: unknown }>(`SELECT detail FROM "AuditLog"`);
    expect(JSON.stringify(audit.rows)).not.toContain("s3cr3t");
  });

  it("a blank cell leaves a connected feed alone; a new address replaces it; the same one is unchanged", async () => {
    const before = await feeds();
    const blank = await tend("email,name,calendar_url\nann@ex.com,Ann Lee,\nbo@ex.com,Bo Chen,\n");
    expect(blank.code).toBe(0);
    expect(await feeds()).toEqual(before);

    const same = await tend(`email,name,calendar_url\nann@ex.com,Ann Lee,${SECRET}\n`);
    expect(same.code).toBe(0);
    expect(await feeds()).toEqual(before);

    // Only the calendar changes: the import still counts and commits it.
    const moved = await tend(`email,name,calendar_url\nann@ex.com,Ann Lee,${OTHER}\n`);
    expect(moved.code).toBe(0);
    expect(moved.text).toMatch(/1 updated/);
    const ann = (await feeds())[0]!;
    expect(unseal(secretKeyBytes(KEY) as Buffer, ann.urlEnc, ann.memberId)).toBe(OTHER);
  });
});
