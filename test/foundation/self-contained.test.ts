import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// A user who clones Tend has nothing beside it: no code, test, script or doc may read a file outside
// the repository. This test is the check CI runs for that on every clone.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const FOLDERS = ["src", "test", "bench", "bin", "prisma", "scripts", "docs", "examples"];
const ROOT_FILES = ["README.md", "package.json", "vitest.config.ts", "vitest.soak.config.ts", "prisma.config.ts"];
const TEXT = /\.(ts|js|mjs|cjs|json|md|sh|prisma|ya?ml|toml|sql|csv)$/;
const SKIP = new Set(["node_modules", "generated", "data", ".git"]);
// Built from parts so that this file does not match itself.
const SIBLING = `..${"/"}shared`;

function files(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return TEXT.test(name) ? [path] : [];
  });
}

/** Relative paths in `text` that climb above `root` when resolved from `dir`, with their line numbers. */
function escapes(text: string, dir: string, root: string): string[] {
  const found: string[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.includes(SIBLING)) found.push(`${i + 1}: ${line.trim()}`);
    for (const m of line.matchAll(/(?<![\w.])((?:\.\.\/)+)[\w@.-]*/g)) {
      const target = resolve(dir, m[0]);
      if (target !== root && !target.startsWith(root + sep)) found.push(`${i + 1}: ${m[0]}`);
    }
    if (/["'`]\/work\//.test(line)) found.push(`${i + 1}: ${line.trim()}`);
  });
  return found;
}

describe("the repository stands alone", () => {
  it("finds a path that climbs out of the repository, and leaves one that stays inside", () => {
    const dir = join(ROOT, "test", "slack");
    const up3 = "../".repeat(3);
    expect(escapes(`new URL("${up3}shared/x.json")`, dir, ROOT)).toHaveLength(2);
    expect(escapes(`new URL("${up3}elsewhere/x.json")`, dir, ROOT)).toHaveLength(1);
    expect(escapes(`new URL("../fixtures/x.json")`, dir, ROOT)).toEqual([]);
    expect(escapes(`import { x } from "../../src/a.js";`, dir, ROOT)).toEqual([]);
  });

  it("no file under src, test, bench, bin, prisma, scripts or docs reads outside the repository", () => {
    const all = [...FOLDERS.flatMap((f) => files(join(ROOT, f))), ...ROOT_FILES.map((f) => join(ROOT, f))];
    expect(all.length).toBeGreaterThan(50);
    const bad: string[] = [];
    for (const path of all) {
      let text: string;
      try {
        text = readFileSync(path, "utf8");
      } catch {
        continue;
      }
      for (const hit of escapes(text, dirname(path), ROOT)) bad.push(`${relative(ROOT, path)}:${hit}`);
    }
    expect(bad).toEqual([]);
  });
});
