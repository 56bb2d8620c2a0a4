// Bearer tokens and socket tickets: 32 random bytes, base64url on the wire, only a SHA-256 hash stored.
import { createHash } from 'node:crypto';
import { fromBase64url, toBase64url } from '../../lib/protocol/base64url';
import type { RandomBytes } from '../random';

export const TOKEN_BYTES = 32;

export interface IssuedToken {
  /** Goes to the client once and is never stored or logged. */
  text: string;
  hash: Uint8Array;
}

export function issueToken(random: RandomBytes): IssuedToken {
  const bytes = random(TOKEN_BYTES);
  return { text: toBase64url(bytes), hash: sha256(bytes) };
}

/** The stored hash of a presented token, or null when it cannot be one of ours. */
export function hashPresentedToken(text: string): Uint8Array | null {
  const bytes = fromBase64url(text);
  return bytes === null || bytes.length !== TOKEN_BYTES ? null : sha256(bytes);
}

/** A public identifier (account, session): 16 random bytes, base64url (22 characters). */
export function newId(random: RandomBytes): string {
  return toBase64url(random(16));
}

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}
