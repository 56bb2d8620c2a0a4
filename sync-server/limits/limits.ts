// Every size, rate and lifetime the server enforces, in one place so tests can tighten them.
import { SESSION_TTL_MS, TICKET_TTL_MS } from '../../lib/protocol/api';
import { REQUEST_ENTRY_CAP } from '../../lib/protocol/api-privacy';

export interface RateLimit {
  /** Attempts allowed in a burst. */
  capacity: number;
  /** Time for an empty bucket to refill completely. */
  windowMs: number;
}

export interface Limits {
  bodyBytes: number;
  frameBytes: number;
  signInPerHandle: RateLimit;
  signInPerAddress: RateLimit;
  signUpPerAddress: RateLimit;
  framesPerSocket: RateLimit;
  socketsPerAccount: number;
  sessionTtlMs: number;
  /** last_seen_at is written at most this often, so reads do not each cost an fsync. */
  sessionTouchMs: number;
  ticketTtlMs: number;
  /** How long shutdown waits for sockets and requests before cutting them. */
  shutdownGraceMs: number;
  heartbeatMs: number;
  /** Entries the sender of a message request may put into its document before it is accepted. */
  requestEntryCap: number;
}

const MINUTE = 60_000;

export const DEFAULT_LIMITS: Limits = {
  bodyBytes: 64 * 1024,
  // A snapshot entry (up to 3 MiB of ciphertext) travels in one outer update of at most 4 MiB.
  frameBytes: 5 * 1024 * 1024,
  signInPerHandle: { capacity: 10, windowMs: 15 * MINUTE },
  signInPerAddress: { capacity: 30, windowMs: 15 * MINUTE },
  signUpPerAddress: { capacity: 20, windowMs: 60 * MINUTE },
  framesPerSocket: { capacity: 200, windowMs: 2_000 },
  socketsPerAccount: 64,
  sessionTtlMs: SESSION_TTL_MS,
  sessionTouchMs: MINUTE,
  ticketTtlMs: TICKET_TTL_MS,
  shutdownGraceMs: 5_000,
  heartbeatMs: 30_000,
  requestEntryCap: REQUEST_ENTRY_CAP,
};
