import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { slackManifestCommand } from "../../src/cli/slack.js";
import { SLACK_EVENTS_PATH } from "../../src/slack/app.js";
import { MANIFEST_PLACEHOLDER, manifestFor } from "../../src/slack/manifest.js";

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
  it("points the command, interactivity and events at the endpoint the part mounts", () => {
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

  it("stays within the lengths Slack's manifest schema allows (or Slack refuses to create the app)", () => {
    const one = (key: string) => {
      const m = new RegExp(`^\\s*${key}:\\s*"?([^"\\n]*)"?$`, "m").exec(manifest);
      return m?.[1] ?? "";
    };
    // long_description is a folded block (>-): its lines joined by spaces.
    const lines = manifest.split("\n");
    const at = lines.findIndex((l) => /^\s*long_description: >-$/.test(l));
    const folded: string[] = [];
    for (const l of lines.slice(at + 1)) {
      if (!/^ {4}\S/.test(l)) break;
      folded.push(l.trim());
    }
    const long = folded.join(" ");
    expect(at).toBeGreaterThan(0);
    expect(long.length).toBeGreaterThanOrEqual(175);
    expect(long.length).toBeLessThanOrEqual(4000);
    expect(one("name").length).toBeLessThanOrEqual(35);
    expect(one("  description").length).toBeGreaterThan(0);
    expect(one("  description").length).toBeLessThanOrEqual(140);
    expect(one("display_name").length).toBeLessThanOrEqual(80);
    expect(one("usage_hint").length).toBeLessThanOrEqual(1000);
    expect(one("background_color")).toMatch(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/);
    for (const c of values("- command")) expect(c).toMatch(/^\/[a-z0-9_-]{1,31}$/);
  });

  it("asks for the least privilege the app uses, nothing more", () => {
    expect(listUnder("bot").sort()).toEqual([
      "channels:history",
      "chat:write",
      "commands",
      "groups:history",
      "im:history",
      "im:write",
      "users:read",
      "users:read.email",
    ]);
  });
});

describe("tend slack-manifest", () => {
  it("points every request URL at the deployment, or switches to Socket Mode without URLs", () => {
    const http = manifestFor(manifest, { url: "https://tend.acme.com/" });
    expect(http).not.toContain(MANIFEST_PLACEHOLDER);
    expect(http.match(/https:\/\/tend\.acme\.com\/slack\/events/g)).toHaveLength(3);
    const socket = manifestFor(manifest, { socket: true });
    expect(socket).toMatch(/socket_mode_enabled: true/);
    expect(socket).not.toMatch(/^\s*(url|request_url):/m);
    expect(() => manifestFor(manifest, { url: "ftp://x" })).toThrow(/https/);
  });

  it("prints it from the command line", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    const code = await slackManifestCommand.run(["--url", "https://tend.acme.com"], io, undefined as never);
    expect(code).toBe(0);
    expect(out.join("\n")).toContain("request_url: https://tend.acme.com/slack/events");
    expect(await slackManifestCommand.run([], io, undefined as never)).toBe(2);
    expect(err.join("\n")).toMatch(/usage/);
  });
});
