import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ErrorCode, WebClient } from "@slack/web-api";
import type { ChatSender, SendResult } from "../../src/delivery/types.js";
import type { Reply } from "../../src/reply/model.js";

// A local stand-in of Slack's chat.postMessage, conversations.history, conversations.open and
// auth.test: records every accepted message (with its metadata) and can be told to answer the next
// postMessage calls with a rate limit (429 + Retry-After), a Slack error, an HTTP 500, slowly (a
// caller that gives up before the answer - a timeout - gets nothing accepted), or with an unknown
// outcome: the message is posted, then the answer never comes or is not JSON.

export interface Posted {
  channel: string;
  text: string;
  ts: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** The Block Kit blocks as sent (what the reader sees when the client shows blocks). */
  blocks?: unknown[];
}

export type ChatScript =
  | { status: 429; retryAfterSec: number }
  | { status: 500 }
  | { hangMs: number }
  | { error: string }
  /** Posted, then the answer is held this long (past the client's timeout: the outcome is unknown). */
  | { postThenHangMs: number }
  /** Posted, then answered with a body that is not JSON. */
  | { postThenGarbage: true };

export interface ChatStandIn {
  url: string;
  posted: Posted[];
  /** Answers queued for the next chat.postMessage calls (FIFO); an empty queue means "accept". */
  script: ChatScript[];
  /** Delay before answering each chat.postMessage (lets a test kill a sender mid-send). */
  delayMs: number;
  /** Post on arrival, before the delay: a sender killed during the delay leaves a posted message. */
  postFirst: boolean;
  /** Called as each chat.postMessage arrives, before it is answered (n counts them from 1). */
  onRequest?: (n: number) => void;
  /** Calls per API method, to assert what was (not) asked. */
  calls: Record<string, number>;
  close(): Promise<void>;
}

export const STAND_IN_BOT_ID = "B_TEND";

export async function startChatStandIn(): Promise<ChatStandIn> {
  let seq = 0;
  let calls = 0;
  const standIn: ChatStandIn = {
    url: "",
    posted: [],
    script: [],
    delayMs: 0,
    postFirst: false,
    calls: {},
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  // A DM is addressed by user id (U...) and read back by its conversation id (D...).
  const conversation = (channel: string) => (/^[UW]/.test(channel) ? `D_${channel}` : channel);
  const post = (body: Record<string, unknown>): Posted => {
    const ts = `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, "0")}`;
    const metadata = typeof body.metadata === "string" ? JSON.parse(body.metadata) : body.metadata;
    const blocks = typeof body.blocks === "string" ? JSON.parse(body.blocks) : body.blocks;
    const p: Posted = {
      channel: String(body.channel),
      text: String(body.text),
      ts,
      ...(metadata ? { metadata } : {}),
      ...(Array.isArray(blocks) ? { blocks } : {}),
    };
    standIn.posted.push(p);
    return p;
  };
  const fileShares = new Map<string, { channel: string; ts: string }[]>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const method = new URL(req.url ?? "/", "http://x").pathname.replace(/^\/api\//, "");
      standIn.calls[method] = (standIn.calls[method] ?? 0) + 1;
      const raw = Buffer.concat(chunks).toString("utf8");
      const body: Record<string, unknown> =
        req.headers["content-type"]?.includes("json") === true
          ? JSON.parse(raw || "{}")
          : Object.fromEntries(new URLSearchParams(raw));
      const json = (data: unknown) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(data));
      };
      if (method === "auth.test") return json({ ok: true, user_id: "U_TEND", bot_id: STAND_IN_BOT_ID, team_id: "T1" });
      if (method === "conversations.open")
        return json({ ok: true, channel: { id: conversation(String(body.users ?? "")) } });
      if (method === "conversations.history") {
        // Newest first, pages of `limit`, like Slack; metadata only when asked for.
        const all = String(body.include_all_metadata) === "true";
        const oldest = Number(body.oldest ?? 0);
        const limit = Number(body.limit ?? 100);
        const start = Number(body.cursor ?? 0);
        const mine = standIn.posted
          .filter((p) => conversation(p.channel) === body.channel && Number(p.ts) > oldest)
          .reverse();
        const page = mine.slice(start, start + limit).map((p) => ({
          type: "message",
          ts: p.ts,
          text: p.text,
          bot_id: STAND_IN_BOT_ID,
          ...(all && p.metadata ? { metadata: p.metadata } : {}),
        }));
        const more = start + limit < mine.length;
        return json({
          ok: true,
          messages: page,
          has_more: more,
          response_metadata: { next_cursor: more ? String(start + limit) : "" },
        });
      }
      // Slack's external file upload flow (briefs and summaries carry pictures): the bytes POSTed to
      // the upload URL are taken as they come; files.info tells where a file was shared.
      if (/^\/upload\/F\w+$/.test(new URL(req.url ?? "/", "http://x").pathname)) {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("OK");
        return;
      }
      if (method === "files.info") {
        const shares = fileShares.get(String(body.file)) ?? [];
        const byChannel: Record<string, { ts: string }[]> = {};
        for (const sh of shares) byChannel[sh.channel] = [...(byChannel[sh.channel] ?? []), { ts: sh.ts }];
        return json({ ok: true, file: { id: body.file, shares: { private: byChannel } } });
      }
      const filesApi = method.startsWith("files.");
      standIn.onRequest?.(++calls);
      const early = standIn.postFirst && !filesApi ? post(body) : undefined;
      if (standIn.delayMs) await new Promise((r) => setTimeout(r, standIn.delayMs));
      // The caller died while we were working on it: like a request cut off before the platform
      // committed it, it is not accepted (unless postFirst: then it was, and the answer is lost).
      if (req.socket.destroyed) return;
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
      if (next && "error" in next) return json({ ok: false, error: next.error });
      if (method === "files.getUploadURLExternal") {
        const id = `F${fileShares.size + 1}`;
        fileShares.set(id, []);
        return json({ ok: true, file_id: id, upload_url: new URL(`/upload/${id}`, standIn.url).toString() });
      }
      if (method === "files.completeUploadExternal") {
        const files = (typeof body.files === "string" ? JSON.parse(body.files) : body.files) as { id: string }[];
        for (const f of files)
          fileShares.get(f.id)?.push({ channel: String(body.channel_id), ts: String(body.thread_ts) });
        return json({ ok: true, files: files.map((f) => ({ id: f.id })) });
      }
      const p = early ?? post(body);
      if (next && "postThenHangMs" in next) {
        await new Promise((r) => setTimeout(r, next.postThenHangMs));
        if (req.socket.destroyed) return;
      }
      if (next && "postThenGarbage" in next) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(`{"ok":true,"channel":"${p.channel}","ts":`);
        return;
      }
      json({ ok: true, channel: body.channel, ts: p.ts });
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
