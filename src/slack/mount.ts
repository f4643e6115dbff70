import type { IncomingMessage } from "node:http";
import type { AppContext } from "../context.js";
import { type HttpApp, readBody, sendJson } from "../http/server.js";
import type { MountPart, ServicePart } from "../service-part.js";
import { ARRIVED_AT, createSlackApp, SLACK_EVENTS_PATH, type SlackApp, type SlackAppOptions } from "./app.js";
import { slackWebClient } from "./client.js";
import { linkSlackMembers } from "./link-members.js";
import { header, SLACK_SIGNATURE, verifySlackRequest } from "./verify.js";

// The Slack endpoint. HTTP mode: POST /slack/events on the service's own server; we check the signature
// (and refuse with 401 before anything else happens), then hand the request to Bolt's HTTPReceiver.
// Socket Mode (SLACK_APP_TOKEN set): Bolt opens the WebSocket when the service starts.

/** Slack's payloads are small; anything near this is not from Slack. */
export const SLACK_BODY_LIMIT = 1_000_000;

export const mountSlack: MountPart = (ctx, http) => mountSlackWith(ctx, http);

export async function mountSlackWith(
  ctx: AppContext,
  http: HttpApp,
  opts: SlackAppOptions = {},
): Promise<(ServicePart & { slack: SlackApp }) | undefined> {
  const cfg = ctx.config.slack;
  if (!cfg) return undefined;
  const slack = createSlackApp(ctx, opts);
  // Background: link members to their Slack ids by email so proactive messages reach them.
  let linking: { abort: AbortController; done: Promise<unknown> } | undefined;
  const startLinking = () => {
    const abort = new AbortController();
    const done = linkSlackMembers(ctx, slackWebClient(cfg, ctx.log), abort.signal).catch((err) =>
      ctx.log.warn({ err }, "slack: linking members failed"),
    );
    linking = { abort, done };
  };
  const stopLinking = async () => {
    linking?.abort.abort();
    await linking?.done;
  };
  if (slack.mode === "socket") {
    ctx.log.info("slack: Socket Mode (SLACK_APP_TOKEN set)");
    return {
      name: "slack (socket mode)",
      slack,
      async start() {
        await slack.app.start();
        startLinking();
      },
      async stop() {
        await stopLinking();
        await slack.app.stop();
        await slack.idle();
      },
    };
  }
  const receiver = slack.receiver;
  const secret = cfg.signingSecret;
  if (!receiver || !secret) throw new Error("slack: HTTP mode needs SLACK_SIGNING_SECRET");
  http.route("POST", SLACK_EVENTS_PATH, async (req, res) => {
    const arrived = performance.now();
    const raw = await readBody(req, SLACK_BODY_LIMIT);
    const verdict = verifySlackRequest({
      signingSecret: secret,
      timestamp: header(req.headers, SLACK_SIGNATURE.timestampHeader),
      signature: header(req.headers, SLACK_SIGNATURE.signatureHeader),
      rawBody: raw,
      now: ctx.now(),
    });
    if (!verdict.ok) {
      if (isSslCheck(req, raw)) {
        // Slack's certificate check carries no work; answer it and nothing else.
        res.writeHead(200);
        res.end();
        return;
      }
      ctx.log.warn({ reason: verdict.reason }, "slack: request with a bad signature refused");
      sendJson(res, 401, { error: "invalid signature" });
      return;
    }
    // Bolt reads `rawBody` when present instead of the (already consumed) stream.
    Object.assign(req, { rawBody: raw, [ARRIVED_AT]: arrived });
    receiver.requestListener(req, res);
  });
  return {
    name: "slack",
    slack,
    async start() {
      startLinking();
    },
    async stop() {
      await stopLinking();
      // The HTTP server has finished its requests; let listeners still answering via response_url end.
      await slack.idle();
    },
  };
}

function isSslCheck(req: IncomingMessage, raw: Buffer): boolean {
  if (req.headers["content-type"] !== "application/x-www-form-urlencoded") return false;
  return new URLSearchParams(raw.toString("utf8")).get("ssl_check") === "1";
}
