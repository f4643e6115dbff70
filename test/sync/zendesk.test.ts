import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { HEALTH_DEFAULTS } from "../../src/domain/health/defaults.js";
import { scoreAll } from "../../src/domain/health/score-all.js";
import type { Db } from "../../src/store/db.js";
import { loadFacts } from "../../src/store/repos/health-facts.js";
import { getCheckpoint } from "../../src/store/repos/sync.js";
import { runSync } from "../../src/sync/run.js";
import { zendeskSource } from "../../src/sync/zendesk.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";
import { zendeskStandIn } from "./zendesk-stand-in.js";

const EMAIL = "agent@acme.example";
const TOKEN = "zd-token-0123456789abcdef";

async function tickets(db: Db) {
  const { rows } = await db.pool.query<{
    externalId: string;
    accountId: string;
    status: string;
    priority: string | null;
    reopens: number;
    csat: string | null;
  }>(
    `SELECT "externalId", "accountId", "status", "priority", "reopens", "csat" FROM "SupportTicket" ORDER BY "externalId"::int`,
  );
  return rows;
}

describe.each(STORE_KINDS)("Zendesk tickets through the incremental export (%s)", (kind) => {
  let db: Db;
  let zd: Awaited<ReturnType<typeof zendeskStandIn>>;
  let ids: { star: string; bolt: string };
  const ctx = () =>
    testContext(db, {
      now: new Date("2026-11-23T09:00:00Z"),
      env: { ZENDESK_API_URL: zd.url, ZENDESK_EMAIL: EMAIL, ZENDESK_API_TOKEN: TOKEN },
    });

  beforeAll(async () => {
    db = await testDb(kind);
    const star = await db.prisma.account.create({
      data: { name: "Star Corp", externalId: "CRM-STAR", tier: "key", contractStart: new Date("2025-01-01") },
    });
    const bolt = await db.prisma.account.create({ data: { name: "Bolt Ltd", domain: "bolt.example" } });
    ids = { star: star.id, bolt: bolt.id };
    zd = await zendeskStandIn({ email: EMAIL, token: TOKEN, pageSize: 2 });
    // Matched by external id, by domain, and one organization no account is.
    zd.org({ id: 1, name: "Star", external_id: "CRM-STAR", domain_names: [] });
    zd.org({ id: 2, name: "Bolt", external_id: null, domain_names: ["Bolt.example"] });
    zd.org({ id: 3, name: "Nobody", external_id: "CRM-NONE", domain_names: ["nobody.example"] });
    const t = (id: number, org: number | null, status: string, priority: string | null, extra = {}) =>
      zd.ticket({
        id,
        subject: `Ticket ${id}`,
        status,
        priority,
        organization_id: org,
        created_at: "2026-11-20T08:00:00Z",
        updated_at: "2026-11-21T08:00:00Z",
        ...extra,
      });
    t(101, 1, "open", "urgent");
    t(102, 1, "solved", "normal", {
      reopens: 1,
      satisfaction_rating: { score: "good" },
      solved_at: "2026-11-21T08:00:00Z",
    });
    t(103, 2, "pending", "high");
    t(104, 3, "open", "normal");
    t(105, null, "new", null);
  });
  afterAll(async () => {
    await zd?.close();
    await db?.close();
  });

  it("reads every page, waits out a 429, matches organizations by external id or domain, and keeps its cursor", async () => {
    zd.rateLimit(1);
    const report = await runSync(ctx(), zendeskSource, { dryRun: false, full: false });
    expect(report.objects.tickets).toMatchObject({ fetched: 5, created: 3 });
    expect(report.notes.join("\n")).toContain("rate limited by Zendesk");
    expect(report.notes.join("\n")).toContain("2 tickets of organizations no account matches");
    expect(await tickets(db)).toEqual([
      { externalId: "101", accountId: ids.star, status: "open", priority: "urgent", reopens: 0, csat: null },
      { externalId: "102", accountId: ids.star, status: "solved", priority: "normal", reopens: 1, csat: "good" },
      { externalId: "103", accountId: ids.bolt, status: "pending", priority: "high", reopens: 0, csat: null },
    ]);
    // Three pages of two, and the 429 asked again.
    expect(zd.requests.filter((r) => r.includes("cursor.json"))).toHaveLength(4);
    expect((await getCheckpoint(db, "zendesk", "tickets"))?.cursor).toBeTruthy();
  });

  it("feeds the health score's support side: an urgent ticket open past its time drags, a reopened one too", async () => {
    const [star] = await loadFacts(db, "2026-11-23", { accountIds: [ids.star] });
    // Ticket 101 (urgent) opened 2026-11-20 08:00: 88 hours open at the end of the 23rd.
    expect(star!.support).toMatchObject({ total: 2, open: 1, reopened: 1, csatGood: 1, csatBad: 0 });
    const [scored] = scoreAll([star!], HEALTH_DEFAULTS);
    const keys = scored!.reasons.map((r) => r.key);
    expect(keys).toContain("value.urgent_tickets_late");
    expect(scored!.reasons.find((r) => r.key === "value.urgent_tickets_late")?.params).toEqual({ count: 1, hours: 88 });
    // The day before it was opened nothing was open.
    const [before] = await loadFacts(db, "2026-11-19", { accountIds: [ids.star] });
    expect(before!.support ?? null).toBeNull();
  });

  it("the next run reads only what changed since the cursor; a deleted ticket leaves the counts", async () => {
    const before = zd.requests.length;
    zd.ticket({
      id: 101,
      subject: "Ticket 101",
      status: "solved",
      priority: "urgent",
      organization_id: 1,
      created_at: "2026-11-20T08:00:00Z",
      updated_at: "2026-11-22T08:00:00Z",
      solved_at: "2026-11-22T08:00:00Z",
    });
    zd.ticket({
      id: 103,
      subject: "Ticket 103",
      status: "deleted",
      priority: "high",
      organization_id: 2,
      created_at: "2026-11-20T08:00:00Z",
      updated_at: "2026-11-22T09:00:00Z",
    });
    const report = await runSync(ctx(), zendeskSource, { dryRun: false, full: false });
    expect(report.objects.tickets).toMatchObject({ fetched: 2, updated: 1, archived: 1 });
    // The brief says what they raised and where it stands.
    await db.prisma.member.create({ data: { email: "ada@acme.example", name: "Ada", role: "admin" } });
    const out: string[] = [];
    const code = await runCli(
      ["ask", "brief Star Corp", "--as", "ada@acme.example"],
      { out: (l) => out.push(l), err: (l) => out.push(l) },
      { ctx: ctx() },
    );
    const brief = out.join("\n");
    expect(code).toBe(0);
    expect(brief).toContain("Support ticket #101: Ticket 101 - solved");
    expect(brief).toContain("Support ticket #102: Ticket 102 - solved");
    expect(zd.requests.slice(before).every((r) => r.includes("cursor="))).toBe(true);
    const rows = await tickets(db);
    expect(rows.find((r) => r.externalId === "101")?.status).toBe("solved");
    expect(rows.find((r) => r.externalId === "103")?.status).toBe("deleted");
  });

  it("shows in tend sync status with the last ticket seen", async () => {
    const out: string[] = [];
    const code = await runCli(["sync", "status"], { out: (l) => out.push(l), err: (l) => out.push(l) }, { ctx: ctx() });
    expect(code).toBe(0);
    const text = out.join("\n");
    expect(text).toMatch(/zendesk: configured; last run 2026-11-23T09:00:00Z/);
    expect(text).toContain("2 tickets kept, 0 open; last ticket seen 2026-11-22T08:00:00Z");
  });

  it("a failed run shows in tend sync status with its error and how stale the tickets are", async () => {
    const later = testContext(db, {
      now: new Date("2026-11-23T10:00:00Z"),
      env: { ZENDESK_API_URL: zd.url, ZENDESK_EMAIL: EMAIL, ZENDESK_API_TOKEN: "wrong-token" },
    });
    await expect(runSync(later, zendeskSource, { dryRun: false, full: false })).rejects.toThrow(/401/);
    const out: string[] = [];
    await runCli(["sync", "status"], { out: (l) => out.push(l), err: (l) => out.push(l) }, { ctx: later });
    const text = out.join("\n");
    expect(text).toMatch(/zendesk: configured; last run 2026-11-23T10:00:00Z, last success 2026-11-23T09:00:00Z/);
    expect(text).toContain("last error: Zendesk answered 401 (check ZENDESK_EMAIL and ZENDESK_API_TOKEN");
    // The lag: the newest ticket seen is 26 hours (1560 minutes) old by now.
    expect(text).toContain("last ticket seen 2026-11-22T08:00:00Z (1560 min ago)");
  });
});
