// The secret-key backup: secretbox under a wrap key from the passphrase or the recovery key.
import nacl from 'tweetnacl';
import { concatBytes } from './bytes';
import { randomBytes, webRandom, type RandomBytes } from './random';

const NONCE_LENGTH = nacl.secretbox.nonceLength; // 24
const MIN_WRAPPED = NONCE_LENGTH + nacl.secretbox.overheadLength;

/** nonce(24) || secretbox(secrets). A random 24-byte nonce is safe to pick per wrap (XSalsa20). */
export function wrapBackup(secrets: Uint8Array, wrapKey: Uint8Array, random: RandomBytes = webRandom): Uint8Array {
  if (wrapKey.length !== nacl.secretbox.keyLength) throw new RangeError('wrapBackup: wrap key must be 32 bytes');
  const nonce = randomBytes(random, NONCE_LENGTH);
  return concatBytes(nonce, nacl.secretbox(secrets, nonce, wrapKey));
}

/** Null when the bytes were altered, truncated, or wrapped under another key: all look the same to the caller. */
export function unwrapBackup(wrapped: Uint8Array, wrapKey: Uint8Array): Uint8Array | null {
  if (wrapKey.length !== nacl.secretbox.keyLength) throw new RangeError('unwrapBackup: wrap key must be 32 bytes');
  if (wrapped.length < MIN_WRAPPED) return null;
  return nacl.secretbox.open(wrapped.subarray(NONCE_LENGTH), wrapped.subarray(0, NONCE_LENGTH), wrapKey);
}
