import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { resolveProactiveConfig } from "../../src/config/proactive.js";
import type { AppContext } from "../../src/context.js";
import { drainOnce, listOutbox } from "../../src/delivery/outbox.js";
import { addDays, dayToDate } from "../../src/domain/dates.js";
import { runJob } from "../../src/jobs/run.js";
import { silentLogger } from "../../src/log.js";
import { markNudgeDone, nudgeKey } from "../../src/proactive/state.js";
import type { Db } from "../../src/store/db.js";
import { stripData } from "../../src/text/user-data.js";
import { startChatStandIn, webApiSender } from "../delivery/chat-stand-in.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";
import { at, DAY, seed } from "./crafted.js";

/** A planned reply as a reader sees it: without the markers around user data. */
const shown = (v: unknown) => stripData(JSON.stringify(v));

describe.each(STORE_KINDS)("proactive jobs on %s", (kind) => {
  let db: Db;
  let ids: Awaited<ReturnType<typeof seed>>;
  const ctxAt = (now: Date): AppContext => testContext(db, { now });
  const config = resolveProactiveConfig();
  beforeAll(async () => {
    db = await testDb(kind);
    ids = await seed(db);
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await db.pool.query(`DELETE FROM "Outbox"; DELETE FROM "NudgeState"; DELETE FROM "Snooze"`);
  });

  it("plans one batched message per member, enqueues it once, and holds it during quiet hours", async () => {
    const ctx = ctxAt(at(DAY));
    const senders = [webApiSender("http://127.0.0.1:9/api/")];
    const first = await runJob(ctx, "nudges", { day: DAY, config, senders });
    const byTo = new Map(first.plan!.messages.map((m) => [m.recipient, m]));
    expect([...byTo.keys()].sort()).toEqual(["U_ALICE", "U_CAROL"]);
    const alice = shown(byTo.get("U_ALICE")!.reply);
    expect(alice).toContain("Acme: no meaningful contact for 40 days");
    expect(alice).toContain("**Beta**\\n- "); // several nudges about one account are grouped
    expect(alice).toContain("- health turned red (score 45)");
    expect(alice).toContain("tend.nudge_done");
    expect(shown(byTo.get("U_CAROL")!.reply)).toContain("Gamma: 1 promise overdue (SSO fix, 4 days late).");
    expect(first.enqueued).toBe(2);
    // Carol's quiet hours run 06-10 UTC: her message waits until 10:00.
    expect(byTo.get("U_CAROL")!.notBefore?.toISOString()).toBe(`${DAY}T10:00:00.000Z`);

    const again = await runJob(ctx, "nudges", { day: DAY, config, senders });
    expect(again.enqueued).toBe(0);
    expect((await listOutbox(db)).length).toBe(2);
  });

  it("does not repeat a nudge within its cool-down, and a done nudge stays silent until something new happens", async () => {
    const senders = [webApiSender("http://127.0.0.1:9/api/")];
    const first = await runJob(ctxAt(at(DAY)), "nudges", { day: DAY, config, senders });
    const acmeNudge = first.plan!.messages.flatMap((m) => m.nudges).find((n) => n.accountName === "Acme")!;
    const next = addDays(DAY, 1);
    const day2 = await runJob(ctxAt(at(next)), "nudges", { day: next, config, senders });
    expect(day2.plan!.messages.flatMap((m) => m.nudges).map((n) => n.accountName)).not.toContain("Acme");

    expect(await markNudgeDone(db, ids.alice.id, nudgeKey(acmeNudge), at(DAY, 9))).toBe(true);
    const later = addDays(DAY, 10); // past the 7-day cool-down: only "done" keeps it quiet now
    const day10 = await runJob(ctxAt(at(later)), "nudges", { day: later, config, senders });
    expect(day10.plan!.messages.flatMap((m) => m.nudges).map((n) => n.accountName)).not.toContain("Acme");

    // Something new: a contact was logged, but it is again overdue later - a new fingerprint.
    const contact = await db.prisma.interaction.create({
      data: { accountId: ids.acme.id, kind: "call", occurredAt: dayToDate(addDays(DAY, -35)) },
    });
    const day11 = await runJob(ctxAt(at(addDays(DAY, 11))), "nudges", { day: addDays(DAY, 11), config, senders });
    expect(day11.plan!.messages.flatMap((m) => m.nudges).map((n) => n.accountName)).toContain("Acme");
    await db.prisma.interaction.delete({ where: { id: contact.id } });
  });

  it("an account snooze silences that account's nudges for the member", async () => {
    await db.prisma.snooze.create({
      data: { memberId: ids.alice.id, accountId: ids.beta.id, until: at(addDays(DAY, 7)) },
    });
    const r = await runJob(ctxAt(at(DAY)), "nudges", { day: DAY, config, dryRun: true });
    const names = r.plan!.messages.flatMap((m) => m.nudges).map((n) => n.accountName);
    expect(names).toContain("Acme");
    expect(names).not.toContain("Beta");
  });

  it("a dry run shows what would be sent and writes nothing", async () => {
    const out: string[] = [];
    const code = await runCli(
      ["run", "nudges", "--dry-run", "--date", DAY],
      { out: (l) => out.push(l), err: (l) => out.push(l) },
      { ctx: ctxAt(at(DAY)) },
    );
    expect(code).toBe(0);
    const text = out.join("\n");
    expect(text).toContain("nudges -> Alice Chen <alice@t.test> via slack U_ALICE (dry run)");
    expect(text).toContain("would send 2 messages");
    expect(await listOutbox(db)).toEqual([]);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM "NudgeState"`)).rows[0].n).toBe(0);
  });

  it("the team digest lists what is newly at risk; a quiet day is one line or no post", async () => {
    const r = await runJob(ctxAt(at(DAY)), "digest", { day: DAY, config, dryRun: true });
    expect(r.plan!.messages).toHaveLength(1);
    const digest = r.plan!.messages[0]!;
    expect(digest.recipient).toBe("C_EAST");
    // The reason is today's biggest drag, in words with its number (rendered by the reason renderer).
    expect(shown(digest.reply)).toMatch(/Beta \(red, 45\): grade turned red - [^"]*38/);
    expect(shown(digest.reply)).not.toContain("Acme");
    const unscored = await runJob(ctxAt(at(addDays(DAY, 3))), "digest", { day: addDays(DAY, 3), config, dryRun: true });
    expect(unscored.plan!.messages[0]?.reply.summary).toContain("no health scores");
    // A day scored like the one before: nothing changed.
    const quietDay = addDays(DAY, 1);
    await db.pool.query(
      `INSERT INTO "HealthScore" ("accountId", day, score, grade, "usageLevel", "valueLevel", components, reasons)
       SELECT "accountId", day + 1, score, grade, "usageLevel", "valueLevel", components, reasons FROM "HealthScore" WHERE day = $1::date
       ON CONFLICT DO NOTHING`,
      [DAY],
    );
    // Nothing new, but Beta is still red: that is at stake, so not "all quiet" (issue 13).
    const stillRed = await runJob(ctxAt(at(quietDay)), "digest", { day: quietDay, config, dryRun: true });
    expect(JSON.stringify(stillRed.plan!.messages[0]?.reply)).toContain(
      "Nothing new since yesterday; 1 red account is still at risk.",
    );
    // Every account green and no renewal at stake: all quiet.
    await db.pool.query(`UPDATE "HealthScore" SET grade = 'green', score = 90 WHERE day = $1::date`, [quietDay]);
    const quiet = await runJob(ctxAt(at(quietDay)), "digest", { day: quietDay, config, dryRun: true });
    expect(stripData(quiet.plan!.messages[0]?.reply.summary ?? "")).toBe(
      "East: all quiet today - nothing at risk, no red account, no renewal in 30 days that is not green.",
    );
    const skip = await runJob(ctxAt(at(quietDay)), "digest", {
      day: quietDay,
      config: resolveProactiveConfig({ digestWhenQuiet: "skip" }),
      dryRun: true,
    });
    expect(skip.plan!.messages).toEqual([]);
    await db.pool.query(`DELETE FROM "HealthScore" WHERE day = $1::date`, [quietDay]);
  });

  it("the visit-prep brief arrives the morning of a planned visit, with the full brief", async () => {
    const visit = await db.prisma.interaction.create({
      data: { accountId: ids.acme.id, kind: "visit", scheduled: true, occurredAt: at(DAY, 14), contactName: "Dana" },
    });
    try {
      const r = await runJob(ctxAt(at(DAY)), "briefs", { day: DAY, config, dryRun: true });
      expect(r.plan!.messages.map((m) => `${m.kind}:${m.recipient}`)).toEqual(["brief:U_ALICE"]);
      const brief = r.plan!.messages[0]!.reply;
      expect(JSON.parse(shown(brief.blocks[0]))).toEqual({ type: "header", text: "Visit prep: Acme" });
      expect(shown(brief)).toContain("Acme: a visit today with Dana");
      expect(brief.blocks.length).toBeGreaterThan(4); // the core's brief sections follow
      const dayBefore = await runJob(ctxAt(at(addDays(DAY, -1))), "briefs", {
        day: addDays(DAY, -1),
        config,
        dryRun: true,
      });
      expect(dayBefore.plan!.messages).toEqual([]);
    } finally {
      await db.prisma.interaction.delete({ where: { id: visit.id } });
    }
  });

  it("the weekly summary goes to the team's managers in their language", async () => {
    const r = await runJob(ctxAt(at(DAY)), "weekly", { day: DAY, config, dryRun: true });
    expect(r.plan!.messages.map((m) => m.recipient)).toEqual(["U_BOB"]);
    const text = shown(r.plan!.messages[0]!.reply);
    expect(text).toContain("周报");
    expect(text).toContain("Beta");
  });

  it("enqueued nudges are delivered through the chat API; quiet-hour ones later", async () => {
    const chat = await startChatStandIn();
    try {
      const senders = [webApiSender(chat.url)];
      await runJob(ctxAt(at(DAY)), "nudges", { day: DAY, config, senders });
      const opts = { random: () => 0.5 };
      await drainOnce(db, senders, silentLogger, { ...opts, now: () => at(DAY) });
      expect(chat.posted.map((p) => p.channel)).toEqual(["U_ALICE"]);
      await drainOnce(db, senders, silentLogger, { ...opts, now: () => at(DAY, 10) });
      expect(chat.posted.map((p) => p.channel).sort()).toEqual(["U_ALICE", "U_CAROL"]);
    } finally {
      await chat.close();
    }
  });
});
