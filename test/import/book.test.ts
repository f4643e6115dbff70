import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { addDays } from "../../src/domain/dates.js";
import { importRows } from "../../src/import/run.js";
import { csvSource, jsonSource } from "../../src/import/source.js";
import type { Db } from "../../src/store/db.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";

// A team's first hour (issue 15): a folder of CRM exports, checked as one book, written whole or not
// at all, scored at once, with the next thing to try. The book is built here, in the test.

const TODAY = "2026-11-23";

async function folder(root: string, name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) await writeFile(path.join(dir, f), text);
  return dir;
}

function usageCsv(ext: string[], days: number): string {
  const lines = ["account_external_id,day,active_users,activated_users,seats"];
  for (const e of ext)
    for (let d = days - 1; d >= 0; d--) {
      // Year-first with slashes, as Chinese Excel writes it.
      const day = addDays(TODAY, -d).replaceAll("-", "/");
      lines.push(`${e},${day},${e === "QNA-103" ? 40 - Math.floor(d / 4) : 20},30,50`);
    }
  return lines.join("\n");
}

const BOOK = {
  "teams.csv": "name,locale,timezone\nSales East,en,UTC\n华东客户成功,zh-CN,Asia/Shanghai\n",
  // European Excel: semicolons; team names in another case than teams.csv writes them.
  "members.csv": "email;name;role;team\nann@ex.com;Ann Lee;CSM;sales east\nli@ex.com;李伟;Manager;华东客户成功\n",
  "accounts.csv":
    "external_id,name,owner_email,team,arr,currency,renewal_date,stage,seats\n" +
    "QNA-103,Quinta Analytics,ann@ex.com,SALES EAST,52000,US$,2027/03/31,Steady Use,50\n" +
    "QNA-207,云帆科技,li@ex.com,华东客户成功,520000,RMB,2027.05.31,稳定使用,50\n",
  "usage.csv": usageCsv(["QNA-103", "QNA-207"], 40),
  "promises.json": JSON.stringify([
    { account_external_id: "QNA-103", title: "Send the SSO guide", made_at: "2026-11-01", due_date: "2026-11-20" },
  ]),
  "notes.txt": "not a kind",
};

