import { afterEach, beforeEach, describe, expect, it } from "vitest";
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
  beforeEach(async () => {
    db = await testDb(kind);
    sf = await new SalesforceStandIn().start();
    seed(sf);
    ctx = testContext(db, {
      now: new Date("2026-11-23T09:00:00Z"),
      env: {
        SALESFORCE_LOGIN_URL: sf.url,
        SALESFORCE_CLIENT_ID: sf.clientId,
        SALESFORCE_CLIENT_SECRET: sf.clientSecret,
      },
    });
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

  it("--full archives a merged-away account naming its master, and a deleted one", async () => {
    await cli(ctx, "sync", "salesforce");
    sf.merge("0010009", "0010008");
    sf.tables.Account?.delete("0010010");
    const r = await cli(ctx, "sync", "salesforce", "--full");
    expect(r.code).toBe(0);
    const { rows } = await db.pool.query(
      `SELECT name, "archivedNote" FROM "Account" WHERE "archivedAt" IS NOT NULL ORDER BY name`,
    );
    expect(rows).toEqual([
      { name: "Acct 10", archivedNote: "deleted in Salesforce (account 0010010)" },
      { name: "Acct 8", archivedNote: "merged into Salesforce account 0010009" },
    ]);
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
