import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type { AppContext } from "../../src/context.js";
import type { Db } from "../../src/store/db.js";
import { accountsNamedExactly } from "../../src/store/repos/accounts.js";
import { stripData } from "../../src/text/user-data.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";
import { HubSpotStandIn } from "./hubspot-stand-in.js";

// HubSpot sync end to end: the real @hubspot/api-client against the local stand-in, the real store.

async function cli(ctx: AppContext, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { ctx });
  return { code, out: stripData(out.join("\n")), err: err.join("\n") };
}

/** A small portal: `n` companies (two of them match accounts that came from CSV), contacts, deals. */
function seedPortal(hs: HubSpotStandIn, n: number) {
  hs.owners = [
    { id: "501", email: "Alice@Example.com", firstName: "Alice", lastName: "Chen" },
    { id: "502", email: "nobody@example.com", firstName: "No", lastName: "Body" },
  ];
  hs.propertyNames = {
    companies: ["name", "domain", "industry", "hs_arr", "country", "hubspot_owner_id", "customer_tier", "csv_id"],
    contacts: ["firstname", "lastname", "email", "jobtitle", "hs_buying_role", "associatedcompanyid"],
    deals: ["amount", "closedate", "pipeline", "dealtype", "hs_is_closed_won", "hs_is_closed"],
  };
  for (let i = 1; i <= n; i++)
    hs.put("companies", String(i), {
      name: `Company ${i}`,
      domain: `company${i}.example`,
      industry: "Software",
      hs_arr: String(1000 * i),
      customer_tier: i % 2 ? "Enterprise" : "SMB",
      hubspot_owner_id: "501",
    });
  // Two companies are accounts Tend already has from a CSV import.
  hs.put("companies", "2", { name: "Beta Industries (HubSpot name)", domain: "https://www.beta.example/" });
  hs.put("companies", "3", { csv_id: "CSV-GAMMA" });
  for (let i = 1; i <= 3; i++) {
    hs.put("contacts", String(100 + i), {
      firstname: "Pat",
      lastname: `Person${i}`,
      email: `pat${i}@company${i}.example`,
      jobtitle: "VP Ops",
      hs_buying_role: i === 1 ? "CHAMPION" : "DECISION_MAKER;END_USER",
      associatedcompanyid: String(i),
    });
  }
  hs.put("contacts", "199", { firstname: "Lone", lastname: "Wolf", email: "lone@wolf.example" });
  hs.put(
    "deals",
    "900",
    {
      amount: "12000",
      closedate: "2027-01-15T00:00:00.000Z",
      dealtype: "existingbusiness",
      hs_is_closed: "false",
      hs_is_closed_won: "false",
    },
    ["1"],
  );
  hs.put(
    "deals",
    "901",
    {
      amount: "8000",
      closedate: "2026-10-01",
      dealtype: "existingbusiness",
      hs_is_closed: "true",
      hs_is_closed_won: "true",
    },
    ["4"],
  );
  hs.put(
    "deals",
    "902",
    {
      amount: "5000",
      closedate: "2026-12-01",
      dealtype: "newbusiness",
      hs_is_closed: "false",
      hs_is_closed_won: "false",
    },
    ["1"],
  );
}

