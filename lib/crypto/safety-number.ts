// Safety numbers, following Signal's numeric fingerprint: each person's 30 digits come from 5,200 rounds of
// SHA-512 over their signing key and id; the pair is shown with the two halves sorted, so both people see the
// same 60 digits and can compare them out loud or side by side.
import nacl from 'tweetnacl';
import { concatBytes, utf8 } from './bytes';

export interface FingerprintSubject {
  id: string;
  signingPublicKey: Uint8Array;
}

const VERSION = Uint8Array.of(0, 0);
const ITERATIONS = 5200;
const CHUNKS = 6;
const CHUNK_BYTES = 5;

// tweetnacl's synchronous SHA-512, not subtle.digest: 5,200 tiny digests cost about 55 ms this way in Node
// against about 370 ms as 5,200 awaited WebCrypto calls.
function digits(subject: FingerprintSubject): string {
  if (subject.signingPublicKey.length !== 32) throw new RangeError('fingerprint: signing key must be 32 bytes');
  const key = subject.signingPublicKey;
  let hash = concatBytes(VERSION, key, utf8(subject.id));
  for (let i = 0; i < ITERATIONS; i++) hash = nacl.hash(concatBytes(hash, key));
  let out = '';
  for (let c = 0; c < CHUNKS; c++) {
    // 40-bit big-endian chunk mod 100000; multiplication keeps it exact (2^40 < 2^53).
    let value = 0;
    for (let b = 0; b < CHUNK_BYTES; b++) value = value * 256 + hash[c * CHUNK_BYTES + b]!;
    out += String(value % 100_000).padStart(5, '0');
  }
  return out;
}

function group(text: string): string {
  return text.match(/.{5}/g)!.join(' ');
}

/** The user's own 30 digits, 6 groups of 5. */
export async function ownFingerprint(user: FingerprintSubject): Promise<string> {
  return group(digits(user));
}

/** 60 digits in 12 groups of 5, the same whichever side computes it. */
export async function safetyNumber(a: FingerprintSubject, b: FingerprintSubject): Promise<string> {
  const da = digits(a);
  const db = digits(b);
  return group(da < db ? da + db : db + da);
}
