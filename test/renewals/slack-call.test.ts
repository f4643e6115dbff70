import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stripData } from "../../src/text/user-data.js";
import { blockText, buttonPress, buttonsOf, type SlackHarness, startSlackHarness, USERS } from "../slack/harness.js";
import { slashCommandBody } from "../slack/sign.js";
import { STORE_KINDS } from "../support/store.js";

// The renewal call buttons end to end on Slack: a signed /tend into Tend's HTTP server (Bolt's
// receiver), the card's call buttons, and a signed block_actions press recorded in the store.

describe.each(STORE_KINDS)("renewal call buttons on Slack (%s)", (kind) => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness(kind);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("the card offers the four calls; pressing one records the call as the presser, with the model's view", async () => {
    const { json } = await h.send(
      slashCommandBody({ text: "Acme Corp", userId: USERS.cara, responseUrl: h.api.responseUrl() }),
    );
    const calls = buttonsOf(json as { blocks: unknown[] }).filter((b) => b.value.startsWith("call "));
    expect(calls.map((b) => b.text)).toEqual(["Commit", "Likely", "At risk", "Lost"]);
    const atRisk = calls.find((b) => b.value.endsWith(" at_risk"))!;
    expect(atRisk.action_id).toMatch(/^tend\.run:\d+$/);
    await h.send(buttonPress(h, USERS.cara, atRisk));
    const answer = h.api.responses.at(-1)?.body;
    expect(stripData(blockText(answer))).toContain("Call recorded for Acme Corp's renewal");
    const rows = await h.db.prisma.renewalCall.findMany({ where: { accountId: h.book.accounts.acme.id } });
    expect(rows).toHaveLength(1);
    const cara = await h.db.prisma.member.findUniqueOrThrow({ where: { slackUserId: USERS.cara } });
    expect(rows[0]).toMatchObject({ call: "at_risk", memberId: cara.id });
    expect(h.blockKitProblems()).toEqual([]);
  });

  it("a viewer's press is refused and writes nothing", async () => {
    const before = await h.db.prisma.renewalCall.count();
    await h.send(
      buttonPress(h, USERS.vic, { action_id: "tend.run:9", value: `call id:${h.book.accounts.acme.id} commit` }),
    );
    expect(stripData(blockText(h.api.responses.at(-1)?.body))).toContain("read-only");
    expect(await h.db.prisma.renewalCall.count()).toBe(before);
  });
});
