// When Tend fails, chat shows a plain apology with a short error id (in the person's language) and
// the details go to the log under that id - never "Invalid prisma.member.findUnique() invocation".
// The store fails for real: the Member table is renamed away while a command is asked.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, type Logger } from "../../src/log.js";
import { cardText, OPEN_IDS, startFeishuHarness } from "../feishu/harness.js";
import { envelope, textMessage } from "../feishu/push.js";
import { startSlackHarness, USERS } from "../slack/harness.js";
import { slashCommandBody } from "../slack/sign.js";

function capture(): { log: Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      out.push(String(chunk));
      done();
    },
  });
  return {
    log: createLogger("info", sink),
    lines: () =>
      out
        .join("")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const INTERNALS = /prisma|invocation|Member|relation|\.ts:\d|stack|SELECT/i;

describe("an apology with an error id instead of internals", () => {
  it("on Slack, /tend with the store failing: member and stranger alike", async () => {
    const { log, lines } = capture();
    const h = await startSlackHarness("pglite", { log });
    try {
      await h.db.pool.query(`ALTER TABLE "Member" RENAME TO "MemberAway"`);
      for (const userId of [USERS.cara, USERS.stranger]) {
        const r = await h.send(slashCommandBody({ text: "mine", userId, responseUrl: h.api.responseUrl() }));
        const said = JSON.stringify(r.json ?? h.api.responses.at(-1)?.body);
        const id = said.match(/Something went wrong on our side \(error ([0-9a-f]{6})\)\. Please try again\./)?.[1];
        expect(id, said).toBeDefined();
        expect(said).not.toMatch(INTERNALS);
        const logged = lines().find((l) => l.errorId === id);
        expect(logged?.level).toBe(50);
        expect(JSON.stringify(logged?.err)).toMatch(/Member/);
      }
    } finally {
      await h.db.pool.query(`ALTER TABLE "MemberAway" RENAME TO "Member"`);
      await h.close();
    }
  });

  it("on Feishu, in Chinese for a Chinese-speaking team's default, with the id in the log", async () => {
    const { log, lines } = capture();
    const h = await startFeishuHarness("pglite", { log, env: { TEND_LOCALE: "zh-CN" } });
    try {
      await h.withoutTable("Member", () =>
        h.push(envelope("im.message.receive_v1", textMessage(OPEN_IDS.lina, "星辰"))),
      );
      const said = cardText(h.api.accepted.at(-1)?.card);
      const id = said.match(/我们这边出了点问题（错误 ([0-9a-f]{6})），请重试。/)?.[1];
      expect(id, said).toBeDefined();
      expect(said).not.toMatch(INTERNALS);
      expect(lines().some((l) => l.errorId === id && JSON.stringify(l.err).includes("Member"))).toBe(true);
    } finally {
      await h.close();
    }
  });
});
