import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ErrorCode, WebClient } from "@slack/web-api";
import type { ChatSender, SendResult } from "../../src/delivery/types.js";
import type { Reply } from "../../src/reply/model.js";

// A local stand-in of Slack's chat.postMessage: records every accepted message and can be told to
// answer the next calls with a rate limit (429 + Retry-After), a Slack error, an HTTP 500, or slowly
// (a caller that gives up before the answer - a timeout - gets nothing accepted).

export interface Posted {
  channel: string;
  text: string;
  ts: string;
}

export interface ChatStandIn {
  url: string;
  posted: Posted[];
  /** Answers queued for the next calls (FIFO); an empty queue means "accept". */
  script: ({ status: 429; retryAfterSec: number } | { status: 500 } | { hangMs: number } | { error: string })[];
  /** Delay before answering each call (lets a test kill a sender mid-send). */
  delayMs: number;
  /** Called as each call arrives, before it is answered (n counts calls from 1). */
  onRequest?: (n: number) => void;
  close(): Promise<void>;
}

export async function startChatStandIn(): Promise<ChatStandIn> {
  let seq = 0;
  let calls = 0;
  const standIn: ChatStandIn = {
    url: "",
    posted: [],
    script: [],
    delayMs: 0,
    close: () => new Promise((r) => server.close(() => r())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      standIn.onRequest?.(++calls);
      if (standIn.delayMs) await new Promise((r) => setTimeout(r, standIn.delayMs));
      // The caller died while we were working on it: like a request cut off before the platform
      // committed it, it is not accepted (the accepted-then-crash case is docs/proactive.md's caveat).
      if (req.socket.destroyed) return;
      const raw = Buffer.concat(chunks).toString("utf8");
      const body =
        req.headers["content-type"]?.includes("json") === true
          ? JSON.parse(raw)
          : Object.fromEntries(new URLSearchParams(raw));
      const next = standIn.script.shift();
      if (next && "hangMs" in next) {
        await new Promise((r) => setTimeout(r, next.hangMs));
        if (req.socket.destroyed) return;
      }
      if (next && "status" in next && next.status === 500) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end("internal server error");
        return;
      }
      if (next && "retryAfterSec" in next) {
        res.writeHead(429, { "retry-after": String(next.retryAfterSec), "content-type": "application/json" });
        res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      if (next && "error" in next) {
        res.end(JSON.stringify({ ok: false, error: next.error }));
        return;
      }
      const ts = `1700000000.${String(++seq).padStart(6, "0")}`;
      standIn.posted.push({ channel: String(body.channel), text: String(body.text), ts });
      res.end(JSON.stringify({ ok: true, channel: body.channel, ts }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  return standIn;
}

const PERMANENT = new Set(["channel_not_found", "not_in_channel", "is_archived", "account_inactive", "invalid_auth"]);

/**
 * A minimal Slack ChatSender over the real @slack/web-api client (no rendering: the summary line).
 * Used until src/slack/sender.ts is available to these tests.
 */
export function webApiSender(slackApiUrl: string): ChatSender {
  const client = new WebClient("xoxb-test", {
    slackApiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  return {
    platform: "slack",
    async send(recipient: string, reply: Reply): Promise<SendResult> {
      try {
        const r = await client.chat.postMessage({ channel: recipient, text: reply.summary });
        return { ok: true, externalId: r.ts };
      } catch (err) {
        const e = err as { code?: string; retryAfter?: number; data?: { error?: string }; message?: string };
        if (e.code === ErrorCode.RateLimitedError)
          return { ok: false, retryable: true, retryAfterMs: (e.retryAfter ?? 1) * 1000, error: "ratelimited" };
        if (e.code === ErrorCode.PlatformError) {
          const code = e.data?.error ?? "unknown";
          return { ok: false, retryable: !PERMANENT.has(code), error: code };
        }
        return { ok: false, retryable: true, error: e.message ?? String(err) };
      }
    },
  };
}
