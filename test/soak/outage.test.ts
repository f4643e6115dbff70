import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { t } from "../../src/i18n/catalogue.js";
import { type Db, openDb } from "../../src/store/db.js";
import { blockText } from "../slack/harness.js";
import { type BlackholeProxy, startBlackholeProxy } from "../support/blackhole-proxy.js";
import { DEMO_NOW, demoDb } from "../support/demo.js";
import { scaled } from "./scale.js";
import { fireSlashCommands, type LoadTarget, startLoadTarget } from "./slash-load.js";

// A store outage under chat load: the service (HTTP server, Slack endpoint) on the demo book in the local
// PostgreSQL, reached through a proxy that starts dropping every packet. Slash commands fired during
// the outage are all acknowledged and all answered, with "can't reach its store" in the asker's
// language; when the store is back, the same burst is answered normally. Nothing logs an error.
// (Pool timeouts, /healthz, start-up and the drainer's log lines: test/store/outage.test.ts.)

const URL_BASE = process.env.TEST_DATABASE_URL;
const N = scaled(60, 20);
const STORE_TEXTS = [t("en", "error.store"), t("zh-CN", "error.store")];

describe.skipIf(!URL_BASE)(`${N} slash commands through a store outage (PostgreSQL)`, () => {
  let base: Db;
  let db: Db;
  let proxy: BlackholeProxy;
  let target: LoadTarget;
  beforeAll(async () => {
    base = await demoDb("postgres");
    const name = (await base.pool.query(`SELECT current_database() AS n`)).rows[0].n as string;
    const u = new URL(String(URL_BASE));
    u.pathname = `/${name}`;
    proxy = await startBlackholeProxy({ host: u.hostname, port: Number(u.port || 5432) });
    db = await openDb({ databaseUrl: proxy.through(u.toString()) }); // the default timeouts
    target = await startLoadTarget(db, DEMO_NOW);
  });
  afterAll(async () => {
    if (proxy) proxy.blackhole = false;
    proxy?.resetAll();
    await target?.close().catch(() => {});
    await proxy?.close();
    await base?.close();
  });

  it("answers every command with the store message during the outage, and normally after it", async () => {
    const before = await fireSlashCommands(target, N, { now: DEMO_NOW, giveUpMs: 120_000 });
    expect(before.unanswered).toBe(0);

    proxy.blackhole = true;
    const during = await fireSlashCommands(target, N, { now: DEMO_NOW, giveUpMs: 120_000 });
    expect(during.outcomes.filter((o) => o.status !== 200).map((o) => o.status)).toEqual([]);
    expect(during.unanswered).toBe(0);
    for (const o of during.outcomes) {
      const text = blockText(o.answer);
      expect(
        STORE_TEXTS.some((s) => text.includes(s)),
        `${o.text}: ${text}`,
      ).toBe(true);
    }

    proxy.blackhole = false;
    proxy.resetAll(); // the partition ends; connections that lost packets are gone
    await new Promise((r) => setTimeout(r, 500));
    const after = await fireSlashCommands(target, N, { now: DEMO_NOW, giveUpMs: 120_000 });
    expect(after.unanswered).toBe(0);
    for (const o of after.outcomes) expect(blockText(o.answer), o.text).not.toMatch(/went wrong|can't reach|连不上/);
    expect(target.logs.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([]);
  });
});
