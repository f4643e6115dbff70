import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/context.js";
import { handleCommand, homeView } from "../../src/conversation/index.js";
import type { Locale } from "../../src/i18n/locale.js";
import { FEISHU_CARD_LIMITS, renderFeishuCard } from "../../src/reply/render-feishu.js";
import {
  checkBlockKitLimits,
  renderSlack,
  renderSlackHome,
  renderSlackMessages,
} from "../../src/reply/render-slack.js";
import type { Db } from "../../src/store/db.js";
import { demoContext, demoDb, demoEmail } from "../support/demo.js";

// The largest replies the demo book produces, for each role, rendered for Slack (messages, shared
// messages and App Home) and Feishu: all within the platforms' limits.

let db: Db;
let ctx: AppContext;

beforeAll(async () => {
  db = await demoDb();
  ctx = demoContext(db);
});
afterAll(async () => db?.close());

const WHO: [handle: string, locale: Locale][] = [
  ["sam.rivera", "en"], // admin: every team
  ["morgan.lee", "en"], // manager, Americas (the largest team)
  ["wang.fang", "zh-CN"], // manager, 中国区
  ["alice.chen", "en"], // csm
  ["li.na", "zh-CN"], // csm, Chinese
  ["victor.hale", "en"], // viewer
];

const COMMANDS = [
  "renewals 120",
  "renewals quarter team",
  "renewals 120 team",
  "risk",
  "risk team",
  "mine",
  "brief northwind",
  "health northwind",
  "northwind",
  "简报 云帆",
  "health 云帆",
  "metrics team year",
  "metrics year",
  "help",
  "north",
];

describe("the largest demo replies stay within platform limits", () => {
  for (const [handle, locale] of WHO)
    it(`every command for ${handle}`, async () => {
      const identity = { surface: "slack" as const, email: demoEmail(handle) };
      for (const text of COMMANDS) {
        const reply = await handleCommand(ctx, { identity, text });
        expect(reply.error, `${text}: ${reply.summary}`).not.toBe("internal");
        expect(checkBlockKitLimits(renderSlack(reply, locale).blocks), text).toEqual([]);
        for (const msg of renderSlackMessages({ ...reply, visibility: "channel" }))
          expect(checkBlockKitLimits(msg.blocks), `${text} (shared)`).toEqual([]);
        expect(Buffer.byteLength(JSON.stringify(renderFeishuCard(reply))), text).toBeLessThanOrEqual(
          FEISHU_CARD_LIMITS.cardBytes,
        );
      }
      const home = renderSlackHome(await homeView(ctx, identity), locale);
      expect(checkBlockKitLimits(home.blocks, { maxBlocks: 100 })).toEqual([]);
    });

  it("an admin's renewal list is long, sorted by ARR at risk, and says how many more there are", async () => {
    const reply = await handleCommand(ctx, {
      identity: { surface: "cli", email: demoEmail("sam.rivera") },
      text: "renewals 120",
    });
    const list = reply.blocks.find((b) => b.type === "list");
    expect(list?.type === "list" && list.items.length).toBe(30);
    expect(reply.blocks.some((b) => b.type === "context" && /more/.test(b.text))).toBe(true);
    expect(reply.summary).toMatch(/^\d{2,3} renewals/);
  });
});
