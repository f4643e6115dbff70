import { webApi } from "@slack/bolt";
import type { ChatFailure, PlatformErrors } from "../chat/contract.js";
import { tPlain } from "../i18n/catalogue.js";

// How a Slack Web API failure should be treated, shared by the outbox sender and interactive paths.

/** Errors that will fail the same way every time until a person fixes something. */
export const SLACK_PERMANENT_ERRORS = [
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "channel_is_archived",
  "account_inactive",
  "user_not_found",
  "user_disabled",
  "cannot_dm_bot",
  "invalid_auth",
  "not_authed",
  "token_revoked",
  "token_expired",
  "no_permission",
  "missing_scope",
  "not_allowed_token_type",
  "restricted_action",
  "ekm_access_denied",
  "team_access_not_granted",
  "invalid_blocks",
  "invalid_blocks_format",
  "msg_too_long",
  "no_text",
  "too_many_attachments",
  "invalid_arguments",
  "expired_trigger_id",
] as const;

/** Errors Slack itself calls transient. */
export const SLACK_TRANSIENT_ERRORS = [
  "ratelimited",
  "rate_limited",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
] as const;

const permanent = new Set<string>(SLACK_PERMANENT_ERRORS);
const transient = new Set<string>(SLACK_TRANSIENT_ERRORS);

/** Classifies anything a WebClient call threw. */
export function classifySlackError(err: unknown): ChatFailure {
  if (err instanceof SlackBusyError)
    return { kind: "rate_limited", retryAfterMs: err.retryAfterMs, error: "ratelimited" };
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string }; statusCode?: number };
  if (e?.code === webApi.ErrorCode.RateLimitedError) {
    const sec = typeof e.retryAfter === "number" && e.retryAfter > 0 ? e.retryAfter : 1;
    return { kind: "rate_limited", retryAfterMs: sec * 1000, error: "ratelimited" };
  }
  if (e?.code === webApi.ErrorCode.PlatformError) {
    const error = String(e.data?.error ?? "unknown_error");
    if (error === "ratelimited" || error === "rate_limited") return { kind: "rate_limited", retryAfterMs: 1000, error };
    if (permanent.has(error)) return { kind: "permanent", error };
    if (transient.has(error)) return { kind: "transient", error };
    // Unknown platform errors are retried (bounded by the outbox's attempts) rather than dropped.
    return { kind: "transient", error };
  }
  if (e?.code === webApi.ErrorCode.HTTPError) {
    const status = Number(e.statusCode ?? 0);
    if (status >= 400 && status < 500 && status !== 408) return { kind: "permanent", error: `http_${status}` };
    return { kind: "transient", error: `http_${status}` };
  }
  if (e?.code === webApi.ErrorCode.RequestError) return { kind: "transient", error: "request_error" };
  return { kind: "transient", error: err instanceof Error ? err.message : String(err) };
}

/** Thrown when Slack rate-limits a call we needed to answer (the listener tells the user). */
export class SlackBusyError extends Error {
  constructor(public readonly retryAfterMs: number) {
    super("slack rate limited");
  }
}

const SLACK_ERROR_CODES = new Set<unknown>(Object.values(webApi.ErrorCode));

/** Slack's side of the chat contract's error handling (see src/chat/failure.ts). */
export const slackErrors: PlatformErrors = {
  isPlatformError: (err) =>
    err instanceof SlackBusyError || SLACK_ERROR_CODES.has((err as { code?: unknown } | null)?.code),
  classify: classifySlackError,
  refusalText(f, _err, locale) {
    if (f.error === "not_in_channel" || f.error === "channel_not_found") return tPlain(locale, "slack.not_in_channel");
    if (f.error === "expired_trigger_id") return tPlain(locale, "slack.too_slow");
    return undefined;
  },
  texts: { rateLimited: "slack.rate_limited", failed: "slack.slack_failed" },
};
