// One token bucket per key (a handle, an address), held in memory by one server instance.
// The map is bounded so a flood of distinct keys cannot grow it without limit.
import type { Clock } from '../clock';
import type { RateLimit } from './limits';
import { createTokenBucket, type Take, type TokenBucket } from './token-bucket';

export interface KeyedRateLimiter {
  take(key: string): Take;
}

export function createKeyedRateLimiter(limit: RateLimit, clock: Clock, maxKeys = 50_000): KeyedRateLimiter {
  const buckets = new Map<string, TokenBucket>();

  const evict = (): void => {
    // Full buckets carry no information; drop them first, then the oldest entries.
    for (const [key, bucket] of buckets) if (bucket.isFull()) buckets.delete(key);
    for (const key of buckets.keys()) {
      if (buckets.size < maxKeys) break;
      buckets.delete(key);
    }
  };

  return {
    take(key) {
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        if (buckets.size >= maxKeys) evict();
        bucket = createTokenBucket(limit, clock);
        buckets.set(key, bucket);
      }
      return bucket.take();
    },
  };
}
