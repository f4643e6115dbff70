import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type { AppContext } from "../../src/context.js";
import type { Db } from "../../src/store/db.js";
import { stripData } from "../../src/text/user-data.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";
import { SalesforceStandIn } from "./salesforce-stand-in.js";

// Salesforce sync end to end: jsforce (client credentials, SOQL with query-more) against the local
// stand-in, the real store.

async function cli(ctx: AppContext, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { ctx });
  return { code, out: stripData(out.join("\n")), err: err.join("\n") };
}

function seed(sf: SalesforceStandIn) {
  sf.put("User", "005A", { Email: "alice@example.com", IsActive: true });
  for (let i = 1; i <= 120; i++)
    sf.put("Account", `001${String(i).padStart(4, "0")}`, {
      Name: `Acct ${i}`,
      Website: `https://acct${i}.example`,
      Industry: "Retail",
      AnnualRevenue: 500 * i,
      OwnerId: "005A",
    });
  sf.put("Contact", "003A", {
    FirstName: "Kim",
    LastName: "Lee",
    Email: "kim@acct1.example",
    Title: "CTO",
    AccountId: "0010001",
  });
  sf.put("Opportunity", "006A", {
    AccountId: "0010002",
    Amount: 9000,
    CloseDate: "2027-02-01",
    Type: "Renewal",
    IsClosed: false,
    IsWon: false,
  });
  sf.put("Opportunity", "006B", {
    AccountId: "0010003",
    Amount: 4000,
    CloseDate: "2026-09-01",
    Type: "Renewal",
    IsClosed: true,
    IsWon: false,
  });
  sf.put("Opportunity", "006C", {
    AccountId: "0010003",
    Amount: 7000,
    CloseDate: "2026-12-01",
    Type: "New Customer",
    IsClosed: false,
    IsWon: false,
  });
}

