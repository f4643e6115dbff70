import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { HttpApp } from "../../src/http/server.js";
import { createLogger, silentLogger } from "../../src/log.js";
import { mountPlaygroundWith } from "../../src/playground/mount.js";
import type { Reply } from "../../src/reply/model.js";
import type { Db } from "../../src/store/db.js";
import { stripData } from "../../src/text/user-data.js";
import { PEOPLE, seedBook } from "../commands/book.js";
import { cardButtons, cardText, type FeishuHarness, OPEN_IDS, startFeishuHarness } from "../feishu/harness.js";
import { envelope, textMessage } from "../feishu/push.js";
import { blockText, type SlackHarness, startSlackHarness, USERS } from "../slack/harness.js";
import { slashCommandBody } from "../slack/sign.js";
import { testContext, testDb } from "../support/store.js";

// Plain language takes the same path on every surface: Slack (real Bolt), Feishu (real Lark SDK),
// the command line and the playground all read "who renews in the next 60 days?" as `renewals 60`,
// and a write read from plain language waits for the confirm button everywhere.

describe("plain language on Slack", () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness("pglite");
  });
  afterAll(() => h?.close());

  it("answers /tend with a question, headed by what it understood", async () => {
    const { json } = await h.send(
      slashCommandBody({
        text: "who renews in the next 60 days?",
        userId: USERS.cara,
        responseUrl: h.api.responseUrl(),
      }),
    );
    const s = stripData(blockText(json));
    expect(s).toContain("Read as");
    expect(s).toContain("renewals 60");
    expect(s).toContain("Acme Corp");
    expect(h.blockKitProblems()).toEqual([]);
  });

  it("offers a write as a confirm button and writes nothing", async () => {
    const before = await h.db.prisma.interaction.count();
    const { json } = await h.send(
      slashCommandBody({ text: "log a call with Acme Corp", userId: USERS.cara, responseUrl: h.api.responseUrl() }),
    );
    expect(stripData(blockText(json))).toContain("Nothing is saved until you confirm");
    expect(JSON.stringify(json)).toContain(`log id:${h.book.accounts.acme.id} call`);
    expect(await h.db.prisma.interaction.count()).toBe(before);
  });
});

describe("plain language on Feishu", () => {
  let h: FeishuHarness;
  beforeAll(async () => {
    h = await startFeishuHarness("pglite");
  });
  afterAll(() => h?.close());

  it("answers a Chinese question with a card headed by what it understood", async () => {
    await h.push(envelope("im.message.receive_v1", textMessage(OPEN_IDS.lina, "我的客户里下个月谁续约")));
    await h.feishu.idle();
    const text = stripData(cardText(h.api.accepted.at(-1)?.card)).replaceAll("&#64;", "@");
    expect(text).toContain("理解为");
    expect(text).toContain("renewals 38 @me");
    expect(text).toContain("上海星辰科技有限公司");
  });

  it("offers a write as a confirm button", async () => {
    await h.push(envelope("im.message.receive_v1", textMessage(OPEN_IDS.lina, "把星辰静音一周")));
    await h.feishu.idle();
    const card = h.api.accepted.at(-1)?.card;
    expect(cardButtons(card)).toContainEqual({
      text: "确认",
      value: { action: "tend.run", value: `snooze id:${h.book.accounts.xingchen.id} 7` },
    });
    expect(await h.db.prisma.snooze.count()).toBe(0);
  });
});

describe("plain language on the command line and in the playground", () => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb("pglite");
    await seedBook(db);
  });
  afterAll(() => db?.close());
  const ctx = () => testContext(db, { now: new Date("2026-11-23T15:00:00Z") });

  it("tend ask reads a question", async () => {
    const out: string[] = [];
    const code = await runCli(
      ["ask", "who renews in the next 60 days?", "--as", PEOPLE.csm],
      { out: (l) => out.push(l), err: () => {} },
      { ctx: ctx() },
    );
    expect(code).toBe(0);
    const s = stripData(out.join("\n"));
    expect(s).toContain("Read as `renewals 60`");
    expect(s).toContain("Acme Corp");
  });

  it("the playground reads a question", async () => {
    const lines: string[] = [];
    const c = { ...ctx(), log: createLogger("info", { write: (l: string) => lines.push(l) }) };
    const http = new HttpApp(silentLogger);
    const part = await mountPlaygroundWith(c, http);
    const { port } = await http.listen(0, "127.0.0.1");
    await part.start?.();
    const token = lines.join("").match(/token=([\w-]+)/)?.[1] ?? "";
    try {
      const res = await fetch(`http://127.0.0.1:${port}/playground/api/command`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-tend-token": token },
        body: JSON.stringify({ member: PEOPLE.csm, text: "prep me for Acme Corp tomorrow" }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { reply: Reply; html: string };
      expect(stripData(body.html)).toContain("Read as");
      expect(stripData(body.html)).toContain("brief");
      expect(body.reply.blocks.some((b) => b.type === "header" && stripData(b.text).includes("Acme Corp"))).toBe(true);
    } finally {
      await http.close();
    }
  });
});
