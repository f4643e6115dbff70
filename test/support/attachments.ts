import { RateLimiter, scaledClock } from "../../src/delivery/limits.js";
import { drainOnce, enqueue, outboxKey } from "../../src/delivery/outbox.js";
import type { ChatSender, Platform } from "../../src/delivery/types.js";
import type { Locale } from "../../src/i18n/locale.js";
import { silentLogger } from "../../src/log.js";
import type { Attachment, Block, Reply } from "../../src/reply/model.js";
import type { Db } from "../../src/store/db.js";

// What the Slack and Feishu attachment tests share: a message with a chart and a document, queued
// in the outbox like a proactive message, and one drain pass at a given instant (limiter clock x1000,
// no jitter, short backoff) through a platform's real sender.

export const ATTACHMENTS_T0 = new Date("2026-11-23T09:00:00Z");

const days = Array.from({ length: 30 }, (_, i) => `2026-10-${String(i + 1).padStart(2, "0")}`);

/** A health trend chart (score 60 to 89 over 30 days, 10 active users) named `health-trend`. */
export function trendChart(locale: Locale, title: string, alt: string): Attachment {
  return {
    kind: "chart",
    name: "health-trend",
    title,
    alt,
    chart: {
      type: "account-trend",
      locale,
      days,
      score: days.map((_, i) => 60 + i),
      activeUsers: days.map(() => 10),
    },
  };
}

/** A reply carrying the chart and one document named `value-report`. */
export function replyWithFiles(
  summary: string,
  blocks: Block[],
  chart: Attachment,
  doc: { title: string; format: "markdown" | "html"; text: string },
): Reply {
  return { summary, blocks, attachments: [chart, { kind: "document", name: "value-report", ...doc }] };
}

/** Queues `reply` as the weekly summary of period `period` to `recipient`. */
export function queueWeekly(db: Db, platform: Platform, recipient: string, reply: Reply, period = "2026-W48") {
  const key = outboxKey({ kind: "weekly", subject: "team", platform, recipient, period });
  return enqueue(db.pool, [{ kind: "weekly", platform, recipient, key, reply }], ATTACHMENTS_T0);
}

/** One drain pass at `now` through `sender`. */
export function drainAt(db: Db, sender: ChatSender, now: Date) {
  return drainOnce(db, [sender], silentLogger, {
    now: () => now,
    limiter: new RateLimiter(scaledClock(1000)),
    random: () => 0.5,
    backoffBaseMs: 1000,
  });
}
