import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importRows } from "../../src/import/run.js";
import { csvSource } from "../../src/import/source.js";
import { createLogger } from "../../src/log.js";
import { createService, type Service } from "../../src/service.js";
import type { Db } from "../../src/store/db.js";
import { type SlackApiStandIn, startSlackApiStandIn } from "../slack/api-stand-in.js";
import { slackTestConfig } from "../slack/config.js";
import { postSigned, slashCommandBody } from "../slack/sign.js";
import { testContext, testDb } from "../support/store.js";

// A long import holds the embedded store's one connection. Meanwhile /healthz still answers (from
// the import's mark: reachable, busy), a /tend command is acknowledged at once and answered once the
// store is free, and the import stays all-or-nothing. The import is held open by a source that waits
// for the test, so "long" is a fact here, not a timing.

const HEADER = "account_external_id,day,active_users,activated_users,seats";

function gate() {
  let open = () => {};
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

async function* heldCsv(first: string[], rest: string[], wait: Promise<void>) {
  yield `${[HEADER, ...first].join("\n")}\n`;
  await wait;
  yield `${rest.join("\n")}\n`;
}

const rows = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => `CRM-${(from + i) % 20},2026-0${1 + Math.floor((from + i) / 20)}-01,5,4,10`);

describe("a long import on the embedded store", () => {
  let db: Db;
  let api: SlackApiStandIn;
  let service: Service;
  let base: string;
  beforeAll(async () => {
    db = await testDb();
    await db.pool.query(
      `INSERT INTO "Account" (id, "externalId", name, "updatedAt")
       SELECT 'a' || i, 'CRM-' || i, 'Account ' || i, now() FROM generate_series(0, 19) AS i`,
    );
    api = await startSlackApiStandIn();
    service = await createService(slackTestConfig(api.url), createLogger("silent"), db);
    base = `http://127.0.0.1:${((await service.start()) as AddressInfo).port}`;
  });
  afterAll(async () => {
    await service?.stop();
    await api?.close();
  });
  const usageRows = async () =>
    (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "UsageSnapshot"`)).rows[0]!.n;

  it("keeps /healthz and /tend answering while it holds the store, and a failed one writes nothing", async () => {
    const g = gate();
    // 40 good rows, then (after the wait) one row for an unknown account: the whole import must go.
    const running = importRows(
      testContext(db),
      "usage",
      await csvSource(heldCsv(rows(0, 20), [...rows(20, 20), "CRM-unknown,2026-03-01,1,1,1"], g.opened)),
    );
    while (!db.busy()) await new Promise((r) => setTimeout(r, 10));

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { store: { busy: boolean } }).store.busy).toBe(true);

    const responseUrl = api.responseUrl();
    const ack = await postSigned(
      `${base}/slack/events`,
      slashCommandBody({ text: "help", userId: "U_SOMEONE", responseUrl }),
      { now: new Date() },
    );
    expect(ack.status).toBe(200);
    expect(await ack.text()).toBe(""); // acknowledged now, answered later
    const path = new URL(responseUrl).pathname;
    expect(api.responses.some((r) => r.path === path)).toBe(false); // the store is still held

    g.open();
    const report = await running;
    expect(report.ok).toBe(false);
    expect(await usageRows()).toBe(0); // all or nothing
    while (!api.responses.some((r) => r.path === path)) await new Promise((r) => setTimeout(r, 20));
    expect(db.busy()).toBe(false);
  });

  it("the same import without the bad row writes every row", async () => {
    const g = gate();
    g.open();
    const report = await importRows(
      testContext(db),
      "usage",
      await csvSource(heldCsv(rows(0, 20), rows(20, 20), g.opened)),
    );
    expect(report.ok).toBe(true);
    expect(await usageRows()).toBe(40);
  });
});

describe("a push to the ingest API on the embedded store", () => {
  let db: Db;
  let api: SlackApiStandIn;
  let service: Service;
  let port: number;
  beforeAll(async () => {
    db = await testDb();
    await db.pool.query(
      `INSERT INTO "Account" (id, "externalId", name, "updatedAt")
       SELECT 'a' || i, 'CRM-' || i, 'Account ' || i, now() FROM generate_series(0, 19) AS i`,
    );
    api = await startSlackApiStandIn();
    service = await createService(
      slackTestConfig(api.url, { TEND_INGEST_TOKEN: "ingest-token" }),
      createLogger("silent"),
      db,
    );
    port = ((await service.start()) as AddressInfo).port;
  });
  afterAll(async () => {
    await service?.stop();
    await api?.close();
  });

  it("marks the store busy from the first byte to the scores it writes after, so /healthz never queues behind it", async () => {
    const body = `${[HEADER, ...rows(0, 40)].join("\n")}\n`;
    const half = Math.floor(body.length / 2);
    let sendRest = () => {};
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/api/v1/usage",
          headers: {
            authorization: "Bearer ingest-token",
            "content-type": "text/csv",
            "content-length": Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = "";
          res.on("data", (c) => {
            text += c;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      // Half the body now; the rest only once the test has looked at /healthz.
      req.write(body.slice(0, half));
      sendRest = () => req.end(body.slice(half));
    });
    // The request is being read: nothing is written yet, and already the push holds the store.
    while (!db.busy()) await new Promise((r) => setTimeout(r, 10));
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { store: { busy: boolean } }).store.busy).toBe(true);
    sendRest();
    const done = await answer;
    expect(done.status).toBe(200);
    expect(JSON.parse(done.text)).toMatchObject({ rows: 40, created: 40 });
    expect(db.busy()).toBe(false);
  });
});
