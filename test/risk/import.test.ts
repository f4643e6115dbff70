import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type { Db } from "../../src/store/db.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";

describe.each(STORE_KINDS)("importing risks and opportunities (%s)", (kind) => {
  let db: Db;
  let dir: string;
  const tend = async (...argv: string[]) => {
    const err: string[] = [];
    const out: string[] = [];
    const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { ctx: testContext(db) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };
  beforeAll(async () => {
    db = await testDb(kind);
    dir = await mkdtemp(path.join(os.tmpdir(), "tend-risks-"));
    await db.prisma.account.create({ data: { name: "Acme Corp", externalId: "A-1" } });
  });
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses a file with bad rows whole, each problem with its line and column", async () => {
    const f = path.join(dir, "risks.csv");
    await writeFile(
      f,
      [
        "account_external_id,kind,raised_at,resolved_at",
        "A-1,roi_gap,2026-10-01,",
        "A-1,weather,2026-10-01,",
        "A-1,detractor,2026-10-01,2026-09-01",
        "A-9,other,2026-10-01,",
      ].join("\n"),
    );
    const r = await tend("import", "risks", f);
    expect(r.code).toBe(1);
    expect(r.err).toContain("3 problems, nothing written");
    expect(r.err).toContain('line 3, column kind: "weather" is not one of');
    expect(r.err).toContain("line 4, column resolved_at: before raised_at");
    expect(r.err).toContain('line 5, column account_external_id: no account has external id "A-9"');
    expect(await db.prisma.riskFlag.count()).toBe(0);
  });

  it("imports good rows, and opportunities beside them", async () => {
    const f = path.join(dir, "ok.csv");
    await writeFile(f, "account_name,kind,raised_at,note\nAcme Corp,roi_gap,2026-10-01,CFO doubts the savings\n");
    expect((await tend("import", "risks", f)).code).toBe(0);
    expect(await db.prisma.riskFlag.findFirstOrThrow()).toMatchObject({ kind: "roi_gap", severity: "high" });
    const o = path.join(dir, "opps.csv");
    await writeFile(o, "account_name,kind,title,amount\nAcme Corp,upsell,More seats,5000\n");
    const r = await tend("import", "opportunities", o);
    expect(r.out.split("\n")[0]).toBe("1 opportunities rows imported: 1 created, 0 updated, 0 unchanged");
  });
});
