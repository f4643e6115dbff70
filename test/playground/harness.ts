import { Writable } from "node:stream";
import { parseConfig } from "../../src/config/env.js";
import { createLogger } from "../../src/log.js";
import { createService, type Service } from "../../src/service.js";
import type { Db } from "../../src/store/db.js";
import { DEMO_NOW, demoDb } from "../support/demo.js";

// The service as `npm start` runs it with no chat platform configured (so the playground part is
// on), over a copy of the demo book, with the clock at DEMO_NOW.

export interface Playground {
  service: Service;
  db: Db;
  url: string;
  /** The secret the playground printed in its log line (as a person would copy it). */
  token: string;
  /** Everything the service logged. */
  logged(): string;
  /** fetch with the playground token (header), as the page does with its cookie. */
  fetch(url: string, init?: RequestInit): Promise<Response>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export async function startPlayground(env: Record<string, string> = {}): Promise<Playground> {
  const db = await demoDb();
  const config = parseConfig({ PORT: "0", TEND_DEMO: "off", TEND_SCHEDULER: "off", ...env });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const service = await createService(config, createLogger("info", sink), db, () => DEMO_NOW);
  const { port } = await service.start();
  const url = `http://127.0.0.1:${port}`;
  const token = lines.join("").match(/Playground: open http:\/\/localhost:\d+\/\?token=([\w-]+)/)?.[1] ?? "";
  const withToken = (init: RequestInit = {}): RequestInit => ({
    ...init,
    headers: { "x-tend-token": token, ...(init.headers as Record<string, string> | undefined) },
  });
  return {
    service,
    db,
    url,
    token,
    logged: () => lines.join(""),
    fetch: (u, init) => fetch(u, withToken(init)),
    post: (path, body, headers = {}) =>
      fetch(
        `${url}${path}`,
        withToken({
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: typeof body === "string" ? body : JSON.stringify(body),
        }),
      ),
    close: () => service.stop(),
  };
}
