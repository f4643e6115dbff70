import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { resolveHealthConfig, settingsFor } from "../../src/domain/health/config.js";
import { HEALTH_DEFAULTS } from "../../src/domain/health/defaults.js";

// docs/health.md must stay true: its example settings file is accepted and does what the page says.
describe("docs/health.md", () => {
  it("the example settings file validates and applies per tier and industry", async () => {
    const page = await readFile(new URL("../../docs/health.md", import.meta.url), "utf8");
    const json = page.match(/```json\n([\s\S]*?)```/)?.[1];
    expect(json).toBeDefined();
    const config = resolveHealthConfig(HEALTH_DEFAULTS, JSON.parse(json!));
    expect(settingsFor(config, "key", null).bands).toEqual({ green: 80, yellow: 55 });
    expect(settingsFor(config, "strategic", null).relationship.cadenceDays).toBe(10);
    const retail = settingsFor(config, "standard", "retail");
    expect(retail.activity.frequency).toBe("weekly");
    expect(retail.onboarding.activationTargets).toEqual([
      { day: 45, target: 0.4 },
      { day: 90, target: 0.7 },
    ]);
    // The page's default table: bands 76 / 51, cadence 14 / 30 / 60 / 120 by tier.
    expect(settingsFor(HEALTH_DEFAULTS, "key", null).bands).toEqual({ green: 76, yellow: 51 });
    expect(
      (["strategic", "key", "standard", "long_tail"] as const).map(
        (t) => settingsFor(HEALTH_DEFAULTS, t, null).relationship.cadenceDays,
      ),
    ).toEqual([14, 30, 60, 120]);
  });
});
