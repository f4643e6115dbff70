// Calls to a CRM API: a rolling request budget (HubSpot: N per 10 seconds), 429s waited out as the
// API says (Retry-After), network errors and 5xx retried with backoff, 401 handed to the caller
// once (refresh the token, or report it), everything else thrown with the API's own message.

export interface CallFailure {
  /** HTTP status; undefined for a network error. */
  status?: number;
  /** Seconds the API asked to wait (Retry-After). */
  retryAfterS?: number;
  message: string;
}

export class AuthFailed extends Error {}

export interface CallerOptions {
  /** Requests allowed per rolling window. */
  budget: number;
  windowMs: number;
  /** Tries per call for network errors, 5xx and 429 (total). */
  attempts?: number;
  /** Reads an error thrown by the client into status / Retry-After / message. */
  describe: (err: unknown) => CallFailure;
  /** After a 401: make the next try work (new token) or throw AuthFailed. */
  onUnauthorized: (failure: CallFailure) => Promise<void>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Longest wait honoured for one Retry-After (seconds); longer stops the run with the reason. */
  maxRetryAfterS?: number;
}

export const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface CallStats {
  calls: number;
  retried429: number;
  retriedNetwork: number;
  refreshed: number;
}

export function caller(opts: CallerOptions) {
  const sleep = opts.sleep ?? realSleep;
  const now = opts.now ?? Date.now;
  const attempts = opts.attempts ?? 6;
  const sent: number[] = [];
  const stats: CallStats = { calls: 0, retried429: 0, retriedNetwork: 0, refreshed: 0 };

  async function budget() {
    for (;;) {
      const t = now();
      while (sent.length && (sent[0] as number) <= t - opts.windowMs) sent.shift();
      if (sent.length < opts.budget) {
        sent.push(t);
        return;
      }
      await sleep((sent[0] as number) + opts.windowMs - t + 1);
    }
  }

  /**
   * `unsafe`: the call creates something, so a network error (the request may have arrived) is not
   * retried here; the caller looks for what it wrote before trying again.
   */
  async function call<T>(what: string, fn: () => Promise<T>, unsafe = false): Promise<T> {
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      await budget();
      stats.calls++;
      try {
        return await fn();
      } catch (err) {
        if (err instanceof AuthFailed) throw err;
        const f = opts.describe(err);
        if (f.status === 401) {
          if (refreshed) throw new AuthFailed(`${what}: still refused after a new token (401): ${f.message}`);
          refreshed = true;
          stats.refreshed++;
          await opts.onUnauthorized(f);
          continue;
        }
        const transient =
          (f.status === undefined && !unsafe) ||
          f.status === 429 ||
          (f.status !== undefined && f.status >= 500 && !unsafe);
        if (!transient || attempt >= attempts) throw new Error(`${what}: ${f.message}`, { cause: err });
        if (f.status === 429) {
          stats.retried429++;
          const waitS = f.retryAfterS ?? 10;
          if (waitS > (opts.maxRetryAfterS ?? 120))
            throw new Error(`${what}: rate limited for ${waitS} s (Retry-After); the next run goes on`);
          await sleep(waitS * 1000);
        } else {
          stats.retriedNetwork++;
          await sleep(Math.min(500 * 2 ** (attempt - 1), 8_000));
        }
      }
    }
  }

  return { call, stats };
}

/** Retry-After as seconds: a number, or an HTTP date. */
export function parseRetryAfter(v: string | null | undefined, nowMs = Date.now()): number | undefined {
  if (!v) return undefined;
  const n = Number(v);
  if (Number.isFinite(n)) return Math.max(0, n);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}
