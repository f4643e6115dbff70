import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { factoryWithPgliteShadow, servePglite } from "./db.js";
import { diffSchema, MIGRATIONS_DIR } from "./migrate.js";

// `npm run db:diff -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql from the
// difference between the migrations folder and schema.prisma. Needs no server: PGlite stands in.
async function main() {
  const [cmd, rawName] = process.argv.slice(2);
  if (cmd !== "diff" || !rawName) {
    console.error("usage: npm run db:diff -- <migration_name>");
    process.exit(2);
  }
  const name = rawName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
  const scratch = await PGlite.create();
  const served = await servePglite(scratch);
  try {
    const sql = await diffSchema(factoryWithPgliteShadow(new PrismaPg({ ...served.config, max: 1 })));
    if (!sql.trim()) {
      console.log("schema.prisma matches the migrations folder: nothing to write.");
      return;
    }
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "migration.sql"), sql);
    console.log(`wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
  } finally {
    await served.stop();
    await scratch.close();
  }
}

await main();
