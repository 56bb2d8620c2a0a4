// Time is passed in, never read from a global, so expiry and rate-limit tests run instantly.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
