import { parseConfig } from "../../src/config/env.js";
import { silentLogger } from "../../src/log.js";
import { createService, type Service } from "../../src/service.js";
import type { Db } from "../../src/store/db.js";
import { DEMO_NOW, demoDb } from "../support/demo.js";

// The service as `npm start` runs it with no chat platform configured (so the playground door is
// on), over a copy of the demo book, with the clock at DEMO_NOW.

export interface Playground {
  service: Service;
  db: Db;
  url: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export async function startPlayground(env: Record<string, string> = {}): Promise<Playground> {
  const db = await demoDb();
  const config = parseConfig({ PORT: "0", TEND_DEMO: "off", TEND_SCHEDULER: "off", ...env });
  const service = await createService(config, silentLogger, db, () => DEMO_NOW);
  const { port } = await service.start();
  const url = `http://127.0.0.1:${port}`;
  return {
    service,
    db,
    url,
    post: (path, body, headers = {}) =>
      fetch(`${url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    close: () => service.stop(),
  };
}
