import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// Every query lives in src/store/: nothing above it imports Prisma or pg, or writes SQL.

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src");

/** Files whose SELECTs are SOQL sent to another system (Salesforce), not SQL to Tend's store. */
const FOREIGN_QUERY_LANGUAGE = ["sync/salesforce.ts"];

/** A Prisma call, a pg pool or client call, an import of a driver, or a SQL statement. */
const QUERY =
  /\.prisma\.|\.pool\.|client\.query\(|from "(pg|@prisma\/[^"]*|@electric-sql\/[^"]*)"|\b(SELECT|INSERT INTO|UPDATE "|DELETE FROM)\b/;
/** The same without SQL keywords: a Prisma call, a pg call or a driver import. */
const STORE_ACCESS = /\.prisma\.|\.pool\.|client\.query\(|from "(pg|@prisma\/[^"]*|@electric-sql\/[^"]*)"/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith(".ts") ? [full] : [];
  });
}

describe("layers", () => {
  it("no file above src/store queries the store", () => {
    const above = sources(SRC)
      .map((f) => path.relative(SRC, f).split(path.sep).join("/"))
      .filter((f) => !f.startsWith("store/") && !f.startsWith("generated/"));
    const querying = above
      .filter((f) =>
        (FOREIGN_QUERY_LANGUAGE.includes(f) ? STORE_ACCESS : QUERY).test(readFileSync(path.join(SRC, f), "utf8")),
      )
      .sort();
    expect(querying).toEqual([]);
  });

  it("the store imports nothing above it", () => {
    const store = sources(path.join(SRC, "store")).filter((f) =>
      /from "(\.\.\/)+(conversation|jobs|calendar|chat|sync|signals|proactive|slack|feishu|playground|import|health|cli|demo|delivery)\//.test(
        readFileSync(f, "utf8"),
      ),
    );
    expect(store).toEqual([]);
  });
});
