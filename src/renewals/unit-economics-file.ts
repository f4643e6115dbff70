import { readFile } from "node:fs/promises";
import { z } from "zod";
import { resolveUnitEconomics, UNIT_ECONOMICS_DEFAULTS, type UnitEconomics } from "../domain/unit-economics.js";

// The unit-economics settings file (TEND_UNIT_ECONOMICS): partial JSON over the defaults, validated.
// A bad file is an error naming the file and each bad field, never a silent default.

export async function loadUnitEconomics(file: string | undefined): Promise<UnitEconomics> {
  if (!file) return UNIT_ECONOMICS_DEFAULTS;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new Error(`unit economics ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return resolveUnitEconomics(raw);
  } catch (err) {
    const issues =
      err instanceof z.ZodError
        ? err.issues.map((i) => `  ${i.path.join(".") || "(file)"}: ${i.message}`).join("\n")
        : String(err);
    throw new Error(`unit economics ${file}:\n${issues}`);
  }
}
