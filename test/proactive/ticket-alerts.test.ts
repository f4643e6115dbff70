import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveProactiveConfig } from "../../src/config/proactive.js";
import type { AppContext } from "../../src/context.js";
import { drainOnce } from "../../src/delivery/outbox.js";
import { runJob } from "../../src/jobs/run.js";
import { hourlyTick } from "../../src/jobs/scheduler.js";
import { silentLogger } from "../../src/log.js";
import { createChatSender } from "../../src/slack/sender.js";
import type { Db } from "../../src/store/db.js";
import { type ChatStandIn, startChatStandIn } from "../delivery/chat-stand-in.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";

// The overdue urgent ticket: a key account's urgent support ticket open past its configured time is
// told to the owner once (whatever the runs and replicas), delivered by the real Slack sender to the
// Slack stand-in, with the customer's subject escaped. A small book made here.

const T0 = new Date("2026-11-23T09:00:00Z");
const hoursAgo = (h: number, from = T0) => new Date(from.getTime() - h * 3_600_000);
const SUBJECT = "Export fails <!channel> *all* & <@U_EVIL>";

/** A posted message's blocks as sent (Slack's renderer breaks up markup with zero-width spaces). */
function blockText(blocks: unknown[] | undefined): string {
  return JSON.stringify(blocks ?? []);
}
const readable = (s: string) => s.replaceAll("\u200b", "");

