import { rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { openDb, pgliteOf } from "../../src/store/db.js";

// initdb + migrations cost seconds on PGlite: do them once per run and hand every test file a copy.
export default async function setup(project: TestProject) {
  const db = await openDb({ dataDir: "memory://" });
  await db.migrate();
  const dump = await pgliteOf(db)!.dumpDataDir("none");
  const file = path.join(os.tmpdir(), `tend-template-${process.pid}.tar`);
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  await db.close();
  project.provide("pgliteTemplate", file);
  // The demo book's template is built on first use by test/support/demo.ts (most runs need none).
  const demo = path.join(os.tmpdir(), `tend-demo-template-${process.pid}.tar`);
  project.provide("demoTemplate", demo);
  return async () => {
    await rm(demo, { force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string;
    demoTemplate: string;
  }
}
