import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/env.js";
import { HttpApp } from "../../src/http/server.js";
import { createLogger, silentLogger } from "../../src/log.js";
import { checkBlockKitLimits } from "../../src/reply/render-slack.js";
import { createService } from "../../src/service.js";
import { mountSlackWith } from "../../src/slack/mount.js";
import { testDb } from "../support/store.js";
import { startSlackApiStandIn } from "./api-stand-in.js";
import { slackTestConfig } from "./config.js";
import { postSigned, slashCommandBody } from "./sign.js";

describe("the Slack endpoint", () => {
  it("is mounted by the service when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set", async () => {
    const api = await startSlackApiStandIn();
    const db = await testDb();
    const config = slackTestConfig(api.url);
    const service = await createService(config, createLogger("silent"), db);
    try {
      const { port } = await service.start();
      const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { parts: string[] };
      expect(health.parts).toContain("slack");
      const body = slashCommandBody({ text: "help", userId: "U_NOBODY", responseUrl: `${api.url}x` });
      // Signed with the real clock (the service's default): accepted; with a wrong secret: 401.
      const ok = await postSigned(`http://127.0.0.1:${port}/slack/events`, body, { now: new Date() });
      expect(ok.status).toBe(200);
      const bad = await postSigned(`http://127.0.0.1:${port}/slack/events`, body, { now: new Date(), secret: "nope" });
      expect(bad.status).toBe(401);
    } finally {
      await service.stop();
      await api.close();
    }
  });

  it("is not mounted without Slack configuration", async () => {
    const db = await testDb();
    const config = parseConfig({ PORT: "0", TEND_DEMO: "off", TEND_SCHEDULER: "off", TEND_PLAYGROUND: "off" });
    const service = await createService(config, createLogger("silent"), db);
    const { port } = await service.start();
    const res = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    await service.stop();
  });

  it("uses Socket Mode instead of an HTTP route when SLACK_APP_TOKEN is set", async () => {
    const db = await testDb();
    const config = parseConfig({ TEND_DEMO: "off", SLACK_BOT_TOKEN: "xoxb-test", SLACK_APP_TOKEN: "xapp-test" });
    const http = new HttpApp(silentLogger);
    const part = await mountSlackWith({ config, log: silentLogger, db, now: () => new Date() }, http);
    expect(part?.name).toBe("slack (socket mode)");
    expect(part?.slack.mode).toBe("socket");
    expect(part?.slack.receiver).toBeUndefined();
    await db.close();
  });

  it("has a Block Kit check that does catch broken limits (the app tests rely on it)", () => {
    const header = { type: "header", text: { type: "plain_text", text: "x".repeat(151) } };
    expect(checkBlockKitLimits([header])).toEqual(["block 0 (header): header text 151 > 150"]);
    expect(checkBlockKitLimits(Array.from({ length: 51 }, () => ({ type: "divider" })))).toEqual(["51 blocks > 50"]);
  });
});
