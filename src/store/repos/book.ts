// The book as a whole: how much the store holds, emptying it, and bulk inserts of whole tables (the
// demo book and imports write through insertRows).
import type { Db } from "../db.js";
import type { SqlRunner } from "./usage.js";

/** The book's tables; the rest (contacts, usage, interactions, ...) cascade from accounts. */
const BOOK_TABLES = ["Team", "Member", "Account", "HealthScore", "Snooze", "NudgeState"] as const;

export interface StoreCounts {
  teams: number;
  members: number;
  accounts: number;
}

export async function bookCounts(db: Db): Promise<StoreCounts> {
  const { rows } = await db.pool.query<StoreCounts>(
    `SELECT (SELECT count(*)::int FROM "Team") AS teams, (SELECT count(*)::int FROM "Member") AS members,
            (SELECT count(*)::int FROM "Account") AS accounts`,
  );
  return rows[0]!;
}

/** Empty = no teams, members or accounts (service tables such as the outbox do not count). */
export async function storeIsEmpty(db: Db): Promise<boolean> {
  const c = await bookCounts(db);
  return c.teams + c.members + c.accounts === 0;
}

/** Deletes the book (accounts cascade to their contacts, usage, interactions, ...). */
export async function clearBook(db: Db): Promise<void> {
  await db.pool.query(`TRUNCATE ${BOOK_TABLES.map((t) => `"${t}"`).join(", ")} CASCADE`);
}

const CHUNK = 5000;

/**
 * INSERT ... SELECT FROM json_populate_recordset: one bind parameter per chunk, typed by the table's
 * own row type (enums, dates, arrays). Columns are the rows' keys; `updatedAt` (set by Prisma, no DB
 * default) is filled with now(). Imports use it too, on their transaction's client.
 */
export async function insertRows(
  db: { pool: SqlRunner },
  table: string,
  rows: readonly object[],
  updatedAt: boolean,
): Promise<void> {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]!).map((c) => `"${c}"`);
  const target = updatedAt ? [...cols, `"updatedAt"`] : cols;
  const select = updatedAt ? [...cols, "now()"] : cols;
  for (let i = 0; i < rows.length; i += CHUNK)
    await db.pool.query(
      `INSERT INTO "${table}" (${target.join(", ")}) SELECT ${select.join(", ")} FROM json_populate_recordset(NULL::"${table}", $1::json)`,
      [JSON.stringify(rows.slice(i, i + CHUNK))],
    );
}
