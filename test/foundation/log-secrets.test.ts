// No secret in any log line. Known secret values are configured (bot token, signing secret, app
// secret, encrypt key, verification and ingest tokens) and the Feishu stand-in hands out a known
// tenant token; then Feishu and Slack calls fail through the real SDKs (reply, update, send, token
// fetch; Slack post, update and response_url) and everything logged is searched for them. An HTTP
// client's error is logged as method, path, status and platform code - never its request config.
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { larkClient } from "../../src/feishu/client.js";
import { createLogger, type Logger } from "../../src/log.js";
import { slackWebClient } from "../../src/slack/client.js";
import { type FeishuStandIn, startFeishuStandIn } from "../delivery/feishu-stand-in.js";
import { OPEN_IDS, startFeishuHarness } from "../feishu/harness.js";
import { envelope, TEST_ENCRYPT_KEY, TEST_VERIFICATION_TOKEN, textMessage } from "../feishu/push.js";
import { startSlackApiStandIn } from "../slack/api-stand-in.js";

const TENANT_TOKEN = "t-g1042tenantTOKENvalue7Qx";
const SECRETS = {
  SLACK_BOT_TOKEN: "xoxb-1111-2222-botTOKENsecretValue",
  SLACK_SIGNING_SECRET: "signingSECRETvalue0123456789abcd",
  FEISHU_APP_SECRET: "feishuAPPsecretVALUE9876",
  TEND_INGEST_TOKEN: "ingestTOKENsecretValue-5555",
};

function capture(): { log: Logger; text: () => string } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  // No secret list given to the logger: what is tested is that errors are reduced before logging.
  return { log: createLogger("trace", sink), text: () => lines.join("") };
}

function expectClean(all: string, extra: string[] = []) {
  for (const secret of [
    ...Object.values(SECRETS),
    TENANT_TOKEN,
    TEST_ENCRYPT_KEY,
    TEST_VERIFICATION_TOKEN,
    "Bearer",
    ...extra,
  ])
    expect(all, `"${secret}" was logged`).not.toContain(secret);
}

describe("HTTP client errors in the log", () => {
  let feishu: FeishuStandIn;
  beforeAll(async () => {
    feishu = await startFeishuStandIn();
    feishu.tenantToken = TENANT_TOKEN;
  });
  afterAll(async () => feishu.close());

  it("Feishu send, reply, update and token fetch failures are logged as method, path, status and code", async () => {
    const { log, text } = capture();
    const client = larkClient(
      { appId: "cli_x", appSecret: SECRETS.FEISHU_APP_SECRET, domain: feishu.url } as never,
      log,
    );
    const card = JSON.stringify({ schema: "2.0", body: { elements: [] } });
    const tries = async (what: string, call: () => Promise<unknown>) => {
      try {
        await call();
      } catch (err) {
        log.error({ err, what }, "feishu call failed");
      }
    };
    // The token endpoint fails first (the SDK logs it through our adapter), then messages fail.
    feishu.failToken = 1;
    await tries("send", () =>
      client.im.message.create({
        params: { receive_id_type: "chat_id" },
        data: { receive_id: "oc_1", msg_type: "interactive", content: card },
      }),
    );
    for (let i = 0; i < 3; i++) feishu.failNext.push({ status: 500, code: 230001, msg: "internal" });
    await tries("send", () =>
      client.im.message.create({
        params: { receive_id_type: "chat_id" },
        data: { receive_id: "oc_1", msg_type: "interactive", content: card },
      }),
    );
    await tries("reply", () =>
      client.im.message.reply({ path: { message_id: "om_1" }, data: { msg_type: "interactive", content: card } }),
    );
    await tries("update", () => client.im.message.patch({ path: { message_id: "om_1" }, data: { content: card } }));
    const all = text();
    expectClean(all);
    const errs = all
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { err?: Record<string, unknown>; what?: string })
      .filter((l) => l.err?.status === 500);
    expect(errs.map((e) => e.what)).toEqual(["send", "send", "reply", "update"]);
    expect(errs[0]?.err).toMatchObject({ method: "POST", path: "/open-apis/auth/v3/tenant_access_token/internal" });
    expect(errs[2]?.err).toMatchObject({ method: "POST", path: "/open-apis/im/v1/messages/om_1/reply", status: 500 });
    expect(errs[2]?.err).toMatchObject({ platformCode: 230001 });
    expect(Object.keys(errs[0]?.err ?? {})).not.toContain("config");
  });

  it("Slack post, update and response_url failures are logged without the token", async () => {
    const api = await startSlackApiStandIn();
    try {
      const { log, text } = capture();
      const tries = async (what: string, call: () => Promise<unknown>) => {
        try {
          await call();
        } catch (err) {
          log.error({ err, what }, "slack call failed");
        }
      };
      // Nothing listens on port 9: a request error carries the whole axios request, token included.
      const dead = slackWebClient(
        { botToken: SECRETS.SLACK_BOT_TOKEN, apiUrl: "http://127.0.0.1:59999/api/" } as never,
        log,
      );
      await tries("post", () => dead.chat.postMessage({ channel: "C1", text: "hi" }));
      await tries("update", () => dead.chat.update({ channel: "C1", ts: "1.2", text: "hi" }));
      const live = slackWebClient({ botToken: SECRETS.SLACK_BOT_TOKEN, apiUrl: api.url } as never, log);
      api.script["chat.postMessage"] = [{ error: "channel_not_found" }];
      await tries("post refused", () => live.chat.postMessage({ channel: "C1", text: "hi" }));
      const responseUrl = "http://127.0.0.1:59999/actions/T0AAA/1234567890/respURLsecretPart0123456789";
      await tries("response_url", async () => {
        const res = await fetch(responseUrl, { method: "POST", body: "{}" }).catch((cause) => {
          throw Object.assign(new Error("response_url post failed"), { cause });
        });
        return res;
      });
      const all = text();
      expectClean(all, ["respURLsecretPart0123456789"]);
      expect(all).toMatch(/"platformError":"\w+"/);
      expect(all).toContain('"what":"update"');
    } finally {
      await api.close();
    }
  });
});

describe("a Feishu follow-up that fails, end to end", () => {
  it("logs the failure without the tenant token, the app secret or the card", async () => {
    const { log, text } = capture();
    const h = await startFeishuHarness("pglite", { log, env: { FEISHU_APP_SECRET: SECRETS.FEISHU_APP_SECRET } });
    try {
      h.api.tenantToken = TENANT_TOKEN;
      h.api.failNext.push(
        { status: 500, code: 230001, msg: "internal" },
        { status: 500, code: 230001, msg: "internal" },
      );
      const r = await h.push(envelope("im.message.receive_v1", textMessage(OPEN_IDS.cara, "acme corp")));
      expect(r.status).toBe(200);
      const all = text();
      expect(all).toContain("/open-apis/im/v1/messages");
      expectClean(all, ["Acme Corp"]);
    } finally {
      await h.close();
    }
  });
});
