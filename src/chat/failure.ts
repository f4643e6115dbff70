import { apologise } from "../conversation/apology.js";
import type { SendResult } from "../delivery/types.js";
import { tPlain } from "../i18n/catalogue.js";
import type { Locale } from "../i18n/locale.js";
import type { Logger } from "../log.js";
import type { ChatFailure, PlatformErrors } from "./contract.js";

// What a person and the outbox are told when a platform call fails, the same way on every platform.

/**
 * A short text for a failure on an interactive path (what the user is told); the failure is logged
 * here too. The platform's own refusals are named; anything else is an apology with an error id.
 */
export function failureText(
  errors: PlatformErrors,
  err: unknown,
  locale: Locale,
  log: Logger,
  what: string,
  fields: Record<string, unknown> = {},
): string {
  if (!errors.isPlatformError(err)) return apologise(log, err, locale, what, fields).text;
  log.warn({ err, what, ...fields }, `${what} failed`);
  const f = errors.classify(err);
  const named = errors.refusalText(f, err, locale);
  if (named) return named;
  if (f.kind === "rate_limited")
    return tPlain(locale, errors.texts.rateLimited, { seconds: Math.ceil(f.retryAfterMs / 1000) });
  return tPlain(locale, errors.texts.failed, { error: f.error });
}

/** The outbox's verdict on a failed send: retried (after the platform's wait) unless permanent. */
export function sendFailure(f: ChatFailure): Extract<SendResult, { ok: false }> {
  if (f.kind === "rate_limited") return { ok: false, retryable: true, retryAfterMs: f.retryAfterMs, error: f.error };
  return { ok: false, retryable: f.kind === "transient", error: f.error };
}
