import type { ChatFailure, PlatformErrors } from "../chat/contract.js";
import { tPlain } from "../i18n/catalogue.js";

// How a Feishu open API failure should be treated, shared by the outbox sender and interactive
// paths. Feishu answers business errors with a numeric `code` (often on an HTTP 400) and rate
// limits with HTTP 429 / code 99991400 plus an `x-ogw-ratelimit-reset` header (seconds).

export const FEISHU_RATE_LIMIT_CODES = [
  99991400, // app or tenant request rate exceeded
  230020, // per-chat send rate exceeded
  11232, // message send frequency limit
] as const;

/** Errors that will fail the same way every time until a person fixes something. */
export const FEISHU_PERMANENT_CODES = [
  230001, // invalid request parameter
  230002, // the bot is not in the chat
  230006, // bot capability not enabled for the app
  230013, // the user is outside the app's availability range
  230017, // the bot cannot message this chat
  230025, // message too long
  230027, // no permission
  230035, // sending messages in this chat is restricted
  230099, // card content could not be created
  99991672, // the app lacks the scope (im:message:send_as_bot)
  99992402, // field validation failed
  99991663, // tenant access token invalid (app secret changed)
  99991661, // missing access token
] as const;

const rateLimited = new Set<number>(FEISHU_RATE_LIMIT_CODES);
const permanent = new Set<number>(FEISHU_PERMANENT_CODES);

/** A business error Feishu returned with HTTP 200 (the SDK resolves those). */
export class FeishuApiError extends Error {
  constructor(
    public readonly code: number,
    msg: string,
  ) {
    super(`${code} ${msg}`);
  }
}

interface AxiosLike {
  isAxiosError?: boolean;
  code?: string;
  message?: string;
  response?: { status?: number; data?: unknown; headers?: Record<string, unknown> };
}

/** Whether a failure came from Feishu (an open API answer or the way there), not from Tend itself. */
export function isFeishuError(err: unknown): boolean {
  return err instanceof FeishuApiError || Boolean((err as AxiosLike)?.isAxiosError || (err as AxiosLike)?.response);
}

/** Feishu's numeric error code, whether it came with HTTP 200 (FeishuApiError) or an HTTP error. */
export function feishuCode(err: unknown): number | undefined {
  if (err instanceof FeishuApiError) return err.code;
  const code = ((err as AxiosLike)?.response?.data as { code?: unknown } | undefined)?.code;
  return typeof code === "number" ? code : undefined;
}

/** Classifies anything an SDK call threw (or a FeishuApiError we raised for a non-zero code). */
export function classifyFeishuError(err: unknown): ChatFailure {
  if (err instanceof FeishuApiError) return byCode(err.code, err.message, undefined);
  const e = err as AxiosLike;
  if (e?.response) {
    const status = Number(e.response.status ?? 0);
    const data = (e.response.data ?? {}) as { code?: unknown; msg?: unknown };
    const code = typeof data.code === "number" ? data.code : undefined;
    const reset = Number(e.response.headers?.["x-ogw-ratelimit-reset"]);
    const retryAfterMs = Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined;
    if (status === 429)
      return { kind: "rate_limited", retryAfterMs: retryAfterMs ?? 1000, error: label(code, data.msg, status) };
    if (code !== undefined && code !== 0) return byCode(code, label(code, data.msg, status), retryAfterMs);
    if (status >= 500 || status === 408) return { kind: "transient", error: `http_${status}` };
    if (status >= 400) return { kind: "permanent", error: `http_${status}` };
  }
  // Network errors, timeouts, anything else: retried (bounded by the outbox's attempts).
  return { kind: "transient", error: e?.code ?? (err instanceof Error ? err.message : String(err)) };
}

function byCode(code: number, error: string, retryAfterMs: number | undefined): ChatFailure {
  if (rateLimited.has(code)) return { kind: "rate_limited", retryAfterMs: retryAfterMs ?? 1000, error };
  if (permanent.has(code)) return { kind: "permanent", error };
  // Unknown codes are retried (bounded by the outbox's attempts) rather than dropped.
  return { kind: "transient", error };
}

function label(code: number | undefined, msg: unknown, status: number): string {
  return code !== undefined ? `${code} ${typeof msg === "string" ? msg : ""}`.trim() : `http_${status}`;
}

/** Feishu's "the bot is not in this chat / may not post here" codes: the fix is adding the bot. */
const NOT_IN_CHAT = new Set([230002, 230017]);

/** Feishu's side of the chat contract's error handling (see src/chat/failure.ts). */
export const feishuErrors: PlatformErrors = {
  isPlatformError: isFeishuError,
  classify: classifyFeishuError,
  refusalText: (_f, err, locale) =>
    NOT_IN_CHAT.has(feishuCode(err) ?? 0) ? tPlain(locale, "feishu.not_in_chat") : undefined,
  texts: { rateLimited: "feishu.rate_limited", failed: "feishu.feishu_failed" },
};
