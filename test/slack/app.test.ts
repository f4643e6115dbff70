import { afterEach, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../support/store.js";
import { blockText, buttonsOf, type SlackHarness, startSlackHarness, USERS } from "./harness.js";
import { slashCommandBody } from "./sign.js";

describe.each(STORE_KINDS)("the Slack app over HTTP (%s)", (kind) => {
  let h: SlackHarness | undefined;
  afterEach(async () => {
    if (h) expect(h.blockKitProblems()).toEqual([]);
    await h?.close();
    h = undefined;
  });

  it("answers /tend privately inside the ack, with the card's buttons and a share button", async () => {
    h = await startSlackHarness(kind);
    const { status, json } = await h.send(
      slashCommandBody({ text: "brief acme", userId: USERS.cara, responseUrl: h.api.responseUrl() }),
    );
    expect(status).toBe(200);
    expect(json?.response_type).toBe("ephemeral");
    expect(blockText(json)).toContain("Acme Corp");
    const ids = buttonsOf(json as { blocks: unknown }).map((b) => b.action_id.split(":")[0]);
    expect(ids).toEqual(expect.arrayContaining(["tend.run", "tend.log_form", "tend.snooze", "tend.share"]));
    expect(h.api.responses).toEqual([]);
    // users.info linked the member by email once; the next command needs no lookup.
    expect(h.api.of("users.info")).toHaveLength(1);
    await h.send(slashCommandBody({ text: "risk", userId: USERS.cara, responseUrl: h.api.responseUrl() }));
    expect(h.api.of("users.info")).toHaveLength(1);
    const linked = await h.db.prisma.member.findUnique({ where: { slackUserId: USERS.cara } });
    expect(linked?.email).toBe("cara@tend.test");
  });
});
