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
  /**
   * Files of the external upload flow: files.getUploadURLExternal hands out an id and an upload URL
   * on this stand-in; the bytes POSTed there are kept; files.completeUploadExternal shares them.
   */
  files: Map<string, UploadedFile>;
  /** How many of the next POSTs to an upload URL fail (HTTP 500) before the bytes are kept. */
  failUploads: number;
  close(): Promise<void>;
}

export interface UploadedFile {
  id: string;
  filename: string;
  length: number;
  altText?: string;
  /** The bytes received at the upload URL (undefined until then). */
  bytes?: Buffer;
  /** Set by files.completeUploadExternal. */
  title?: string;
  shares: { channel: string; threadTs?: string }[];
  /** How many times bytes were POSTed to its URL. */
  uploads: number;
}

const JSON_FIELDS = ["blocks", "view", "attachments", "files"];

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
    files: new Map(),
    failUploads: 0,
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
      const rawBytes = Buffer.concat(chunks);
      const raw = rawBytes.toString("utf8");
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
      const upload = /^\/upload\/(F\w+)$/.exec(path);
      if (upload && req.method === "POST") {
        const f = standIn.files.get(upload[1] as string);
        res.writeHead(f ? (standIn.failUploads > 0 ? 500 : 200) : 404, { "content-type": "text/plain" });
        if (f && standIn.failUploads > 0) standIn.failUploads--;
        else if (f) {
          f.bytes = rawBytes;
          f.uploads++;
        }
        res.end(f ? "OK - 1" : "not found");
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
        case "files.getUploadURLExternal": {
          const id = `F${String(standIn.files.size + 1).padStart(6, "0")}`;
          standIn.files.set(id, {
            id,
            filename: String(body.filename),
            length: Number(body.length),
            ...(body.alt_txt || body.alt_text ? { altText: String(body.alt_txt ?? body.alt_text) } : {}),
            shares: [],
            uploads: 0,
          });
          return json(200, {
            ok: true,
            file_id: id,
            upload_url: `${standIn.url.replace(/\/api\/$/, "")}/upload/${id}`,
          });
        }
        case "files.completeUploadExternal": {
          const list = (body.files as { id: string; title?: string }[] | undefined) ?? [];
          const files = list.map((x) => standIn.files.get(x.id));
          // Like Slack: every file must exist and have its bytes.
          if (files.some((f) => !f?.bytes)) return json(200, { ok: false, error: "file_not_found" });
          for (const [i, f] of files.entries()) {
            if (!f) continue;
            const title = list[i]?.title;
            if (title) f.title = title;
            if (body.channel_id)
              f.shares.push({
                channel: String(body.channel_id),
                ...(body.thread_ts ? { threadTs: String(body.thread_ts) } : {}),
              });
          }
          return json(200, { ok: true, files: files.map((f) => ({ id: f?.id, title: f?.title ?? f?.filename })) });
        }
        case "files.info": {
          const f = standIn.files.get(String(body.file));
          if (!f) return json(200, { ok: false, error: "file_not_found" });
          const byChannel: Record<string, { ts: string; thread_ts?: string }[]> = {};
          for (const sh of f.shares) {
            const list = byChannel[sh.channel] ?? [];
            list.push({ ts: sh.threadTs ?? "", ...(sh.threadTs ? { thread_ts: sh.threadTs } : {}) });
            byChannel[sh.channel] = list;
          }
          return json(200, { ok: true, file: { id: f.id, name: f.filename, shares: { private: byChannel } } });
        }
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