describe.each(STORE_KINDS)("tend import <folder> (%s)", (storeKind) => {
  let db: Db;
  let root: string;
  beforeAll(async () => {
    db = await testDb(storeKind);
    root = await mkdtemp(path.join(os.tmpdir(), "tend-book-"));
  });
  afterAll(async () => {
    await db?.close();
    await rm(root, { recursive: true, force: true });
  });

  const tend = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { ctx: testContext(db) });
    return { code, out, err: err.join("\n") };
  };
  const count = async (table: string) =>
    (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`)).rows[0]!.n;

  it("refuses a book with one bad file whole: the good files are not written either", async () => {
    const dir = await folder(root, "bad", {
      ...BOOK,
      "renewals.csv": "account_external_id,due_date,arr\nQNA-103,2027-03-31,lots\n",
    });
    const r = await tend("import", dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain('line 2, column arr: "lots" is not an amount');
    expect(r.err).toMatch(/problem in .*renewals\.csv.*Nothing written/);
    for (const t of ["Team", "Member", "Account", "UsageSnapshot", "HealthScore"]) expect(await count(t)).toBe(0);
  });

  it("a dry run checks the folder as one book (members see the teams beside them) and writes nothing", async () => {
    const dir = await folder(root, "book", BOOK);
    const r = await tend("import", dir, "--dry-run");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const out = r.out.join("\n");
    expect(out).toContain("skipped (not named after a kind): notes.txt");
    expect(out).toContain("dry run: 2 members rows are valid; importing would create 2");
    expect(out).toMatch(/dry run of .*book: 5 files, \d+ rows valid as one book; importing would give \d+ created/);
    expect(r.out.at(-1)).toMatch(/^next: tend import .*book \(without --dry-run\) writes it$/);
    for (const t of ["Team", "Member", "Account", "UsageSnapshot", "CustomerPromise", "HealthScore", "AuditLog"])
      expect(await count(t)).toBe(0);
  });

  it("imports the book in dependency order, scores the last 30 days at once, and says what to try next", async () => {
    const dir = path.join(root, "book");
    const r = await tend("import", dir);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const out = r.out.join("\n");
    expect(out).toContain("2 teams rows imported: 2 created");
    expect(out).toMatch(/book: 5 files, 87 rows imported as one book: 87 created, 0 updated, 0 unchanged/);
    expect(out).toContain(
      "scored 2 accounts for each of the last 30 days (2026-10-25 to 2026-11-23): their first scores",
    );
    expect(r.out.at(-1)).toBe("next: tend ask mine --as ann@ex.com");

    const quinta = await db.prisma.account.findUniqueOrThrow({
      where: { externalId: "QNA-103" },
      include: { team: true, owner: { include: { team: true } } },
    });
    expect(quinta).toMatchObject({ currency: "USD", stage: "steady" });
    expect(quinta.renewalDate?.toISOString().slice(0, 10)).toBe("2027-03-31");
    expect(quinta.team?.name).toBe("Sales East");
    expect(quinta.owner?.team?.name).toBe("Sales East");
    const yunfan = await db.prisma.account.findUniqueOrThrow({ where: { externalId: "QNA-207" } });
    expect(yunfan).toMatchObject({ currency: "CNY", stage: "steady" });
    expect((await db.prisma.member.findUniqueOrThrow({ where: { email: "li@ex.com" } })).role).toBe("manager");

    // Trends from the first hour: a score a day for 30 days, for each account.
    const { rows } = await db.pool.query<{ days: number; n: number }>(
      `SELECT count(DISTINCT day)::int AS days, count(*)::int AS n FROM "HealthScore"`,
    );
    expect(rows[0]).toEqual({ days: 30, n: 60 });
    const mine = await tend("ask", "mine", "--as", "ann@ex.com");
    expect(mine.code).toBe(0);
    expect(mine.out.join("\n")).toContain("Quinta Analytics");
    // Scored, not "not scored yet"; yellow, not green: nobody at Quinta has ever been contacted.
    expect(mine.out.join("\n")).toContain("0 green · 🟡 1 yellow · 🔴 0 red · ⚪ 0 not scored");
  });

  it("chat finds an imported account by its CRM id, as typed or in lower case", async () => {
    for (const typed of ["QNA-103", "qna-103"]) {
      const r = await tend("ask", `brief ${typed}`, "--as", "ann@ex.com");
      expect(r.code).toBe(0);
      expect(r.out.join("\n")).toContain("Quinta Analytics");
    }
    const card = await tend("ask", "QNA-207", "--as", "li@ex.com");
    expect(card.code).toBe(0);
    expect(card.out.join("\n")).toContain("云帆科技");
  });

  it("importing the same folder again changes nothing and scores only today", async () => {
    const r = await tend("import", path.join(root, "book"));
    expect(r.code).toBe(0);
    expect(r.out.join("\n")).toMatch(
      /book: 5 files, 87 rows read as one book: nothing changed, the store already holds them$/m,
    );
    expect(await count("HealthScore")).toBe(60);
  });

  it("day-first dates need --date-format, named in the error; with it they are read", async () => {
    const csv = "account_external_id,day,active_users,activated_users,seats\nQNA-103,25/11/2026,41,30,50\n";
    const f = path.join(root, "usage-dmy.csv");
    await writeFile(f, csv);
    const refused = await tend("import", "usage", f);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("line 2, column day:");
    expect(refused.err).toContain("--date-format DMY");
    const read = await tend("import", "usage", f, "--date-format", "DMY");
    expect(read.err).toBe("");
    expect(read.out[0]).toBe("1 usage rows imported: 1 created, 0 updated, 0 unchanged");
    expect(read.out).toContain("scored 1 accounts for 2026-11-23");
  });

  it("names the delimiter it read when the header does not parse", async () => {
    const f = path.join(root, "usage-semi.csv");
    await writeFile(f, "konto;tag;aktive\nQNA-103;2026-11-25;3\n");
    const r = await tend("import", "usage", f);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'the header has no account_external_id or account_name column (read with delimiter ";" (semicolon))',
    );
  });
});

describe("kind by kind: accounts first, usage later, still a 30-day history built on the usage", () => {
  let db: Db;
  let root: string;
  beforeAll(async () => {
    db = await testDb();
    root = await mkdtemp(path.join(os.tmpdir(), "tend-kinds-"));
  });
  afterAll(async () => {
    await db?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("rescores from the first imported usage day, and the history reflects the usage", async () => {
    const tend = async (...argv: string[]) => {
      const out: string[] = [];
      const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => out.push(l) }, { ctx: testContext(db) });
      return { code, out: out.join("\n") };
    };
    const dir = await folder(root, "files", {
      "accounts.csv": "external_id,name,seats\nQNA-103,Quinta Analytics,50\n",
      "usage.csv": usageCsv(["QNA-103"], 40),
    });
    const accounts = await tend("import", "accounts", path.join(dir, "accounts.csv"));
    expect(accounts.out).toContain("scored 1 accounts for each of the last 30 days");
    const history = `SELECT score, state, reasons::text AS reasons FROM "HealthScore" ORDER BY day`;
    const before = await db.pool.query<{ score: number; state: string | null; reasons: string }>(history);
    // Without usage or contact the account is "new - not enough data" every day.
    expect(before.rows.every((r) => r.state === "new")).toBe(true);
    const usage = await tend("import", "usage", path.join(dir, "usage.csv"));
    expect(usage.code).toBe(0);
    expect(usage.out).toContain(
      "scored 1 accounts for each day from 2026-10-25 to 2026-11-23 (the imported usage changed them)",
    );
    const after = await db.pool.query<{ score: number; state: string | null; reasons: string }>(history);
    expect(after.rows).toHaveLength(30);
    // Every day of the history is now read from the usage: no longer new, active users among the reasons.
    expect(after.rows.filter((r) => r.state === "new")).toHaveLength(0);
    expect(after.rows.every((r) => r.reasons.includes("activity.active_users"))).toBe(true);
  });
});

describe("import warnings: contradictions are imported, and each is reported with its line", () => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb();
    const ctx = testContext(db);
    await importRows(
      ctx,
      "accounts",
      await csvSource(["external_id,name,seats\nW-1,Same Name Co,10\nW-9,Stored Twin,10\n"]),
    );
  });
  afterAll(async () => {
    await db?.close();
  });

  const warn = async (kind: Parameters<typeof importRows>[1], csv: string) => {
    const r = await importRows(testContext(db), kind, await csvSource([csv]));
    expect(r.ok).toBe(true);
    return r.warnings.map((w) => `line ${w.line}, ${w.column}: ${w.reason}`);
  };

  it("the same account name under two external ids, in the file or against the store", async () => {
    const w = await warn("accounts", "external_id,name\nW-2,Twin Co\nW-3,twin co\nW-8,Stored Twin\n");
    expect(w).toEqual([
      'line 3, name: "twin co" is also the name of external id W-2 (line 2): one account under two ids?',
      'line 4, name: "Stored Twin" is already stored under external id W-9: one account under two ids?',
    ]);
  });

  it("active users above seats", async () => {
    const w = await warn(
      "usage",
      "account_external_id,day,active_users,activated_users,seats\nW-1,2026-11-20,12,10,10\n",
    );
    expect(w).toEqual(["line 2, active_users: 12 active users but only 10 seats"]);
  });

  it("a promise due before it was made", async () => {
    const w = await warn("promises", "account_external_id,title,made_at,due_date\nW-1,Fix it,2026-11-10,2026-11-01\n");
    expect(w).toEqual(["line 2, due_date: due 2026-11-01, before it was made (2026-11-10)"]);
  });

  it("a churned renewal with an outcome amount", async () => {
    const w = await warn(
      "renewals",
      "account_external_id,due_date,arr,status,outcome_arr\nW-1,2026-10-01,100,churned,80\n",
    );
    expect(w).toEqual([
      "line 2, outcome_arr: a churned renewal with an outcome amount (80): churned keeps nothing; downsized keeps part",
    ]);
  });

  it("a departed contact marked active", async () => {
    const w = await warn(
      "contacts",
      "account_external_id,name,active,left_at\nW-1,Pat Doe,true,2026-10-01\nW-1,Lee Roe,false,2026-10-01\n",
    );
    expect(w).toEqual(["line 2, active: left on 2026-10-01 but marked active"]);
  });

  it("are shown in the CLI report under the summary, and in the API answer", async () => {
    const r = await importRows(
      testContext(db),
      "usage",
      jsonSource(
        JSON.stringify([
          { account_external_id: "W-1", day: "2026-11-21", active_users: 11, activated_users: 1, seats: 10 },
        ]),
      ),
    );
    expect(r.warnings).toEqual([
      { line: 1, row: 1, column: "active_users", reason: "11 active users but only 10 seats" },
    ]);
  });
});
