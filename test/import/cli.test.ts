import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { parseCsv } from "../../src/import/csv.js";
import { IMPORT_KINDS, type ImportKind } from "../../src/import/kinds.js";
import { SPECS } from "../../src/import/specs.js";
import type { Db } from "../../src/store/db.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";

// `tend import` as a CS-ops person runs it: files on disk, the real CLI, a real store.

const EXAMPLES = path.resolve(import.meta.dirname, "../../examples");
/** In the order a first import runs: later kinds refer to earlier ones. */
const KINDS = IMPORT_KINDS;
const TABLES: Record<ImportKind, string> = {
  ...(Object.fromEntries(Object.entries(SPECS).map(([k, s]) => [k, s.table])) as Record<ImportKind, string>),
  usage: "UsageSnapshot",
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "tend-import-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string | Buffer): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, text);
  return p;
}

/** An example CSV as JSON rows (every value a string, blanks left out), to import the same data as JSON. */
async function exampleAsJson(kind: string): Promise<Record<string, string>[]> {
  const records: string[][] = [];
  for await (const r of parseCsv([await readFile(path.join(EXAMPLES, `${kind}.csv`), "utf8")]))
    if ("fields" in r) records.push(r.fields);
  const [header, ...rows] = records;
  return rows.map((r) => Object.fromEntries(header!.flatMap((h, i) => (r[i] ? [[h, r[i]!]] : []))));
}

