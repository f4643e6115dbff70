import { pino } from "pino";

export type Logger = pino.Logger;

// Secrets never reach the log, whatever object they ride in on.
const SECRET_KEYS = [
  "botToken",
  "signingSecret",
  "appToken",
  "appSecret",
  "encryptKey",
  "verificationToken",
  "ingestToken",
  "token",
  "authorization",
  "password",
  "databaseUrl",
  "segmentWriteKey",
  "apiToken",
  "writeKey",
  "accessToken",
  "clientSecret",
];
// pino's `*` matches one level only: cover the key at the top and up to three levels down.
const REDACT = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
  'headers["x-slack-signature"]',
  'headers["x-lark-signature"]',
];

/** One line of an error, for logs that must not carry a stack (repeated failures, outages). */
export function errorLine(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return (m.split("\n").find((l) => l.trim()) ?? m).trim().slice(0, 300);
}

/**
 * What may be logged of an error: its type, message and code, and for an HTTP client's error (axios,
 * as the Feishu SDK throws it, or wrapped by Slack's web-api as `original`) only the method, URL
 * path, status and the platform's error code. Never the request config (Authorization header, body
 * with the card or the app secret) or the response headers. One helper for both platforms.
 */
export function safeError(err: unknown, depth = 0): Record<string, unknown> {
  if (err === null || typeof err !== "object") return { message: String(err) };
  const e = err as Record<string, unknown> & { name?: unknown; message?: unknown; stack?: unknown };
  const out: Record<string, unknown> = {};
  if (typeof e.name === "string") out.type = e.name;
  if (typeof e.message === "string") out.message = e.message;
  if (typeof e.code === "string" || typeof e.code === "number") out.code = e.code;
  const http = httpParts(e) ?? httpParts(e.original) ?? httpParts(e.cause);
  if (http) Object.assign(out, http);
  // Slack web-api's own errors: the API's `error` field, the HTTP status, a rate limit's wait.
  const data = e.data as Record<string, unknown> | undefined;
  if (data && typeof data.error === "string") out.platformError = data.error;
  if (typeof e.statusCode === "number") out.status = e.statusCode;
  if (typeof e.retryAfter === "number") out.retryAfter = e.retryAfter;
  // A stack names our code, not the request: kept, except for HTTP errors (it repeats the message).
  if (!http && typeof e.stack === "string") out.stack = e.stack;
  if (e.cause && depth < 2 && !httpParts(e.cause)) out.cause = safeError(e.cause, depth + 1);
  return out;
}

