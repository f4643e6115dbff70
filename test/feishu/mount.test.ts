import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/env.js";
import { mountFeishuWith } from "../../src/feishu/mount.js";
import { HttpApp } from "../../src/http/server.js";
import { silentLogger } from "../../src/log.js";
import { createService } from "../../src/service.js";
import type { Db } from "../../src/store/db.js";
import { testDb } from "../support/store.js";
import { cardText, type FeishuHarness, OPEN_IDS, startFeishuHarness } from "./harness.js";
import { envelope, textMessage } from "./push.js";

// The Feishu endpoint as the service mounts it, and HTTP mode without an encrypt key (plain pushes,
// verification token only).

describe("the Feishu endpoint", () => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb();
  });
  afterAll(() => db.close());

  it("is mounted by the service when Feishu is configured, and listed by /healthz", async () => {
    const config = parseConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      TEND_DEMO: "off",
      TEND_SCHEDULER: "off",
      FEISHU_APP_ID: "cli_x",
      FEISHU_APP_SECRET: "s",
      FEISHU_ENCRYPT_KEY: "k",
      FEISHU_VERIFICATION_TOKEN: "t",
    });
    const service = await createService(config, silentLogger, db);
    const { port } = await service.start();
    try {
      const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { parts: string[] };
      expect(health.parts).toContain("feishu");
      const unsigned = await fetch(`http://127.0.0.1:${port}/feishu/events`, { method: "POST", body: "{}" });
      expect(unsigned.status).toBe(401);
    } finally {
      await service.http.close();
    }
  });

  it("refuses to start HTTP mode with nothing to verify pushes by", async () => {
    const config = parseConfig({ TEND_DEMO: "off", FEISHU_APP_ID: "cli_x", FEISHU_APP_SECRET: "s" });
    await expect(
      mountFeishuWith({ config, log: silentLogger, db, now: () => new Date() }, new HttpApp(silentLogger)),
    ).rejects.toThrow(/FEISHU_ENCRYPT_KEY|FEISHU_VERIFICATION_TOKEN/);
  });
});

describe("Feishu HTTP mode with a verification token only", () => {
  let h: FeishuHarness;
  beforeAll(async () => {
    h = await startFeishuHarness("pglite", { env: { FEISHU_ENCRYPT_KEY: "" } });
  });
  afterAll(() => h.close());

  it("takes plain pushes carrying the right token and refuses others", async () => {
    const ok = await h.push(envelope("im.message.receive_v1", textMessage(OPEN_IDS.cara, "globex")), {
      encrypt: false,
    });
    expect(ok.status).toBe(200);
    expect(cardText(h.api.accepted[0]?.card)).toContain("Globex Corporation");
    const before = await h.processed();
    const wrong = await h.push(
      envelope("im.message.receive_v1", textMessage(OPEN_IDS.cara, "globex"), { token: "guess" }),
      { encrypt: false },
    );
    expect(wrong.status).toBe(401);
    expect(await h.processed()).toBe(before);
    expect(h.api.accepted).toHaveLength(1);
  });

  it("answers 400 to a body that is not JSON", async () => {
    const res = await fetch(h.url, {
      method: "POST",
      body: "not json",
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
  });
});