describe.each(STORE_KINDS)("tend import (%s)", (storeKind) => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb(storeKind);
  });
  afterAll(async () => {
    await db?.close();
  });

  const tend = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { ctx: testContext(db) });
    // `out` is the import's own report; what follows it (scoring, the next thing to try) is `after`.
    const after = /^(scored |next: )/;
    return {
      code,
      out: out.filter((l) => !after.test(l)).join("\n"),
      after: out.filter((l) => after.test(l)).join("\n"),
      err: err.join("\n"),
    };
  };
  const count = async (table: string) =>
    (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`)).rows[0]!.n;

  it("imports every example into an empty store, and the same files again change nothing", async () => {
    for (const kind of KINDS) {
      const r = await tend("import", kind, path.join(EXAMPLES, `${kind}.csv`));
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`^(\\d+) ${kind} rows imported: \\1 created, 0 updated, 0 unchanged$`));
      expect(await count(TABLES[kind])).toBeGreaterThan(0);
    }
    for (const kind of KINDS) {
      const before = await count(TABLES[kind]);
      const r = await tend("import", kind, path.join(EXAMPLES, `${kind}.csv`));
      expect(r.code).toBe(0);
      expect(r.out).toMatch(
        new RegExp(`^(\\d+) ${kind} rows read: nothing changed, the store already holds them \\(\\1 unchanged\\)$`),
      );
      expect(await count(TABLES[kind])).toBe(before);
    }
    // Child rows landed on the account their file named, with the file's values.
    const huadong = await db.prisma.account.findUniqueOrThrow({
      where: { externalId: "CRM-2001" },
      include: { contacts: true, renewals: true, owner: true, team: true },
    });
    expect(huadong.name).toBe("华东物流集团");
    expect(huadong.aliases).toEqual(["华东物流", "East China Logistics"]);
    expect(huadong.owner?.name).toBe("张敏");
    expect(huadong.team?.locale).toBe("zh-CN");
    expect(huadong.contacts.map((c) => c.name).sort()).toEqual(["王芳", "陈军"]);
    expect(huadong.renewals.find((r) => r.status === "downsized")?.outcomeArr?.toString()).toBe("950000");
    const contoso = await db.prisma.account.findUniqueOrThrow({ where: { externalId: "CRM-1003" } });
    expect(contoso.name).toBe("Contoso, Inc.");
    const call = await db.prisma.interaction.findUniqueOrThrow({ where: { externalId: "INT-501" } });
    const sam = await db.prisma.member.findUniqueOrThrow({ where: { email: "sam.okafor@example.com" } });
    expect(call).toMatchObject({ kind: "call", memberId: sam.id, contactName: "Priya Raman", scheduled: false });
    expect(call.occurredAt.toISOString()).toBe("2026-10-30T14:30:00.000Z");
    const qbr = await db.prisma.interaction.findUniqueOrThrow({ where: { externalId: "INT-502" } });
    expect(qbr.scheduled).toBe(true);
    const fb = await db.prisma.feedback.findUniqueOrThrow({ where: { externalId: "FB-72" } });
    expect(fb).toMatchObject({ status: "delivered", severity: "medium" });
    expect(fb.resolvedAt?.toISOString().slice(0, 10)).toBe("2026-09-20");
    // Imported risks are a person's; severity defaults to the cause's; a closed one was closed by a person.
    const dm = await db.prisma.riskFlag.findUniqueOrThrow({ where: { externalId: "RISK-11" } });
    expect(dm).toMatchObject({ kind: "decision_maker_changed", severity: "high", source: "person", resolvedAt: null });
    const paid = await db.prisma.riskFlag.findUniqueOrThrow({ where: { externalId: "RISK-13" } });
    expect(paid).toMatchObject({ severity: "medium", closedBy: "person", closeNote: "Paid in full" });
    const opp = await db.prisma.opportunity.findUniqueOrThrow({ where: { externalId: "OPP-32" } });
    expect(opp).toMatchObject({ kind: "services", title: "数据迁移服务", status: "open" });
    expect(opp.amount.toString()).toBe("120000");
  });

  it("the same rows as JSON and NDJSON are the same data: importing them changes nothing", async () => {
    for (const kind of KINDS) {
      const rows = await exampleAsJson(kind);
      const json = await file(`${kind}.json`, JSON.stringify(rows, null, 2));
      const ndjson = await file(`${kind}.ndjson`, rows.map((r) => JSON.stringify(r)).join("\n"));
      for (const f of [json, ndjson]) {
        const r = await tend("import", kind, f);
        expect(r.err).toBe("");
        expect(r.out).toContain(`${rows.length} ${kind} rows read: nothing changed`);
      }
    }
  });

  it("updates what changed, keeps what a file leaves out, and matches accounts by name when there is no id", async () => {
    const f = await file(
      "accounts-update.csv",
      "Name,Tier,ARR\nFabrikam Ltd,strategic,99000\n上海云帆科技,key,360000\n",
    );
    const r = await tend("import", "accounts", f);
    expect(r.out).toBe("2 accounts rows imported: 0 created, 1 updated, 1 unchanged");
    const fab = await db.prisma.account.findUniqueOrThrow({ where: { externalId: "CRM-1002" } });
    expect(fab.tier).toBe("strategic");
    expect(fab.arr.toString()).toBe("99000");
    expect(fab.industry).toBe("Manufacturing"); // not in the file: kept
    expect(fab.currency).toBe("EUR");
  });

  it("refuses a file with bad rows whole: every problem with its line and column, nothing written, exit 1", async () => {
    const before = await count("Account");
    const f = await file(
      "accounts-bad.csv",
      [
        "external_id,name,tier,arr,renewal_date,owner_email",
        "NEW-1,Good New Account,key,1000,2027-01-01,",
        "NEW-2,Bad Tier Co,platinum,1000,2027-01-01,",
        'NEW-3,"Multi',
        'line Name",standard,12k,2027-02-30,',
        "NEW-4,Unknown Owner Co,standard,10,,nobody@example.com",
        "NEW-5,,standard,10,,",
        "NEW-6,Too Many,standard,10,,,extra",
        "NEW-7,Two Problems Co,gold,10,,ghost@example.com",
      ].join("\n"),
    );
    const r = await tend("import", "accounts", f);
    expect(r.code).toBe(1);
    expect(r.err).toContain("accounts-bad.csv: 8 problems, nothing written:");
    // A row with a bad field and an unknown owner gets both at once, not one per attempt.
    expect(r.err).toContain('line 9, column tier: "gold" is not one of');
    expect(r.err).toContain("line 9, column owner_email: no member has the email ghost@example.com");
    expect(r.err).toContain('line 3, column tier: "platinum" is not one of strategic, key, standard, long_tail');
    // The quoted name spans lines 4-5: the row is reported where it starts.
    expect(r.err).toContain('line 4, column arr: "12k" is not an amount');
    expect(r.err).toContain('line 4, column renewal_date: "2027-02-30" is not a day as YYYY-MM-DD');
    expect(r.err).toContain("line 6, column owner_email: no member has the email nobody@example.com");
    expect(r.err).toContain("line 7, column name: required (missing or blank)");
    expect(r.err).toContain("line 8: 7 values but the header has 6 columns");
    expect(await count("Account")).toBe(before);
    expect(await db.prisma.account.count({ where: { name: "Good New Account" } })).toBe(0);
  });

  it("caps the list of problems and counts the rest", async () => {
    const lines = ["account_external_id,day,active_users,activated_users,seats"];
    for (let i = 0; i < 120; i++) lines.push(`CRM-1001,2026-13-${String(i).padStart(2, "0")},1,1,1`);
    const r = await tend("import", "usage", await file("usage-bad.csv", lines.join("\n")));
    expect(r.code).toBe(1);
    expect(r.err).toContain("120 problems, nothing written");
    expect(r.err).toContain("line 2, column day:");
    expect(r.err).toContain("... and 70 more");
  });

  it("reads Chinese names from an Excel CSV (BOM, CRLF) and matches accounts by their exact Chinese name", async () => {
    const csv = "\uFEFF账户名称,Day,Active Users,Activated Users,Seats\r\n";
    // A header the importer does not know is ignored and said so; the account column must then be named.
    const r1 = await tend("import", "usage", await file("bad-header.csv", csv));
    expect(r1.code).toBe(1);
    expect(r1.err).toContain("line 1: the header has no account_external_id or account_name column");

    const rows =
      "\uFEFFAccount Name,Day,Active Users,Activated Users,Seats,备注\r\n上海云帆科技,2026-11-24,31,30,150,周一\r\n";
    const r2 = await tend("import", "usage", await file("usage-zh.csv", Buffer.from(rows, "utf8")));
    expect(r2.err).toBe("");
    expect(r2.out).toContain("ignored columns (not used for usage): 备注");
    expect(r2.out).toContain("1 usage rows imported: 1 created");
    const acc = await db.prisma.account.findUniqueOrThrow({ where: { externalId: "CRM-2002" } });
    const snap = await db.prisma.usageSnapshot.findUniqueOrThrow({
      where: { accountId_day: { accountId: acc.id, day: new Date("2026-11-24") } },
    });
    expect(snap).toMatchObject({ activeUsers: 31, activatedUsers: 30, seats: 150, logins: 0 });

    const unknown = await tend(
      "import",
      "contacts",
      await file("contacts-zh.csv", "account_name,name\n上海云帆,赵磊\n"),
    );
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain(
      'line 2, column account_name: no account is named "上海云帆" (names must match exactly)',
    );
  });

  it("says so when a file is not UTF-8 (Excel on Chinese Windows writes GBK) and writes nothing", async () => {
    const gbkName = Buffer.from("c9cfbaa3d4c6b7abbfc6bcbc", "hex"); // 上海云帆科技 in GBK
    const body = Buffer.concat([
      Buffer.from("account_name,day,active_users,activated_users,seats\n"),
      gbkName,
      Buffer.from(",2026-11-25,1,1,1\n"),
    ]);
    const before = await count("UsageSnapshot");
    const r = await tend("import", "usage", await file("usage-gbk.csv", body));
    expect(r.code).toBe(1);
    expect(r.err).toContain("line 2, column account_name: not UTF-8 text: save the file as UTF-8");
    expect(await count("UsageSnapshot")).toBe(before);
  });

  it("refuses the same row twice in one file", async () => {
    const f = await file(
      "usage-dup.csv",
      "account_external_id,day,active_users,activated_users,seats\nCRM-1001,2026-12-01,1,1,1\nCRM-1001,2026-12-01,2,2,2\n",
    );
    const r = await tend("import", "usage", f);
    expect(r.code).toBe(1);
    expect(r.err).toContain("line 3, column day: the same account and day as line 2");
  });

  it("--dry-run checks and counts but writes nothing", async () => {
    const f = await file(
      "milestones-dry.csv",
      "account_external_id,title,due_date,status\nCRM-1003,Kick-off,2026-01-20,done\nCRM-1002,Plant two live,2027-01-10,planned\n",
    );
    const before = await count("Milestone");
    const r = await tend("import", "milestones", f, "--dry-run");
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      "dry run: 2 milestones rows are valid; importing would create 1, update 0, leave 1 unchanged. Nothing written.",
    );
    expect(await count("Milestone")).toBe(before);
    expect(await db.prisma.milestone.count({ where: { title: "Plant two live" } })).toBe(0);
  });

  it("explains a wrong kind, a missing file, an empty file and an unreadable JSON file", async () => {
    expect((await tend("import", "deals", "x.csv")).err).toContain('unknown kind "deals"');
    const headerOnly = await tend("import", "teams", await file("teams-empty.csv", "name,locale\n"));
    expect(headerOnly).toMatchObject({
      code: 0,
      out: expect.stringContaining("no teams rows in it, nothing to import"),
    });
    expect((await tend("import", "teams", await file("blank.csv", ""))).err).toContain("line 1: the file is empty");
    expect((await tend("import", "accounts", path.join(dir, "nope.csv"))).err).toContain("no such file");
    const bad = await tend("import", "accounts", await file("broken.json", '[\n  {"name": "A"},\n  {"name": }\n]'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/line 3: not valid JSON/);
  });
});