function httpParts(v: unknown): Record<string, unknown> | undefined {
  if (!v || typeof v !== "object") return undefined;
  const e = v as { isAxiosError?: unknown; config?: { method?: unknown; url?: unknown; baseURL?: unknown } };
  if (e.isAxiosError !== true) return undefined;
  const r = (v as { response?: { status?: unknown; data?: unknown } }).response;
  const body = (r?.data ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (typeof e.config?.method === "string") out.method = e.config.method.toUpperCase();
  const path = urlPath(e.config?.url, e.config?.baseURL);
  if (path) out.path = path;
  if (typeof r?.status === "number") out.status = r.status;
  // Feishu answers { code, msg }; Slack { ok: false, error }.
  if (typeof body.code === "number" || typeof body.code === "string") out.platformCode = body.code;
  if (typeof body.error === "string") out.platformError = body.error;
  return out;
}

/**
 * Something an SDK hands its logger: errors reduced by safeError; other objects without the keys
 * that carry credentials or whole requests (config, headers, request, Authorization...).
 */
export function safeObject(v: unknown): unknown {
  if (v instanceof Error || (v && typeof v === "object" && (v as { isAxiosError?: unknown }).isAxiosError))
    return safeError(v);
  if (!v || typeof v !== "object") return v;
  try {
    return JSON.parse(
      JSON.stringify(v, (k, x) =>
        /^(config|headers|request|authorization|cookie)$/i.test(k) || SECRET_KEYS.includes(k) ? "[redacted]" : x,
      ),
    );
  } catch {
    return String(v);
  }
}

/** The path of a URL, without query or credentials; a token-like segment (a response_url's) hidden. */
function urlPath(url: unknown, base: unknown): string | undefined {
  if (typeof url !== "string") return undefined;
  try {
    const u = new URL(url, typeof base === "string" ? base : "http://x");
    return u.pathname
      .split("/")
      .map((seg) => (seg.length >= 20 && /[0-9]/.test(seg) && /[A-Za-z]/.test(seg) ? "[redacted]" : seg))
      .join("/");
  } catch {
    return undefined;
  }
}

/**
 * The logger. `secrets` are the configured secret values: a last line of defence replaces any of
 * them that still reaches a log line (in a message, say) with [redacted].
 */
export function createLogger(level = "info", destination?: pino.DestinationStream, secrets: string[] = []): Logger {
  const known = secrets.filter((s) => s.length >= 6);
  return pino(
    {
      level,
      redact: { paths: REDACT, censor: "[redacted]" },
      base: { app: "tend" },
      serializers: { err: safeError, error: (v: unknown) => (v instanceof Error ? safeError(v) : v) },
      ...(known.length
        ? {
            hooks: {
              streamWrite: (line: string) => known.reduce((l, s) => l.split(s).join("[redacted]"), line),
            },
          }
        : {}),
    },
    destination,
  );
}

/** The secret values of a configuration (for createLogger). */
export function configSecrets(config: {
  slack?: { botToken?: string; signingSecret?: string | undefined; appToken?: string | undefined } | undefined;
  feishu?: { appSecret?: string; encryptKey?: string | undefined; verificationToken?: string | undefined } | undefined;
  ingestToken?: string | undefined;
  databaseUrl?: string | undefined;
  segmentWriteKey?: string | undefined;
  zendesk?: { apiToken?: string } | undefined;
  sync?: {
    hubspot?: { accessToken: string } | undefined;
    salesforce?: { accessToken?: string | undefined; clientSecret?: string | undefined } | undefined;
  };
}): string[] {
  const pg = config.databaseUrl ? safeUrlPassword(config.databaseUrl) : undefined;
  return [
    config.slack?.botToken,
    config.slack?.signingSecret,
    config.slack?.appToken,
    config.feishu?.appSecret,
    config.feishu?.encryptKey,
    config.feishu?.verificationToken,
    config.ingestToken,
    config.segmentWriteKey,
    config.zendesk?.apiToken,
    config.sync?.hubspot?.accessToken,
    config.sync?.salesforce?.accessToken,
    config.sync?.salesforce?.clientSecret,
    pg,
  ].filter((s): s is string => typeof s === "string" && s.length > 0);
}

function safeUrlPassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

const LEVEL_NAMES: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};

/**
 * A destination that turns pino's JSON lines into "12:00:01 INFO message key=value" for a person at
 * a terminal. It formats what pino already redacted, so secrets stay out here too.
 */
export function prettyLines(out: { write(chunk: string): unknown }): pino.DestinationStream {
  return {
    write(line: string) {
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      const { time, level, msg, app: _app, pid: _pid, hostname: _host, err, ...rest } = rec;
      const clock = new Date(Number(time)).toISOString().slice(11, 19);
      // An HTTP error has no stack (see safeError): its method, path and status show as a field.
      if (err && typeof err === "object" && !("stack" in err)) rest.err = err;
      const fields = Object.entries(rest)
        .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
        .join(" ");
      const stack = err && typeof err === "object" && "stack" in err ? `\n${String(err.stack)}` : "";
      out.write(`${clock} ${LEVEL_NAMES[Number(level)] ?? level} ${msg ?? ""}${fields ? `  ${fields}` : ""}${stack}\n`);
    },
  };
}

export const silentLogger: Logger = pino({ level: "silent" });
