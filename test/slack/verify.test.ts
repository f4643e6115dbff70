import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { slackSignature, verifySlackRequest } from "../../src/slack/verify.js";
import { signature } from "./sign.js";

// Slack's published signing example pins the rule; the clock is injected.
const example = JSON.parse(
  readFileSync(new URL("../fixtures/slack-signing-example.json", import.meta.url), "utf8"),
) as {
  signing_secret: string;
  timestamp: string;
  body: string;
  expected_signature: string;
};
const at = (sec: number) => new Date(sec * 1000);
const ts = Number(example.timestamp);
const verify = (over: Partial<Parameters<typeof verifySlackRequest>[0]> = {}) =>
  verifySlackRequest({
    signingSecret: example.signing_secret,
    timestamp: example.timestamp,
    signature: example.expected_signature,
    rawBody: example.body,
    now: at(ts),
    ...over,
  });

describe("Slack request signing", () => {
  it("computes Slack's published example signature", () => {
    expect(slackSignature(example.signing_secret, example.timestamp, example.body)).toBe(example.expected_signature);
    expect(signature(example.signing_secret, example.timestamp, example.body)).toBe(example.expected_signature);
  });

  it("accepts the example with the clock pinned to it, and up to five minutes either side", () => {
    expect(verify()).toEqual({ ok: true });
    expect(verify({ now: at(ts + 300) })).toEqual({ ok: true });
    expect(verify({ now: at(ts - 300) })).toEqual({ ok: true });
  });

  it("refuses a timestamp older (or newer) than five minutes as a replay", () => {
    expect(verify({ now: at(ts + 301) })).toEqual({ ok: false, reason: "stale" });
    expect(verify({ now: at(ts - 301) })).toEqual({ ok: false, reason: "stale" });
    expect(verify({ now: new Date() })).toEqual({ ok: false, reason: "stale" });
  });

  it("refuses a tampered body, a wrong secret and a missing or malformed header", () => {
    expect(verify({ rawBody: example.body.replace("text=", "text=x") })).toEqual({ ok: false, reason: "mismatch" });
    expect(verify({ signingSecret: "not-the-secret" })).toEqual({ ok: false, reason: "mismatch" });
    expect(verify({ signature: example.expected_signature.slice(0, -1) })).toEqual({ ok: false, reason: "mismatch" });
    expect(verify({ signature: example.expected_signature.toUpperCase() })).toEqual({ ok: false, reason: "mismatch" });
    expect(verify({ signature: undefined })).toEqual({ ok: false, reason: "missing" });
    expect(verify({ timestamp: undefined })).toEqual({ ok: false, reason: "missing" });
    expect(verify({ timestamp: "1531420618.5" })).toEqual({ ok: false, reason: "missing" });
  });

  it("signs the raw bytes (a Buffer body verifies the same)", () => {
    expect(verify({ rawBody: Buffer.from(example.body, "utf8") })).toEqual({ ok: true });
  });
});
