import { type HealthConfig, settingsFor } from "./config.js";
import type { HealthFacts } from "./facts.js";
import { scoreHealth } from "./score.js";
import type { HealthResult } from "./types.js";

/** Scores many accounts, resolving each segment's settings (tier, industry) once. */
export function scoreAll(facts: HealthFacts[], config: HealthConfig): (HealthResult & { accountId: string })[] {
  const cache = new Map<string, ReturnType<typeof settingsFor>>();
  return facts.map((f) => {
    const key = `${f.tier}|${f.industry?.toLowerCase() ?? ""}`;
    let s = cache.get(key);
    if (!s) {
      s = settingsFor(config, f.tier, f.industry);
      cache.set(key, s);
    }
    return { accountId: f.accountId, ...scoreHealth(f, s) };
  });
}
