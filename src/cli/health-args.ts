import type { AppContext } from "../context.js";
import type { HealthConfig } from "../domain/health/config.js";
import { loadHealthConfig } from "../health/config-file.js";
import type { CliIO } from "./types.js";

// Arguments shared by the health commands (recompute, backtest): `--name value` flags, days checked,
// and the health settings file loaded, each refusal said once with the usage and exit code 2.

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `--name value` pairs; unknown flags and a flag without a value are errors. */
function flags(args: string[], known: readonly string[]): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const name = a.replace(/^--/, "");
    if (!a.startsWith("--") || !known.includes(name)) return `unknown argument "${a}"`;
    const v = args[i + 1];
    if (v === undefined || v.startsWith("--")) return `${a} needs a value`;
    out[name] = v;
    i++;
  }
  return out;
}

function checkDay(name: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!DAY.test(v) || Number.isNaN(Date.parse(v))) return `--${name} needs YYYY-MM-DD, got "${v}"`;
  return undefined;
}

/**
 * Reads a health command's flags (`known`, of which `days` are dates; `--config` is always known)
 * and its settings. Returns the exit code 2 after saying what is wrong.
 */
export async function healthArgs(
  args: string[],
  io: CliIO,
  ctx: AppContext,
  usage: string,
  known: readonly string[],
  days: readonly string[],
): Promise<{ f: Record<string, string>; config: HealthConfig } | 2> {
  const f = flags(args, [...known, "config"]);
  if (typeof f === "string") {
    io.err(`${f}\nusage: ${usage}`);
    return 2;
  }
  const bad = days.map((d) => checkDay(d, f[d])).find(Boolean);
  if (bad) {
    io.err(bad);
    return 2;
  }
  try {
    return { f, config: await loadHealthConfig(f.config ?? ctx.config.healthConfigFile) };
  } catch (err) {
    io.err(err instanceof Error ? err.message : String(err));
    return 2;
  }
}
