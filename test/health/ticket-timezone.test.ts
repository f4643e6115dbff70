import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEALTH_DEFAULTS } from "../../src/domain/health/defaults.js";
import { scoreAll } from "../../src/domain/health/score-all.js";
import type { Db } from "../../src/store/db.js";
import { loadFacts } from "../../src/store/repos/health-facts.js";
import { STORE_KINDS, testDb } from "../support/store.js";

// Support tickets are read "as of the end of the day" in the account's own time zone (its team's,
// else the configured one): the hours an urgent ticket has been open, and which tickets were open
// that day. The same tickets on an account in Shanghai and on one in UTC give different answers.

describe.each(STORE_KINDS)("support tickets by the account's day (%s)", (kind) => {
  let db: Db;
  let ids: { shanghai: string; utc: string };

  beforeAll(async () => {
    db = await testDb(kind);
    const team = await db.prisma.team.create({ data: { name: "Shanghai", timezone: "Asia/Shanghai" } });
    const start = new Date("2025-01-01");
    const shanghai = await db.prisma.account.create({
      data: { name: "Dragon", tier: "key", teamId: team.id, contractStart: start },
    });
    const utc = await db.prisma.account.create({ data: { name: "Meridian", tier: "key", contractStart: start } });
    ids = { shanghai: shanghai.id, utc: utc.id };
    for (const a of [shanghai, utc]) {
      const t = (id: string, data: { priority: string; status: string; openedAt: string; solvedAt?: string }) =>
        db.prisma.supportTicket.create({
          data: {
            source: "zendesk",
            externalId: `${a.name}-${id}`,
            accountId: a.id,
            subject: id,
            status: data.status,
            priority: data.priority,
            openedAt: new Date(data.openedAt),
            updatedAt: new Date(data.solvedAt ?? data.openedAt),
            solvedAt: data.solvedAt ? new Date(data.solvedAt) : null,
          },
        });
      // Urgent, opened 04:00 on the 23rd in Shanghai (20:00 UTC on the 22nd).
      await t("urgent", { priority: "urgent", status: "open", openedAt: "2026-11-22T20:00:00Z" });
      // Solved at 01:00 on the 24th in Shanghai (17:00 UTC on the 23rd): still open at Shanghai's end of the 23rd.
      await t("late-solved", {
        priority: "normal",
        status: "solved",
        openedAt: "2026-11-23T01:00:00Z",
        solvedAt: "2026-11-23T17:00:00Z",
      });
      // Opened 02:00 on the 24th in Shanghai (18:00 UTC on the 23rd): not yet there at Shanghai's end of the 23rd.
      await t("next-day", { priority: "normal", status: "open", openedAt: "2026-11-23T18:00:00Z" });
    }
  });
  afterAll(() => db.close());

  it("counts hours and open tickets to the end of the account's own day", async () => {
    const facts = await loadFacts(db, "2026-11-23", { timezone: "UTC" });
    const by = new Map(facts.map((f) => [f.accountId, f]));
    const dragon = by.get(ids.shanghai)!;
    const meridian = by.get(ids.utc)!;
    // Shanghai's 23rd ends at 16:00 UTC: the urgent ticket is 20 hours old, within the default 24.
    expect(dragon.support).toMatchObject({ total: 2, open: 2, urgentOpenHours: [20] });
    // UTC's 23rd ends at midnight UTC: 28 hours, past 24; the ticket solved at 17:00 UTC was solved that day.
    expect(meridian.support).toMatchObject({ total: 3, open: 2, urgentOpenHours: [28] });

    const scored = new Map(scoreAll([dragon, meridian], HEALTH_DEFAULTS).map((s) => [s.accountId, s]));
    const late = (id: string) => scored.get(id)!.reasons.find((r) => r.key === "value.urgent_tickets_late");
    expect(late(ids.shanghai)).toBeUndefined();
    expect(late(ids.utc)?.params).toEqual({ count: 1, hours: 28 });
  });

  it("an account without a team follows the configured time zone", async () => {
    const facts = await loadFacts(db, "2026-11-23", { timezone: "Asia/Shanghai", accountIds: [ids.utc] });
    expect(facts[0]!.support).toMatchObject({ total: 2, open: 2, urgentOpenHours: [20] });
  });
});
