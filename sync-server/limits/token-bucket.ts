// A token bucket on the injected clock: `capacity` tokens, refilled evenly over `windowMs`.
import type { Clock } from '../clock';
import type { RateLimit } from './limits';

export type Take = { ok: true } | { ok: false; retryAfterMs: number };

export interface TokenBucket {
  take(): Take;
  /** True when the bucket has refilled completely, so forgetting it loses nothing. */
  isFull(): boolean;
}

export function createTokenBucket(limit: RateLimit, clock: Clock): TokenBucket {
  const perMs = limit.capacity / limit.windowMs;
  let tokens = limit.capacity;
  let last = clock.now();

  const refill = (): void => {
    const now = clock.now();
    // A clock that steps backwards must not mint tokens.
    if (now > last) tokens = Math.min(limit.capacity, tokens + (now - last) * perMs);
    last = Math.max(last, now);
  };

  return {
    take() {
      refill();
      if (tokens >= 1) {
        tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterMs: Math.ceil((1 - tokens) / perMs) };
    },
    isFull() {
      refill();
      return tokens >= limit.capacity;
    },
  };
}
