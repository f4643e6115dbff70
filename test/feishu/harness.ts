import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { parseConfig } from "../../src/config/env.js";
import type { AppContext } from "../../src/context.js";
import type { LimiterClock } from "../../src/delivery/limits.js";
import type { FeishuApp } from "../../src/feishu/app.js";
import { mountFeishuWith } from "../../src/feishu/mount.js";
import { HttpApp } from "../../src/http/server.js";
import { type Logger, silentLogger } from "../../src/log.js";
import type { Db } from "../../src/store/db.js";
import { PEOPLE, seedBook } from "../commands/book.js";
import { type FeishuStandIn, startFeishuStandIn } from "../delivery/feishu-stand-in.js";
import { type StoreKind, testDb } from "../support/store.js";
import { feishuRequest, TEST_ENCRYPT_KEY, TEST_TENANT, TEST_VERIFICATION_TOKEN } from "./push.js";

// Tend's own HTTP server with the Feishu endpoint mounted, the crafted book, and a stand-in of Feishu's
// open API reached through the real Lark SDK (FEISHU_DOMAIN = the stand-in's URL). The book has no
// Feishu ids, so most people are linked here; Ada is left to be linked by email via the contact API.

export const NOW = new Date("2026-11-23T14:00:00Z");

export const OPEN_IDS = {
  cara: "ou_cara",
  max: "ou_max",
  vic: "ou_vic",
  lina: "ou_lina",
  ada: "ou_ada",
  stranger: "ou_stranger",
} as const;

