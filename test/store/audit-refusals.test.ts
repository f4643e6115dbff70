// Every refusal is audited (who, what was asked, why refused) and `tend audit` reads the log:
// unknown people, other-team probes, viewer writes, forged buttons, other workspaces and tenants.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type { AppContext } from "../../src/context.js";
import { handleAction, handleCommand } from "../../src/conversation/index.js";
import type { Identity } from "../../src/domain/identity.js";
import type { Db } from "../../src/store/db.js";
import { PEOPLE, seedBook } from "../commands/book.js";
import { startFeishuHarness } from "../feishu/harness.js";
import { envelope, textMessage } from "../feishu/push.js";
import { startSlackHarness, USERS } from "../slack/harness.js";
import { slashCommandBody } from "../slack/sign.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";

type Row = { memberId: string | null; action: string; accountId: string | null; detail: Record<string, unknown> };
const refusals = async (db: Db) =>
  (
    await db.pool.query<Row>(
      `SELECT "memberId", action, "accountId", detail FROM "AuditLog" WHERE action = 'refused' ORDER BY id`,
    )
  ).rows;

describe.each(STORE_KINDS)("refusals in the audit log on %s", (kind) => {
  let db: Db;
  let ctx: AppContext;
  let book: Awaited<ReturnType<typeof seedBook>>;
  beforeAll(async () => {
    db = await testDb(kind);
    book = await seedBook(db);
    ctx = testContext(db, { now: new Date("2026-11-23T15:00:00Z") });
  });
  afterAll(async () => db?.close());
  const as = (email: string): Identity => ({ surface: "cli", email });

  it("records who, what was asked and why for each kind of refusal, and nothing for allowed requests", async () => {
    await handleCommand(ctx, { identity: as(PEOPLE.csm), text: "mine" });
    expect(await refusals(db)).toHaveLength(0);
    await handleCommand(ctx, {
      identity: { surface: "slack", slackUserId: "U0NOBODY", email: "x@else.test" },
      text: "risk",
    });
    await handleCommand(ctx, { identity: as(PEOPLE.csm), text: `brief id:${book.accounts.xingchen.id}` });
    await handleCommand(ctx, { identity: as(PEOPLE.viewer), text: `log id:${book.accounts.acme.id} call notes` });
    await handleCommand(ctx, { identity: as(PEOPLE.csm), text: "metrics" });
    await handleAction(ctx, { identity: as(PEOPLE.csm), actionId: "tend.snooze", value: "{not json" });
    await handleAction(ctx, {
      identity: as(PEOPLE.viewer),
      actionId: "tend.snooze",
      value: JSON.stringify({ accountId: book.accounts.acme.id, days: 7 }),
    });
    await handleAction(ctx, {
      identity: as(PEOPLE.csm),
      actionId: "tend.log_form",
      value: JSON.stringify({ accountId: book.accounts.xingchen.id }),
    });
    const rows = await refusals(db);
    const { cara, vic } = book.members;
    expect(rows.map((r) => [r.memberId, r.detail.reason, r.detail.asked, r.accountId])).toEqual([
      [null, "unknown_user", "risk", null],
      [cara.id, "forbidden", `brief id:${book.accounts.xingchen.id}`, null],
      [vic.id, "forbidden", `log id:${book.accounts.acme.id} call notes`, null],
      [cara.id, "forbidden", "metrics", null],
      [cara.id, "forged", "tend.snooze {not json", null],
      [vic.id, "forbidden", expect.stringContaining("tend.snooze"), book.accounts.acme.id],
      [cara.id, "forbidden", expect.stringContaining("tend.log_form"), book.accounts.xingchen.id],
    ]);
    expect(rows[0]?.detail.who).toEqual({ slackUserId: "U0NOBODY", email: "x@else.test" });
  });

  it("a name that exists outside the asker's reach is answered not found, and the probe is recorded", async () => {
    const before = (await refusals(db)).length;
    const xingchen = await db.prisma.account.findUniqueOrThrow({ where: { id: book.accounts.xingchen.id } });
    const reply = await handleCommand(ctx, { identity: as(PEOPLE.csm), text: `brief ${xingchen.name}` });
    expect(reply.error).toBe("not_found");
    expect(JSON.stringify(reply)).not.toContain(xingchen.id); // nothing revealed to the asker
    const rows = (await refusals(db)).slice(before);
    expect(rows.map((r) => [r.memberId, r.detail.reason, r.accountId])).toEqual([
      [book.members.cara.id, "out_of_reach", xingchen.id],
    ]);
    // A name that exists nowhere is just not found: no probe.
    await handleCommand(ctx, { identity: as(PEOPLE.csm), text: "brief Nowhere Industries" });
    expect(await refusals(db)).toHaveLength(before + 1);
  });

  it("tend audit reads it by person, account, date and refusals only", async () => {
    const cli = async (...args: string[]) => {
      const out: string[] = [];
      const code = await runCli(["audit", ...args], { out: (l) => out.push(l), err: (l) => out.push(l) }, { ctx });
      return { code, out };
    };
    const vic = await cli("--person", "VIC@tend.test", "--refused");
    expect(vic.code).toBe(0);
    expect(vic.out).toHaveLength(2);
    expect(vic.out.every((l) => l.includes("vic@tend.test") && l.includes("refused (forbidden)"))).toBe(true);
    const stranger = await cli("--person", "U0NOBODY");
    expect(stranger.out.join("\n")).toContain('refused (unknown_user): "risk"');
    const acme = await cli("--account", "acme corp");
    expect(acme.out.some((l) => l.includes("Acme Corp") && l.includes("refused"))).toBe(true);
    expect(acme.out.some((l) => l.includes("account.read") || l.includes("mine.read"))).toBe(true);
    expect((await cli("--since", "2999-01-01")).out).toEqual(["no audit entries match"]);
    expect((await cli("--since", "soon")).code).toBe(2);
  });
});

describe("refusals of other workspaces and tenants are audited", () => {
  it("Slack: a /tend from a workspace not in SLACK_TEAM_IDS", async () => {
    const h = await startSlackHarness("pglite", { env: { SLACK_TEAM_IDS: "T_TEND" } });
    try {
      await h.send(
        slashCommandBody({ text: "risk", userId: USERS.cara, teamId: "T_EVIL", responseUrl: h.api.responseUrl() }),
      );
      const rows = await refusals(h.db);
      expect(rows.map((r) => [r.detail.reason, r.detail.asked, r.detail.who])).toEqual([
        ["other_workspace", "/tend risk", { slackUserId: USERS.cara, slackTeamId: "T_EVIL" }],
      ]);
    } finally {
      await h.close();
    }
  });

  it("Feishu: a message from a tenant not in FEISHU_TENANT_KEYS", async () => {
    const h = await startFeishuHarness("pglite");
    try {
      await h.push(envelope("im.message.receive_v1", textMessage("ou_x", "risk"), { tenant: "tenant_other" }));
      let rows = await refusals(h.db);
      // Written in the background of the refusal: wait for it (bounded), no timing asserted.
      for (let i = 0; i < 50 && rows.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        rows = await refusals(h.db);
      }
      expect(rows.map((r) => [r.detail.reason, r.detail.who])).toEqual([
        ["other_tenant", { feishuTenantKey: "tenant_other" }],
      ]);
    } finally {
      await h.close();
    }
  });
});
