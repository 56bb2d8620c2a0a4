// A clock tests move by hand, so expiry and rate limits are tested without sleeping.
import type { Clock } from '../../../sync-server/clock';

export interface FakeClock extends Clock {
  advance(ms: number): void;
}

export function fakeClock(start = Date.UTC(2026, 0, 1)): FakeClock {
  let now = start;
  return {
    now: () => now,
    advance(ms) {
      now += ms;
    },
  };
}
