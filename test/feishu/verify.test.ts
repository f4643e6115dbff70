import { readFileSync } from "node:fs";
import * as lark from "@larksuiteoapi/node-sdk";
import { describe, expect, it } from "vitest";
import { decryptFeishu, FEISHU_SIGNATURE, feishuSignature, verifyFeishuRequest } from "../../src/feishu/verify.js";
import { encryptLikeFeishu, envelope, feishuRequest, signLikeFeishu, textMessage } from "./push.js";

// Decryption is pinned by Feishu's published example; signing by the documented rule, cross-checked
// with the official SDK's own verification (an implementation we did not write), checked over the raw
// bytes, with an injectable clock.

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/feishu-encrypt-example.json", import.meta.url), "utf8"),
) as { encrypt_key: string; encrypt: string; plaintext: string };

const NOW = new Date("2026-11-23T14:00:00Z");
const ts = String(Math.floor(NOW.getTime() / 1000));

describe("Feishu encryption", () => {
  it("decrypts Feishu's published example", () => {
    expect(decryptFeishu(fixture.encrypt_key, fixture.encrypt)).toBe(fixture.plaintext);
  });

  it("decrypts what the test side encrypts the way Feishu does (random IV, Chinese text)", () => {
    const text = JSON.stringify({ text: "简报 星辰" });
    const a = encryptLikeFeishu("k", text);
    const b = encryptLikeFeishu("k", text);
    expect(a).not.toBe(b);
    expect(decryptFeishu("k", a)).toBe(text);
    expect(decryptFeishu("k", b)).toBe(text);
  });

  it("refuses to decrypt with the wrong key", () => {
    expect(() => decryptFeishu("wrong key", fixture.encrypt)).toThrow();
    expect(() => decryptFeishu(fixture.encrypt_key, "c2hvcnQ=")).toThrow();
  });
});

describe("Feishu request signatures", () => {
  const body = JSON.stringify({ encrypt: fixture.encrypt });
  const base = { encryptKey: "ek", timestamp: ts, nonce: "n0nce", rawBody: body, now: NOW };

  it("is sha256 hex over timestamp + nonce + encrypt key + raw body", () => {
    expect(feishuSignature(ts, "n0nce", "ek", body)).toBe(signLikeFeishu(ts, "n0nce", "ek", body));
    expect(feishuSignature(ts, "n0nce", "ek", body)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("agrees with the official Lark SDK on which pushes are signed right", async () => {
    // The SDK checks sha256(timestamp + nonce + key + JSON of the body) on the parsed body, with the
    // headers beside it (not inside); for Feishu's compact JSON that JSON is the raw body.
    const sdk = new lark.EventDispatcher({ encryptKey: "ek", loggerLevel: lark.LoggerLevel.error }).register({
      "im.message.receive_v1": async (data: { message?: { content?: string } }) => data.message?.content,
    });
    const asSdkSees = (body: string, headers: Record<string, string>) =>
      Object.assign(Object.create({ headers }), JSON.parse(body));
    const ours = (body: string, headers: Record<string, string>) =>
      verifyFeishuRequest({
        encryptKey: "ek",
        timestamp: headers["x-lark-request-timestamp"],
        nonce: headers["x-lark-request-nonce"],
        signature: headers["x-lark-signature"],
        rawBody: body,
        now: NOW,
      });
    const push = feishuRequest(envelope("im.message.receive_v1", textMessage("ou_a", "简报 星辰")), {
      encryptKey: "ek",
      now: NOW,
    });
    // Signed and encrypted as we build Feishu's pushes: the SDK verifies and decrypts it, and so do we.
    expect(await sdk.invoke(asSdkSees(push.body, push.headers))).toBe(JSON.stringify({ text: "简报 星辰" }));
    expect(ours(push.body, push.headers)).toEqual({ ok: true });
    // One character off, or signed with another key: both refuse.
    const sig = push.headers["x-lark-signature"] as string;
    const off = { ...push.headers, "x-lark-signature": `${sig.slice(0, -1)}${sig.endsWith("0") ? "1" : "0"}` };
    const ts = push.headers["x-lark-request-timestamp"] as string;
    const nonce = push.headers["x-lark-request-nonce"] as string;
    const otherKey = { ...push.headers, "x-lark-signature": signLikeFeishu(ts, nonce, "other", push.body) };
    for (const headers of [off, otherKey]) {
      expect(await sdk.invoke(asSdkSees(push.body, headers))).toBeUndefined();
      expect(ours(push.body, headers)).toEqual({ ok: false, reason: "mismatch" });
    }
  });

  it("accepts a good signature, within the window either side", () => {
    const signature = signLikeFeishu(ts, "n0nce", "ek", body);
    expect(verifyFeishuRequest({ ...base, signature })).toEqual({ ok: true });
    const edge = new Date(NOW.getTime() + FEISHU_SIGNATURE.windowSec * 1000);
    expect(verifyFeishuRequest({ ...base, signature, now: edge })).toEqual({ ok: true });
  });

  it("refuses a changed body, nonce or key", () => {
    const signature = signLikeFeishu(ts, "n0nce", "ek", body);
    expect(verifyFeishuRequest({ ...base, signature, rawBody: `${body} ` })).toEqual({ ok: false, reason: "mismatch" });
    expect(verifyFeishuRequest({ ...base, signature, nonce: "other" })).toEqual({ ok: false, reason: "mismatch" });
    expect(verifyFeishuRequest({ ...base, signature, encryptKey: "ek2" })).toEqual({ ok: false, reason: "mismatch" });
    expect(verifyFeishuRequest({ ...base, signature: "abc" })).toEqual({ ok: false, reason: "mismatch" });
  });

  it("refuses stale and future timestamps even when correctly signed", () => {
    const old = String(Number(ts) - FEISHU_SIGNATURE.windowSec - 1);
    const signature = signLikeFeishu(old, "n0nce", "ek", body);
    expect(verifyFeishuRequest({ ...base, timestamp: old, signature })).toEqual({ ok: false, reason: "stale" });
    const future = String(Number(ts) + FEISHU_SIGNATURE.windowSec + 1);
    const s2 = signLikeFeishu(future, "n0nce", "ek", body);
    expect(verifyFeishuRequest({ ...base, timestamp: future, signature: s2 })).toEqual({ ok: false, reason: "stale" });
  });

  it("refuses missing headers", () => {
    expect(verifyFeishuRequest({ ...base, signature: undefined })).toEqual({ ok: false, reason: "missing" });
    expect(verifyFeishuRequest({ ...base, timestamp: undefined, signature: "x" })).toEqual({
      ok: false,
      reason: "missing",
    });
    expect(verifyFeishuRequest({ ...base, timestamp: "12a", signature: "x" })).toEqual({
      ok: false,
      reason: "missing",
    });
  });
});
