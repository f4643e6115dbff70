import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import * as lark from "@larksuiteoapi/node-sdk";
import type { ChatSender, SendResult } from "../../src/delivery/types.js";
import { outboxUuid } from "../../src/feishu/sender.js";
import type { Reply } from "../../src/reply/model.js";

// A local stand-in of Feishu's open API, driven through the real @larksuiteoapi/node-sdk client:
// tenant_access_token, im/v1/messages create and reply (which, like Feishu, drop a message whose
// `uuid` was already accepted within the hour), message patch (card update), bot/v3/info,
// contact/v3/users/:open_id and the long connection's endpoint discovery. Failures can be queued to
// answer the next message calls, and so can unknown outcomes: the message is accepted, then the
// answer is held past the client's timeout or is not JSON.

export interface AcceptedMessage {
  /** "create" (to receive_id) or "reply" (to the message `replyTo`). */
  how: "create" | "reply";
  chatId: string;
  receiveIdType?: string;
  replyTo?: string;
  msgType: string;
  /** Text messages: the text; cards: the card's summary. */
  text: string;
  /** Cards: the parsed card JSON. */
  card?: Record<string, unknown>;
  uuid?: string;
  messageId: string;
}

export interface StandInFailure {
  status: number;
  code: number;
  msg: string;
  headers?: Record<string, string>;
}

export interface FeishuStandIn {
  url: string;
  accepted: AcceptedMessage[];
  /** Card updates (PATCH im/v1/messages/:id) in order. */
  updated: { messageId: string; card: Record<string, unknown> }[];
  /** Every request, for asserting what was (not) called. */
  calls: { method: string; path: string; auth?: string }[];
  /** Contact API answers by open_id. */
  users: Record<string, { email?: string; name?: string }>;
  botOpenId: string;
  /** Long connection: the ws:// URL handed out by the endpoint discovery call (unset: refused). */
  wsUrl?: string;
  /** Answers for the next message create/reply/patch calls, first in first out. */
  failNext: StandInFailure[];
  /** Outcomes for the next create/reply calls that accept the message but lose the answer. */
  unknownNext: ({ hangMs: number } | "garbage")[];
  /** Delay before answering each accepted message (lets a test kill a sender between accept and answer). */
  delayMs: number;
  /** The stand-in's clock (the uuid window is one hour of it). */
  now: () => number;
  /** The tenant_access_token handed out (a test can look for it in logs). */
  tenantToken: string;
  /** How many of the next token requests fail (500). */
  failToken: number;
  /** Images uploaded to im/v1/images (multipart), by image_key. */
  images: Map<string, { imageType: string; bytes: Buffer }>;
  /** Files uploaded to im/v1/files (multipart), by file_key. */
  files: Map<string, { fileType: string; fileName: string; bytes: Buffer }>;
  /** Answers for the next image/file uploads, first in first out. */
  failUploads: StandInFailure[];
  close(): Promise<void>;
}

