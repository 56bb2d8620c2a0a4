// What API handlers may use; built once per server instance in server.ts.
import type { Clock } from '../clock';
import type { Repos } from '../db/repos';
import type { Verifier } from '../auth/verifier';
import type { KeyedRateLimiter } from '../limits/keyed-rate-limiter';
import type { Limits } from '../limits/limits';
import type { Logger } from '../log';
import type { RandomBytes } from '../random';
import type { SocketRegistry } from '../socket/registry';
import type { EventStreams } from '../sync/event-streams';
import type { SyncService } from '../sync/sync-service';
import type { Verifier as SignatureVerifier } from '../../lib/crypto';

export interface ApiDeps {
  repos: Repos;
  clock: Clock;
  random: RandomBytes;
  limits: Limits;
  log: Logger;
  sockets: SocketRegistry;
  /** Document rooms: removing a member closes their sockets on it. */
  sync: SyncService;
  /** Per-device event streams: membership changes are announced here. */
  events: EventStreams;
  /** Ed25519 through node:crypto behind lib/crypto's strict wrapper. */
  signatures: SignatureVerifier;
  version: string;
  startedAt: number;
  /** Key behind the stable fake KDF salts for unknown handles. */
  fakeKdfSecret: Uint8Array;
  /** Checked when a handle is unknown, so that answer costs the same work as a real one. */
  dummyVerifier: Verifier;
  rateLimits: {
    signInPerHandle: KeyedRateLimiter;
    signInPerAddress: KeyedRateLimiter;
    signUpPerAddress: KeyedRateLimiter;
  };
}
