// The playground: a small local web page to try Tend without Slack or Feishu. You pick who you
// are, so it only ever answers this machine: the service binds 127.0.0.1 when it is on, and every
// request is checked again here (peer address, Host against DNS rebinding, JSON-only POSTs and Origin
// against cross-site forms). A proxy on the same machine passes all of those, so every request must
// also carry a secret made at start-up and printed with the URL in the log (as Jupyter does): in the
// URL's ?token= the first time, then in a cookie (or the X-Tend-Token header, for scripts).
import { randomBytes, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { z } from "zod";
import { loadProactiveConfig } from "../config/proactive.js";
import type { AppContext } from "../context.js";
import { type HttpApp, HttpError, readBody, sendJson } from "../http/server.js";
import type { MountPart, ServicePart } from "../service-part.js";
import { ActionBody, action, CommandBody, command, FormBody, form, HomeBody, home, members, morning } from "./api.js";

const STATIC = new URL("./static/", import.meta.url);
const FILES = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/playground/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/playground/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
} as const;

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);
const isLoopbackPeer = (addr: string | undefined) =>
  addr !== undefined && (addr === "::1" || addr.startsWith("127.") || addr.startsWith("::ffff:127."));
const hostnameOf = (value: string | undefined) => {
  if (!value) return undefined;
  try {
    return new URL(value.includes("://") ? value : `http://${value}`).hostname;
  } catch {
    return undefined;
  }
};

const COOKIE = "tend_playground";

function tokenOf(req: IncomingMessage): { token: string | undefined; fromUrl: boolean } {
  const header = req.headers["x-tend-token"];
  if (typeof header === "string" && header) return { token: header, fromUrl: false };
  const cookie = String(req.headers.cookie ?? "")
    .split(";")
    .map((c) => c.trim().split("="))
    .find(([k]) => k === COOKIE)?.[1];
  if (cookie) return { token: decodeURIComponent(cookie), fromUrl: false };
  const q = new URL(req.url ?? "/", "http://localhost").searchParams.get("token");
  return { token: q ?? undefined, fromUrl: q !== null };
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Refuses anything that did not come from a page on this machine. */
function admit(req: IncomingMessage) {
  if (!isLoopbackPeer(req.socket.remoteAddress))
    throw new HttpError(403, "the playground answers only this machine (127.0.0.1)");
  const host = hostnameOf(req.headers.host);
  if (!host || !LOOPBACK_HOSTS.has(host))
    throw new HttpError(403, "open the playground as http://localhost:<port>/ or http://127.0.0.1:<port>/");
  if (req.method === "POST") {
    const origin = req.headers.origin;
    if (origin && !LOOPBACK_HOSTS.has(hostnameOf(origin) ?? "")) throw new HttpError(403, "cross-site request refused");
    if (!String(req.headers["content-type"] ?? "").startsWith("application/json"))
      throw new HttpError(415, "send JSON (content-type: application/json)");
  }
}

async function jsonBody<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.infer<S>> {
  const raw = await readBody(req, 64 * 1024);
  let value: unknown;
  try {
    value = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new HttpError(400, "the body is not valid JSON");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new HttpError(400, "invalid request", {
      problems: parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`),
    });
  return parsed.data;
}

export const mountPlayground: MountPart = async (ctx, http) => {
  if (!ctx.config.playground) return undefined;
  return mountPlaygroundWith(ctx, http);
};

export async function mountPlaygroundWith(ctx: AppContext, http: HttpApp): Promise<ServicePart> {
  const config = await loadProactiveConfig(ctx.config.proactiveConfigFile);
  // A new secret each start: whoever can read the log (the person who started Tend) gets in.
  const secret = randomBytes(24).toString("base64url");
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const [path, f] of Object.entries(FILES))
    files.set(path, { body: await readFile(new URL(f.file, STATIC)), type: f.type });

  const guarded =
    (fn: (req: IncomingMessage, res: ServerResponse) => Promise<void>) =>
    async (req: IncomingMessage, res: ServerResponse) => {
      admit(req);
      const { token, fromUrl } = tokenOf(req);
      if (!token) throw new HttpError(401, "the playground needs its token: open the address printed in Tend's log");
      if (!same(token, secret)) throw new HttpError(403, "wrong playground token (it changes at every start)");
      if (fromUrl && req.method === "GET") {
        // Swap the token in the address for a cookie, and drop it from the address bar.
        res.writeHead(303, {
          location: new URL(req.url ?? "/", "http://localhost").pathname,
          "set-cookie": `${COOKIE}=${encodeURIComponent(secret)}; HttpOnly; SameSite=Strict; Path=/`,
          ...SECURITY_HEADERS,
        });
        res.end();
        return;
      }
      await fn(req, res);
    };
  const json = (res: ServerResponse, status: number, body: unknown) => sendJson(res, status, body, SECURITY_HEADERS);

  for (const [path, f] of files)
    http.route(
      "GET",
      path,
      guarded(async (_req, res) => {
        res.writeHead(200, { "content-type": f.type, ...SECURITY_HEADERS });
        res.end(f.body);
      }),
    );

  http.route(
    "GET",
    "/playground/api/members",
    guarded(async (_req, res) => json(res, 200, await members(ctx))),
  );
  http.route(
    "POST",
    "/playground/api/home",
    guarded(async (req, res) => json(res, 200, await home(ctx, await jsonBody(req, HomeBody)))),
  );
  http.route(
    "POST",
    "/playground/api/command",
    guarded(async (req, res) => json(res, 200, await command(ctx, await jsonBody(req, CommandBody)))),
  );
  http.route(
    "POST",
    "/playground/api/action",
    guarded(async (req, res) => json(res, 200, await action(ctx, await jsonBody(req, ActionBody)))),
  );
  http.route(
    "POST",
    "/playground/api/form",
    guarded(async (req, res) => json(res, 200, await form(ctx, await jsonBody(req, FormBody)))),
  );
  http.route(
    "GET",
    "/playground/api/morning",
    guarded(async (req, res) => {
      const who = new URL(req.url ?? "/", "http://localhost").searchParams.get("member") ?? "";
      const preview = who ? await morning(ctx, config, who) : undefined;
      if (!preview) throw new HttpError(404, "no active member with that email");
      json(res, 200, preview);
    }),
  );

  return {
    name: "playground",
    async start() {
      const addr = http.nodeServer.address() as AddressInfo | null;
      if (!addr) return;
      const local = isLoopbackPeer(addr.address);
      const url = `http://localhost:${addr.port}/?token=${secret}`;
      ctx.log.info(
        { url, host: addr.address },
        local
          ? `Playground: open ${url} to chat with Tend in the browser (bound to ${addr.address} only: reachable from this machine alone)`
          : `Playground: open ${url} on this machine (the server listens on ${addr.address}, but the playground answers only requests from this machine)`,
      );
    },
  };
}
