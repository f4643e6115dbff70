import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import * as lark from "@larksuiteoapi/node-sdk";
import type { ChatSender, SendResult } from "../../src/delivery/types.js";
import type { Reply } from "../../src/reply/model.js";

// A local stand-in of Feishu's open API (tenant token + im/v1/messages create) that, like Feishu,
// drops a message create whose `uuid` it has already accepted (within the hour).

export interface FeishuStandIn {
  url: string;
  accepted: { chatId: string; text: string; uuid?: string; messageId: string }[];
  close(): Promise<void>;
}

export async function startFeishuStandIn(): Promise<FeishuStandIn> {
  const byUuid = new Map<string, string>();
  let seq = 0;
  const standIn: FeishuStandIn = { url: "", accepted: [], close: () => new Promise((r) => server.close(() => r())) };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
      const url = new URL(req.url ?? "/", "http://x");
      res.setHeader("content-type", "application/json");
      if (url.pathname === "/open-apis/auth/v3/tenant_access_token/internal") {
        res.end(JSON.stringify({ code: 0, msg: "ok", tenant_access_token: "t-test", expire: 7200 }));
        return;
      }
      if (url.pathname === "/open-apis/im/v1/messages" && req.method === "POST") {
        const known = body.uuid ? byUuid.get(body.uuid) : undefined;
        if (known) {
          res.end(JSON.stringify({ code: 0, msg: "success", data: { message_id: known } }));
          return;
        }
        const messageId = `om_${++seq}`;
        if (body.uuid) byUuid.set(body.uuid, messageId);
        standIn.accepted.push({
          chatId: body.receive_id,
          text: JSON.parse(body.content).text,
          uuid: body.uuid,
          messageId,
        });
        res.end(JSON.stringify({ code: 0, msg: "success", data: { message_id: messageId } }));
        return;
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ code: 404, msg: "not found" }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standIn;
}

/**
 * A minimal Feishu ChatSender over the real @larksuiteoapi/node-sdk client (text only), passing the
 * outbox's dedupe key as `uuid`. Used until src/feishu/sender.ts is available to these tests.
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
            uuid: opts?.dedupeKey?.slice(0, 50),
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
