// Passphrase and recovery-key derivation: PBKDF2-SHA256 stretches the passphrase into a master key, HKDF-SHA256
// splits a master key into an auth key (the server stores only a hash of it) and a wrap key (never leaves the device).
import { bufferSource, utf8, wipe } from './bytes';
import { randomBytes, webRandom, type RandomBytes } from './random';

/** OWASP's 2023 figure for PBKDF2-SHA256; also the least a client accepts, so a server cannot downgrade it. */
export const KDF_ITERATIONS = 600_000;
/** Mirrors lib/protocol/api.ts MAX_KDF_ITERATIONS; bounds the work a hostile server can ask of a device. */
export const MAX_KDF_ITERATIONS = 10_000_000;
export const KDF_SALT_LENGTH = 16;

export interface KdfParams {
  algorithm: 'PBKDF2-SHA256';
  iterations: number;
  salt: Uint8Array;
}

export interface DerivedKeys {
  authKey: Uint8Array;
  wrapKey: Uint8Array;
}

// Distinct info strings keep the auth key and the wrap key independent, and the passphrase pair apart from the
// recovery pair even if a passphrase master key ever equalled a recovery key.
const INFO = {
  passphraseAuth: 'hasneeds/passphrase/auth/v1',
  passphraseWrap: 'hasneeds/passphrase/wrap/v1',
  recoveryAuth: 'hasneeds/recovery/auth/v1',
  recoveryWrap: 'hasneeds/recovery/wrap/v1',
} as const;

export function newKdfParams(random: RandomBytes = webRandom): KdfParams {
  return { algorithm: 'PBKDF2-SHA256', iterations: KDF_ITERATIONS, salt: randomBytes(random, KDF_SALT_LENGTH) };
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  // Browsers hide crypto.subtle outside secure contexts (plain http on a non-localhost host).
  if (!s) throw new Error('WebCrypto subtle is unavailable (not a secure context?)');
  return s;
}

/** Raw PBKDF2-SHA256 with no policy; derivePassphraseKeys is the guarded entry point. */
export async function pbkdf2Sha256(password: Uint8Array, salt: Uint8Array, iterations: number, length = 32): Promise<Uint8Array> {
  if (!Number.isSafeInteger(iterations) || iterations < 1) throw new RangeError('pbkdf2Sha256: bad iteration count');
  const key = await subtle().importKey('raw', bufferSource(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle().deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: bufferSource(salt), iterations },
    key,
    length * 8,
  );
  return new Uint8Array(bits);
}

/** HKDF-SHA256 (RFC 5869). */
export async function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length = 32): Promise<Uint8Array> {
  const key = await subtle().importKey('raw', bufferSource(ikm), 'HKDF', false, ['deriveBits']);
  const bits = await subtle().deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: bufferSource(salt), info: bufferSource(info) },
    key,
    length * 8,
  );
  return new Uint8Array(bits);
}

// The master keys are uniformly random already, so HKDF-Extract needs no salt (RFC 5869 section 3.1).
const NO_SALT = new Uint8Array(0);

async function split(master: Uint8Array, authInfo: string, wrapInfo: string): Promise<DerivedKeys> {
  const [authKey, wrapKey] = await Promise.all([
    hkdfSha256(master, NO_SALT, utf8(authInfo)),
    hkdfSha256(master, NO_SALT, utf8(wrapInfo)),
  ]);
  return { authKey, wrapKey };
}

/**
 * The passphrase is NFKC-normalised so the same words typed on two keyboards give the same keys.
 * Throws on an iteration count outside [KDF_ITERATIONS, MAX_KDF_ITERATIONS]: callers get the count from a
 * schema-checked server answer, so reaching here with a weaker one is a bug, and a silent downgrade would let a
 * hostile server brute-force the passphrase from the auth key cheaply.
 */
export async function derivePassphraseKeys(passphrase: string, salt: Uint8Array, iterations: number): Promise<DerivedKeys> {
  if (!Number.isSafeInteger(iterations) || iterations < KDF_ITERATIONS || iterations > MAX_KDF_ITERATIONS) {
    throw new RangeError(`derivePassphraseKeys: iterations must be between ${KDF_ITERATIONS} and ${MAX_KDF_ITERATIONS}`);
  }
  if (salt.length !== KDF_SALT_LENGTH) throw new RangeError('derivePassphraseKeys: salt must be 16 bytes');
  const password = utf8(passphrase.normalize('NFKC'));
  const master = await pbkdf2Sha256(password, salt, iterations);
  try {
    return await split(master, INFO.passphraseAuth, INFO.passphraseWrap);
  } finally {
    wipe(master);
    wipe(password);
  }
}

/** The recovery key is 32 random bytes already: no stretching needed, only the split. */
export async function deriveRecoveryKeys(recoveryKey: Uint8Array): Promise<DerivedKeys> {
  if (recoveryKey.length !== 32) throw new RangeError('deriveRecoveryKeys: recovery key must be 32 bytes');
  return split(recoveryKey, INFO.recoveryAuth, INFO.recoveryWrap);
}
