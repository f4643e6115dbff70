import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/env.js";
import type { AppContext } from "../../src/context.js";
import { silentLogger } from "../../src/log.js";
import { slackWebClient } from "../../src/slack/client.js";
import { linkSlackMembers } from "../../src/slack/link-members.js";
import type { Db } from "../../src/store/db.js";
import { PEOPLE, seedBook } from "../commands/book.js";
import { testDb } from "../support/store.js";
import { type SlackApiStandIn, startSlackApiStandIn } from "./api-stand-in.js";

// Members are linked to their Slack ids by email at start-up, so nudges reach them before they
// ever type /tend.

describe("linking members to Slack by email", () => {
  let api: SlackApiStandIn;
  let db: Db;
  let ctx: AppContext;
  beforeAll(async () => {
    api = await startSlackApiStandIn();
    db = await testDb();
    await seedBook(db);
    ctx = {
      config: parseConfig({
        TEND_DEMO: "off",
        SLACK_BOT_TOKEN: "xoxb-test",
        SLACK_SIGNING_SECRET: "s",
        SLACK_API_URL: api.url,
        SLACK_TEAM_IDS: "T_TEND",
      }),
      log: silentLogger,
      db,
      now: () => new Date("2026-11-23T09:00:00Z"),
    };
  });
  afterAll(async () => {
    await api.close();
    await db.close();
  });

  it("links who is in the workspace, skips other workspaces and ids already taken, waits out rate limits", async () => {
    api.users = {
      U01CARA: { email: PEOPLE.csm },
      U01CARL: { email: PEOPLE.csm2 },
      U01MAX: { email: PEOPLE.manager },
      U01LINA: { email: PEOPLE.zhCsm, teamId: "T_ELSEWHERE" },
      U01GONE: { email: PEOPLE.inactive },
    };
    // Vic already holds Carl's id (say, linked by hand): it is never re-pointed.
    await db.prisma.member.update({ where: { email: PEOPLE.viewer }, data: { slackUserId: "U01CARL" } });
    api.script["users.lookupByEmail"] = [{ status: 429, retryAfterSec: 7 }];
    const slept: number[] = [];
    const result = await linkSlackMembers(
      ctx,
      slackWebClient(ctx.config.slack!, silentLogger),
      new AbortController().signal,
      async (ms) => {
        slept.push(ms);
      },
    );
    expect(slept).toEqual([7000]);
    const ids = Object.fromEntries(
      (await db.prisma.member.findMany({ select: { email: true, slackUserId: true } })).map((m) => [
        m.email,
        m.slackUserId,
      ]),
    );
    expect(ids).toMatchObject({
      [PEOPLE.csm]: "U01CARA",
      [PEOPLE.manager]: "U01MAX",
      [PEOPLE.csm2]: null,
      [PEOPLE.viewer]: "U01CARL",
      [PEOPLE.zhCsm]: null,
      [PEOPLE.inactive]: null, // inactive members are not looked up
      [PEOPLE.admin]: null, // not in Slack
    });
    expect(result).toEqual({ linked: 2, notInSlack: 1, skipped: 2 });
    expect(api.of("users.lookupByEmail").map((c) => c.body.email)).not.toContain(PEOPLE.inactive);
  });

  it("stops when asked", async () => {
    const abort = new AbortController();
    abort.abort();
    const before = api.of("users.lookupByEmail").length;
    const result = await linkSlackMembers(ctx, slackWebClient(ctx.config.slack!, silentLogger), abort.signal);
    expect(result).toEqual({ linked: 0, notInSlack: 0, skipped: 0 });
    expect(api.of("users.lookupByEmail")).toHaveLength(before);
  });
});
