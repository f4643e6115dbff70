import { type Logger as BoltLogger, type LogLevel, webApi } from "@slack/bolt";
import type { Config } from "../config/env.js";
import { type Logger, safeObject } from "../log.js";

// One set of Web API client options for every Slack call we make (listeners and the outbox sender).

export type SlackConfig = NonNullable<Config["slack"]>;

export const SLACK_CLIENT = {
  defaultApiUrl: "https://slack.com/api/",
  /** A Web API call that takes longer than this is abandoned (the user is waiting). */
  timeoutMs: 10_000,
} as const;

/** SLACK_API_URL with the trailing slash the client needs to join method names. */
export function slackApiUrl(cfg: SlackConfig): string {
  const url = cfg.apiUrl ?? SLACK_CLIENT.defaultApiUrl;
  return url.endsWith("/") ? url : `${url}/`;
}

/**
 * Fail fast: a rate-limited call rejects at once (with Retry-After) instead of sleeping inside the
 * client, and nothing is retried behind our back. Interactive paths tell the user; the outbox
 * reschedules with the Retry-After.
 */
export function slackClientOptions(cfg: SlackConfig, log: Logger): webApi.WebClientOptions {
  return {
    slackApiUrl: slackApiUrl(cfg),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: SLACK_CLIENT.timeoutMs,
    logger: boltLogger(log),
  };
}

export function slackWebClient(cfg: SlackConfig, log: Logger): webApi.WebClient {
  return new webApi.WebClient(cfg.botToken, slackClientOptions(cfg, log));
}

/** Bolt's and the Web API client's logger interface over our pino logger (their info is our debug). */
export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ part: "slack" });
  let level = "info" as LogLevel;
  const text = (msg: unknown[]) =>
    msg.map((m) => (typeof m === "string" ? m : JSON.stringify(safeObject(m)))).join(" ");
  return {
    debug: (...msg) => child.debug(text(msg)),
    info: (...msg) => child.debug(text(msg)),
    warn: (...msg) => child.warn(text(msg)),
    error: (...msg) => child.error(text(msg)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
