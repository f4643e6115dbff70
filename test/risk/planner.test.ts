import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveProactiveConfig } from "../../src/config/proactive.js";
import { handleCommand } from "../../src/conversation/index.js";
import { addDays, dayToDate } from "../../src/domain/dates.js";
import { runJob } from "../../src/jobs/run.js";
import { renderText } from "../../src/reply/render-text.js";
import type { Db } from "../../src/store/db.js";
import { stripData } from "../../src/text/user-data.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";

const DAY = "2026-11-23";
const on = (n: number) => dayToDate(addDays(DAY, n));

/**
 * One CSM with a large tech-touch book: twelve small accounts nobody has ever contacted (routine), one
 * whose decision maker left, one whose renewal lapsed. The cap is small, as on a busy morning.
 */
describe.each(STORE_KINDS)("one planner for what needs you today (%s)", (kind) => {
  let db: Db;
  const ctx = () => testContext(db, { now: new Date(`${DAY}T08:00:00Z`) });
  const config = resolveProactiveConfig({ dailyCap: 2 });

  beforeAll(async () => {
    db = await testDb(kind);
    const team = await db.prisma.team.create({ data: { name: "Pool", slackChannel: "C_POOL", timezone: "UTC" } });
    const tess = await db.prisma.member.create({
      data: { email: "tess@tend.test", name: "Tess", teamId: team.id, slackUserId: "U_TESS" },
    });
    const mk = async (name: string, arr: number, tier: "standard" | "key") => {
      const a = await db.prisma.account.create({
        data: { name, ownerId: tess.id, teamId: team.id, arr: String(arr), tier, contractStart: on(-400) },
      });
      for (const day of [addDays(DAY, -1), DAY])
        await db.prisma.healthScore.create({
          data: {
            accountId: a.id,
            day: dayToDate(day),
            score: 80,
            grade: "green",
            usageLevel: 1,
            valueLevel: 1,
            components: [],
            reasons: [],
          },
        });
      return a;
    };
    for (let i = 1; i <= 12; i++) await mk(`Tail ${String(i).padStart(2, "0")}`, 9_000 + i * 100, "standard");
    const dm = await mk("Dm Gone", 5_000, "key");
    await db.prisma.contact.create({
      data: { accountId: dm.id, name: "Ola", role: "decision_maker", active: false, leftAt: on(-4) },
    });
    await db.prisma.interaction.create({ data: { accountId: dm.id, kind: "visit", occurredAt: on(-3) } });
    const lapsed = await mk("Lapsed Co", 4_000, "key");
    await db.prisma.renewal.create({ data: { accountId: lapsed.id, dueDate: on(-5), arr: "4000" } });
    await db.prisma.interaction.create({ data: { accountId: lapsed.id, kind: "call", occurredAt: on(-2) } });
  });
  afterAll(async () => db?.close());

  it("the capped nudge keeps the lapsed renewal and the departed decision maker over routine reminders, and shows nothing mine hides", async () => {
    const nudges = await runJob(ctx(), "nudges", { day: DAY, config, dryRun: true });
    const message = nudges.plan!.messages.find((m) => m.recipient === "U_TESS")!;
    const shown = message.nudges;
    expect(shown.map((n) => n.accountName).sort()).toEqual(["Dm Gone", "Lapsed Co"]);
    const nudgeText = stripData(JSON.stringify(message.reply));
    // The routine reminders are summed up in one line, not dropped silently.
    expect(nudgeText).toMatch(/and 12 more not shown \(contact 12\)/);

    const mine = renderText(
      await handleCommand(ctx(), { identity: { surface: "cli", email: "tess@tend.test" }, text: "mine" }),
    );
    const today = mine.slice(mine.indexOf("What needs you today"), mine.indexOf("At risk"));
    const lines = today.split("\n").filter((l) => l.trim());
    // The same urgent items lead `mine`, in the same words as the nudge.
    expect([lines[1], lines[2]].join("\n")).toMatch(/Dm Gone: decision maker Ola left 4 days ago/);
    expect([lines[1], lines[2]].join("\n")).toMatch(/Lapsed Co: renewal date .* passed 5 days ago/);
    for (const n of shown) expect(today).toContain(n.accountName);
    // Routine reminders beyond a few are one line in `mine` too.
    expect(today).toMatch(/…and 9 routine contact reminders \(Tail \d\d, Tail \d\d, Tail \d\d, …\)/);
    expect(lines.length).toBeLessThan(10);

    // The digest carries the lapsed renewal the same morning.
    const digest = await runJob(ctx(), "digest", { day: DAY, config, dryRun: true });
    expect(stripData(JSON.stringify(digest.plan!.messages[0]!.reply))).toContain("Lapsed Co: due 5 days ago");
  });
});
