import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config/env.js";

describe("configuration from the environment", () => {
  it("needs nothing: embedded store, port 3000, playground on", () => {
    const c = parseConfig({});
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toBe("./data");
    expect(c.port).toBe(3000);
    expect(c.timezone).toBe("UTC");
    expect(c.slack).toBeUndefined();
    expect(c.feishu).toBeUndefined();
    expect(c.playground).toBe(true);
  });

  it("names the bad variable and says what is wrong", () => {
    expect(() => parseConfig({ PORT: "eighty" })).toThrow(ConfigError);
    expect(() => parseConfig({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => parseConfig({ TEND_TIMEZONE: "Mars/Olympus" })).toThrow(/TEND_TIMEZONE: not an IANA time zone/);
    expect(() => parseConfig({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
    expect(() => parseConfig({ FEISHU_DOMAIN: "example" })).toThrow(/FEISHU_DOMAIN/);
  });

  it("refuses half a Slack or Feishu configuration instead of starting without it", () => {
    expect(() => parseConfig({ SLACK_BOT_TOKEN: "xoxb-1" })).toThrow(/SLACK_SIGNING_SECRET/);
    expect(() => parseConfig({ SLACK_SIGNING_SECRET: "s" })).toThrow(/SLACK_BOT_TOKEN/);
    expect(() => parseConfig({ FEISHU_APP_ID: "cli_1" })).toThrow(/FEISHU_APP_SECRET/);
  });

  it("turns chat platforms on from their variables, and the playground off with them", () => {
    const c = parseConfig({
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_SIGNING_SECRET: "sec",
      SLACK_TEAM_IDS: "T1, T2",
      FEISHU_APP_ID: "cli_1",
      FEISHU_APP_SECRET: "x",
      FEISHU_MODE: "ws",
    });
    expect(c.slack).toMatchObject({ botToken: "xoxb-1", signingSecret: "sec", teamIds: ["T1", "T2"] });
    expect(c.feishu).toMatchObject({ appId: "cli_1", domain: "feishu", mode: "ws" });
    expect(c.playground).toBe(false);
    expect(parseConfig({ SLACK_BOT_TOKEN: "x", SLACK_APP_TOKEN: "xapp", TEND_PLAYGROUND: "on" }).playground).toBe(true);
  });

  it("treats empty variables as unset", () => {
    expect(parseConfig({ DATABASE_URL: "", SLACK_BOT_TOKEN: " " }).databaseUrl).toBeUndefined();
  });
});
