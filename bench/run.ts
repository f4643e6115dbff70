import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type BenchRow, printTable } from "./harness.js";

// `npm run bench [name...]`: runs bench/*.bench.ts (or the named ones) and prints one table.
const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = (await readdir(here)).filter((f) => f.endsWith(".bench.ts")).sort();
const rows: BenchRow[] = [];
for (const f of files) {
  const name = f.replace(/\.bench\.ts$/, "");
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`running ${name} ...`);
  const mod = (await import(path.join(here, f))) as { run: () => Promise<BenchRow[]> };
  rows.push(...(await mod.run()));
}
console.log("");
printTable(rows);
