import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { handleCommand } from "../../src/conversation/index.js";
import { renderText } from "../../src/reply/render-text.js";
import type { Db } from "../../src/store/db.js";
import { stripData } from "../../src/text/user-data.js";
import { STORE_KINDS, testContext, testDb } from "../support/store.js";

describe.each(STORE_KINDS)("importing opportunities, higher-plan requests and calls (%s)", (kind) => {
  let db: Db;
  let dir: string;
  const ctx = () => testContext(db, { now: new Date("2026-11-23T09:00:00Z") });
  const tend = async (...argv: string[]) => {
    const err: string[] = [];
    const out: string[] = [];
    const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { ctx: ctx() });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };
  beforeAll(async () => {
    db = await testDb(kind);
    dir = await mkdtemp(path.join(os.tmpdir(), "tend-renewals-"));
    const team = await db.prisma.team.create({ data: { name: "East" } });
    await db.prisma.member.create({
      data: { email: "max@tend.test", name: "Max", role: "manager", teamId: team.id },
    });
    await db.prisma.member.create({ data: { email: "cara@tend.test", name: "Cara", role: "csm", teamId: team.id } });
    await db.prisma.account.create({
      data: {
        name: "Acme Corp",
        externalId: "A-1",
        teamId: team.id,
        arr: "100000",
        currency: "EUR",
        renewalDate: new Date("2026-12-15T00:00:00Z"),
      },
    });
  });
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("takes an opportunity's currency, stage and expected close", async () => {
    const f = path.join(dir, "opportunities.csv");
    await writeFile(
      f,
      [
        "account_external_id,external_id,kind,title,amount,currency,stage,expected_close",
        "A-1,OPP-1,upsell,50 more seats,20000,EUR,Proposal,2026-12-01",
        "A-1,OPP-2,services,Onboarding package,5000,,Qualify,",
      ].join("\n"),
    );
    const r = await tend("import", "opportunities", f);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const o = await db.prisma.opportunity.findUniqueOrThrow({ where: { externalId: "OPP-1" } });
    expect(o).toMatchObject({ kind: "upsell", currency: "EUR", stage: "Proposal" });
    expect(o.expectedClose?.toISOString().slice(0, 10)).toBe("2026-12-01");
    const out = stripData(
      renderText(
        await handleCommand(ctx(), { identity: { surface: "cli", email: "max@tend.test" }, text: "expansion" }),
      ),
    );
    expect(out).toContain("Acme Corp - upsell: 50 more seats, €20,000");
    expect(out).toContain("stage Proposal · expected Dec 1, 2026");
    expect(out).toContain("Acme Corp - services: Onboarding package, €5,000");
  });

  it("marks feedback that asks for a higher plan's feature", async () => {
    const f = path.join(dir, "feedback.csv");
    await writeFile(
      f,
      "account_external_id,title,raised_at,higher_plan\nA-1,SSO with SAML,2026-11-01,yes\nA-1,Dark mode,2026-11-02,\n",
    );
    expect((await tend("import", "feedback", f)).code).toBe(0);
    expect(await db.prisma.feedback.count({ where: { higherPlan: true } })).toBe(1);
    expect(await db.prisma.feedback.count({ where: { higherPlan: false } })).toBe(1);
  });

  it("imports calls as history, the same file twice changing nothing; bad calls are refused with their line", async () => {
    const bad = path.join(dir, "bad.csv");
    await writeFile(
      bad,
      "account_external_id,due_date,call,called_at\nA-1,2026-12-15,maybe,2026-11-01\nA-1,2026-12-15,commit,\n",
    );
    const b = await tend("import", "calls", bad);
    expect(b.code).toBe(1);
    expect(b.err).toContain('line 2, column call: "maybe" is not one of commit, likely, at_risk, lost');
    expect(b.err).toContain("line 3, column called_at");
    expect(await db.prisma.renewalCall.count()).toBe(0);

    const f = path.join(dir, "calls.csv");
    await writeFile(
      f,
      [
        "account_external_id,due_date,call,called_at,member_email,note",
        "A-1,2026-12-15,likely,2026-10-01,cara@tend.test,budget pending",
        "A-1,2026-12-15,At-Risk,2026-11-20,cara@tend.test,CFO left",
      ].join("\n"),
    );
    const r = await tend("import", "calls", f);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[0]).toBe("2 calls rows imported: 2 created, 0 updated, 0 unchanged");
    const again = await tend("import", "calls", f);
    expect(again.out.split("\n")[0]).toBe(
      "2 calls rows read: nothing changed, the store already holds them (2 unchanged)",
    );
    const rows = await db.prisma.renewalCall.findMany({ orderBy: { calledAt: "asc" } });
    expect(rows.map((x) => [x.call, x.source, x.note])).toEqual([
      ["likely", "import", "budget pending"],
      ["at_risk", "import", "CFO left"],
    ]);
    // The latest imported call is the CSM's call in the forecast.
    const out = stripData(
      renderText(
        await handleCommand(ctx(), { identity: { surface: "cli", email: "max@tend.test" }, text: "forecast" }),
      ),
    );
    expect(out).toContain("Acme Corp - €100,000, due Dec 15, 2026: CSM at risk, model likely");
    expect(out).toContain("called by Cara on Nov 20, 2026");
  });
});
