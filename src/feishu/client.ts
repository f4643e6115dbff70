import * as lark from "@larksuiteoapi/node-sdk";
import type { Config } from "../config/env.js";
import { type Logger, safeObject } from "../log.js";

// One Lark client setup for every Feishu call we make (listeners, the long connection and the
// outbox sender). FEISHU_DOMAIN picks Feishu (China), Lark (international) or a base URL (tests point
// it at a local stand-in of the open API).

export type FeishuConfig = NonNullable<Config["feishu"]>;

/** The SDK's domain value for our FEISHU_DOMAIN setting. */
export function larkDomain(cfg: Pick<FeishuConfig, "domain">): lark.Domain | string {
  if (cfg.domain === "feishu") return lark.Domain.Feishu;
  if (cfg.domain === "lark") return lark.Domain.Lark;
  return cfg.domain.replace(/\/+$/, "");
}

/** The SDK's logger interface over our pino logger (its info is our debug: it is chatty). */
export function larkLogger(log: Logger): lark.Logger {
  const child = log.child({ part: "feishu" });
  const text = (msg: unknown[]) => msg.map((m) => (typeof m === "string" ? m : safe(safeObject(m)))).join(" ");
  return {
    error: (...msg) => child.error(text(msg)),
    warn: (...msg) => child.warn(text(msg)),
    info: (...msg) => child.debug(text(msg)),
    debug: (...msg) => child.debug(text(msg)),
    trace: (...msg) => child.trace(text(msg)),
  };
}

function safe(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** No Feishu call may hang a sender or a handler: the SDK's HTTP client has no timeout of its own. */
export const FEISHU_TIMEOUT_MS = 10_000;

export function larkClient(cfg: FeishuConfig, log: Logger): lark.Client {
  // The SDK's shared axios instance (it carries the SDK's interceptors, so it is set, not replaced).
  lark.defaultHttpInstance.defaults.timeout ||= FEISHU_TIMEOUT_MS;
  return new lark.Client({
    appId: cfg.appId,
    appSecret: cfg.appSecret,
    appType: lark.AppType.SelfBuild,
    domain: larkDomain(cfg),
    logger: larkLogger(log),
    loggerLevel: lark.LoggerLevel.info,
  });
}
