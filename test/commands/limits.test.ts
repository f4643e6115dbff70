import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleCommand, homeView } from "../../src/commands/index.js";
import type { AppContext } from "../../src/context.js";
import { FEISHU_CARD_LIMITS, renderFeishuCard } from "../../src/reply/render-feishu.js";
import { checkBlockKitLimits, renderSlack, renderSlackHome } from "../../src/reply/render-slack.js";
import type { Db } from "../../src/store/db.js";
import { testContext, testDb } from "../support/store.js";
import { PEOPLE, seedBook, TODAY } from "./book.js";
import { bulkAccounts } from "./bulk.js";

let db: Db;
let ctx: AppContext;

beforeAll(async () => {
  db = await testDb();
  const book = await seedBook(db);
  await bulkAccounts(db, {
    n: 600,
    today: TODAY,
    teamId: book.teams.east.id,
    ownerIds: [book.members.cara.id, book.members.carl.id],
  });
  ctx = testContext(db, { now: new Date("2026-11-23T15:00:00Z") });
});
afterAll(async () => db?.close());

const COMMANDS = [
  "renewals 120",
  "renewals quarter team",
  "risk",
  "mine",
  "brief acme corp",
  "health acme corp",
  "acme corp",
  "metrics team year",
  "help",
  "bulk account",
  "log bulk account 1",
];

describe("the largest replies on a 600-account book stay within platform limits", () => {
  for (const who of [PEOPLE.admin, PEOPLE.manager, PEOPLE.csm, PEOPLE.zhCsm])
    it(`every command for ${who}`, async () => {
      for (const text of COMMANDS) {
        const reply = await handleCommand(ctx, { identity: { surface: "slack", email: who }, text });
        expect(reply.error, `${text}: ${reply.summary}`).not.toBe("internal");
        const msg = renderSlack(reply, "en");
        expect(checkBlockKitLimits(msg.blocks), text).toEqual([]);
        expect(Buffer.byteLength(JSON.stringify(renderFeishuCard(reply))), text).toBeLessThanOrEqual(
          FEISHU_CARD_LIMITS.cardBytes,
        );
      }
      const home = renderSlackHome(await homeView(ctx, { surface: "slack", email: who }));
      expect(checkBlockKitLimits(home.blocks, { maxBlocks: 100 })).toEqual([]);
    });

  it("an admin's renewal list is long, sorted by ARR at risk, and says how many more there are", async () => {
    const reply = await handleCommand(ctx, { identity: { surface: "cli", email: PEOPLE.admin }, text: "renewals 120" });
    const list = reply.blocks.find((b) => b.type === "list");
    expect(list?.type === "list" && list.items.length).toBe(30);
    expect(reply.blocks.some((b) => b.type === "context" && /more/.test(b.text))).toBe(true);
    expect(reply.summary).toMatch(/^\d{3} renewals/);
  });
});
