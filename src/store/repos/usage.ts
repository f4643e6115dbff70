import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
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

/** Whatever runs SQL: the pool, or one checked-out client inside a transaction (imports). */
export type SqlRunner = Pick<pg.ClientBase, "query">;

export interface UsageWrite {
  created: number;
  /** Rows whose values changed. */
  updated: number;
  /** Rows already stored with the same values: not rewritten. */
  unchanged: number;
}

const BATCH = 20_000;

/**
 * The bulk path for the largest table: one INSERT ... SELECT FROM unnest(arrays) per batch, upserting
 * on (account, day). Prisma's createMany is ~20x slower here; re-sending a day replaces it.
 * Returns the rows written (created or changed). A batch must not name the same account and day twice.
 */
export async function upsertUsage(db: Db | { pool: SqlRunner }, rows: readonly UsageRow[]): Promise<number> {
  const w = await writeUsage(db.pool, rows);
  return w.created + w.updated;
}

/** upsertUsage on a given runner, counting what changed; identical rows are left untouched. */
export async function writeUsage(q: SqlRunner, rows: readonly UsageRow[]): Promise<UsageWrite> {
  const out: UsageWrite = { created: 0, updated: 0, unchanged: 0 };
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
    // xmax = 0 tells a freshly inserted row from an updated one; the WHERE skips identical rows.
    const res = await q.query<{ created: number; written: number }>(
      `WITH w AS (
         INSERT INTO "UsageSnapshot" AS u ("accountId","day","activeUsers","activatedUsers","seats","logins","coreFeaturesUsed","coreFeaturesTotal")
         SELECT * FROM unnest($1::text[], $2::date[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[])
         ON CONFLICT ("accountId","day") DO UPDATE SET
           "activeUsers" = EXCLUDED."activeUsers", "activatedUsers" = EXCLUDED."activatedUsers",
           "seats" = EXCLUDED."seats", "logins" = EXCLUDED."logins",
           "coreFeaturesUsed" = EXCLUDED."coreFeaturesUsed", "coreFeaturesTotal" = EXCLUDED."coreFeaturesTotal"
         WHERE (u."activeUsers", u."activatedUsers", u."seats", u."logins", u."coreFeaturesUsed", u."coreFeaturesTotal")
           IS DISTINCT FROM (EXCLUDED."activeUsers", EXCLUDED."activatedUsers", EXCLUDED."seats", EXCLUDED."logins",
                             EXCLUDED."coreFeaturesUsed", EXCLUDED."coreFeaturesTotal")
         RETURNING (u.xmax = 0) AS created)
       SELECT (count(*) FILTER (WHERE created))::int AS created, count(*)::int AS written FROM w`,
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
    const { created, written } = res.rows[0]!;
    out.created += created;
    out.updated += written - created;
    out.unchanged += batch.length - written;
  }
  return out;
}

/** COPY's text format: backslash, tab, newline and carriage return escaped. */
const copyText = (s: string) =>
  /[\\\t\n\r]/.test(s) ? s.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r") : s;

/** Rows as COPY text lines, in chunks of about 1 MB (the stream's unit of back-pressure). */
function* copyChunks(rows: Iterable<UsageRow>): Generator<string> {
  let buf = "";
  for (const r of rows) {
    buf += `${copyText(r.accountId)}\t${r.day}\t${r.activeUsers}\t${r.activatedUsers}\t${r.seats}\t${r.logins}\t${r.coreFeaturesUsed}\t${r.coreFeaturesTotal}\n`;
    if (buf.length >= 1 << 20) {
      yield buf;
      buf = "";
    }
  }
  if (buf) yield buf;
}

/** Streams `rows` into `table` with COPY FROM STDIN on one PostgreSQL connection; returns rows copied. */
export async function copyRows(client: pg.PoolClient | pg.Client, table: string, rows: Iterable<UsageRow>) {
  const stream = client.query(
    copyFrom(
      `COPY ${table} ("accountId","day","activeUsers","activatedUsers","seats","logins","coreFeaturesUsed","coreFeaturesTotal") FROM STDIN`,
    ),
  );
  await pipeline(Readable.from(copyChunks(rows), { objectMode: false }), stream);
  return stream.rowCount;
}

/**
 * The PostgreSQL bulk path (imports, first loads): COPY straight into the table, inside the caller's
 * transaction under a savepoint. Days already stored make COPY fail on the primary key; the
 * savepoint then undoes the copy and the rows go through writeUsage's upsert, which counts what
 * changed. So a first load runs at COPY speed and a re-sent day still replaces the stored one.
 * `copied` false: the rows went through the upsert (callers may skip COPY for the rest of a file).
 */
export async function copyUsage(
  client: pg.PoolClient,
  rows: readonly UsageRow[],
): Promise<UsageWrite & { copied: boolean }> {
  await client.query("SAVEPOINT tend_usage_copy");
  try {
    const n = await copyRows(client, `"UsageSnapshot"`, rows);
    await client.query("RELEASE SAVEPOINT tend_usage_copy");
    return { created: n ?? rows.length, updated: 0, unchanged: 0, copied: true };
  } catch (err) {
    await client.query("ROLLBACK TO SAVEPOINT tend_usage_copy");
    if ((err as { code?: string }).code !== "23505") throw err;
    return { ...(await writeUsage(client, rows)), copied: false };
  }
}
