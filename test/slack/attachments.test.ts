import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/env.js";
import { RateLimiter, scaledClock } from "../../src/delivery/limits.js";
import { drainOnce, enqueue, listOutbox, outboxKey } from "../../src/delivery/outbox.js";
import { silentLogger } from "../../src/log.js";
import type { Reply } from "../../src/reply/model.js";
import { createChatSender } from "../../src/slack/sender.js";
import type { Db } from "../../src/store/db.js";
import { isPng } from "../support/png.js";
import { testDb } from "../support/store.js";
import { type SlackApiStandIn, startSlackApiStandIn } from "./api-stand-in.js";

// Pictures and documents on Slack: the outbox's sender uploads them with the real Web API client
// through the external upload flow (files.getUploadURLExternal, POST to the upload URL,
// files.completeUploadExternal into the message's thread), and a retry repeats no step that succeeded.

const T0 = new Date("2026-11-23T09:00:00Z");
const days = Array.from({ length: 30 }, (_, i) => `2026-10-${String(i + 1).padStart(2, "0")}`);
const withFiles: Reply = {
  summary: "Weekly summary",
  blocks: [{ type: "text", text: "Your team this week" }],
  attachments: [
    {
      kind: "chart",
      name: "health-trend",
      title: "Last 90 days",
      alt: "Health score from 60 to 72",
      chart: {
        type: "account-trend",
        locale: "en",
        days,
        score: days.map((_, i) => 60 + i),
        activeUsers: days.map(() => 10),
      },
    },
    { kind: "document", name: "value-report", title: "Value report", format: "markdown", text: "# Report\n" },
  ],
};

describe("Slack attachments through the outbox", () => {
  let api: SlackApiStandIn;
  let db: Db;
  const ctx = () => ({
    config: parseConfig({
      TEND_DEMO: "off",
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: "s",
      SLACK_API_URL: api.url,
    }),
    log: silentLogger,
    db,
    now: () => T0,
  });
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

  const drain = (now: Date) =>
    drainOnce(db, [createChatSender(ctx())], silentLogger, {
      now: () => now,
      limiter: new RateLimiter(scaledClock(1000)),
      random: () => 0.5,
      backoffBaseMs: 1000,
    });
  const queue = () =>
    enqueue(
      db.pool,
      [
        {
          kind: "weekly",
          platform: "slack",
          recipient: "C_TEAM",
          key: outboxKey({
            kind: "weekly",
            subject: "team",
            platform: "slack",
            recipient: "C_TEAM",
            period: "2026-W48",
          }),
          reply: withFiles,
        },
      ],
      T0,
    );

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