describe.each(STORE_KINDS)("urgent ticket overdue nudge on %s", (kind) => {
  let db: Db;
  let chat: ChatStandIn;
  let env: Record<string, string>;
  const config = resolveProactiveConfig();
  const ctxAt = (now: Date): AppContext => testContext(db, { now, env });
  const senderAt = (now: Date) => [createChatSender(ctxAt(now))];
  const drain = (now: Date) => drainOnce(db, senderAt(now), silentLogger, { now: () => now, random: () => 0.5 });

  beforeAll(async () => {
    db = await testDb(kind);
    chat = await startChatStandIn();
    // Strategic accounts allow an urgent ticket 8 hours; key accounts keep the default 24.
    const dir = await mkdtemp(path.join(tmpdir(), "tend-tickets-"));
    const health = path.join(dir, "health.json");
    await writeFile(health, JSON.stringify({ tiers: { strategic: { value: { urgentTicketHours: 8 } } } }));
    env = {
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: "s",
      SLACK_API_URL: chat.url,
      TEND_HEALTH_CONFIG: health,
    };
    const team = await db.prisma.team.create({ data: { name: "East", timezone: "UTC" } });
    const alice = await db.prisma.member.create({
      data: {
        email: "alice@t.test",
        name: "Alice Chen",
        teamId: team.id,
        slackUserId: "U_ALICE",
        quietStart: 0,
        quietEnd: 0,
      },
    });
    const li = await db.prisma.member.create({
      data: {
        email: "li@t.test",
        name: "Li Na",
        teamId: team.id,
        slackUserId: "U_LI",
        locale: "zh-CN",
        quietStart: 0,
        quietEnd: 0,
      },
    });
    const bob = await db.prisma.member.create({
      data: { email: "bob@t.test", name: "Bob Ray", teamId: team.id, slackUserId: "U_BOB", quietStart: 0, quietEnd: 0 },
    });
    const account = (name: string, tier: "strategic" | "key" | "standard", ownerId: string) =>
      db.prisma.account.create({ data: { name, tier, ownerId, teamId: team.id } });
    const acme = await account("Acme <Corp>", "strategic", alice.id);
    const gamma = await account("Gamma", "key", alice.id);
    const hua = await account("华联", "key", li.id);
    const beta = await account("Beta", "standard", bob.id);
    const ticket = (
      externalId: string,
      accountId: string,
      openedHoursAgo: number,
      extra: { status?: string; priority?: string; subject?: string } = {},
    ) =>
      db.prisma.supportTicket.create({
        data: {
          source: "zendesk",
          externalId,
          accountId,
          subject: extra.subject ?? `Ticket ${externalId}`,
          status: extra.status ?? "open",
          priority: extra.priority ?? "urgent",
          openedAt: hoursAgo(openedHoursAgo),
          updatedAt: hoursAgo(1),
        },
      });
    await ticket("101", acme.id, 6, { subject: SUBJECT }); // strategic: past its 8 hours at T0 + 3 h
    await ticket("102", acme.id, 100, { priority: "normal" }); // not urgent
    await ticket("103", acme.id, 100, { status: "solved" }); // solved
    await ticket("201", gamma.id, 20); // key: 24 hours, past them at T0 + 5 h
    await ticket("301", hua.id, 30); // key, owned by a member who reads Chinese: already past
    await ticket("401", beta.id, 500); // a standard account: not a key account, never told
  });
  afterAll(async () => {
    await chat.close();
    await db.close();
  });

  it("is quiet while no key account's urgent ticket is past its time, then tells the owner once per ticket", async () => {
    // Eight hours earlier nothing was past its time: nothing is planned, nothing sent.
    const early = hoursAgo(8);
    const quiet = await runJob(ctxAt(early), "tickets", { config, senders: senderAt(early) });
    expect(quiet.plan!.messages).toEqual([]);
    expect(quiet.enqueued).toBe(0);
    await drain(early);
    expect(chat.posted).toEqual([]);

    // At T0 only 华联's ticket (30 h of 24) is past its time.
    const first = await runJob(ctxAt(T0), "tickets", { config, senders: senderAt(T0) });
    expect(first.plan!.messages.map((m) => m.recipient)).toEqual(["U_LI"]);
    const zh = blockText(first.plan!.messages[0]!.reply.blocks);
    expect(zh).toContain("紧急工单 #");
    expect(zh).toContain("已打开 30 小时，超过该客户设定的 24 小时");
    await drain(T0);
    expect(chat.posted.map((p) => p.channel)).toEqual(["U_LI"]);

    // Three hours later Acme's ticket (9 h of its 8) is past too; 华联's is not said again.
    const t3 = new Date(T0.getTime() + 3 * 3_600_000);
    const later = await runJob(ctxAt(t3), "tickets", { config, senders: senderAt(t3) });
    expect(later.enqueued).toBe(1);
    await drain(t3);
    expect(chat.posted.map((p) => p.channel)).toEqual(["U_LI", "U_ALICE"]);
    const acme = chat.posted[1]!;
    expect(acme.text).toContain("urgent ticket #101 open 9 hours");
    const sent = blockText(acme.blocks);
    const shown = readable(sent);
    expect(shown).toContain("past the 8 hours set for this account");
    // The customer's subject shows literally: no @channel, no mention, no bold.
    expect(shown).toContain('\\"Export fails &lt;!channel&gt; *all* &amp; &lt;@U_EVIL&gt;\\"');
    expect(sent).not.toContain("<!channel>");
    expect(sent).not.toContain("<@U_EVIL>");
    expect(sent).not.toContain("*all*"); // bold markers are broken up, so they show as typed
    expect(shown).toContain("Acme &lt;Corp&gt;: urgent support ticket #101");

    // Hourly ticks on two replicas at once, and again later: still one message per ticket. Gamma's
    // ticket (key, 24 h) comes due at T0 + 5 h and is said once too.
    const t6 = new Date(T0.getTime() + 6 * 3_600_000);
    const ticks = await Promise.all([
      hourlyTick(ctxAt(t6), t6, config, senderAt(t6)),
      hourlyTick(ctxAt(t6), t6, config, senderAt(t6)),
    ]);
    const told = ticks.flat().filter((r) => r.job === "tickets");
    expect(told.reduce((s, r) => s + (r.enqueued ?? 0), 0)).toBe(1);
    await drain(t6);
    const t30 = new Date(T0.getTime() + 30 * 3_600_000);
    await hourlyTick(ctxAt(t30), t30, config, senderAt(t30));
    await drain(t30);
    expect(chat.posted.map((p) => p.channel)).toEqual(["U_LI", "U_ALICE", "U_ALICE"]);
    expect(chat.posted[2]!.text).toContain("Gamma: urgent ticket #201");
    // Beta is a standard account: its 500-hour ticket was never told.
    expect(chat.posted.some((p) => p.text.includes("#401"))).toBe(false);
  });
});
