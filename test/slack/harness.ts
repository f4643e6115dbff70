import type { AddressInfo } from "node:net";
import type { AppContext } from "../../src/context.js";
import { HttpApp } from "../../src/http/server.js";
import { type Logger, silentLogger } from "../../src/log.js";
import { checkBlockKitLimits, type SlackBlock } from "../../src/reply/render-slack.js";
import type { SlackApp } from "../../src/slack/app.js";
import { mountSlackWith } from "../../src/slack/mount.js";
import type { Db } from "../../src/store/db.js";
import { PEOPLE, seedBook } from "../commands/book.js";
import { type StoreKind, testDb } from "../support/store.js";
import { type SlackApiStandIn, startSlackApiStandIn } from "./api-stand-in.js";
import { slackTestConfig } from "./config.js";
import { interactionBody, postSigned, triggerId } from "./sign.js";

// Tend's own HTTP server with the Slack endpoint mounted (Bolt's HTTPReceiver behind our signature
// check), the crafted book, and a stand-in Slack Web API. Slack user ids map to the book's people.

export const NOW = new Date("2026-11-23T14:00:00Z");

/** The ack budget in tests; production's is SLACK_TIMING.ackBudgetMs. */
export const TEST_ACK_BUDGET_MS = 20_000;

export const USERS = {
  cara: "U01CARA",
  carl: "U01CARL",
  max: "U01MAX",
  vic: "U01VIC",
  lina: "U01LINA",
  ada: "U01ADA",
  stranger: "U01STRANGER",
} as const;

export interface SlackHarness {
  db: Db;
  ctx: AppContext;
  api: SlackApiStandIn;
  slack: SlackApp;
  url: string;
  book: Awaited<ReturnType<typeof seedBook>>;
  /** Every answer body our endpoint returned (acks), for the Block Kit check. */
  acks: unknown[];
  post(
    body: string,
    opts?: { contentType?: string; retryNum?: number; secret?: string; now?: Date; tamper?: (b: string) => string },
  ): Promise<Response>;
  /** The ack's JSON (or undefined for an empty ack), after the listener has finished. */
  send(
    body: string,
    opts?: { contentType?: string; retryNum?: number },
  ): Promise<{ status: number; json: Record<string, unknown> | undefined }>;
  /** Every Block Kit payload Slack would have received, each checked against Slack's limits. */
  blockKitProblems(): string[];
  close(): Promise<void>;
}

export async function startSlackHarness(
  kind: StoreKind,
  opts: { env?: Record<string, string>; ackBudgetMs?: number; log?: Logger } = {},
): Promise<SlackHarness> {
  const api = await startSlackApiStandIn();
  api.users = {
    [USERS.cara]: { email: PEOPLE.csm, name: "Cara CSM" },
    [USERS.carl]: { email: PEOPLE.csm2 },
    [USERS.max]: { email: PEOPLE.manager },
    [USERS.vic]: { email: PEOPLE.viewer },
    [USERS.lina]: { email: PEOPLE.zhCsm, locale: "zh-CN" },
    [USERS.ada]: { email: PEOPLE.admin },
    [USERS.stranger]: { email: "stranger@elsewhere.test" },
  };
  const db = await testDb(kind);
  const book = await seedBook(db);
  const config = slackTestConfig(api.url, opts.env);
  const log = opts.log ?? silentLogger;
  const ctx: AppContext = { config, log, db, now: () => NOW };
  const http = new HttpApp(log);
  // Answers go in the ack or through response_url by what the test chose, never by how busy the
  // machine is: the default budget is generous here (speed is measured by `npm run bench slack`).
  const ackBudgetMs = opts.ackBudgetMs ?? TEST_ACK_BUDGET_MS;
  const part = await mountSlackWith(ctx, http, { ackBudgetMs, ackDeadlineMs: TEST_ACK_BUDGET_MS + 1_000 });
  if (!part) throw new Error("Slack endpoint not mounted");
  const { port } = (await http.listen(0, "127.0.0.1")) as AddressInfo;
  const url = `http://127.0.0.1:${port}/slack/events`;
  const acks: unknown[] = [];
  const h: SlackHarness = {
    db,
    ctx,
    api,
    slack: part.slack,
    url,
    book,
    acks,
    post: (body, o = {}) => postSigned(url, body, { now: NOW, ...o }),
    async send(body, o = {}) {
      const res = await h.post(body, o);
      const text = await res.text();
      await part.slack.idle();
      const json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      if (json) acks.push(json);
      return { status: res.status, json };
    },
    blockKitProblems() {
      const problems: string[] = [];
      const check = (where: string, blocks: unknown, maxBlocks?: number) => {
        if (!Array.isArray(blocks)) return;
        for (const p of checkBlockKitLimits(blocks as SlackBlock[], maxBlocks ? { maxBlocks } : {}))
          problems.push(`${where}: ${p}`);
      };
      for (const a of acks) check("ack", (a as { blocks?: unknown }).blocks);
      for (const r of api.responses) check("response_url", r.body.blocks);
      for (const c of api.calls) {
        check(c.method, c.body.blocks);
        const view = c.body.view as { blocks?: unknown } | undefined;
        if (view) check(`${c.method} view`, view.blocks, 100);
      }
      return problems;
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

/** All texts in a Block Kit payload, flattened (for asserting what the user reads). */
export function blockText(msg: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object")
      for (const [k, x] of Object.entries(v)) if (k !== "value" && k !== "action_id") walk(x);
  };
  walk(msg);
  return out.join("\n");
}

/** The buttons (action_id, value) in a Block Kit payload. */
export function buttonsOf(msg: { blocks?: unknown }): { action_id: string; value: string; text: string }[] {
  const blocks = (msg.blocks ?? []) as {
    type: string;
    elements?: { type: string; action_id: string; value: string; text: { text: string } }[];
  }[];
  return blocks
    .filter((b) => b.type === "actions")
    .flatMap((b) => b.elements ?? [])
    .filter((e) => e.type === "button")
    .map((e) => ({ action_id: e.action_id, value: e.value, text: e.text.text }));
}

/** A signed block_actions press of `button` by `user`, in an (ephemeral) channel message or App Home. */
export function buttonPress(
  h: SlackHarness,
  user: string,
  button: { action_id: string; value: string },
  where: { ephemeral?: boolean; home?: boolean; channel?: string; responseUrl?: string } = {},
) {
  const base = {
    type: "block_actions",
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: "T_TEND" },
    api_app_id: "A_TEND",
    token: "legacy-verification-token",
    trigger_id: triggerId(),
    team: { id: "T_TEND", domain: "tend-test" },
    enterprise: null,
    is_enterprise_install: false,
    actions: [
      {
        type: "button",
        action_id: button.action_id,
        block_id: "b1",
        text: { type: "plain_text", text: "x" },
        value: button.value,
        action_ts: "1700000000.100",
      },
    ],
  };
  if (where.home)
    return interactionBody({
      ...base,
      container: { type: "view", view_id: "V_HOME" },
      view: { id: "V_HOME", type: "home", team_id: "T_TEND", blocks: [], state: { values: {} } },
    });
  const channel = where.channel ?? "C_GENERAL";
  return interactionBody({
    ...base,
    container: {
      type: "message",
      message_ts: "1700000000.000009",
      channel_id: channel,
      is_ephemeral: where.ephemeral ?? true,
    },
    channel: { id: channel, name: "general" },
    message: { type: "message", ts: "1700000000.000009", text: "card" },
    response_url: where.responseUrl ?? h.api.responseUrl(),
  });
}
