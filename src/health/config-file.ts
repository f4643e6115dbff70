import { readFile } from "node:fs/promises";
import { describeIssues, type HealthConfig, resolveHealthConfig } from "../domain/health/config.js";
import { HEALTH_DEFAULTS } from "../domain/health/defaults.js";

// The health settings file (TEND_HEALTH_CONFIG): partial JSON over the defaults, validated.

export async function loadHealthConfig(file: string | undefined): Promise<HealthConfig> {
  if (!file) return HEALTH_DEFAULTS;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new Error(`health config ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return resolveHealthConfig(HEALTH_DEFAULTS, raw);
  } catch (err) {
    throw new Error(`health config ${file}:\n${describeIssues(err)}`);
  }
}
