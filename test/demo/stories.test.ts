import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROACTIVE_DEFAULTS } from "../../src/config/proactive.js";
import { addDays } from "../../src/domain/dates.js";
import { runJob } from "../../src/jobs/run.js";
import { loadRuleFacts } from "../../src/proactive/facts.js";
import { evaluateRules } from "../../src/proactive/rules/index.js";
import { renderText } from "../../src/reply/render-text.js";
import type { Db } from "../../src/store/db.js";
import { DEMO_STORIES, DEMO_TODAY, demoContext, demoDb, demoEmail } from "../support/demo.js";
import { STORE_KINDS } from "../support/store.js";

const T = DEMO_TODAY;

describe.each(STORE_KINDS)("the demo book's stories (%s)", (kind) => {
  let db: Db;
  beforeAll(async () => {
    db = await demoDb(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  const one = async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    (await db.pool.query<R>(sql, params)).rows[0]!;
  const account = (name: string) =>
    one<{ id: string; tier: string; stage: string; ownerEmail: string; seats: number; goLive: string }>(
      `SELECT a.id, a.tier::text AS tier, a.stage::text AS stage, m.email AS "ownerEmail", a.seats,
              a."goLiveDate"::text AS "goLive"
         FROM "Account" a JOIN "Member" m ON m.id = a."ownerId" WHERE a.name = $1`,
      [name],
    );
  /** Average active users over [from, to] days relative to today. */
  const avgActive = async (id: string, from: number, to: number) =>
    (
      await one<{ avg: number }>(
        `SELECT avg("activeUsers")::float8 AS avg FROM "UsageSnapshot"
          WHERE "accountId" = $1 AND day BETWEEN $2::date AND $3::date`,
        [id, addDays(T, from), addDays(T, to)],
      )
    ).avg;

  it("fills the store: 3 teams, 17 people, ~300 accounts with usage up to today", async () => {
    const c = await one<{ teams: number; members: number; accounts: number; lastDay: string; days: number }>(
      `SELECT (SELECT count(*)::int FROM "Team") AS teams, (SELECT count(*)::int FROM "Member") AS members,
              (SELECT count(*)::int FROM "Account") AS accounts,
              (SELECT max(day)::text FROM "UsageSnapshot") AS "lastDay",
              (SELECT count(DISTINCT day)::int FROM "UsageSnapshot") AS days`,
    );
    expect(c).toMatchObject({ teams: 3, members: 17, lastDay: T, days: 120 });
    expect(c.accounts).toBeGreaterThanOrEqual(280);
  });

  it("Northwind Logistics: strategic, champion left 18 days ago, usage sliding, nobody called since", async () => {
    const a = await account(DEMO_STORIES.championLeft);
    expect(a).toMatchObject({ tier: "strategic", ownerEmail: "alice.chen@demo.tend" });
    const champ = await one<{ name: string; active: boolean; leftAt: string }>(
      `SELECT name, active, "leftAt"::text AS "leftAt" FROM "Contact" WHERE "accountId" = $1 AND role = 'champion'`,
      [a.id],
    );
    expect(champ).toEqual({ name: "Priya Raman", active: false, leftAt: addDays(T, -18) });
    // Last week against the four weeks before it, and against two months ago.
    const recent = await avgActive(a.id, -6, 0);
    expect(recent).toBeLessThan(0.6 * (await avgActive(a.id, -34, -7)));
    expect(await avgActive(a.id, -34, -7)).toBeLessThan(await avgActive(a.id, -90, -60));
    const last = await one<{ last: string }>(
      `SELECT max("occurredAt")::date::text AS last FROM "Interaction"
        WHERE "accountId" = $1 AND NOT scheduled AND kind IN ('visit','call','qbr','exec_visit','training')`,
      [a.id],
    );
    expect(last.last < addDays(T, -14)).toBe(true);
    const risk = await one<{ kind: string }>(
      `SELECT kind::text FROM "RiskFlag" WHERE "accountId" = $1 AND "resolvedAt" IS NULL`,
      [a.id],
    );
    expect(risk.kind).toBe("champion_changed");
  });

  it("Brightwave Health: onboarding, live for 60 days, 20% of seats activated", async () => {
    const a = await account(DEMO_STORIES.onboarding);
    expect(a).toMatchObject({ stage: "onboarding", goLive: addDays(T, -60) });
    const u = await one<{ activated: number; seats: number }>(
      `SELECT "activatedUsers" AS activated, seats FROM "UsageSnapshot" WHERE "accountId" = $1 AND day = $2::date`,
      [a.id, T],
    );
    expect(u.activated / u.seats).toBeCloseTo(0.2, 2);
    const late = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Milestone" WHERE "accountId" = $1 AND status IN ('planned','missed') AND "dueDate" < $2::date`,
      [a.id, T],
    );
    expect(late.n).toBeGreaterThanOrEqual(1);
  });

  it("杭州云帆科技有限公司: key account renewing in 45 days with an overdue promise", async () => {
    const a = await account(DEMO_STORIES.renewalPromise);
    expect(a).toMatchObject({ tier: "key", ownerEmail: "li.na@demo.tend" });
    const r = await one<{ due: string; status: string }>(
      `SELECT "dueDate"::text AS due, status::text FROM "Renewal" WHERE "accountId" = $1 AND status IN ('upcoming','in_progress')`,
      [a.id],
    );
    expect(r.due).toBe(addDays(T, 45));
    const p = await one<{ title: string; due: string }>(
      `SELECT title, "dueDate"::text AS due FROM "CustomerPromise" WHERE "accountId" = $1 AND status = 'open'`,
      [a.id],
    );
    expect(p.due < T).toBe(true);
  });

  it("Summit Analytics: healthy, almost every seat in use, promoter NPS and open expansion", async () => {
    const a = await account(DEMO_STORIES.expansion);
    const weekday = await one<{ share: number }>(
      `SELECT max("activeUsers"::float8 / seats) AS share FROM "UsageSnapshot"
        WHERE "accountId" = $1 AND day > $2::date`,
      [a.id, addDays(T, -7)],
    );
    expect(weekday.share).toBeGreaterThan(0.85);
    const nps = await one<{ score: number }>(
      `SELECT score FROM "SurveyResponse" WHERE "accountId" = $1 AND kind = 'nps' ORDER BY "respondedAt" DESC LIMIT 1`,
      [a.id],
    );
    expect(nps.score).toBeGreaterThanOrEqual(9);
    const opp = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Opportunity" WHERE "accountId" = $1 AND status = 'open' AND kind = 'upsell'`,
      [a.id],
    );
    expect(opp.n).toBe(1);
  });

  it("Kestrel Retail: an NPS detractor answered last week", async () => {
    const a = await account(DEMO_STORIES.detractor);
    const nps = await one<{ score: number; at: string }>(
      `SELECT score, "respondedAt"::text AS at FROM "SurveyResponse" WHERE "accountId" = $1 AND kind = 'nps'
        ORDER BY "respondedAt" DESC LIMIT 1`,
      [a.id],
    );
    expect(nps.score).toBeLessThanOrEqual(6);
    expect(nps.at >= addDays(T, -7) && nps.at < T).toBe(true);
  });

  it("gives the proactive rules each story to tell its owner", async () => {
    const nudges = evaluateRules(await loadRuleFacts(db, T), { day: T, config: PROACTIVE_DEFAULTS });
    const told = (rule: string, name: string, owner: string) =>
      nudges.some((n) => n.rule === rule && n.accountName === name && n.memberId === `demo-member-${owner}`);
    expect(told("stakeholder_left", DEMO_STORIES.championLeft, "alice.chen")).toBe(true);
    expect(told("usage_drop", DEMO_STORIES.championLeft, "alice.chen")).toBe(true);
    expect(told("onboarding_behind", DEMO_STORIES.onboarding, "grace.walsh")).toBe(true);
    expect(told("promise_overdue", DEMO_STORIES.renewalPromise, "li.na")).toBe(true);
    expect(told("nps_detractor", DEMO_STORIES.detractor, "felix.wagner")).toBe(true);
    // The healthy account needs nothing from its owner.
    expect(nudges.filter((n) => n.accountName === DEMO_STORIES.expansion).map((n) => n.rule)).toEqual([]);
  });

  it("gives a plausible first morning: each story is in its owner's capped message, every team gets a digest", async () => {
    // What `tend run nudges --dry-run` and `tend run digest --dry-run` print on the demo book.
    const ctx = demoContext(db);
    const nudges = (await runJob(ctx, "nudges", { day: T, dryRun: true, senders: [] })).plan!.messages;
    const morningOf = (handle: string) =>
      nudges
        .filter((m) => m.to.includes(demoEmail(handle)) && m.platform === "slack")
        .map((m) => renderText(m.reply))
        .join("\n");
    // What the message says about an account: its one line, or the lines under its heading.
    const about = (text: string, account: string) => {
      const lines = text.split("\n");
      const out = lines.filter((l) => l.startsWith(`${account}: `) || l.startsWith(`${account}：`));
      const at = lines.indexOf(account);
      if (at >= 0) for (let i = at + 1; lines[i]?.startsWith("- "); i++) out.push(lines[i]!);
      return out.join("\n");
    };
    // The story is among the (at most 6) accounts shown, not folded into "...and N more", and a
    // shown account brings all it has: Northwind's sliding usage and its champion who left.
    const northwind = about(morningOf("alice.chen"), DEMO_STORIES.championLeft);
    expect(northwind).toContain("active users down");
    // The same drop the account card shows (health engine reason and figures), not a second one.
    const card = await one<{ reasons: { key: string; params: { pct: number } }[] }>(
      `SELECT h.reasons FROM "HealthScore" h JOIN "Account" a ON a.id = h."accountId"
        WHERE a.name = $1 AND h.day = $2::date`,
      [DEMO_STORIES.championLeft, T],
    );
    const down = card.reasons.find((r) => r.key === "trend.active_users_down");
    expect(northwind).toContain(`active users down ${down?.params.pct}% vs 4-week baseline (`);
    expect(northwind).toMatch(/champion .+ left \d+ days ago/);
    expect(about(morningOf("grace.walsh"), DEMO_STORIES.onboarding)).toContain("onboarding day 60");
    expect(about(morningOf("felix.wagner"), DEMO_STORIES.detractor)).toContain("NPS detractor");
    expect(about(morningOf("li.na"), DEMO_STORIES.renewalPromise)).toContain("1 项承诺已逾期");
    expect(morningOf("ben.carter")).not.toContain(DEMO_STORIES.expansion);
    // Every CSM has something to start the day with.
    const csms = ["alice.chen", "ben.carter", "felix.wagner", "grace.walsh", "li.na", "zhang.wei"];
    for (const h of csms) expect(morningOf(h), h).not.toBe("");
    const digests = (await runJob(ctx, "digest", { day: T, dryRun: true, senders: [] })).plan!.messages;
    expect(new Set(digests.map((m) => `${m.platform}:${m.recipient}`)).size).toBe(6);
    expect(digests.every((m) => !m.undeliverable)).toBe(true);
  });
});
