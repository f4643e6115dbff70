import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../log.js";

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

interface Route {
  method: string;
  path: string;
  prefix: boolean;
  handler: Handler;
}

/**
 * One HTTP server for every part (health, Slack, Feishu, ingest API, playground). Tracks in-flight
 * requests so shutdown can stop taking work and finish what it started.
 */
export class HttpApp {
  private routes: Route[] = [];
  private server: http.Server;
  private inflight = 0;
  private draining = false;
  private idle: (() => void)[] = [];

  constructor(private log: Logger) {
    this.server = http.createServer((req, res) => void this.dispatch(req, res));
    this.server.keepAliveTimeout = 5_000;
  }

  /** Exact path, or a prefix when the path ends with `*` (e.g. `/api/v1/*`). */
  route(method: string, path: string, handler: Handler) {
    const prefix = path.endsWith("*");
    this.routes.push({ method: method.toUpperCase(), path: prefix ? path.slice(0, -1) : path, prefix, handler });
    return this;
  }

  get nodeServer() {
    return this.server;
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse) {
    if (this.draining) {
      res.writeHead(503, { connection: "close", "content-type": "application/json" });
      res.end(JSON.stringify({ error: "shutting down" }));
      return;
    }
    this.inflight++;
    res.once("close", () => {
      this.inflight--;
      if (this.inflight === 0) for (const f of this.idle.splice(0)) f();
    });
    const url = new URL(req.url ?? "/", "http://localhost");
    const matches = this.routes.filter((r) => (r.prefix ? url.pathname.startsWith(r.path) : url.pathname === r.path));
    const route = matches.find((r) => r.method === req.method || (r.method === "GET" && req.method === "HEAD"));
    try {
      if (!route) {
        const status = matches.length ? 405 : 404;
        sendJson(res, status, { error: status === 404 ? "not found" : "method not allowed" });
        return;
      }
      await route.handler(req, res);
    } catch (err) {
      if (err instanceof HttpError) {
        // A refused request (4xx) is the caller's problem, not ours: worth a line, not an alarm.
        if (err.status < 500)
          this.log.warn({ path: url.pathname, status: err.status, reason: err.message }, "request refused");
        else this.log.error({ err, path: url.pathname }, "request failed");
        if (!res.headersSent) sendJson(res, err.status, { error: err.message, ...err.extra });
        else res.end();
      } else {
        this.log.error({ err, path: url.pathname }, "request failed");
        if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
        else res.end();
      }
    }
  }

  async listen(port: number, host?: string): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => resolve());
    });
    return this.server.address() as AddressInfo;
  }

  /** Stop accepting, let in-flight requests finish (bounded), then close. */
  async close(graceMs = 10_000) {
    this.draining = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    if (this.inflight > 0) {
      await Promise.race([
        new Promise<void>((r) => this.idle.push(r)),
        new Promise<void>((r) => setTimeout(r, graceMs).unref()),
      ]);
    }
    this.server.closeAllConnections();
    await closed;
  }
}

export class HttpError extends Error {
  constructor(
    public status: number,
    message: string,
    public extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(text);
}

/** Reads the raw body, refusing (413) past `limit` bytes without buffering the rest. */
export async function readBody(req: IncomingMessage, limit = 1_000_000): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw new HttpError(413, `body larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
