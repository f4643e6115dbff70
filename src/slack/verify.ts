import { createHmac, timingSafeEqual } from "node:crypto";

// Slack request signing, checked by us (not Bolt) so the clock is injectable and the rule is pinned
// by Slack's published example: HMAC-SHA256 over `v0:<timestamp>:<raw body>` with the signing
// secret, hex, prefixed `v0=`; requests older (or newer) than five minutes are refused as replays.

export const SLACK_SIGNATURE = {
  version: "v0",
  /** Replay window, seconds either side of our clock. */
  windowSec: 300,
  signatureHeader: "x-slack-signature",
  timestampHeader: "x-slack-request-timestamp",
} as const;

export type VerifyResult = { ok: true } | { ok: false; reason: "missing" | "stale" | "mismatch" };

/** The `v0=...` signature Slack sends for this body at this timestamp. */
export function slackSignature(signingSecret: string, timestamp: string, rawBody: string | Buffer): string {
  const mac = createHmac("sha256", signingSecret);
  mac.update(`${SLACK_SIGNATURE.version}:${timestamp}:`);
  mac.update(rawBody);
  return `${SLACK_SIGNATURE.version}=${mac.digest("hex")}`;
}

export function verifySlackRequest(input: {
  signingSecret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string | Buffer;
  now: Date;
}): VerifyResult {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "missing" };
  const skew = Math.abs(Math.floor(input.now.getTime() / 1000) - Number(timestamp));
  if (skew > SLACK_SIGNATURE.windowSec) return { ok: false, reason: "stale" };
  const expected = Buffer.from(slackSignature(input.signingSecret, timestamp, input.rawBody), "utf8");
  const given = Buffer.from(signature, "utf8");
  // timingSafeEqual needs equal lengths; a length difference reveals nothing secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "mismatch" };
  return { ok: true };
}

/** Header value helper: Node gives string | string[] | undefined. */
export function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
