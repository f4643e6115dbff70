import type { Db } from "../src/store/db.js";
import { type UsageRow, upsertUsage } from "../src/store/repos/usage.js";
import { type BenchRow, time } from "./harness.js";
import { benchStores } from "./stores.js";

// Bulk-loading usage snapshots through the project's path vs a raw multi-row INSERT on the same store.
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 10_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 90);

async function makeAccounts(db: Db, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `bench-${i}`);
  await db.pool.query(
    `INSERT INTO "Account" (id, name, "updatedAt") SELECT id, 'Bench ' || id, now() FROM unnest($1::text[]) AS id`,
    [ids],
  );
  return ids;
}

function rowsFor(ids: string[], startDay: number): UsageRow[] {
  const rows: UsageRow[] = [];
  for (const id of ids)
    for (let d = 0; d < DAYS; d++)
      rows.push({
        accountId: id,
        day: new Date(Date.UTC(2026, 0, 1 + startDay + d)).toISOString().slice(0, 10),
        activeUsers: (d * 7) % 50,
        activatedUsers: 40,
        seats: 50,
        logins: d,
        coreFeaturesUsed: 3,
        coreFeaturesTotal: 8,
      });
  return rows;
}

/** Raw baseline: multi-row INSERT ... VALUES with bound parameters, 1000 rows a statement. */
export async function rawInsert(db: Db, rows: UsageRow[]) {
  const per = 1000;
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const params: unknown[] = [];
    const values = chunk.map((r, j) => {
      params.push(
        r.accountId,
        r.day,
        r.activeUsers,
        r.activatedUsers,
        r.seats,
        r.logins,
        r.coreFeaturesUsed,
        r.coreFeaturesTotal,
      );
      const b = j * 8;
      return `($${b + 1},$${b + 2}::date,$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7},$${b + 8})`;
    });
    await db.pool.query(
      `INSERT INTO "UsageSnapshot" ("accountId","day","activeUsers","activatedUsers","seats","logins","coreFeaturesUsed","coreFeaturesTotal") VALUES ${values.join(",")}`,
      params,
    );
  }
}

export async function run(): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  for (const store of await benchStores()) {
    const db = await store.open();
    try {
      const ids = await makeAccounts(db, ACCOUNTS);
      const raw = rowsFor(ids, 0);
      const ours = rowsFor(ids, DAYS); // other days, so both paths insert into a table of the same size
      const r = await time(() => rawInsert(db, raw));
      const o = await time(() => upsertUsage(db, ours));
      const rawRate = raw.length / (r.ms / 1000);
      const ourRate = ours.length / (o.ms / 1000);
      out.push({
        bench: `usage bulk load ${ACCOUNTS}x${DAYS}`,
        store: store.name,
        figure: "upsertUsage throughput",
        value: ourRate,
        unit: "rows/s",
        baseline: { label: "raw multi-row INSERT", value: rawRate },
        better: "higher",
        target: ">= 0.5x raw",
      });
    } finally {
      await db.close();
      await store.drop();
    }
  }
  return out;
}
