import pg from "pg";
import { type Db, openDb, type StoreTimeouts } from "../src/store/db.js";

/** The stores a bench runs on: embedded PGlite always; PostgreSQL when BENCH_DATABASE_URL/TEST_DATABASE_URL is set. */
export async function benchStores(): Promise<
  {
    name: string;
    open: (timeouts?: StoreTimeouts) => Promise<Db>;
    drop: () => Promise<void>;
    /** PostgreSQL: the bench database's URL (a separate process, the service, can use it). */
    url?: string;
  }[]
> {
  const stores: {
    name: string;
    open: (timeouts?: StoreTimeouts) => Promise<Db>;
    drop: () => Promise<void>;
    url?: string;
  }[] = [
    {
      name: "pglite",
      open: async () => {
        const db = await openDb({ dataDir: "memory://" });
        await db.migrate();
        return db;
      },
      drop: async () => {},
    },
  ];
  const url =
    process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
  const name = `tend_bench_${process.pid}`;
  try {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.end();
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    const exec = async (sql: string) => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(sql);
      await c.end();
    };
    stores.push({
      name: "postgres",
      url: dbUrl.toString(),
      open: async (timeouts?: StoreTimeouts) => {
        await exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await exec(`CREATE DATABASE ${name}`);
        const db = await openDb({ databaseUrl: dbUrl.toString(), ...(timeouts ? { timeouts } : {}) });
        await db.migrate();
        return db;
      },
      drop: () => exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    });
  } catch {
    console.log(`(PostgreSQL at ${new URL(url).host} not reachable: PGlite only)`);
  }
  return stores;
}
