import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/env.js";
import { createLogger, prettyLines } from "../../src/log.js";
import { createService, type Service } from "../../src/service.js";
import { testDb } from "../support/store.js";

describe("the HTTP service", () => {
  let service: Service | undefined;
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });

  it("serves /healthz with the store reachable and migrations current", async () => {
    const db = await testDb();
    const config = parseConfig({ PORT: "0", TEND_DEMO: "off", TEND_SCHEDULER: "off", TEND_PLAYGROUND: "off" });
    service = await createService(config, createLogger("silent"), db);
    const { port } = await service.start();
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "ok",
      store: { kind: "pglite", reachable: true, migrationsCurrent: true, pending: [] },
    });
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
  });

  it("reports degraded (503) when the store is gone", async () => {
    const db = await testDb();
    const config = parseConfig({ PORT: "0", TEND_DEMO: "off", TEND_SCHEDULER: "off", TEND_PLAYGROUND: "off" });
    const svc = await createService(config, createLogger("silent"), db);
    const { port } = await svc.start();
    await db.pool.end();
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "degraded", store: { reachable: false } });
    await svc.http.close();
  });

  it("keeps secrets out of the log", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger("info", sink);
    const config = parseConfig({ SLACK_BOT_TOKEN: "xoxb-secret-token", SLACK_SIGNING_SECRET: "shh-signing" });
    log.info({ config }, "starting");
    expect(lines.join("")).not.toMatch(/xoxb-secret-token|shh-signing/);
    expect(lines.join("")).toMatch(/\[redacted\]/);
  });

  it("prints readable lines for a person at a terminal, still without secrets", () => {
    const lines: string[] = [];
    const log = createLogger("info", prettyLines({ write: (s: string) => lines.push(s) }));
    const config = parseConfig({ SLACK_BOT_TOKEN: "xoxb-secret-token", SLACK_SIGNING_SECRET: "shh-signing" });
    log.info({ port: 3000, config }, "Tend is listening");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d INFO Tend is listening {2}port=3000 /);
    expect(lines[0]).not.toMatch(/xoxb-secret-token|shh-signing/);
  });
});
