import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleCommand } from "../../src/commands/index.js";
import { COMMAND_WORDS, MAX_COMMAND_LENGTH, parseCommand } from "../../src/commands/parse.js";
import { parseConfig } from "../../src/config/env.js";
import { demoEmail } from "../../src/demo/generate.js";
import { columnsOf, IMPORT_KINDS, type ImportKind } from "../../src/import/kinds.js";
import { INGEST_MAX_BYTES } from "../../src/import/mount.js";
import { importRows } from "../../src/import/run.js";
import { csvSource, jsonSource } from "../../src/import/source.js";
import { createLogger, silentLogger } from "../../src/log.js";
import { checkBlockKitLimits, renderSlack } from "../../src/reply/render-slack.js";
import { renderText } from "../../src/reply/render-text.js";
import { createService, type Service } from "../../src/service.js";
import { SLACK_BODY_LIMIT } from "../../src/slack/mount.js";
import type { Db } from "../../src/store/db.js";
import { postSigned, TEST_SIGNING_SECRET } from "../slack/sign.js";
import { DEMO_NOW, demoDb } from "../support/demo.js";
import { scaled } from "./scale.js";

// Bad input on the demo book: fuzzed command text through the conversation core, fuzzed JSON, NDJSON
// and CSV through the ingest API and the importer, bodies past the limits. Each must get a clear
// answer, never crash anything, and leave the store as it was (unless the input happened to be a
// valid write, which then must have succeeded).

const TOKEN = "soak-ingest-token";
const RUNS = scaled(1000, 150);

/**
 * Row counts of every business table and the latest updatedAt of those that have one: "was anything
 * written". The audit log (it records refused attempts too, on purpose) and delivery bookkeeping are
 * left out.
 */
const BOOKKEEPING = ["_prisma_migrations", "AuditLog", "ProcessedEvent", "JobRun"];

async function fingerprintQuery(db: Db): Promise<string> {
  const tables = (
    await db.pool.query<{ t: string; u: boolean }>(
      `SELECT c.relname AS t,
              EXISTS (SELECT 1 FROM information_schema.columns i
                       WHERE i.table_name = c.relname AND i.column_name = 'updatedAt') AS u
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> ALL($1::text[])
        ORDER BY 1`,
      [BOOKKEEPING],
    )
  ).rows;
  return tables
    .map(
      ({ t, u }) =>
        `SELECT '${t}' AS t, count(*)::text || '/' || ${u ? `coalesce(max("updatedAt")::text, '')` : "''"} AS f FROM "${t}"`,
    )
    .join(" UNION ALL ");
}

