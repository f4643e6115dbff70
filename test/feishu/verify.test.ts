import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decryptFeishu, FEISHU_SIGNATURE, feishuSignature, verifyFeishuRequest } from "../../src/feishu/verify.js";
import { encryptLikeFeishu, signLikeFeishu } from "./push.js";

// Decryption is pinned by Feishu's published example; signing by the documented rule, checked over
// the raw bytes, with an injectable clock.

const fixture = JSON.parse(
  readFileSync(new URL("../../../shared/fixtures/feishu-encrypt-example.json", import.meta.url), "utf8"),
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
