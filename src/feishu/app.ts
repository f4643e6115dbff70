import * as lark from "@larksuiteoapi/node-sdk";
import { DeliveryClaims } from "../chat/dedupe.js";
import { InFlight } from "../chat/in-flight.js";
import type { AppContext } from "../context.js";
import { type LimiterClock, RateLimiter, realClock } from "../delivery/limits.js";
import { registerCardActions } from "./actions/card-action.js";
import { type FeishuConfig, larkClient, larkLogger } from "./client.js";
import { registerBotMenu } from "./events/bot-menu.js";
import { registerMessages } from "./events/message.js";
import { FEISHU_DELIVERY_PREFIX } from "./incoming.js";
import { FEISHU_TIMING, type FeishuServices } from "./services.js";

// The Feishu app: one Lark client and one EventDispatcher with our listeners, one register function
// per kind. Both modes feed the same dispatcher: HTTP (mount.ts verifies and decrypts first) and the
// long connection (the SDK's WSClient hands it events as they arrive).

export const FEISHU_EVENTS_PATH = "/feishu/events";

export interface FeishuApp {
  services: FeishuServices;
  dispatcher: lark.EventDispatcher;
  /** Resolves when no follow-up work is running (bounded by `maxMs`). */
  idle(maxMs?: number): Promise<void>;
}

export interface FeishuAppOptions {
  ackBudgetMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** The send pacer's clock (tests observe the waits instead of sleeping). */
  limiterClock?: LimiterClock;
}

export function createFeishuApp(ctx: AppContext, opts: FeishuAppOptions = {}): FeishuApp {
  const cfg = ctx.config.feishu as FeishuConfig;
  const log = ctx.log.child({ part: "feishu" });
  // Feishu users without a member or team locale get FEISHU_LOCALE (Chinese unless set otherwise).
  const fctx: AppContext = { ...ctx, config: { ...ctx.config, locale: cfg.locale } };
  const client = larkClient(cfg, ctx.log);

  const inflight = new InFlight();
  // Answers to people are paced by the same declared limits as the outbox's background sends.
  const limiter = new RateLimiter(opts.limiterClock ?? realClock);
  let bot: Promise<string | undefined> | undefined;
  const services: FeishuServices = {
    ctx: fctx,
    cfg,
    client,
    dedupe: new DeliveryClaims(ctx.db, ctx.now, FEISHU_DELIVERY_PREFIX),
    ackBudgetMs: opts.ackBudgetMs ?? FEISHU_TIMING.ackBudgetMs,
    later(what, work) {
      void inflight.track(work().catch((err) => log.error({ err, what }, "feishu: follow-up failed")));
    },
    sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    pace: (chat) => limiter.take("feishu", chat),
    botOpenId() {
      // Fetched once, on first use, and again if that failed.
      bot ??= client
        .request<{ code?: number; bot?: { open_id?: string } }>({ method: "GET", url: "/open-apis/bot/v3/info" })
        .then((r) => r?.bot?.open_id)
        .catch((err) => {
          log.warn({ err: err instanceof Error ? err.message : String(err) }, "feishu: bot info unavailable");
          bot = undefined;
          return undefined;
        });
      return bot;
    },
  };

  // No token or key here: HTTP requests are verified and decrypted before they reach the dispatcher,
  // and long-connection events arrive over an authenticated socket.
  const dispatcher = new lark.EventDispatcher({ logger: larkLogger(ctx.log), loggerLevel: lark.LoggerLevel.info });
  registerMessages(dispatcher, services);
  registerBotMenu(dispatcher, services);
  registerCardActions(dispatcher, services);

  return { services, dispatcher, idle: (maxMs) => inflight.idle(maxMs) };
}
