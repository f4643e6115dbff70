import { createDecipheriv, createHash, timingSafeEqual } from "node:crypto";

// Feishu event push verification, done by us (not the SDK) so the clock is injectable and the check
// runs over the raw body: X-Lark-Signature = hex sha256(timestamp + nonce + encrypt key + raw body).
// Encrypted pushes carry {"encrypt": base64(16-byte IV + AES-256-CBC(body))} with the key
// sha256(encrypt key); pinned by Feishu's published example (shared/fixtures).

export const FEISHU_SIGNATURE = {
  /** Replay window, seconds either side of our clock. Retries are re-signed when re-sent. */
  windowSec: 300,
  signatureHeader: "x-lark-signature",
  timestampHeader: "x-lark-request-timestamp",
  nonceHeader: "x-lark-request-nonce",
} as const;

export type VerifyResult = { ok: true } | { ok: false; reason: "missing" | "stale" | "mismatch" };

export function feishuSignature(
  timestamp: string,
  nonce: string,
  encryptKey: string,
  rawBody: string | Buffer,
): string {
  const h = createHash("sha256");
  h.update(timestamp + nonce + encryptKey);
  h.update(rawBody);
  return h.digest("hex");
}

export function verifyFeishuRequest(input: {
  encryptKey: string;
  timestamp: string | undefined;
  nonce: string | undefined;
  signature: string | undefined;
  rawBody: string | Buffer;
  now: Date;
}): VerifyResult {
  const { timestamp, nonce, signature } = input;
  if (!timestamp || nonce === undefined || !signature || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: "missing" };
  const skew = Math.abs(Math.floor(input.now.getTime() / 1000) - Number(timestamp));
  if (skew > FEISHU_SIGNATURE.windowSec) return { ok: false, reason: "stale" };
  const expected = Buffer.from(feishuSignature(timestamp, nonce, input.encryptKey, input.rawBody), "utf8");
  const given = Buffer.from(signature.toLowerCase(), "utf8");
  // timingSafeEqual needs equal lengths; a length difference reveals nothing secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "mismatch" };
  return { ok: true };
}

/** Decrypts an `encrypt` field; throws on a wrong key or a damaged payload. */
export function decryptFeishu(encryptKey: string, encrypted: string): string {
  const key = createHash("sha256").update(encryptKey).digest();
  const buf = Buffer.from(encrypted, "base64");
  if (buf.length < 32 || buf.length % 16 !== 0) throw new Error("feishu: encrypted payload has a bad length");
  const decipher = createDecipheriv("aes-256-cbc", key, buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString("utf8");
}

/** Constant-time comparison of two short secrets (the verification token). */
export function sameSecret(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return timingSafeEqual(x, y);
}

/** Header value helper: Node gives string | string[] | undefined. */
export function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
