// A local stand-in for an OpenAI-compatible chat-completions server (POST /v1/chat/completions):
// each test says how it answers; every request body is kept for assertions.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ChatRequest {
  auth: string | undefined;
  path: string;
  body: {
    model: string;
    messages: { role: string; content: string }[];
    tools?: { function: { name: string } }[];
  };
}

export type Answer = (req: ChatRequest, res: ServerResponse) => void | Promise<void>;

export interface ChatStandIn {
  url: string;
  requests: ChatRequest[];
  answer: Answer;
  close(): Promise<void>;
}

/** A completion whose message calls `name` with these arguments (a string is sent as is). */
export function toolCall(args: unknown, name = "tend_command") {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    choices: [
      {
        index: 0,
        finish_reason: "tool_calls",
        message: {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_1",
              type: "function",
              function: { name, arguments: typeof args === "string" ? args : JSON.stringify(args) },
            },
          ],
        },
      },
    ],
  };
}

export function textAnswer(content: string) {
  return {
    id: "chatcmpl-2",
    object: "chat.completion",
    choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content } }],
  };
}

export const reply = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startChatStandIn(): Promise<ChatStandIn> {
  const s: ChatStandIn = {
    url: "",
    requests: [],
    answer: (_req, res) => reply(res, 500, { error: { message: "no answer set" } }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = createServer(async (req, res) => {
    const raw = await bodyOf(req);
    const r: ChatRequest = { auth: req.headers.authorization, path: req.url ?? "", body: JSON.parse(raw) };
    s.requests.push(r);
    if (req.method !== "POST" || !r.path.endsWith("/chat/completions")) return reply(res, 404, {});
    await s.answer(r, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const close = s.close;
  s.close = async () => {
    server.closeAllConnections();
    await close();
  };
  return s;
}
