import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listOutbox } from "../../src/delivery/outbox.js";
import { createChatSender } from "../../src/slack/sender.js";
import type { Db } from "../../src/store/db.js";
import { drainAt, queueWeekly, replyWithFiles, ATTACHMENTS_T0 as T0, trendChart } from "../support/attachments.js";
import { isPng } from "../support/png.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";
import { type SlackApiStandIn, startSlackApiStandIn } from "./api-stand-in.js";
import { blockText, type SlackHarness, startSlackHarness, USERS } from "./harness.js";
import { interactionBody, slashCommandBody } from "./sign.js";

// Pictures and documents on Slack: the outbox's sender uploads them with the real Web API client
// through the external upload flow (files.getUploadURLExternal, POST to the upload URL,
// files.completeUploadExternal into the message's thread), and a retry repeats no step that succeeded.

const withFiles = replyWithFiles(
  "Weekly summary",
  [{ type: "text", text: "Your team this week" }],
  trendChart("en", "Last 90 days", "Health score from 60 to 72"),
  { title: "Value report", format: "markdown", text: "# Report\n" },
);

describe("Slack attachments through the outbox", () => {
  let api: SlackApiStandIn;
  let db: Db;
  beforeAll(async () => {
    api = await startSlackApiStandIn();
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(async () => {
    api.calls.length = 0;
    api.script = {};
    api.files.clear();
    api.failUploads = 0;
    await db?.close();
    db = await testDb();
  });

  const sender = () =>
    createChatSender(
      testContext(db, {
        now: T0,
        env: { SLACK_BOT_TOKEN: "xoxb-test", SLACK_SIGNING_SECRET: "s", SLACK_API_URL: api.url },
      }),
    );
  const drain = (now: Date) => drainAt(db, sender(), now);
  const queue = () => queueWeekly(db, "slack", "C_TEAM", withFiles);

  it("uploads each file once, posts the message, and shares the files in its thread", async () => {
    await queue();
    const r = await drain(T0);
    expect(r).toMatchObject({ sent: 1, failed: 0 });
    const [post] = api.of("chat.postMessage");
    const files = [...api.files.values()];
    expect(files.map((f) => f.filename)).toEqual(["health-trend.png", "value-report.md"]);
    expect(isPng(files[0]!.bytes as Buffer)).toBe(true);
    expect(files[0]!.length).toBe(files[0]!.bytes!.length);
    expect(files[0]!.altText).toBe("Health score from 60 to 72");
    expect(files[1]!.bytes!.toString("utf8")).toBe("# Report\n");
    const ts = (await listOutbox(db))[0]!.externalId;
    for (const f of files) {
      expect(f.uploads).toBe(1);
      expect(f.shares).toEqual([{ channel: "C_TEAM", threadTs: ts }]);
    }
    expect(post!.body.channel).toBe("C_TEAM");
    expect(files.map((f) => f.title)).toEqual(["Last 90 days", "Value report"]);
  });

  it("an upload that succeeded before a failure is not repeated; nothing is posted twice", async () => {
    await queue();
    api.script["files.getUploadURLExternal"] = [{ status: 429, retryAfterSec: 1 }];
    // First attempt: rate limited before anything: retried later, nothing lost.
    expect(await drain(T0)).toMatchObject({ sent: 0, retried: 1 });
    // Second attempt: both files are uploaded, then the post fails transiently.
    api.script["chat.postMessage"] = [{ error: "internal_error" }];
    expect(await drain(new Date(T0.getTime() + 60_000))).toMatchObject({ sent: 0, retried: 1 });
    expect(api.files.size).toBe(2);
    // Third attempt: share fails transiently after the message was posted.
    api.script["files.completeUploadExternal"] = [{ error: "internal_error" }];
    expect(await drain(new Date(T0.getTime() + 120_000))).toMatchObject({ sent: 0, retried: 1 });
    // Fourth: completes.
    expect(await drain(new Date(T0.getTime() + 600_000))).toMatchObject({ sent: 1 });
    // Two files uploaded once each, one message, one share each.
    expect(api.of("files.getUploadURLExternal")).toHaveLength(2);
    expect([...api.files.values()].map((f) => f.uploads)).toEqual([1, 1]);
    expect(api.of("chat.postMessage")).toHaveLength(1);
    expect([...api.files.values()].map((f) => f.shares.length)).toEqual([1, 1]);
  });

  it("after a crash while sharing, files.info shows they are shared and nothing is shared twice", async () => {
    await queue();
    await drain(T0);
    // Pretend the sender died after files.completeUploadExternal but before recording it.
    await db.pool.query(
      `UPDATE "Outbox" SET status = 'pending', "nextAttemptAt" = $1, progress = progress - 'slack.shared', "outcomeUnknown" = true`,
      [T0.toISOString()],
    );
    expect(await drain(new Date(T0.getTime() + 1000))).toMatchObject({ sent: 1 });
    expect(api.of("files.info")).toHaveLength(1);
    expect(api.of("files.completeUploadExternal")).toHaveLength(1);
    expect(api.of("chat.postMessage")).toHaveLength(1);
    expect([...api.files.values()].map((f) => f.shares.length)).toEqual([1, 1]);
  });

  it("bytes that do not reach the upload URL are retried, not dropped", async () => {
    await queue();
    api.failUploads = 1;
    expect(await drain(T0)).toMatchObject({ sent: 0, retried: 1 });
    expect((await listOutbox(db))[0]!.lastError).toContain("HTTP 500");
    expect(await drain(new Date(T0.getTime() + 60_000))).toMatchObject({ sent: 1 });
    expect(api.of("chat.postMessage")).toHaveLength(1);
  });
});

// `/tend report …` and `/tend brief …` typed in a channel: the answer comes back privately (ack or
// response_url, no files there), and the files go to the asker's direct messages with Tend through
// the outbox, once per command.
describe.each(STORE_KINDS)("Slack: typed commands carry their files (%s)", (kind) => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness(kind);
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    h.api.calls.length = 0;
    h.api.files.clear();
    await h.db.pool.query(`DELETE FROM "Outbox"`);
  });
  const slash = (text: string, trigger: string, user: string = USERS.cara) =>
    slashCommandBody({ text, userId: user, triggerId: trigger, responseUrl: h.api.responseUrl() });
  const drain = () => drainAt(h.db, createChatSender(h.ctx), h.ctx.now());

  it("report: the private answer says where the files are; the Markdown and HTML land in the DM's thread", async () => {
    const body = slash("report Acme Corp", "trig.report.1");
    const { json } = await h.send(body);
    expect(blockText(json)).toContain("Value report");
    expect(blockText(json)).toContain("direct messages with Tend");
    // Slack delivers the same command again: nothing more is queued.
    await h.send(body, { retryNum: 1 });
    expect(await drain()).toMatchObject({ sent: 1, failed: 0 });
    expect(await drain()).toMatchObject({ claimed: 0 });
    const files = [...h.api.files.values()];
    expect(files.map((f) => f.filename.replace(/-[^-]+(\.\w+)$/, "$1"))).toEqual([
      "value-report.md",
      "value-report.html",
    ]);
    expect(files[0]!.bytes!.toString("utf8")).toContain("Acme Corp");
    expect(files[1]!.bytes!.toString("utf8")).toMatch(/^<!doctype html>/i);
    const posts = h.api.of("chat.postMessage");
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body.channel).toBe(USERS.cara);
    expect(blockText(posts[0]!.body)).toContain("Acme Corp");
    for (const f of files) expect(f.shares).toEqual([{ channel: USERS.cara, threadTs: expect.any(String) }]);
  });

  it("brief: the 90-day health and usage picture is uploaded as a PNG with its alt text; 简体中文 too", async () => {
    await h.send(slash("brief Acme Corp", "trig.brief.1"));
    await h.send(slash("简报 上海星辰科技有限公司", "trig.brief.2", USERS.lina));
    expect(await drain()).toMatchObject({ sent: 2, failed: 0 });
    // Two recipients are sent to in parallel: look at the files in the order of their DMs.
    const files = [...h.api.files.values()].sort((a, b) =>
      (a.shares[0]?.channel ?? "").localeCompare(b.shares[0]?.channel ?? ""),
    );
    expect(files.map((f) => [f.shares[0]?.channel, f.filename])).toEqual([
      [USERS.cara, "health-usage-90-days.png"],
      [USERS.lina, "health-usage-90-days.png"],
    ]);
    for (const f of files) expect(isPng(f.bytes as Buffer)).toBe(true);
    expect(files[0]!.altText).toMatch(/^Health score \d+ to \d+ over 90 days/);
    expect(files[1]!.altText).toMatch(/^近 90 天健康分从/);
  });

  it("a button that runs report (a renewal reminder's Value report) answers through response_url and sends the files to the DM", async () => {
    const press = interactionBody({
      type: "block_actions",
      user: { id: USERS.cara, username: "cara", name: "cara", team_id: "T_TEND" },
      api_app_id: "A_TEND",
      token: "legacy-verification-token",
      trigger_id: "trig.button.1",
      team: { id: "T_TEND", domain: "tend-test" },
      container: { type: "message", message_ts: "1700000000.000001", channel_id: "C_GENERAL", is_ephemeral: true },
      channel: { id: "C_GENERAL", name: "general" },
      message: { type: "message", ts: "1700000000.000001", text: "card" },
      response_url: h.api.responseUrl(),
      actions: [
        {
          type: "button",
          action_id: "tend.run:0",
          block_id: "b1",
          text: { type: "plain_text", text: "Value report" },
          value: "report Acme Corp",
          action_ts: "1700000000.100",
        },
      ],
    });
    h.api.responses.length = 0;
    await h.send(press);
    expect(blockText(h.api.responses.at(-1)?.body)).toContain("direct messages with Tend");
    expect(await drain()).toMatchObject({ sent: 1 });
    expect([...h.api.files.values()].map((f) => f.shares[0]?.channel)).toEqual([USERS.cara, USERS.cara]);
  });

  it("an answer without pictures queues nothing; a refusal carries no files", async () => {
    const { json } = await h.send(slash("help", "trig.help"));
    expect(blockText(json)).not.toContain("direct messages with Tend");
    await h.send(slash("report Globex Corporation", "trig.refused", USERS.stranger));
    expect((await h.db.pool.query(`SELECT count(*)::int AS n FROM "Outbox"`)).rows[0].n).toBe(0);
  });
});
