import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/env.js";
import type { AppContext } from "../../src/context.js";
import { HttpApp } from "../../src/http/server.js";
import { silentLogger } from "../../src/log.js";
import { mountSlackWith } from "../../src/slack/mount.js";
import type { Db } from "../../src/store/db.js";
import { PEOPLE, seedBook } from "../commands/book.js";
import { testDb } from "../support/store.js";
import { type SlackApiStandIn, startSlackApiStandIn } from "./api-stand-in.js";
import { blockText, NOW, TEST_ACK_BUDGET_MS } from "./harness.js";
import { eventBody, slashCommandBody } from "./sign.js";
import { type SocketStandIn, startSocketStandIn } from "./socket-stand-in.js";

// Socket Mode end to end: Bolt's SocketModeReceiver connects (apps.connections.open with the app
// token) to a stand-in WebSocket, receives envelopes and acks them; same listeners as HTTP mode.

describe("the Slack app in Socket Mode", () => {
  let api: SlackApiStandIn;
  let socket: SocketStandIn;
  let db: Db;
  let part: Awaited<ReturnType<typeof mountSlackWith>>;
  beforeAll(async () => {
    api = await startSlackApiStandIn();
    socket = await startSocketStandIn();
    api.socketUrl = socket.url;
    api.users = { U01CARA: { email: PEOPLE.csm } };
    db = await testDb();
    await seedBook(db);
    const config = parseConfig({
      TEND_DEMO: "off",
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_APP_TOKEN: "xapp-test",
      SLACK_API_URL: api.url,
    });
    const ctx: AppContext = { config, log: silentLogger, db, now: () => NOW };
    part = await mountSlackWith(ctx, new HttpApp(silentLogger), { ackBudgetMs: TEST_ACK_BUDGET_MS });
    await part?.start?.();
  });
  afterAll(async () => {
    await part?.stop?.();
    await socket.close();
    await api.close();
    await db.close();
  });

  it("connects with the app token and answers /tend in the envelope's ack", async () => {
    await socket.connected;
    expect(api.of("apps.connections.open")).toHaveLength(1);
    const payload = Object.fromEntries(
      new URLSearchParams(slashCommandBody({ text: "brief acme", userId: "U01CARA", responseUrl: `${api.url}r` })),
    );
    socket.push({ envelope_id: "env-cmd-1", type: "slash_commands", accepts_response_payload: true, payload });
    const ack = await socket.ackFor("env-cmd-1");
    expect((ack.payload as { response_type: string }).response_type).toBe("ephemeral");
    expect(blockText(ack.payload)).toContain("Acme Corp");
  });

  it("publishes App Home once when the same event is delivered again (retry_attempt)", async () => {
    const event = JSON.parse(
      eventBody({ type: "app_home_opened", user: "U01CARA", channel: "D1", tab: "home" }, { eventId: "Ev_SOCKET_1" }),
    );
    socket.push({
      envelope_id: "env-ev-1",
      type: "events_api",
      accepts_response_payload: false,
      retry_attempt: 0,
      payload: event,
    });
    await socket.ackFor("env-ev-1");
    socket.push({
      envelope_id: "env-ev-2",
      type: "events_api",
      accepts_response_payload: false,
      retry_attempt: 1,
      payload: event,
    });
    await socket.ackFor("env-ev-2");
    await part?.slack.idle();
    expect(api.of("views.publish")).toHaveLength(1);
  });
});
