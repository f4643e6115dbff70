import * as lark from "@larksuiteoapi/node-sdk";
import { z } from "zod";
import type { AppContext } from "../context.js";
import { type HttpApp, readBody, sendJson } from "../http/server.js";
import type { MountPart, ServicePart } from "../service-part.js";
import { createFeishuApp, FEISHU_EVENTS_PATH, type FeishuApp, type FeishuAppOptions } from "./app.js";
import { larkDomain, larkLogger } from "./client.js";
import { decryptFeishu, FEISHU_SIGNATURE, header, sameSecret, verifyFeishuRequest } from "./verify.js";

// The Feishu endpoint. HTTP mode: POST /feishu/events on the service's own server (events and card
// callbacks share the URL). We check the signature over the raw body (401 before anything else
// happens), decrypt, check the verification token, answer url_verification, and hand the event to
// the SDK's EventDispatcher. Long-connection mode (FEISHU_MODE=ws): the SDK's WSClient connects when
// the service starts; no public URL is needed.

/** Feishu's pushes are small; anything near this is not from Feishu. */
export const FEISHU_BODY_LIMIT = 1_000_000;

const Encrypted = z.object({ encrypt: z.string().min(1) });
const Plain = z.looseObject({
  type: z.string().optional(),
  challenge: z.string().optional(),
  token: z.string().optional(),
  schema: z.string().optional(),
  header: z.looseObject({ token: z.string().optional(), event_type: z.string().optional() }).optional(),
});

export const mountFeishu: MountPart = (ctx, http) => mountFeishuWith(ctx, http);

export async function mountFeishuWith(
  ctx: AppContext,
  http: HttpApp,
  opts: FeishuAppOptions = {},
): Promise<(ServicePart & { feishu: FeishuApp }) | undefined> {
  const cfg = ctx.config.feishu;
  if (!cfg) return undefined;
  const feishu = createFeishuApp(ctx, opts);
  const log = ctx.log.child({ part: "feishu" });
  if (cfg.mode === "ws") {
    const ws = new lark.WSClient({
      appId: cfg.appId,
      appSecret: cfg.appSecret,
      domain: larkDomain(cfg),
      logger: larkLogger(ctx.log),
      loggerLevel: lark.LoggerLevel.info,
      onReady: () => log.info("feishu: long connection open"),
      onReconnected: () => log.info("feishu: long connection open again"),
      onError: (err: Error) => log.error({ err }, "feishu: long connection gave up (check FEISHU_APP_ID/SECRET)"),
    });
    log.info("feishu: long connection (FEISHU_MODE=ws)");
    return {
      name: "feishu (long connection)",
      feishu,
      async start() {
        await ws.start({ eventDispatcher: feishu.dispatcher });
      },
      async stop() {
        ws.close({ force: true });
        await feishu.idle();
      },
    };
  }
  const { encryptKey, verificationToken } = cfg;
  if (!encryptKey && !verificationToken)
    throw new Error("feishu: HTTP mode needs FEISHU_ENCRYPT_KEY (recommended) or FEISHU_VERIFICATION_TOKEN");

  http.route("POST", FEISHU_EVENTS_PATH, async (req, res) => {
    const raw = await readBody(req, FEISHU_BODY_LIMIT);
    const signature = header(req.headers, FEISHU_SIGNATURE.signatureHeader);
    if (encryptKey && signature !== undefined) {
      const verdict = verifyFeishuRequest({
        encryptKey,
        timestamp: header(req.headers, FEISHU_SIGNATURE.timestampHeader),
        nonce: header(req.headers, FEISHU_SIGNATURE.nonceHeader),
        signature,
        rawBody: raw,
        now: ctx.now(),
      });
      if (!verdict.ok) {
        log.warn({ reason: verdict.reason }, "feishu: request with a bad signature refused");
        sendJson(res, 401, { error: "invalid signature" });
        return;
      }
    }
    const body = open(raw, encryptKey);
    if (!body) {
      sendJson(res, 400, { error: "unreadable body" });
      return;
    }
    const token = body.header?.token ?? body.token;
    if (verificationToken && !sameSecret(token, verificationToken)) {
      log.warn("feishu: request with a wrong verification token refused");
      sendJson(res, 401, { error: "invalid token" });
      return;
    }
    if (body.type === "url_verification") {
      // Carries no work, so it may come unsigned; the token (and decryption) prove it is Feishu.
      sendJson(res, 200, { challenge: body.challenge ?? "" });
      return;
    }
    if (encryptKey && signature === undefined) {
      log.warn("feishu: unsigned event refused (FEISHU_ENCRYPT_KEY is set, so Feishu signs every push)");
      sendJson(res, 401, { error: "invalid signature" });
      return;
    }
    const result: unknown = await feishu.dispatcher.invoke(body, { needCheck: false });
    // The dispatcher answers unknown events with a string; Feishu only needs a 200.
    sendJson(res, 200, result && typeof result === "object" ? result : {});
  });
  return {
    name: "feishu",
    feishu,
    async stop() {
      // The HTTP server has finished its requests; let follow-ups (answers being sent) end.
      await feishu.idle();
    },
  };
}

/** The push as a plain object: decrypted when Feishu encrypted it; undefined when unreadable. */
function open(raw: Buffer, encryptKey: string | undefined): z.infer<typeof Plain> | undefined {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch {
    return undefined;
  }
  const enc = Encrypted.safeParse(json);
  if (enc.success) {
    if (!encryptKey) return undefined;
    try {
      json = JSON.parse(decryptFeishu(encryptKey, enc.data.encrypt));
    } catch {
      return undefined;
    }
  }
  const plain = Plain.safeParse(json);
  return plain.success ? plain.data : undefined;
}
