import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { loadProactiveConfig, PROACTIVE_DEFAULTS } from "../../src/config/proactive.js";
import { testContext, testDb } from "../support/store.js";

describe("proactive configuration", () => {
  it("overrides defaults from a JSON file and keeps the rest", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "tend-proactive-"));
    const file = path.join(dir, "proactive.json");
    await writeFile(file, JSON.stringify({ dailyCap: 2, coolDownDays: { usage_drop: 3 } }));
    const cfg = await loadProactiveConfig(file);
    expect(cfg.dailyCap).toBe(2);
    expect(cfg.coolDownDays.usage_drop).toBe(3);
    expect(cfg.coolDownDays.contact_overdue).toBe(PROACTIVE_DEFAULTS.coolDownDays.contact_overdue);
    expect(cfg.cadenceDays).toEqual(PROACTIVE_DEFAULTS.cadenceDays);
  });

  it("refuses a bad file naming the field, and tend run exits with usage", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "tend-proactive-"));
    const file = path.join(dir, "bad.json");
    await writeFile(file, JSON.stringify({ morningHour: 25 }));
    await expect(loadProactiveConfig(file)).rejects.toThrow(/morningHour/);
    const db = await testDb();
    try {
      const err: string[] = [];
      const code = await runCli(
        ["run", "nudges", "--dry-run", "--config", file],
        { out: () => {}, err: (l) => err.push(l) },
        {
          ctx: testContext(db),
        },
      );
      expect(code).toBe(2);
      expect(err.join("\n")).toContain("morningHour");
      expect(await runCli(["run", "bogus"], { out: () => {}, err: (l) => err.push(l) }, { ctx: testContext(db) })).toBe(
        2,
      );
    } finally {
      await db.close();
    }
  });
});
