// KDF parameters for a handle with no account: stable across requests and restarts, shaped like a
// real answer, so POST /api/auth/kdf does not reveal whether a handle exists.
import { createHmac } from 'node:crypto';
import { MIN_KDF_ITERATIONS } from '../../lib/protocol/api';

export const FAKE_KDF_SECRET = 'fake-kdf-salt';

// Real accounts made by lib/crypto use KDF_ITERATIONS (600,000), which is also the protocol minimum.
export const FAKE_KDF_ITERATIONS = MIN_KDF_ITERATIONS;

export function fakeKdfSalt(secret: Uint8Array, handle: string): Uint8Array {
  return new Uint8Array(createHmac('sha256', secret).update(`hasneeds/fake-kdf-salt/v1\0${handle}`).digest().subarray(0, 16));
}