describe("bad input on the demo book", () => {
  let db: Db;
  let service: Service;
  let base: string;
  let fpSql: string;
  const fingerprint = async () =>
    (await db.pool.query<{ t: string; f: string }>(fpSql)).rows.map((r) => `${r.t}=${r.f}`).join(" ");

  beforeAll(async () => {
    db = await demoDb();
    fpSql = await fingerprintQuery(db);
    const config = parseConfig({
      PORT: "0",
      TEND_DEMO: "off",
      TEND_SCHEDULER: "off",
      TEND_PLAYGROUND: "off",
      TEND_INGEST_TOKEN: TOKEN,
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: "http://127.0.0.1:9/api/", // never reached: these tests stop before Slack is called
    });
    service = await createService(config, silentLogger, db, () => DEMO_NOW);
    const { port } = (await service.start()) as AddressInfo;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await service?.stop(); // closes the store too
  });

  const alive = async () => expect((await fetch(`${base}/healthz`)).status).toBe(200);

  describe("command text", () => {
    const WORDS = [
      "northwind",
      "Northwind Logistics",
      "云帆",
      "summit",
      "kestrel",
      "team",
      "Americas",
      "中国区",
      "@alice.chen@demo.tend",
      "<@U0DEMO003|alice>",
      "<@UNOBODY>",
      "90",
      "0",
      "-7",
      "99999999999999999999",
      "1e308",
      "2026-02-30",
      "2026-12-01",
      "tomorrow",
      "明天",
      "call",
      "visit",
      "quarter",
      "year",
      '\'; DROP TABLE "Account"; --',
      "%",
      "_",
      "\\",
      "\u0000",
      "🙂",
      "ｎｏｒｔｈｗｉｎｄ",
      "&lt;script&gt;",
      "\u200b",
    ];
    // Every verb the parser knows, plus one in capitals.
    const VERBS = [...COMMAND_WORDS, "BRIEF"];
    const SPACE = fc.constantFrom(" ", "  ", "\t", "\n", "\u00a0", "\u3000");
    const token = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...WORDS) },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 8 }) },
    );
    const commandLike = fc
      .tuple(fc.constantFrom(...VERBS), fc.array(fc.tuple(SPACE, token), { maxLength: 6 }))
      .map(([verb, rest]) => verb + rest.map(([s, t]) => s + t).join(""));
    const text = fc.oneof(
      { weight: 6, arbitrary: commandLike },
      { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 100 }) },
      {
        weight: 1,
        arbitrary: fc
          .integer({ min: MAX_COMMAND_LENGTH - 5, max: MAX_COMMAND_LENGTH + 50 })
          .map((n) => "brief northwind ".padEnd(n, "x")),
      },
    );
    const who = fc.constantFrom(
      demoEmail("alice.chen"), // csm
      demoEmail("morgan.lee"), // manager
      demoEmail("victor.hale"), // viewer
      demoEmail("li.na"), // Chinese-speaking csm
      demoEmail("sam.rivera"), // admin
      demoEmail("olivia.grant"), // left the company
      "stranger@elsewhere.test",
    );
    const WRITES = new Set(["log", "plan", "snooze"]);

    it("always gets an answer that renders, never an internal error, and writes only valid writes", async () => {
      let before = await fingerprint();
      const errors: string[] = [];
      const log = createLogger("error", { write: (line: string) => void errors.push(line) });
      await fc.assert(
        fc.asyncProperty(who, text, async (email, t) => {
          errors.length = 0;
          const reply = await handleCommand(
            { config: service.ctx.config, log, db, now: () => DEMO_NOW },
            { identity: { surface: "slack", email }, text: t },
          );
          expect(reply.error, errors.join("\n")).not.toBe("internal");
          expect(reply.summary.trim()).not.toBe("");
          expect(renderText(reply).trim()).not.toBe("");
          const slack = renderSlack(reply);
          expect(checkBlockKitLimits(slack.blocks)).toEqual([]);
          const after = await fingerprint();
          const parsed = parseCommand(t);
          const mayWrite = !reply.error && parsed.ok && WRITES.has(parsed.command.kind);
          if (!mayWrite) expect(after).toBe(before);
          before = after;
        }),
        { numRuns: RUNS, ...(process.env.SOAK_SEED ? { seed: Number(process.env.SOAK_SEED) } : {}) },
      );
    });

    it("a NUL byte in a command is dropped: the answer is right and the store keeps working", async () => {
      // Found by the fuzz: a NUL reached a query, PostgreSQL refused it, and the embedded store's
      // connection broke for every later command ("Something went wrong" until restart).
      const ask = (t: string) =>
        handleCommand(
          { config: service.ctx.config, log: silentLogger, db, now: () => DEMO_NOW },
          { identity: { surface: "slack", email: demoEmail("alice.chen") }, text: t },
        );
      const first = await ask("brief north\u0000wind");
      expect(first.error).toBeUndefined();
      expect(first.summary).toContain("Northwind Logistics");
      expect((await ask("mine")).error).toBeUndefined();
    });
  });

  describe("rows to the ingest API and the importer", () => {
    /** Values a column may get: plausible, borderline and broken. */
    const VALUE = fc.oneof(
      fc.constantFrom(
        "",
        " ",
        "Northwind Logistics",
        "CRM-AMER-0001",
        "云帆",
        "alice.chen@demo.tend",
        "not-an-email",
        "2026-11-01",
        "2026-13-45",
        "2026-11-01T10:00:00Z",
        "yesterday",
        "0",
        "-1",
        "42",
        "3.5",
        "1e999",
        "NaN",
        "true",
        "no",
        "strategic",
        "key",
        "planet",
        "call",
        "open",
        "en",
        "zh-CN",
        "Mars/Olympus",
        "Europe/London",
        "USD",
        "🙂",
        '"quoted, with comma"',
        "line\nbreak",
        "x".repeat(600),
      ),
      fc.string({ maxLength: 20 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
    );
    const kind = fc.constantFrom(...IMPORT_KINDS);
    /** Rows over the kind's own columns (some missing, some unknown), so validation is reached. */
    const rows = (k: ImportKind) =>
      fc.array(
        fc.dictionary(fc.oneof(fc.constantFrom(...columnsOf(k)), fc.string({ maxLength: 8 })), VALUE, {
          maxKeys: columnsOf(k).length + 2,
        }),
        { maxLength: 8 },
      );
    const csvCell = (v: unknown) => {
      const s = v === null || v === undefined ? "" : String(v);
      return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    };
    const toCsv = (rs: Record<string, unknown>[]) => {
      const cols = [...new Set(rs.flatMap((r) => Object.keys(r)))];
      return [cols.map(csvCell).join(","), ...rs.map((r) => cols.map((c) => csvCell(r[c])).join(","))].join("\r\n");
    };
    /** A body: structured rows (JSON, NDJSON, CSV), then broken on purpose sometimes. */
    const body = kind.chain((k) =>
      fc.record({
        kind: fc.constant(k),
        format: fc.constantFrom("json", "ndjson", "csv"),
        rows: rows(k),
        damage: fc.oneof(
          { weight: 3, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.nat({ max: 5 }), fc.string({ maxLength: 6 })) },
        ),
        junk: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.string() }),
      }),
    );
    const render = (b: {
      format: string;
      rows: Record<string, unknown>[];
      damage?: [number, number, string];
      junk?: string;
    }) => {
      let s =
        b.junk ??
        (b.format === "json"
          ? JSON.stringify(b.rows)
          : b.format === "ndjson"
            ? b.rows.map((r) => JSON.stringify(r)).join("\n")
            : toCsv(b.rows));
      if (b.damage) {
        const [at, cut, insert] = b.damage;
        const i = s.length ? at % s.length : 0;
        s = s.slice(0, i) + insert + s.slice(i + cut);
      }
      return s;
    };
    const TYPES: Record<string, string> = { json: "application/json", ndjson: "application/x-ndjson", csv: "text/csv" };

    it("the ingest API answers 200 or a clear 4xx with problems, and a refusal writes nothing", async () => {
      let before = await fingerprint();
      await fc.assert(
        fc.asyncProperty(body, async (b) => {
          const res = await fetch(`${base}/api/v1/${b.kind}`, {
            method: "POST",
            headers: { authorization: `Bearer ${TOKEN}`, "content-type": TYPES[b.format]! },
            body: render(b),
          });
          const json = (await res.json()) as { error?: string; problems?: { line: number; reason: string }[] };
          expect([200, 400, 409]).toContain(res.status);
          const after = await fingerprint();
          if (res.status !== 200) {
            expect(json.error).toMatch(/\w/);
            if (res.status === 400) {
              expect(json.problems?.length).toBeGreaterThan(0);
              for (const p of json.problems ?? []) expect(p.reason).toMatch(/\w/);
            }
            expect(after).toBe(before);
          }
          before = after;
        }),
        { numRuns: RUNS },
      );
      await alive();
    });

    it("the importer gives the same verdict however the file is cut into chunks, and a refusal writes nothing", async () => {
      const ctx = { config: service.ctx.config, log: silentLogger, db, now: () => DEMO_NOW };
      let before = await fingerprint();
      await fc.assert(
        fc.asyncProperty(
          body.filter((b) => b.format === "csv"),
          fc.array(fc.nat(), { maxLength: 6 }),
          async (b, cuts) => {
            const s = render(b);
            const at = [...new Set(cuts.map((c) => (s.length ? c % s.length : 0)))].sort((x, y) => x - y);
            const chunks = [0, ...at].map((from, i) => s.slice(from, at[i] ?? s.length));
            const whole = await importRows(ctx, b.kind, await csvSource([s]), { dryRun: true });
            const cut = await importRows(ctx, b.kind, await csvSource(chunks), { dryRun: true });
            expect({ ok: cut.ok, rows: cut.rows, problems: cut.problems }).toEqual({
              ok: whole.ok,
              rows: whole.rows,
              problems: whole.problems,
            });
            const real = await importRows(ctx, b.kind, await csvSource(chunks));
            expect(real.ok).toBe(whole.ok);
            const after = await fingerprint();
            if (!real.ok) {
              expect(real.problems.length + real.moreProblems).toBeGreaterThan(0);
              expect(after).toBe(before);
            }
            before = after;
          },
        ),
        { numRuns: scaled(500, 100) },
      );
    });

    it("arbitrary JSON is imported or refused with a reason, and a refusal writes nothing", async () => {
      const ctx = { config: service.ctx.config, log: silentLogger, db, now: () => DEMO_NOW };
      let before = await fingerprint();
      await fc.assert(
        fc.asyncProperty(kind, fc.json(), async (k, j) => {
          const r = await importRows(ctx, k, jsonSource(j));
          const after = await fingerprint();
          if (!r.ok) {
            expect(r.problems.length + r.moreProblems).toBeGreaterThan(0);
            expect(after).toBe(before);
          }
          before = after; // random JSON can be valid rows by chance (e.g. [{"name":"x"}] as a team)
        }),
        { numRuns: scaled(500, 100) },
      );
    });
  });

  describe("NUL bytes in ingested values", () => {
    // PostgreSQL cannot store a NUL byte in text; the row schema refuses it before any write.
    it("a NUL byte in an ingested value is refused as a problem of that row, not a 500", async () => {
      const before = await fingerprint();
      const res = await fetch(`${base}/api/v1/teams`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify([{ name: "Nul\u0000Team" }]),
      });
      expect(res.status).toBe(400);
      expect(await fingerprint()).toBe(before);
      await alive();
    });
  });

  describe("a refused statement", () => {
    // On PGlite a failed query makes the pool reconnect; the next person's command must not notice.
    it("a statement the store refuses does not fail the next person's command", async () => {
      await expect(db.pool.query("SELECT 1/0")).rejects.toThrow(/division by zero/);
      const next = await handleCommand(
        { config: service.ctx.config, log: silentLogger, db, now: () => DEMO_NOW },
        { identity: { surface: "slack", email: demoEmail("alice.chen") }, text: "mine" },
      );
      expect(next.error).toBeUndefined();
    });
  });

  describe("oversized bodies", () => {
    it("the Slack endpoint refuses a signed body past its limit with 413, writes nothing, and keeps serving", async () => {
      const before = await fingerprint();
      const big = `token=x&text=${"a".repeat(SLACK_BODY_LIMIT + 10)}`;
      const res = await postSigned(`${base}/slack/events`, big, { now: DEMO_NOW });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: string }).error).toMatch(/larger than/);
      expect(await fingerprint()).toBe(before);
      await alive();
    });

    it("the ingest API refuses past 10 MB, declared or streamed, with a way forward, and writes nothing", async () => {
      const before = await fingerprint();
      const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "text/csv" };
      const line = "external_id,name\n";
      const big = line + "CRM-X-1,Some account\n".repeat(Math.ceil((INGEST_MAX_BYTES + 1000) / 21));
      const declared = await fetch(`${base}/api/v1/accounts`, { method: "POST", headers, body: big });
      expect(declared.status).toBe(413);
      expect(((await declared.json()) as { error: string }).error).toMatch(/tend import/);
      // No content-length: the limit is enforced while reading.
      const chunk = new TextEncoder().encode("CRM-X-1,Some account\n".repeat(50_000));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(c) {
          if (sent > INGEST_MAX_BYTES * 2) return c.close();
          sent += chunk.length;
          c.enqueue(chunk);
        },
      });
      const streamed = await fetch(`${base}/api/v1/accounts`, {
        method: "POST",
        headers,
        body: stream,
        duplex: "half",
      } as RequestInit).catch((err: unknown) => err as Error);
      // The server may close the connection while we are still sending: a 413 or a reset, never a write.
      if (streamed instanceof Response) expect(streamed.status).toBe(413);
      expect(await fingerprint()).toBe(before);
      await alive();
    });
  });
});