export async function startFeishuStandIn(): Promise<FeishuStandIn> {
  const byUuid = new Map<string, { messageId: string; at: number }>();
  let seq = 0;
  const standIn: FeishuStandIn = {
    url: "",
    accepted: [],
    updated: [],
    calls: [],
    users: {},
    botOpenId: "ou_bot_tend",
    failNext: [],
    unknownNext: [],
    delayMs: 0,
    now: () => Date.now(),
    tenantToken: "t-test",
    failToken: 0,
    images: new Map(),
    files: new Map(),
    failUploads: [],
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks);
      const multipart = /boundary=([^;]+)/.exec(String(req.headers["content-type"] ?? ""));
      const parts = multipart ? parseMultipart(raw, (multipart[1] as string).replace(/"/g, "")) : undefined;
      const body = parts || chunks.length === 0 ? {} : JSON.parse(raw.toString("utf8"));
      const url = new URL(req.url ?? "/", "http://x");
      const path = url.pathname;
      standIn.calls.push({
        method: req.method ?? "",
        path,
        ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
      });
      res.setHeader("content-type", "application/json");
      const answer = (data: unknown, status = 200) => {
        res.statusCode = status;
        res.end(JSON.stringify(data));
      };
      if (path === "/open-apis/auth/v3/tenant_access_token/internal") {
        if (standIn.failToken > 0) {
          standIn.failToken--;
          answer({ code: 10003, msg: "internal error" }, 500);
        } else answer({ code: 0, msg: "ok", tenant_access_token: standIn.tenantToken, expire: 7200 });
        return;
      }
      if (path === "/callback/ws/endpoint" && req.method === "POST") {
        if (!standIn.wsUrl || !body.AppID || !body.AppSecret) answer({ code: 403, msg: "forbidden" });
        else
          answer({
            code: 0,
            msg: "ok",
            data: {
              URL: standIn.wsUrl,
              ClientConfig: { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30 },
            },
          });
        return;
      }
      if (path === "/open-apis/bot/v3/info") {
        answer({ code: 0, msg: "ok", bot: { app_name: "Tend", open_id: standIn.botOpenId, activate_status: 2 } });
        return;
      }
      if ((path === "/open-apis/im/v1/images" || path === "/open-apis/im/v1/files") && req.method === "POST") {
        const f = standIn.failUploads.shift();
        if (f) return answer({ code: f.code, msg: f.msg }, f.status);
        const field = (name: string) => parts?.get(name);
        if (path.endsWith("/images")) {
          const image = field("image");
          if (!image?.value.length) return answer({ code: 234001, msg: "Invalid request param." }, 400);
          const key = `img_v3_${standIn.images.size + 1}`;
          standIn.images.set(key, { imageType: field("image_type")?.value.toString() ?? "", bytes: image.value });
          return answer({ code: 0, msg: "success", data: { image_key: key } });
        }
        const file = field("file");
        if (!file?.value.length) return answer({ code: 234001, msg: "Invalid request param." }, 400);
        const key = `file_v3_${standIn.files.size + 1}`;
        standIn.files.set(key, {
          fileType: field("file_type")?.value.toString() ?? "",
          fileName: field("file_name")?.value.toString() ?? "",
          bytes: file.value,
        });
        return answer({ code: 0, msg: "success", data: { file_key: key } });
      }
      const contact = path.match(/^\/open-apis\/contact\/v3\/users\/([^/]+)$/);
      if (contact && req.method === "GET") {
        const u = standIn.users[decodeURIComponent(contact[1] as string)];
        if (!u) answer({ code: 41050, msg: "no user authority" }, 400);
        else answer({ code: 0, msg: "success", data: { user: { open_id: contact[1], ...u } } });
        return;
      }
      const messageCall =
        (path === "/open-apis/im/v1/messages" && req.method === "POST") ||
        /^\/open-apis\/im\/v1\/messages\/[^/]+(\/reply)?$/.test(path);
      if (messageCall && standIn.failNext.length > 0) {
        const f = standIn.failNext.shift() as StandInFailure;
        for (const [k, v] of Object.entries(f.headers ?? {})) res.setHeader(k, v);
        answer({ code: f.code, msg: f.msg }, f.status);
        return;
      }
      const accept = async (how: "create" | "reply", extra: Partial<AcceptedMessage>) => {
        // Like Feishu: a uuid already accepted within the hour sends nothing and names the first message.
        const prior = body.uuid ? byUuid.get(body.uuid) : undefined;
        const known = prior && standIn.now() - prior.at < 3_600_000 ? prior.messageId : undefined;
        const lose = standIn.unknownNext.shift();
        const messageId = known ?? `om_${++seq}`;
        if (!known) acceptNew(how, extra, messageId);
        if (standIn.delayMs) await new Promise((r) => setTimeout(r, standIn.delayMs));
        if (lose === "garbage") {
          res.statusCode = 200;
          res.end(`{"code":0,"msg":"success","data":{"message_id":`);
          return;
        }
        if (lose) {
          await new Promise((r) => setTimeout(r, lose.hangMs));
          if (req.socket.destroyed) return;
        }
        answer({ code: 0, msg: "success", data: { message_id: messageId } });
      };
      const acceptNew = (how: "create" | "reply", extra: Partial<AcceptedMessage>, messageId: string) => {
        if (body.uuid) byUuid.set(body.uuid, { messageId, at: standIn.now() });
        const content = JSON.parse(body.content);
        const card = body.msg_type === "interactive" ? (content as Record<string, unknown>) : undefined;
        standIn.accepted.push({
          how,
          chatId: extra.chatId ?? "",
          msgType: body.msg_type,
          text: card
            ? String((card.config as { summary?: { content?: string } })?.summary?.content ?? "")
            : content.text,
          ...(card ? { card } : {}),
          uuid: body.uuid,
          messageId,
          ...extra,
        });
      };
      if (path === "/open-apis/im/v1/messages" && req.method === "POST") {
        const receiveIdType = url.searchParams.get("receive_id_type") ?? "";
        await accept("create", { chatId: body.receive_id, receiveIdType });
        return;
      }
      const reply = path.match(/^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/);
      if (reply && req.method === "POST") {
        await accept("reply", { chatId: "", replyTo: reply[1] as string });
        return;
      }
      const patch = path.match(/^\/open-apis\/im\/v1\/messages\/([^/]+)$/);
      if (patch && req.method === "PATCH") {
        standIn.updated.push({ messageId: patch[1] as string, card: JSON.parse(body.content) });
        answer({ code: 0, msg: "success", data: {} });
        return;
      }
      answer({ code: 404, msg: "not found" }, 404);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standIn;
}

/** The parts of a multipart/form-data body by field name (what the SDK's uploads send). */
function parseMultipart(raw: Buffer, boundary: string): Map<string, { value: Buffer; filename?: string }> {
  const out = new Map<string, { value: Buffer; filename?: string }>();
  const sep = Buffer.from(`--${boundary}`);
  let at = raw.indexOf(sep);
  while (at >= 0) {
    const next = raw.indexOf(sep, at + sep.length);
    if (next < 0) break;
    const part = raw.subarray(at + sep.length + 2, next - 2); // skip CRLF after the boundary, before the next
    const headEnd = part.indexOf("\r\n\r\n");
    if (headEnd >= 0) {
      const head = part.subarray(0, headEnd).toString("utf8");
      const name = /name="([^"]*)"/.exec(head)?.[1];
      const filename = /filename="([^"]*)"/.exec(head)?.[1];
      if (name) out.set(name, { value: part.subarray(headEnd + 4), ...(filename ? { filename } : {}) });
    }
    at = next;
  }
  return out;
}

/**
 * A minimal Feishu ChatSender over the real @larksuiteoapi/node-sdk client (text only), passing the
 * outbox's dedupe key as `uuid`. The delivery tests use it to stay independent of src/feishu.
 */
export function larkSender(domain: string): ChatSender {
  const client = new lark.Client({
    appId: "cli_test",
    appSecret: "secret",
    domain,
    loggerLevel: lark.LoggerLevel.error,
  });
  return {
    platform: "feishu",
    async send(recipient: string, reply: Reply, opts): Promise<SendResult> {
      try {
        const r = await client.im.message.create({
          params: { receive_id_type: "chat_id" },
          data: {
            receive_id: recipient,
            msg_type: "text",
            content: JSON.stringify({ text: reply.summary }),
            ...(opts?.dedupeKey ? { uuid: outboxUuid(opts.dedupeKey) } : {}),
          },
        });
        if (r.code === 0) return { ok: true, externalId: r.data?.message_id };
        return { ok: false, retryable: r.code === 99991400, error: `${r.code} ${r.msg}` };
      } catch (err) {
        return { ok: false, retryable: true, error: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}
