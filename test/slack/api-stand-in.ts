import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

// A local stand-in of the Slack Web API and of response_url: answers the methods Tend calls the way
// Slack does and records every call, so tests assert what a workspace would have seen.

export interface ApiCall {
  method: string;
  body: Record<string, unknown>;
}

export interface ResponsePost {
  path: string;
  body: Record<string, unknown>;
}

export type Scripted = { status: 429; retryAfterSec: number } | { error: string };

export interface SlackApiStandIn {
  /** SLACK_API_URL for the app, e.g. http://127.0.0.1:1234/api/ */
  url: string;
  /** A response_url on this stand-in (unique per call). */
  responseUrl(): string;
  calls: ApiCall[];
  responses: ResponsePost[];
  /** users.info answers: user id -> profile. */
  users: Record<string, { email: string; locale?: string; name?: string; teamId?: string }>;
  /** Answers queued per method for its next calls (FIFO); empty means success. */
  script: Record<string, Scripted[]>;
  of(method: string): ApiCall[];
  /** What apps.connections.open answers (a Socket Mode stand-in's URL). */
  socketUrl?: string;
  close(): Promise<void>;
}

const JSON_FIELDS = ["blocks", "view", "attachments"];

export async function startSlackApiStandIn(): Promise<SlackApiStandIn> {
  let ts = 0;
  let responseSeq = 0;
  const standIn: SlackApiStandIn = {
    url: "",
    responseUrl: () => `${standIn.url.replace(/\/api\/$/, "")}/response/${++responseSeq}`,
    calls: [],
    responses: [],
    users: {},
    script: {},
    of: (method) => standIn.calls.filter((c) => c.method === method),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(body));
      };
      const path = new URL(req.url ?? "/", "http://x").pathname;
      if (path.startsWith("/response/")) {
        standIn.responses.push({ path, body: JSON.parse(raw || "{}") });
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("ok");
        return;
      }
      if (!path.startsWith("/api/")) return json(404, { ok: false, error: "unknown_method" });
      const method = path.slice("/api/".length);
      // Socket Mode opens its connection with the app-level token; everything else uses the bot token.
      const token = method === "apps.connections.open" ? "xapp-test" : "xoxb-test";
      if (req.headers.authorization !== `Bearer ${token}`) return json(200, { ok: false, error: "invalid_auth" });
      const body: Record<string, unknown> = req.headers["content-type"]?.includes("json")
        ? JSON.parse(raw || "{}")
        : Object.fromEntries(new URLSearchParams(raw));
      for (const f of JSON_FIELDS) if (typeof body[f] === "string") body[f] = JSON.parse(body[f] as string);
      const next = standIn.script[method]?.shift();
      if (next && "status" in next)
        return json(429, { ok: false, error: "ratelimited" }, { "retry-after": String(next.retryAfterSec) });
      if (next) return json(200, { ok: false, error: next.error });
      standIn.calls.push({ method, body });
      switch (method) {
        case "auth.test":
          return json(200, { ok: true, user_id: "U_BOT", bot_id: "B_BOT", team_id: "T_TEND", user: "tend" });
        case "users.info": {
          const u = standIn.users[String(body.user)];
          if (!u) return json(200, { ok: false, error: "user_not_found" });
          return json(200, {
            ok: true,
            user: {
              id: body.user,
              real_name: u.name ?? u.email,
              locale: u.locale ?? "en-US",
              profile: { email: u.email, display_name: u.name ?? "" },
            },
          });
        }
        case "users.lookupByEmail": {
          const found = Object.entries(standIn.users).find(([, u]) => u.email === body.email);
          if (!found) return json(200, { ok: false, error: "users_not_found" });
          return json(200, { ok: true, user: { id: found[0], team_id: found[1].teamId ?? "T_TEND", deleted: false } });
        }
        case "chat.postMessage":
          return json(200, { ok: true, channel: body.channel, ts: `1700000000.${String(++ts).padStart(6, "0")}` });
        case "chat.postEphemeral":
          return json(200, { ok: true, message_ts: `1700000000.${String(++ts).padStart(6, "0")}` });
        case "apps.connections.open":
          return standIn.socketUrl
            ? json(200, { ok: true, url: standIn.socketUrl })
            : json(200, { ok: false, error: "socket_mode_not_set_up" });
        case "views.open":
        case "views.publish":
          return json(200, { ok: true, view: { id: `V${++ts}`, ...(body.view as object) } });
        default:
          return json(200, { ok: true });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  return standIn;
}
