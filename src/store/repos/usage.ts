import type { Db } from "../db.js";

export interface UsageRow {
  accountId: string;
  day: string; // YYYY-MM-DD
  activeUsers: number;
  activatedUsers: number;
  seats: number;
  logins: number;
  coreFeaturesUsed: number;
  coreFeaturesTotal: number;
}

const BATCH = 20_000;

/**
 * The bulk path for the largest table: one INSERT ... SELECT FROM unnest(arrays) per batch, upserting
 * on (account, day). Prisma's createMany is ~20x slower here; re-sending a day replaces it.
 */
export async function upsertUsage(db: Db, rows: readonly UsageRow[]): Promise<number> {
  let written = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const cols = {
      accountId: new Array<string>(batch.length),
      day: new Array<string>(batch.length),
      activeUsers: new Array<number>(batch.length),
      activatedUsers: new Array<number>(batch.length),
      seats: new Array<number>(batch.length),
      logins: new Array<number>(batch.length),
      coreFeaturesUsed: new Array<number>(batch.length),
      coreFeaturesTotal: new Array<number>(batch.length),
    };
    batch.forEach((r, j) => {
      cols.accountId[j] = r.accountId;
      cols.day[j] = r.day;
      cols.activeUsers[j] = r.activeUsers;
      cols.activatedUsers[j] = r.activatedUsers;
      cols.seats[j] = r.seats;
      cols.logins[j] = r.logins;
      cols.coreFeaturesUsed[j] = r.coreFeaturesUsed;
      cols.coreFeaturesTotal[j] = r.coreFeaturesTotal;
    });
    const res = await db.pool.query(
      `INSERT INTO "UsageSnapshot" ("accountId","day","activeUsers","activatedUsers","seats","logins","coreFeaturesUsed","coreFeaturesTotal")
       SELECT * FROM unnest($1::text[], $2::date[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[])
       ON CONFLICT ("accountId","day") DO UPDATE SET
         "activeUsers" = EXCLUDED."activeUsers", "activatedUsers" = EXCLUDED."activatedUsers",
         "seats" = EXCLUDED."seats", "logins" = EXCLUDED."logins",
         "coreFeaturesUsed" = EXCLUDED."coreFeaturesUsed", "coreFeaturesTotal" = EXCLUDED."coreFeaturesTotal"`,
      [
        cols.accountId,
        cols.day,
        cols.activeUsers,
        cols.activatedUsers,
        cols.seats,
        cols.logins,
        cols.coreFeaturesUsed,
        cols.coreFeaturesTotal,
      ],
    );
    written += res.rowCount ?? 0;
  }
  return written;
}
