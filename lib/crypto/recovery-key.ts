// The one-time recovery key shown at sign-up: 32 random bytes written as 14 groups of 4 Crockford base32
// characters. The last 3 bytes before encoding are a checksum, so a typo is caught before any network call.
import nacl from 'tweetnacl';
import { bytesEqual, concatBytes, utf8 } from './bytes';
import { randomBytes, webRandom, type RandomBytes } from './random';

const KEY_LENGTH = 32;
const CHECKSUM_LENGTH = 3;
// (32 + 3) bytes = 280 bits = exactly 56 base32 characters, so no padding bits to get wrong.
const ENCODED_LENGTH = 56;
const GROUP = 4;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CHECKSUM_DOMAIN = utf8('hasneeds/recovery-key/v1');

export function generateRecoveryKey(random: RandomBytes = webRandom): Uint8Array {
  return randomBytes(random, KEY_LENGTH);
}

// Synchronous SHA-512 (tweetnacl) because formatRecoveryKey is synchronous by contract.
function checksum(key: Uint8Array): Uint8Array {
  return nacl.hash(concatBytes(CHECKSUM_DOMAIN, key)).slice(0, CHECKSUM_LENGTH);
}

export function formatRecoveryKey(key: Uint8Array): string {
  if (key.length !== KEY_LENGTH) throw new RangeError('formatRecoveryKey: key must be 32 bytes');
  const bytes = concatBytes(key, checksum(key));
  let chars = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      chars += ALPHABET[(buffer >> bits) & 31];
    }
  }
  const groups: string[] = [];
  for (let i = 0; i < chars.length; i += GROUP) groups.push(chars.slice(i, i + GROUP));
  return groups.join('-');
}

// Crockford's decoding rules: case-insensitive, and the look-alikes I, L and O read as 1, 1 and 0.
function decodeChar(c: string): number {
  const upper = c.toUpperCase();
  const mapped = upper === 'I' || upper === 'L' ? '1' : upper === 'O' ? '0' : upper;
  return ALPHABET.indexOf(mapped);
}

/** Accepts what people type or paste: any case, spaces, dashes. Null for anything else or a wrong checksum. */
export function parseRecoveryKey(text: string): Uint8Array | null {
  const compact = text.replace(/[\s-]+/g, '');
  if (compact.length !== ENCODED_LENGTH) return null;
  const bytes = new Uint8Array(KEY_LENGTH + CHECKSUM_LENGTH);
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (const c of compact) {
    const v = decodeChar(c);
    if (v < 0) return null;
    buffer = ((buffer << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[o++] = (buffer >> bits) & 0xff;
    }
  }
  const key = bytes.slice(0, KEY_LENGTH);
  if (!bytesEqual(checksum(key), bytes.subarray(KEY_LENGTH))) return null;
  return key;
}