describe.each(STORE_KINDS)("HubSpot sync (%s)", { timeout: 120_000 }, (kind) => {
  let db: Db;
  let hs: HubSpotStandIn;
  let ctx: AppContext;
  let mapping: string;

  beforeAll(async () => {
    mapping = path.join(os.tmpdir(), `tend-sync-${process.pid}-${kind}.json`);
    await writeFile(
      mapping,
      JSON.stringify({
        hubspot: {
          accounts: {
            tier: { property: "customer_tier", values: { Enterprise: "strategic", SMB: "standard" } },
            matchId: "csv_id",
          },
          writeBack: { riskTasks: true },
        },
      }),
    );
  });

  beforeEach(async () => {
    db = await testDb(kind);
    hs = await new HubSpotStandIn().start();
    seedPortal(hs, 130);
    ctx = testContext(db, {
      now: new Date("2026-11-23T09:00:00Z"),
      env: { HUBSPOT_ACCESS_TOKEN: hs.token, HUBSPOT_API_URL: hs.url, TEND_SYNC_CONFIG: mapping },
    });
    // What a CSV import left: a team, a member, two accounts (one known by its contacts' domain).
    await db.pool.query(`
      INSERT INTO "Team" (id, name, "updatedAt") VALUES ('t1', 'East', now());
      INSERT INTO "Member" (id, email, name, role, "teamId", "updatedAt") VALUES ('m1', 'alice@example.com', 'Alice Chen', 'admin', 't1', now());
      INSERT INTO "Account" (id, "externalId", name, arr, "updatedAt") VALUES ('a-beta', 'CSV-BETA', 'Beta Industries', 5, now()),
                                                                               ('a-gamma', 'CSV-GAMMA', 'Gamma Corp', 7, now());
      INSERT INTO "Contact" (id, "accountId", name, email, "updatedAt") VALUES ('c-b1', 'a-beta', 'Bo', 'bo@beta.example', now());
      INSERT INTO "Interaction" (id, "accountId", kind, "occurredAt", notes) VALUES ('i-old', 'a-beta', 'call', '2026-10-01', 'from the CSV');
    `);
  });
  afterEach(async () => {
    await hs.stop();
    await db.close();
  });

  it("first sync: pages of companies become accounts, CSV accounts are matched (domain, id), owners assigned, contacts and renewal deals written", async () => {
    const r = await cli(ctx, "sync", "hubspot");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const { rows: accounts } = await db.pool.query(
      `SELECT a.id, a.name, a.domain, a.arr::float AS arr, a.tier::text AS tier, a."ownerId", a."teamId" FROM "Account" a ORDER BY a.name`,
    );
    // 130 companies, two of them matched: 128 new + 2 existing accounts, none duplicated.
    expect(accounts).toHaveLength(130);
    const beta = accounts.find((a) => a.id === "a-beta");
    expect(beta).toMatchObject({ name: "Beta Industries (HubSpot name)", domain: "beta.example", arr: 2000 });
    expect(accounts.find((a) => a.id === "a-gamma")).toMatchObject({ name: "Company 3", tier: "strategic" });
    const c7 = accounts.find((a) => a.name === "Company 7");
    expect(c7).toMatchObject({ tier: "strategic", arr: 7000, ownerId: "m1", teamId: "t1" });
    // The account's history from before the sync is still there.
    const { rows: old } = await db.pool.query(`SELECT "accountId" FROM "Interaction" WHERE id = 'i-old'`);
    expect(old[0].accountId).toBe("a-beta");
    const { rows: contacts } = await db.pool.query(
      `SELECT c.name, c.role::text AS role, c.title, a.name AS account FROM "Contact" c JOIN "Account" a ON a.id = c."accountId" WHERE c.email LIKE 'pat%' ORDER BY c.name`,
    );
    expect(contacts).toEqual([
      { name: "Pat Person1", role: "champion", title: "VP Ops", account: "Company 1" },
      { name: "Pat Person2", role: "decision_maker", title: "VP Ops", account: "Beta Industries (HubSpot name)" },
      { name: "Pat Person3", role: "decision_maker", title: "VP Ops", account: "Company 3" },
    ]);
    const { rows: renewals } = await db.pool.query(
      `SELECT a.name, to_char(r."dueDate", 'YYYY-MM-DD') AS due, r.arr::float AS arr, r.status::text AS status, r."outcomeArr"::float AS outcome
         FROM "Renewal" r JOIN "Account" a ON a.id = r."accountId" ORDER BY due`,
    );
    // The new-business deal (902) is not a renewal.
    expect(renewals).toEqual([
      { name: "Company 4", due: "2026-10-01", arr: 8000, status: "renewed", outcome: 8000 },
      { name: "Company 1", due: "2027-01-15", arr: 12000, status: "upcoming", outcome: null },
    ]);
    expect(r.out).toContain("2 existing account(s) matched");
    expect(r.out).toContain("nobody@example.com");
    // Paging: 130 companies came in two list pages.
    expect(hs.count("GET /crm/v3/objects/companies")).toBe(2);
  });

  it("incremental: the next run reads only what changed since the checkpoint", async () => {
    await cli(ctx, "sync", "hubspot");
    hs.setClock("2026-11-23T09:05:00Z");
    hs.put("companies", "7", { hs_arr: "99000" });
    hs.put("contacts", "101", { jobtitle: "COO" });
    const r = await cli(ctx, "sync", "hubspot");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/companies\s+1 fetched, 0 created, 1 updated/);
    const { rows } = await db.pool.query(`SELECT arr::float AS arr FROM "Account" WHERE name = 'Company 7'`);
    expect(rows[0].arr).toBe(99000);
    const { rows: c } = await db.pool.query(`SELECT title FROM "Contact" WHERE name = 'Pat Person1'`);
    expect(c[0].title).toBe("COO");
    expect(hs.count("POST /crm/v3/objects/companies/search")).toBe(1);
  });

  it("--full archives accounts deleted in HubSpot; a merge carries the merged account's history and contacts to the surviving company's account", async () => {
    await cli(ctx, "sync", "hubspot");
    hs.delete("companies", "5");
    hs.merge("10", "2"); // Beta (with its CSV history) merged into company 10
    const r = await cli(ctx, "sync", "hubspot", "--full");
    expect(r.code).toBe(0);
    const { rows } = await db.pool.query(
      `SELECT id, name, "archivedAt" IS NOT NULL AS archived, "archivedNote" FROM "Account" WHERE name IN ('Company 5', 'Company 10') OR id = 'a-beta' ORDER BY name`,
    );
    const five = rows.find((a) => a.name === "Company 5");
    expect(five).toMatchObject({ archived: true, archivedNote: "deleted in HubSpot (company 5)" });
    // Company 10 already had its own account: Beta's history moves there, Beta is archived (not deleted).
    const beta = rows.find((a) => a.id === "a-beta");
    expect(beta).toMatchObject({ archived: true });
    expect(beta?.archivedNote).toBe("merged into HubSpot company 10 (history moved to Company 10)");
    const ten = rows.find((a) => a.name === "Company 10");
    expect(ten?.archived).toBe(false);
    const { rows: moved } = await db.pool.query(`SELECT "accountId" FROM "Interaction" WHERE id = 'i-old'`);
    expect(moved[0].accountId).toBe(ten?.id);
    const { rows: contacts } = await db.pool.query(`SELECT name FROM "Contact" WHERE "accountId" = $1 ORDER BY name`, [
      ten?.id,
    ]);
    expect(contacts.map((c) => c.name)).toEqual(["Bo", "Pat Person2"]);
    const { rows: left } = await db.pool.query(`SELECT count(*)::int AS n FROM "Account" WHERE id = 'a-beta'`);
    expect(left[0].n).toBe(1);
    // Another run changes nothing: nothing is moved or archived twice.
    const again = await cli(ctx, "sync", "hubspot", "--full");
    expect(again.out).toMatch(/companies\s+\d+ fetched, 0 created, 0 updated, \d+ unchanged, 0 archived/);
    // Archived accounts are out of what chat finds and lists.
    expect(await accountsNamedExactly(db, { kind: "all" }, "Company 5")).toEqual([]);
    expect(await accountsNamedExactly(db, { kind: "all" }, "Company 6")).toHaveLength(1);
  });

  it("a record that fails validation is quarantined whole and shown in the status; fixed, it syncs and leaves the quarantine", async () => {
    hs.put("companies", "8", { hs_arr: "lots", customer_tier: "Gold" });
    const r = await cli(ctx, "sync", "hubspot");
    expect(r.code).toBe(0);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "Account" WHERE name = 'Company 8'`);
    expect(rows[0].n).toBe(0);
    const status = await cli(ctx, "sync", "status");
    expect(status.out).toContain('companies 8: arr: not an amount ("lots"); tier: "Gold" is not one of');
    hs.setClock("2026-11-23T09:05:00Z");
    hs.put("companies", "8", { hs_arr: "8000", customer_tier: "SMB" });
    await cli(ctx, "sync", "hubspot");
    const after = await cli(ctx, "sync", "status");
    expect(after.out).not.toContain("companies 8:");
    const { rows: now } = await db.pool.query(`SELECT arr::float AS arr FROM "Account" WHERE name = 'Company 8'`);
    expect(now[0].arr).toBe(8000);
  });

  it("--dry-run writes nothing, shows the first mapped rows and every mapped property HubSpot lacks", async () => {
    hs.propertyNames.companies = (hs.propertyNames.companies ?? []).filter((p) => p !== "hs_arr");
    const r = await cli(ctx, "sync", "hubspot", "--dry-run");
    expect(r.code).toBe(0);
    expect(r.out).toContain("companies.hs_arr");
    expect(r.out).toMatch(/companies 1: name=Company 1, domain=company1\.example, arr=1000/);
    expect(r.out).toContain("(matches an existing account)");
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "Account"`);
    expect(rows[0].n).toBe(2);
    const { rows: links } = await db.pool.query(`SELECT count(*)::int AS n FROM "SyncLink"`);
    expect(links[0].n).toBe(0);
  });

  it("rate limits: a 429 with Retry-After is waited out; dropped connections and a 502 are retried", async () => {
    hs.faults.push({ match: "GET /crm/v3/objects/companies", status: 429, headers: { "retry-after": "1" }, times: 1 });
    hs.faults.push({ match: "GET /crm/v3/objects/contacts", drop: "before", times: 2 });
    hs.faults.push({ match: "/crm/v4/associations", status: 502, times: 1 });
    const r = await cli(ctx, "sync", "hubspot");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "Account"`);
    expect(rows[0].n).toBe(130);
    const { rows: ren } = await db.pool.query(`SELECT count(*)::int AS n FROM "Renewal"`);
    expect(ren[0].n).toBe(2);
  });

  it("a refused token stops the run with what to fix, and the status shows it", async () => {
    hs.token = "rotated";
    const r = await cli(ctx, "sync", "hubspot");
    expect(r.code).toBe(1);
    expect(r.err).toContain("HubSpot refused HUBSPOT_ACCESS_TOKEN (401");
    expect(r.err).not.toContain("pat-test-token");
    const status = await cli(ctx, "sync", "status");
    expect(status.out).toContain("last error: HubSpot refused HUBSPOT_ACCESS_TOKEN");
  });

  it("a crash mid-sync resumes from the checkpoint without duplicating anything", async () => {
    await cli(ctx, "sync", "hubspot");
    hs.setClock("2026-11-23T09:05:00Z");
    for (let i = 131; i <= 400; i++) hs.put("companies", String(i), { name: `Company ${i}`, hs_arr: "1" });
    // The third search page is refused: the run stops there, two pages written.
    hs.faults.push({
      match: "POST /crm/v3/objects/companies/search",
      status: 400,
      body: { status: "error", message: "boom" },
      skip: 2,
      times: 1,
    });
    const r = await cli(ctx, "sync", "hubspot");
    expect(r.code).toBe(1);
    const { rows: mid } = await db.pool.query(`SELECT count(*)::int AS n FROM "Account"`);
    expect(mid[0].n).toBe(330);
    const again = await cli(ctx, "sync", "hubspot");
    expect(again.code).toBe(0);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n, count(DISTINCT name)::int AS names FROM "Account"`,
    );
    expect(rows[0]).toEqual({ n: 400, names: 400 });
    const { rows: links } = await db.pool.query(`SELECT count(*)::int AS n FROM "SyncLink" WHERE object = 'account'`);
    expect(links[0].n).toBe(400);
  });

  it("a log in chat is written at the next sync; a write HubSpot fails is retried at the sync after, once", async () => {
    await cli(ctx, "sync", "hubspot");
    expect((await cli(ctx, "ask", "log Company 9 call renewal talk", "--as", "alice@example.com")).code).toBe(0);
    expect(hs.objects.notes.size).toBe(0); // nothing is written until the next sync runs
    hs.faults.push({ match: "POST /crm/v3/objects/notes$", status: 503, times: 3 });
    const r = await cli(ctx, "sync", "hubspot");
    expect(r.code).toBe(0);
    expect(r.out).toContain("write-back 0 sent, 0 failed, 1 pending");
    expect(hs.objects.notes.size).toBe(0);
    expect((await cli(ctx, "sync", "status")).out).toContain("write-back: 0 sent, 1 pending, 0 failed");
    const next = await cli(ctx, "sync", "hubspot");
    expect(next.out).toContain("write-back 1 sent, 0 failed, 0 pending");
    await cli(ctx, "sync", "hubspot");
    expect([...hs.objects.notes.values()].map((n) => n.associations?.companies)).toEqual([["9"]]);
  });

  it("a log in chat becomes one note on the company, once, even when the answer to the write is lost", async () => {
    await cli(ctx, "sync", "hubspot"); // the first sync marks where write-back starts
    const ask = await cli(ctx, "ask", "log Company 7 visit <b>great</b> meeting & demo", "--as", "alice@example.com");
    expect(ask.code).toBe(0);
    const raise = await cli(ctx, "ask", "risk raise Company 7 champion_changed Dana left", "--as", "alice@example.com");
    expect(raise.code).toBe(0);
    // The note is created but its answer never arrives: the retry finds it by its marker.
    hs.faults.push({ match: "POST /crm/v3/objects/notes", drop: "after", times: 1 });
    const r = await cli(ctx, "sync", "hubspot");
    expect(r.code).toBe(0);
    expect(r.out).toContain("write-back 2 sent");
    const notes = [...hs.objects.notes.values()];
    expect(notes).toHaveLength(1);
    expect(notes[0]?.associations?.companies).toEqual(["7"]);
    expect(notes[0]?.properties.hs_note_body).toContain("Notes: &lt;b&gt;great&lt;/b&gt; meeting &amp; demo");
    const tasks = [...hs.objects.tasks.values()];
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.properties.hs_task_subject).toBe("Risk: champion changed (low)");
    // Again (a retry, another replica's run): nothing new.
    await cli(ctx, "sync", "hubspot");
    expect(hs.objects.notes.size).toBe(1);
    expect(hs.objects.tasks.size).toBe(1);
    // History from before the first sync was never written.
    expect(notes[0]?.properties.hs_note_body).not.toContain("from the CSV");
  });
});

describe("the sync mapping file", () => {
  it("a wrong file stops the sync naming the path", async () => {
    const { parseSyncConfig } = await import("../../src/sync/config.js");
    expect(() => parseSyncConfig({ hubspot: { accounts: { arrr: "x" } } })).toThrow(/hubspot\.accounts/);
    expect(parseSyncConfig({ hubspot: { accounts: { arr: null } } }).hubspot.accounts.arr).toBeUndefined();
    expect(parseSyncConfig({}).salesforce.renewals.type).toBe("Renewal");
  });
});
