// Password-style verifiers for the auth keys. The client already ran PBKDF2 and HKDF, so the key
// has 256 bits of entropy: a salted SHA-256 is enough and a slow hash would add nothing.
import { timingSafeEqual } from 'node:crypto';
import type { RandomBytes } from '../random';
import { sha256 } from './tokens';

export interface Verifier {
  hash: Uint8Array;
  salt: Uint8Array;
}

export function makeVerifier(secret: Uint8Array, random: RandomBytes): Verifier {
  const salt = random(16);
  return { salt, hash: sha256(salt, secret) };
}

export function checkVerifier(secret: Uint8Array, verifier: Verifier): boolean {
  const candidate = sha256(verifier.salt, secret);
  return candidate.length === verifier.hash.length && timingSafeEqual(candidate, verifier.hash);
}
