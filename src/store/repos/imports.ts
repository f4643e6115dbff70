// What an import reads and writes inside its one transaction: the lock that makes imports run one at a
// time, the keys existing rows are matched by, the merge of changed rows, and the audit row of what
// was written. The importer (src/import/run.ts) decides what to write; this file only speaks SQL.
import type { Db, TxClient } from "../db.js";

/** A transaction an import opens, commits or rolls back itself (a dry run always rolls back). */
export interface ImportTx {
  q: TxClient;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  release(): void;
}

/** Opens the import's transaction and takes the import lock: two imports never create the same account. */
export async function beginImport(db: Db): Promise<ImportTx> {
  const q = await db.pool.connect();
  try {
    await q.query("BEGIN");
    await q.query("SELECT pg_advisory_xact_lock(hashtext('tend-import'))");
  } catch (err) {
    await q.query("ROLLBACK").catch(() => {});
    q.release();
    throw err;
  }
  return {
    q,
    commit: async () => {
      await q.query("COMMIT");
    },
    rollback: async () => {
      await q.query("ROLLBACK");
    },
    release: () => q.release(),
  };
}

/** A point inside the import to come back to when one part's rows are refused. */
export async function savepoint(q: TxClient): Promise<void> {
  await q.query("SAVEPOINT tend_part");
}

export async function backToSavepoint(q: TxClient): Promise<void> {
  await q.query("ROLLBACK TO SAVEPOINT tend_part");
}

export async function accountKeys(q: TxClient): Promise<{ id: string; ext: string | null; name: string }[]> {
  return (
    await q.query<{ id: string; ext: string | null; name: string }>(
      `SELECT id, "externalId" AS ext, name FROM "Account"`,
    )
  ).rows;
}

export async function memberEmails(q: TxClient, only?: string[]): Promise<{ id: string; email: string }[]> {
  const { rows } = only
    ? await q.query<{ id: string; email: string }>(
        `SELECT id, lower(email) AS email FROM "Member" WHERE lower(email) = ANY($1::text[])`,
        [only],
      )
    : await q.query<{ id: string; email: string }>(`SELECT id, lower(email) AS email FROM "Member"`);
  return rows;
}

export async function teamNames(q: TxClient): Promise<{ id: string; name: string }[]> {
  return (await q.query<{ id: string; name: string }>(`SELECT id, name FROM "Team"`)).rows;
}

/**
 * The stored rows of a table by external id and natural key: `ext` and `natural` are the import
 * spec's column expressions, `where` its scope (parameters in `params`).
 */
export async function storedKeys(
  q: TxClient,
  table: string,
  ext: string,
  natural: string,
  where: string,
  params: unknown[],
): Promise<{ id: string; ext: string | null; k: string }[]> {
  const { rows } = await q.query<{ id: string; ext: string | null; k: string }>(
    `SELECT id, ${ext} AS ext, ${natural} AS k FROM "${table}" ${where}`,
    params,
  );
  return rows;
}

/**
 * Merges rows into a table: a column the file left out keeps what is stored, and only rows that
 * change are written. Returns the ids changed.
 */
export async function mergeRows(
  q: TxClient,
  table: string,
  columns: string[],
  rows: readonly object[],
  updatedAt: boolean,
): Promise<string[]> {
  const cols = columns.map((c) => `"${c}"`);
  const next = cols.map((c) => `coalesce(i.${c}, t.${c})`);
  const res = await q.query<{ id: string }>(
    `UPDATE "${table}" AS t SET ${cols.map((c, j) => `${c} = ${next[j]}`).join(", ")}${updatedAt ? `, "updatedAt" = now()` : ""}
     FROM json_populate_recordset(NULL::"${table}", $1::json) AS i
     WHERE t.id = i.id AND ROW(${cols.map((c) => `t.${c}`).join(", ")}) IS DISTINCT FROM ROW(${next.join(", ")})
     RETURNING t.id`,
    [JSON.stringify(rows)],
  );
  return res.rows.map((r) => r.id);
}

/** The audit row of one kind imported (in the import's transaction: it lands only with the rows). */
export async function recordImport(q: TxClient, surface: string, kind: string, detail: unknown): Promise<void> {
  await q.query(`INSERT INTO "AuditLog" (surface, action, detail) VALUES ($1, $2, $3)`, [
    surface,
    `import.${kind}`,
    JSON.stringify(detail),
  ]);
}
