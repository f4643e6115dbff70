import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

// Prisma's own schema engine, in its WebAssembly build: migrations work offline and keep the
// `_prisma_migrations` bookkeeping, so `prisma migrate deploy` on a connected machine agrees with us.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const PRISMA_DIR = path.join(ROOT, "prisma");
export const MIGRATIONS_DIR = path.join(PRISMA_DIR, "migrations");
export const SCHEMA_PATH = path.join(PRISMA_DIR, "schema.prisma");

type Bg = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");
let bgPromise: Promise<Bg> | undefined;

function loadEngine(): Promise<Bg> {
  bgPromise ??= (async () => {
    // Shipped for bundlers (it imports a .wasm file), so instantiate the module by hand.
    const bgPath = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bg = (await import(pathToFileURL(bgPath).href)) as Bg;
    const bytes = await readFile(path.join(path.dirname(bgPath), "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": unrefTimers(bg) as never });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
    return bg;
  })();
  return bgPromise;
}

/**
 * The engine arms a 10 s timer (a connection timeout) that outlives its work, so a CLI process that
 * migrated would linger 10 s before exiting. Its timers must never be what keeps the process alive.
 */
function unrefTimers(bg: Bg): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...bg };
  for (const name of Object.keys(imports).filter((n) => n.startsWith("__wbg_setTimeout_"))) {
    imports[name] = (fn: () => void, ms: number) => setTimeout(fn, ms >>> 0).unref();
  }
  return imports;
}

export interface MigrationDirectory {
  path: string; // relative to baseDir: this is the name recorded in _prisma_migrations
  migrationFile: { path: string; content: { tag: "ok"; value: string } };
}

export async function readMigrations(dir = MIGRATIONS_DIR) {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const migrationDirectories: MigrationDirectory[] = [];
  for (const e of entries.filter((d) => d.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const sql = await readFile(path.join(dir, e.name, "migration.sql"), "utf8");
    migrationDirectories.push({
      path: e.name,
      migrationFile: { path: "migration.sql", content: { tag: "ok", value: sql } },
    });
  }
  const lockPath = path.join(dir, "migration_lock.toml");
  const lock = await readFile(lockPath, "utf8").catch(() => null);
  return {
    baseDir: dir,
    lockfile: { path: "migration_lock.toml", content: lock },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

async function engineFor(factory: SqlMigrationAwareDriverAdapterFactory, log: (msg: string) => void) {
  const bg = await loadEngine();
  const schema = await readFile(SCHEMA_PATH, "utf8");
  return bg.SchemaEngine.new(
    { datamodels: [[SCHEMA_PATH, schema]] },
    (line: string) => log(line),
    bindMigrationAwareSqlAdapterFactory(factory),
  );
}

const FILTERS = { externalTables: [], externalEnums: [] };

/** Applies pending migrations; returns the names applied (empty when already current). */
export async function applyMigrations(
  factory: SqlMigrationAwareDriverAdapterFactory,
  log: (msg: string) => void = () => {},
): Promise<string[]> {
  const engine = await engineFor(factory, log);
  try {
    const migrationsList = await readMigrations();
    const out = await engine.applyMigrations({ migrationsList, filters: FILTERS } as never);
    return out.appliedMigrationNames;
  } finally {
    engine.free();
  }
}

/** SQL that takes the migrations folder to the current schema.prisma (empty string: nothing to do). */
export async function diffSchema(factory: SqlMigrationAwareDriverAdapterFactory): Promise<string> {
  const engine = await engineFor(factory, () => {});
  try {
    const migrationsList = await readMigrations();
    const schema = await readFile(SCHEMA_PATH, "utf8");
    const out = await engine.diff({
      from: { tag: "migrations", ...migrationsList },
      to: { tag: "schemaDatamodel", files: [{ path: SCHEMA_PATH, content: schema }] },
      script: true,
      exitCode: null,
      filters: FILTERS,
    } as never);
    const sql = out.stdout ?? "";
    return /^\s*(--.*\n?\s*)*$/.test(sql) && !/CREATE|ALTER|DROP/i.test(sql) ? "" : sql;
  } finally {
    engine.free();
  }
}

/** Names of the migrations in the folder, in order (no file contents: this is the cheap check). */
export async function migrationNames(dir = MIGRATIONS_DIR): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort((a, b) => a.localeCompare(b));
}

/**
 * Names of migrations in the folder that the database has not applied yet: one query against
 * `_prisma_migrations`, without loading the schema engine (every CLI command runs this).
 */
export async function pendingMigrations(query: (sql: string) => Promise<{ migration_name: string }[]>) {
  const names = await migrationNames();
  const applied = await query(
    `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  ).catch(() => [] as { migration_name: string }[]);
  const done = new Set(applied.map((r) => r.migration_name));
  return names.filter((n) => !done.has(n));
}