describe.each(STORE_KINDS)("Salesforce sync (%s)", { timeout: 120_000 }, (kind) => {
  let db: Db;
  let sf: SalesforceStandIn;
  let ctx: AppContext;
  let mapping: string;
  const clientCredentials = (extra: Record<string, string> = {}) =>
    testContext(db, {
      now: new Date("2026-11-23T09:00:00Z"),
      env: {
        SALESFORCE_LOGIN_URL: sf.url,
        SALESFORCE_CLIENT_ID: sf.clientId,
        SALESFORCE_CLIENT_SECRET: sf.clientSecret,
        ...extra,
      },
    });
  beforeAll(async () => {
    // Tier__c is not a field of the org: the dry run names it.
    mapping = path.join(os.tmpdir(), `tend-sf-sync-${process.pid}-${kind}.json`);
    await writeFile(mapping, JSON.stringify({ salesforce: { accounts: { tier: "Tier__c" } } }));
  });
  beforeEach(async () => {
    db = await testDb(kind);
    sf = await new SalesforceStandIn().start();
    seed(sf);
    ctx = clientCredentials();
    await db.pool.query(`
      INSERT INTO "Member" (id, email, name, role, "updatedAt") VALUES ('m1', 'alice@example.com', 'Alice', 'admin', now());
      INSERT INTO "Account" (id, "externalId", name, "updatedAt") VALUES ('a-csv', '0010004', 'Acct Four (CSV)', now());
    `);
  });
  afterEach(async () => {
    await sf.stop();
    await db.close();
  });

  it("first sync pages through query-more; accounts (one matched from CSV), contacts, renewal opportunities with outcomes", async () => {
    const r = await cli(ctx, "sync", "salesforce");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "Account"`);
    expect(rows[0].n).toBe(120);
    const { rows: four } = await db.pool.query(
      `SELECT name, arr::float AS arr, "ownerId", domain FROM "Account" WHERE id = 'a-csv'`,
    );
    expect(four[0]).toEqual({ name: "Acct 4", arr: 2000, ownerId: "m1", domain: "acct4.example" });
    const { rows: ren } = await db.pool.query(
      `SELECT a.name, r.status::text AS status, r.arr::float AS arr FROM "Renewal" r JOIN "Account" a ON a.id = r."accountId" ORDER BY a.name`,
    );
    expect(ren).toEqual([
      { name: "Acct 2", status: "upcoming", arr: 9000 },
      { name: "Acct 3", status: "churned", arr: 4000 },
    ]);
    const { rows: c } = await db.pool.query(
      `SELECT c.name, c.title, a.name AS account FROM "Contact" c JOIN "Account" a ON a.id = c."accountId"`,
    );
    expect(c).toEqual([{ name: "Kim Lee", title: "CTO", account: "Acct 1" }]);
  });

  it("incremental, with the session expiring mid-run: authorizes again and reads only what changed", async () => {
    await cli(ctx, "sync", "salesforce");
    sf.setClock("2026-11-23T09:05:00Z");
    sf.put("Account", "0010007", { AnnualRevenue: 123456 });
    sf.expireAfter = 2; // the session times out in the middle of the run
    const r = await cli(ctx, "sync", "salesforce");
    expect(r.err).toBe("");
    expect(r.out).toMatch(/Account\s+1 fetched, 0 created, 1 updated/);
    const { rows } = await db.pool.query(`SELECT arr::float AS arr FROM "Account" WHERE name = 'Acct 7'`);
    expect(rows[0].arr).toBe(123456);
    expect(sf.tokensIssued).toBe(3);
  });

  it("--full: a merged-away account hands its history to the master's account and is archived; a deleted one is archived", async () => {
    await cli(ctx, "sync", "salesforce");
    const id = async (name: string) =>
      (await db.pool.query(`SELECT id FROM "Account" WHERE name = $1`, [name])).rows[0].id as string;
    const eight = await id("Acct 8");
    const nine = await id("Acct 9");
    // What Tend owns about Acct 8: a logged call, a raised risk, a promise, a forecast call, a contact.
    expect((await cli(ctx, "ask", "log Acct 8 call pricing talk", "--as", "alice@example.com")).code).toBe(0);
    expect(
      (await cli(ctx, "ask", "risk raise Acct 8 champion_changed Dana left", "--as", "alice@example.com")).code,
    ).toBe(0);
    for (const sql of [
      `INSERT INTO "CustomerPromise" (id, "accountId", title, "madeAt", "dueDate", "updatedAt") VALUES ('p8', $1, 'SSO by Q1', '2026-11-01', '2027-01-31', now())`,
      `INSERT INTO "RenewalCall" (id, "accountId", "dueDate", call) VALUES ('rc8', $1, '2027-03-01', 'commit')`,
      `INSERT INTO "Contact" (id, "accountId", name, email, "updatedAt") VALUES ('c8', $1, 'Ana Ruiz', 'ana@acct8.example', now())`,
    ])
      await db.pool.query(sql, [eight]);
    sf.merge("0010009", "0010008");
    sf.tables.Account?.delete("0010010");
    const r = await cli(ctx, "sync", "salesforce", "--full");
    expect(r.code).toBe(0);
    const { rows } = await db.pool.query(
      `SELECT name, "archivedNote" FROM "Account" WHERE "archivedAt" IS NOT NULL ORDER BY name`,
    );
    expect(rows).toEqual([
      { name: "Acct 10", archivedNote: "deleted in Salesforce (account 0010010)" },
      { name: "Acct 8", archivedNote: "merged into Salesforce account 0010009 (history moved to Acct 9)" },
    ]);
    const { rows: history } = await db.pool.query(
      `SELECT (SELECT count(*) FROM "Interaction" WHERE "accountId" = $1)::int AS interactions,
              (SELECT count(*) FROM "RiskFlag" WHERE "accountId" = $1)::int AS risks,
              (SELECT count(*) FROM "CustomerPromise" WHERE "accountId" = $1)::int AS promises,
              (SELECT count(*) FROM "RenewalCall" WHERE "accountId" = $1)::int AS calls,
              (SELECT count(*) FROM "Contact" WHERE "accountId" = $1)::int AS contacts`,
      [nine],
    );
    expect(history[0]).toEqual({ interactions: 1, risks: 1, promises: 1, calls: 1, contacts: 1 });
    // The merged account is kept (archived), never deleted; a second run moves and archives nothing.
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM "Account" WHERE id = $1`, [eight])).rows[0].n).toBe(1);
    const again = await cli(ctx, "sync", "salesforce", "--full");
    expect(again.out).toMatch(/Account\s+\d+ fetched, 0 created, 0 updated, \d+ unchanged, 0 archived/);
  });

  it("incremental: an account merged since the last run hands its history to the master's account", async () => {
    await cli(ctx, "sync", "salesforce");
    expect((await cli(ctx, "ask", "log Acct 11 visit kickoff", "--as", "alice@example.com")).code).toBe(0);
    sf.setClock("2026-11-23T09:05:00Z");
    sf.merge("0010012", "0010011");
    const r = await cli(ctx, "sync", "salesforce");
    expect(r.code).toBe(0);
    const { rows } = await db.pool.query(
      `SELECT a.name AS account, g."archivedNote" AS note FROM "Interaction" i JOIN "Account" a ON a.id = i."accountId",
              "Account" g WHERE g.name = 'Acct 11'`,
    );
    expect(rows).toEqual([
      { account: "Acct 12", note: "merged into Salesforce account 0010012 (history moved to Acct 12)" },
    ]);
  });

  it("--dry-run writes nothing, shows the first mapped rows and every mapped field Salesforce lacks", async () => {
    ctx = clientCredentials({ TEND_SYNC_CONFIG: mapping });
    const r = await cli(ctx, "sync", "salesforce", "--dry-run");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("dry run: nothing written");
    expect(r.out).toContain("Account.Tier__c");
    expect(r.out).toMatch(
      /Account 0010001: name=Acct 1, domain=acct1\.example, arr=500, industry=Retail \(new account\)/,
    );
    expect(r.out).toMatch(/Account 0010004: .*\(matches an existing account\)/);
    expect(r.out).toContain("first rows as mapped");
    const { rows } = await db.pool.query(
      `SELECT (SELECT count(*) FROM "Account")::int AS accounts, (SELECT count(*) FROM "SyncLink")::int AS links,
              (SELECT count(*) FROM "SyncCheckpoint")::int AS checkpoints, (SELECT count(*) FROM "Renewal")::int AS renewals`,
    );
    expect(rows[0]).toEqual({ accounts: 1, links: 0, checkpoints: 0, renewals: 0 });
  });

  it("a record that fails validation is quarantined whole with its reason in the status; the rest syncs; fixed, it leaves the quarantine", async () => {
    sf.put("Account", "0010008", { AnnualRevenue: "lots" });
    const r = await cli(ctx, "sync", "salesforce");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Account\s+120 fetched, 118 created, 1 updated, 0 unchanged, 0 archived, 1 quarantined/);
    const { rows } = await db.pool.query(
      `SELECT (SELECT count(*) FROM "Account" WHERE name = 'Acct 8')::int AS eight,
              (SELECT count(*) FROM "SyncLink" WHERE "externalId" = '0010008')::int AS link`,
    );
    expect(rows[0]).toEqual({ eight: 0, link: 0 });
    const status = await cli(ctx, "sync", "status");
    expect(status.out).toContain('Account 0010008: arr: not an amount ("lots")');
    sf.setClock("2026-11-23T09:05:00Z");
    sf.put("Account", "0010008", { AnnualRevenue: 8000 });
    await cli(ctx, "sync", "salesforce");
    expect((await cli(ctx, "sync", "status")).out).not.toContain("Account 0010008:");
    const { rows: now } = await db.pool.query(`SELECT arr::float AS arr FROM "Account" WHERE name = 'Acct 8'`);
    expect(now).toEqual([{ arr: 8000 }]);
  });

  it("5xx answers and dropped connections are retried with backoff", async () => {
    sf.faults.push({ match: "GET /services/data/v62.0/query", status: 503, times: 1 });
    sf.faults.push({ match: "GET /services/data/v62.0/query/", drop: "before", times: 2 });
    sf.faults.push({
      match: "GET /services/data/v62.0/query",
      status: 500,
      errorCode: "ERROR_HTTP_500",
      times: 1,
      skip: 4,
    });
    const r = await cli(ctx, "sync", "salesforce");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const { rows } = await db.pool.query(
      `SELECT (SELECT count(*) FROM "Account")::int AS accounts, (SELECT count(*) FROM "Renewal")::int AS renewals`,
    );
    expect(rows[0]).toEqual({ accounts: 120, renewals: 2 });
    expect(sf.faults.every((f) => f.times === 0)).toBe(true);
  });

  it("with a given SALESFORCE_ACCESS_TOKEN: syncs without the token endpoint; once it expires, the run stops saying what to fix", async () => {
    ctx = testContext(db, {
      now: new Date("2026-11-23T09:00:00Z"),
      env: { SALESFORCE_INSTANCE_URL: sf.url, SALESFORCE_ACCESS_TOKEN: sf.token },
    });
    const ok = await cli(ctx, "sync", "salesforce");
    expect(ok.err).toBe("");
    expect(ok.code).toBe(0);
    expect(sf.tokensIssued).toBe(0);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM "Account"`)).rows[0].n).toBe(120);
    sf.expired = true;
    const r = await cli(ctx, "sync", "salesforce");
    expect(r.code).toBe(1);
    expect(r.err).toContain("Salesforce refused SALESFORCE_ACCESS_TOKEN");
    expect(r.err).toContain("set a new token");
    expect(r.err).not.toContain("sf-token-1");
    const status = await cli(ctx, "sync", "status");
    expect(status.out).toContain("last error: Salesforce refused SALESFORCE_ACCESS_TOKEN");
  });

  it("a crash mid-sync resumes from the checkpoint without duplicating anything", async () => {
    await cli(ctx, "sync", "salesforce");
    sf.setClock("2026-11-23T09:05:00Z");
    for (let i = 121; i <= 390; i++) sf.put("Account", `001${String(i).padStart(4, "0")}`, { Name: `Acct ${i}` });
    // The second query-more page is refused: the run stops there, two pages (100 accounts) written.
    sf.faults.push({
      match: "GET /services/data/v62.0/query/",
      status: 400,
      errorCode: "INVALID_QUERY_LOCATOR",
      skip: 1,
      times: 1,
    });
    const r = await cli(ctx, "sync", "salesforce");
    expect(r.code).toBe(1);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM "Account"`)).rows[0].n).toBe(220);
    const again = await cli(ctx, "sync", "salesforce");
    expect(again.err).toBe("");
    expect(again.code).toBe(0);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n, count(DISTINCT name)::int AS names FROM "Account"`,
    );
    expect(rows[0]).toEqual({ n: 390, names: 390 });
    const { rows: links } = await db.pool.query(`SELECT count(*)::int AS n FROM "SyncLink" WHERE object = 'account'`);
    expect(links[0].n).toBe(390);
  });

  it("a log in chat is written at the next sync as one Task; a failed write is retried at the sync after and never written twice", async () => {
    await cli(ctx, "sync", "salesforce"); // the first sync marks where write-back starts
    expect((await cli(ctx, "ask", "log Acct 5 call renewal talk", "--as", "alice@example.com")).code).toBe(0);
    expect((await cli(ctx, "ask", "log Acct 6 visit onsite demo", "--as", "alice@example.com")).code).toBe(0);
    // Nothing is written before the next sync runs.
    expect(sf.tables.Task?.size).toBe(0);
    // The first Task lands but its answer is lost (found again by its marker); every try of the
    // second one fails with a 503: it stays pending.
    sf.faults.push({ match: "POST /services/data/v62.0/sobjects/Task", drop: "after", times: 1 });
    sf.faults.push({ match: "POST /services/data/v62.0/sobjects/Task", status: 503, times: 3 });
    const r = await cli(ctx, "sync", "salesforce");
    expect(r.code).toBe(0);
    expect(r.out).toContain("write-back 1 sent, 0 failed, 1 pending");
    expect(sf.tables.Task?.size).toBe(1);
    expect((await cli(ctx, "sync", "status")).out).toContain("write-back: 1 sent, 1 pending, 0 failed");
    const next = await cli(ctx, "sync", "salesforce");
    expect(next.out).toContain("write-back 1 sent, 0 failed, 0 pending");
    await cli(ctx, "sync", "salesforce");
    const tasks = [...(sf.tables.Task?.values() ?? [])].map((t) => t.WhatId).sort();
    expect(tasks).toEqual(["0010005", "0010006"]);
  });

  it("a log in chat becomes one completed Task on the account, once; the status shows the API limits", async () => {
    await cli(ctx, "sync", "salesforce");
    const ask = await cli(ctx, "ask", "log Acct 5 call renewal talk", "--as", "alice@example.com");
    expect(ask.code).toBe(0);
    await cli(ctx, "sync", "salesforce");
    await cli(ctx, "sync", "salesforce");
    const tasks = [...(sf.tables.Task?.values() ?? [])];
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ WhatId: "0010005", Status: "Completed" });
    expect(String(tasks[0]?.Description)).toContain("Notes: renewal talk");
    const status = await cli(ctx, "sync", "status");
    expect(status.out).toContain("API requests today: 1000 of 15000 used");
    expect(status.out).toContain("write-back: 1 sent");
  });
});
