import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseConfig } from "../src/config/env.js";
import { importRows } from "../src/import/run.js";
import { fileSource } from "../src/import/source.js";
import { silentLogger } from "../src/log.js";
import type { Db } from "../src/store/db.js";
import type { UsageRow } from "../src/store/repos/usage.js";
import { type BenchRow, time } from "./harness.js";
import { rawInsert } from "./store.bench.js";
import { benchStores } from "./stores.js";

// `tend import usage` on a 1M-row CSV (validated, accounts matched by external id, all-or-nothing,
// counted) vs the raw path: the same file split on commas and sent as multi-row INSERTs.
const ACCOUNTS = Number(process.env.BENCH_IMPORT_ACCOUNTS ?? 10_000);
const DAYS = Number(process.env.BENCH_IMPORT_DAYS ?? 100);

async function makeAccounts(db: Db): Promise<void> {
  const ids = Array.from({ length: ACCOUNTS }, (_, i) => `acc-${i}`);
  await db.pool.query(
    `INSERT INTO "Account" (id, "externalId", name, "updatedAt")
     SELECT id, 'CRM-' || id, 'Bench ' || id, now() FROM unnest($1::text[]) AS id`,
    [ids],
  );
}

/** The CSV a usage pipeline would export: one row per account and day, days [from, from + DAYS). */
async function writeCsv(file: string, from: number): Promise<void> {
  const lines = [
    "account_external_id,day,active_users,activated_users,seats,logins,core_features_used,core_features_total",
  ];
  for (let a = 0; a < ACCOUNTS; a++)
    for (let d = 0; d < DAYS; d++) {
      const day = new Date(Date.UTC(2026, 0, 1 + from + d)).toISOString().slice(0, 10);
      lines.push(`CRM-acc-${a},${day},${(a + d * 7) % 50},40,50,${d},3,8`);
    }
  await writeFile(file, `${lines.join("\n")}\n`);
}

/** Baseline: no validation, no quoting rules, no counting; external ids looked up in a map. */
async function rawImport(db: Db, file: string): Promise<number> {
  const { rows: accounts } = await db.pool.query<{ id: string; ext: string }>(
    `SELECT id, "externalId" AS ext FROM "Account"`,
  );
  const byExt = new Map(accounts.map((a) => [a.ext, a.id]));
  const rows: UsageRow[] = [];
  let header = true;
  for await (const line of createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity })) {
    if (header || line === "") {
      header = false;
      continue;
    }
    const f = line.split(",");
    rows.push({
      accountId: byExt.get(f[0]!)!,
      day: f[1]!,
      activeUsers: Number(f[2]),
      activatedUsers: Number(f[3]),
      seats: Number(f[4]),
      logins: Number(f[5]),
      coreFeaturesUsed: Number(f[6]),
      coreFeaturesTotal: Number(f[7]),
    });
  }
  await rawInsert(db, rows);
  return rows.length;
}

export async function run(): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  const dir = await mkdtemp(path.join(os.tmpdir(), "tend-bench-import-"));
  try {
    const file = path.join(dir, "usage.csv");
    await writeCsv(file, 0);
    const mb = (await stat(file)).size / 1e6;
    const n = ACCOUNTS * DAYS;
    for (const store of await benchStores()) {
      // Each path on a fresh store of its own, so neither pays for the other's rows in the indexes.
      const fresh = async () => {
        const db = await store.open();
        await makeAccounts(db);
        return db;
      };
      let rawRate: number;
      const rawDb = await fresh();
      try {
        const raw = await time(() => rawImport(rawDb, file));
        rawRate = raw.result / (raw.ms / 1000);
      } finally {
        await rawDb.close();
      }
      const db = await fresh();
      try {
        const ctx = { config: parseConfig({ TEND_DEMO: "off" }), log: silentLogger, db, now: () => new Date() };
        const ours = await time(async () => importRows(ctx, "usage", await fileSource(file)));
        if (!ours.result.ok || ours.result.created !== n)
          throw new Error(`import failed: ${JSON.stringify(ours.result)}`);
        const again = await time(async () => importRows(ctx, "usage", await fileSource(file)));
        if (again.result.unchanged !== n) throw new Error("re-import changed rows");
        const bench = `import usage CSV ${(n / 1e6).toLocaleString("en")}M rows (${mb.toFixed(0)} MB)`;
        const row = (figure: string, ms: number, target?: string): BenchRow => ({
          bench,
          store: store.name,
          figure,
          value: n / (ms / 1000),
          unit: "rows/s",
          baseline: { label: "raw split + multi-row INSERT", value: rawRate },
          better: "higher",
          ...(target ? { target } : {}),
        });
        out.push(row("tend import usage throughput", ours.ms, ">= 0.5x raw"));
        out.push(row("same file again (nothing changes)", again.ms));
      } finally {
        await db.close();
        await store.drop();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}