export interface FeishuHarness {
  db: Db;
  ctx: AppContext;
  api: FeishuStandIn;
  feishu: FeishuApp;
  /** Starts the part (long connection: connects the SDK's WSClient). */
  start(): Promise<void>;
  url: string;
  book: Awaited<ReturnType<typeof seedBook>>;
  /** Posts a payload as Feishu would (encrypted and signed unless told otherwise). */
  push(
    payload: unknown,
    opts?: {
      now?: Date;
      sign?: boolean;
      encrypt?: boolean;
      tamper?: (r: { body: string; headers: Record<string, string> }) => void;
    },
  ): Promise<{ status: number; json: Record<string, unknown> | undefined }>;
  /** Waits the app asked for between retries (recorded, not slept). */
  sleeps: number[];
  /** How many event ids have been claimed (a refused request must leave this alone). */
  processed(): Promise<number>;
  /** Runs `during` with a table of the store renamed away: real store trouble, not a mock. */
  withoutTable<T>(table: string, during: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function startFeishuHarness(
  kind: StoreKind,
  opts: { env?: Record<string, string>; ackBudgetMs?: number; limiterClock?: LimiterClock; log?: Logger } = {},
): Promise<FeishuHarness> {
  const api = await startFeishuStandIn();
  api.users = {
    [OPEN_IDS.ada]: { email: PEOPLE.admin, name: "Ada Admin" },
    [OPEN_IDS.stranger]: { email: "stranger@elsewhere.test", name: "Stranger" },
  };
  const db = await testDb(kind);
  const book = await seedBook(db);
  const link = (email: string, feishuOpenId: string) =>
    db.prisma.member.update({ where: { email }, data: { feishuOpenId } });
  await link(PEOPLE.csm, OPEN_IDS.cara);
  await link(PEOPLE.manager, OPEN_IDS.max);
  await link(PEOPLE.viewer, OPEN_IDS.vic);
  await link(PEOPLE.zhCsm, OPEN_IDS.lina);
  const config = parseConfig({
    PORT: "0",
    TEND_DEMO: "off",
    TEND_SCHEDULER: "off",
    TEND_PLAYGROUND: "off",
    FEISHU_APP_ID: "cli_tend_test",
    FEISHU_APP_SECRET: "feishu-secret",
    FEISHU_VERIFICATION_TOKEN: TEST_VERIFICATION_TOKEN,
    FEISHU_ENCRYPT_KEY: TEST_ENCRYPT_KEY,
    FEISHU_DOMAIN: api.url,
    FEISHU_TENANT_KEYS: TEST_TENANT,
    ...opts.env,
  });
  const log = opts.log ?? silentLogger;
  const ctx: AppContext = { config, log, db, now: () => NOW };
  const http = new HttpApp(log);
  const sleeps: number[] = [];
  const part = await mountFeishuWith(ctx, http, {
    ...(opts.ackBudgetMs === undefined ? {} : { ackBudgetMs: opts.ackBudgetMs }),
    ...(opts.limiterClock ? { limiterClock: opts.limiterClock } : {}),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  if (!part) throw new Error("feishu part not mounted");
  const { port } = (await http.listen(0, "127.0.0.1")) as AddressInfo;
  const url = `http://127.0.0.1:${port}/feishu/events`;
  const h: FeishuHarness = {
    db,
    ctx,
    api,
    feishu: part.feishu,
    start: async () => {
      await part.start?.();
    },
    url,
    book,
    sleeps,
    async push(payload, o = {}) {
      const req = feishuRequest(payload, {
        ...(o.encrypt === false ? {} : { encryptKey: TEST_ENCRYPT_KEY }),
        now: o.now ?? NOW,
        ...(o.sign === false ? { sign: false } : {}),
      });
      o.tamper?.(req);
      const res = await fetch(url, { method: "POST", headers: req.headers, body: req.body });
      const text = await res.text();
      await part.feishu.idle();
      return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
    },
    async processed() {
      const r = await db.pool.query(`SELECT count(*)::int AS n FROM "ProcessedEvent" WHERE id LIKE 'feishu:%'`);
      return r.rows[0].n as number;
    },
    async withoutTable(table, during) {
      await db.pool.query(`ALTER TABLE "${table}" RENAME TO "${table}Away"`);
      try {
        return await during();
      } finally {
        await db.pool.query(`ALTER TABLE "${table}Away" RENAME TO "${table}"`);
      }
    },
    async close() {
      await http.close();
      await part.stop?.();
      await api.close();
      await db.close();
    },
  };
  return h;
}

/**
 * Inside a describe block: one harness on `kind` for the block (handed to `use` once started), what
 * the stand-in recorded (messages, calls, updates, uploads and scripted failures) emptied before
 * each test. Returns its getter.
 */
export function harnessPerBlock(kind: StoreKind, use?: (h: FeishuHarness) => void): () => FeishuHarness {
  let h: FeishuHarness | undefined;
  beforeAll(async () => {
    h = await startFeishuHarness(kind);
    use?.(h);
  });
  afterAll(() => h?.close());
  beforeEach(() => {
    const api = (h as FeishuHarness).api;
    for (const list of [api.accepted, api.calls, api.updated, api.failNext, api.failUploads]) list.length = 0;
    api.images.clear();
    api.files.clear();
  });
  return () => h as FeishuHarness;
}

/** All plain texts in a Feishu card (for asserting what the user reads). */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown, key?: string) => {
    if (typeof v === "string" && (key === "content" || key === undefined)) out.push(v);
    else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === "object")
      for (const [k, x] of Object.entries(v)) if (k !== "value" && k !== "behaviors") walk(x, k);
  };
  walk(card);
  return out.join("\n");
}

/** The callback values of every button in a card. */
export function cardButtons(card: unknown): { text: string; value: { action: string; value: string } }[] {
  const out: { text: string; value: { action: string; value: string } }[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === "object") {
      const o = v as { tag?: string; text?: { content?: string }; behaviors?: { value?: unknown }[] };
      if (o.tag === "button" && o.behaviors?.[0]?.value)
        out.push({ text: o.text?.content ?? "", value: o.behaviors[0].value as { action: string; value: string } });
      for (const x of Object.values(v)) walk(x);
    }
  };
  walk(card);
  return out;
}
