import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/env.js";
import { autoLoadDemo } from "../../src/demo/auto.js";
import { createLogger } from "../../src/log.js";
import { createService } from "../../src/service.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";

// `npm start` = createService without a store handed in: it opens the configured one itself.
async function start(env: Record<string, string>) {
  const lines: string[] = [];
  const log = createLogger("info", { write: (s: string) => lines.push(s) });
  const config = parseConfig({
    TEND_DATA_DIR: "memory://",
    PORT: "0",
    TEND_SCHEDULER: "off",
    TEND_PLAYGROUND: "off",
    ...env,
  });
  const service = await createService(config, log, undefined, () => new Date("2026-11-23T09:00:00Z"));
  const accounts = await service.ctx.db.prisma.account.count();
  await service.stop();
  return { accounts, log: lines.map((l) => JSON.parse(l) as { msg: string }) };
}

// Loading the demo book takes seconds, more on a busy 2-CPU CI machine.
describe("start-up on an empty embedded store", { timeout: 180_000 }, () => {
  it("loads the demo book and says so, naming the way to start empty", async () => {
    const { accounts, log } = await start({});
    expect(accounts).toBeGreaterThanOrEqual(280);
    const line = log.find((l) => l.msg.includes("loaded demo book"));
    expect(line?.msg).toMatch(/loaded demo book for 2026-11-23: \d{3} accounts/);
    expect(line?.msg).toContain("TEND_DEMO=off");
  });

  it("starts empty with TEND_DEMO=off", async () => {
    const { accounts, log } = await start({ TEND_DEMO: "off" });
    expect(accounts).toBe(0);
    expect(log.some((l) => l.msg.includes("demo book"))).toBe(false);
  });
});

describe.each(STORE_KINDS)("auto-load leaves real data alone (%s)", (kind) => {
  it(kind === "pglite" ? "never touches a store that holds data" : "never loads into PostgreSQL", async () => {
    const db = await testDb(kind);
    try {
      if (kind === "pglite") await db.prisma.team.create({ data: { name: "Our own team" } });
      const loaded = await autoLoadDemo(testContext(db, { env: { TEND_DEMO: "on" } }));
      expect(loaded).toBe(false);
      expect(await db.prisma.account.count()).toBe(0);
      expect(await db.prisma.team.count()).toBe(kind === "pglite" ? 1 : 0);
    } finally {
      await db.close();
    }
  });
});
