import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SLACK_EVENTS_PATH } from "../../src/slack/app.js";

// The manifest an admin pastes into Slack must agree with what the app listens to.
const manifest = readFileSync(new URL("../../manifest.yml", import.meta.url), "utf8");
const values = (key: string) => [...manifest.matchAll(new RegExp(`^\\s*${key}:\\s*(\\S+)`, "gm"))].map((m) => m[1]);
const listUnder = (key: string) => {
  const lines = manifest.split("\n");
  const at = lines.findIndex((l) => l.trim() === `${key}:`);
  const out: string[] = [];
  for (const l of lines.slice(at + 1)) {
    const m = /^\s*- ([\w:.]+)/.exec(l);
    if (!m) break;
    out.push(m[1] as string);
  }
  return out;
};

describe("manifest.yml", () => {
  it("points the command, interactivity and events at the endpoint the door mounts", () => {
    const urls = [...values("url"), ...values("request_url")];
    expect(urls).toHaveLength(3);
    for (const u of urls) expect(new URL(u as string).pathname).toBe(SLACK_EVENTS_PATH);
  });

  it("declares /tend with a usage hint, the Home tab and the events the app handles", () => {
    expect(values("- command")).toEqual(["/tend"]);
    expect(manifest).toMatch(/usage_hint: ".*brief <account>.*help"/);
    expect(values("home_tab_enabled")).toEqual(["true"]);
    expect(values("is_enabled")).toEqual(["true"]);
    expect(listUnder("bot_events")).toEqual(["app_home_opened"]);
  });

  it("asks for the least privilege the app uses, nothing more", () => {
    expect(listUnder("bot").sort()).toEqual(["chat:write", "commands", "users:read", "users:read.email"]);
  });
});
