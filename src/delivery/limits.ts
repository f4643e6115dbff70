import type { Platform } from "./types.js";

/**
 * Sending limits per platform, declared once. Slack: chat.postMessage allows about one message per
 * second per channel (short bursts tolerated). Feishu: 5 messages/s per user or group chat and 50/s
 * per app. The drainer never exceeds these from one process; across replicas the platform's 429 +
 * Retry-After is honoured (see docs/proactive.md).
 */
export const PLATFORM_LIMITS = {
  slack: { perRecipient: { rate: 1, burst: 1 }, perApp: undefined },
  feishu: { perRecipient: { rate: 5, burst: 5 }, perApp: { rate: 50, burst: 50 } },
} as const satisfies Record<Platform, { perRecipient: Bucket; perApp: Bucket | undefined }>;

export interface Bucket {
  /** Tokens added per second. */
  rate: number;
  /** Bucket size (how many may go at once after a quiet spell). */
  burst: number;
}

/** Time source for the limiter: real by default; tests and benches scale it. */
export interface LimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: LimiterClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** A clock running `factor` times faster than real time (benches: the floor shrinks by `factor`). */
export function scaledClock(factor: number): LimiterClock {
  const t0 = performance.now();
  return {
    now: () => t0 + (performance.now() - t0) * factor,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms / factor)),
  };
}

interface BucketState {
  tokens: number;
  at: number;
}

/**
 * Token buckets keyed by recipient (and one per app where the platform has an app-wide limit).
 * `take` waits until a token is free in every bucket that applies. Calls for one key are served in
 * the order they arrive.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, BucketState>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly clock: LimiterClock = realClock,
    private readonly limits: Record<Platform, { perRecipient: Bucket; perApp: Bucket | undefined }> = PLATFORM_LIMITS,
  ) {}

  /** Resolves when one message to `recipient` on `platform` may go. */
  take(platform: Platform, recipient: string): Promise<void> {
    const key = `${platform}:${recipient}`;
    const prev = this.queues.get(key) ?? Promise.resolve();
    const next = prev.then(async () => {
      await this.takeFrom(key, this.limits[platform].perRecipient);
      const app = this.limits[platform].perApp;
      if (app) await this.takeFrom(`${platform}:*app*`, app);
    });
    this.queues.set(
      key,
      next.catch(() => {}),
    );
    return next;
  }

  private refill(key: string, limit: Bucket): BucketState {
    const now = this.clock.now();
    let state = this.buckets.get(key);
    if (!state) {
      state = { tokens: limit.burst, at: now };
      this.buckets.set(key, state);
    }
    state.tokens = Math.min(limit.burst, state.tokens + ((now - state.at) / 1000) * limit.rate);
    state.at = now;
    return state;
  }

  private async takeFrom(key: string, limit: Bucket): Promise<void> {
    for (;;) {
      const state = this.refill(key, limit);
      if (state.tokens >= 1) {
        state.tokens -= 1;
        return;
      }
      await this.clock.sleep(((1 - state.tokens) / limit.rate) * 1000);
    }
  }
}
