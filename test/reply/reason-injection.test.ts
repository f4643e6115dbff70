// Reason and risk-evidence sentences quote imported names (a champion who left, a decision maker who
// answered a survey). Those names are data: a contact named like a mention or a link must reach
// Slack and Feishu as literal text on the card, the health view and the risk list.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/context.js";
import { handleCommand } from "../../src/conversation/index.js";
import { addDays, dayToDate } from "../../src/domain/dates.js";
import { recompute } from "../../src/health/recompute.js";
import { renderFeishuCard } from "../../src/reply/render-feishu.js";
import { renderSlack } from "../../src/reply/render-slack.js";
import type { Db } from "../../src/store/db.js";
import { testContext, testDb } from "../support/store.js";
import { steadyUsage } from "../support/usage.js";

const DAY = "2026-11-23";
const d = (n: number) => dayToDate(addDays(DAY, -n));
const HOSTILE = "<!channel> <at id=all></at> [prize](http://evil.test/x)";

describe("names quoted in reasons and risk evidence are data on every surface", () => {
  let db: Db;
  let ctx: AppContext;
  beforeAll(async () => {
    db = await testDb("pglite");
    ctx = testContext(db, { now: new Date(`${DAY}T09:00:00Z`) });
    const team = await db.prisma.team.create({ data: { name: "East" } });
    const cara = await db.prisma.member.create({
      data: { email: "cara@tend.test", name: "Cara", role: "csm", teamId: team.id },
    });
    const acme = await db.prisma.account.create({
      data: { name: "Acme Corp", tier: "key", ownerId: cara.id, teamId: team.id, seats: 50, goLiveDate: d(400) },
    });
    await steadyUsage(db, [acme.id], DAY, {
      activeUsers: 35,
      activatedUsers: 48,
      seats: 50,
      coreFeaturesUsed: 7,
      coreFeaturesTotal: 8,
    });
    await db.prisma.contact.createMany({
      data: [
        { accountId: acme.id, name: HOSTILE, role: "decision_maker", active: false, leftAt: d(10), lastContact: d(20) },
        { accountId: acme.id, name: "Sam", role: "champion", attitude: "supporter", lastContact: d(4) },
      ],
    });
    await db.prisma.interaction.create({ data: { accountId: acme.id, kind: "visit", occurredAt: d(4) } });
    await recompute(ctx, DAY);
  });
  afterAll(async () => db?.close());

  it.each(["acme corp", "health acme corp", "risk", "brief acme corp"])("%s", async (command) => {
    const reply = await handleCommand(ctx, { identity: { surface: "cli", email: "cara@tend.test" }, text: command });
    const slack = JSON.stringify(renderSlack(reply));
    const feishu = JSON.stringify(renderFeishuCard(reply));
    if (command === "risk") expect(slack).toContain("1 account at risk");
    // The departure is named where reasons are shown (so the test reads a reason quoting the name)...
    if (command !== "brief acme corp") expect(slack).toMatch(/left \d+ days ago/);
    // ...and the name never turns into a mention, a link or a tag (Slack links are <url|text>).
    expect(slack).not.toContain("<!channel>");
    expect(feishu).not.toContain("<at id=all>");
    expect(feishu).not.toContain("](http");
  });
});
