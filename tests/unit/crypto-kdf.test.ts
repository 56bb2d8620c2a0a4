import { hkdfSync, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  KDF_ITERATIONS,
  MAX_KDF_ITERATIONS,
  deriveRecoveryKeys,
  derivePassphraseKeys,
  newKdfParams,
} from '../../lib/crypto/index';
import { hkdfSha256, pbkdf2Sha256 } from '../../lib/crypto/kdf';
import { MAX_KDF_ITERATIONS as API_MAX, MIN_KDF_ITERATIONS } from '../../lib/protocol/api';
import { fromHex, hex, seededRandom } from './fixtures/seeded-random';

const enc = (s: string) => new TextEncoder().encode(s);
const SALT = Uint8Array.from({ length: 16 }, (_, i) => i);

// node:crypto is the independent reference for what lib/crypto computes through WebCrypto.
function referencePassphraseKeys(passphrase: string, salt: Uint8Array, iterations: number) {
  const master = pbkdf2Sync(enc(passphrase.normalize('NFKC')), salt, iterations, 32, 'sha256');
  const split = (info: string) => hex(new Uint8Array(hkdfSync('sha256', master, new Uint8Array(0), info, 32)));
  return { authKey: split('hasneeds/passphrase/auth/v1'), wrapKey: split('hasneeds/passphrase/wrap/v1') };
}

describe('PBKDF2-SHA256', () => {
  it('matches the published vector for "password"/"salt" at 1 and 4096 iterations', async () => {
    expect(hex(await pbkdf2Sha256(enc('password'), enc('salt'), 1))).toBe(
      '120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b',
    );
    expect(hex(await pbkdf2Sha256(enc('password'), enc('salt'), 4096))).toBe(
      'c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a',
    );
  });

  it('agrees with node:crypto pbkdf2Sync on arbitrary inputs', async () => {
    const random = seededRandom('pbkdf2');
    for (let i = 0; i < 5; i++) {
      const password = random(1 + i * 7);
      const salt = random(16);
      const iterations = 1 + i * 333;
      expect(hex(await pbkdf2Sha256(password, salt, iterations))).toBe(
        hex(new Uint8Array(pbkdf2Sync(password, salt, iterations, 32, 'sha256'))),
      );
    }
  });
});

describe('HKDF-SHA256', () => {
  it('matches RFC 5869 test case 1', async () => {
    const okm = await hkdfSha256(
      new Uint8Array(22).fill(0x0b),
      fromHex('000102030405060708090a0b0c'),
      fromHex('f0f1f2f3f4f5f6f7f8f9'),
      42,
    );
    expect(hex(okm)).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  });

  it('agrees with node:crypto hkdfSync on arbitrary inputs', async () => {
    const random = seededRandom('hkdf');
    for (let i = 0; i < 5; i++) {
      const ikm = random(32);
      const salt = random(i * 8);
      const info = random(i * 3);
      expect(hex(await hkdfSha256(ikm, salt, info))).toBe(hex(new Uint8Array(hkdfSync('sha256', ikm, salt, info, 32))));
    }
  });
});

describe('newKdfParams', () => {
  it('asks for 600,000 PBKDF2-SHA256 iterations with a fresh 16-byte salt', () => {
    const params = newKdfParams();
    expect(params.algorithm).toBe('PBKDF2-SHA256');
    expect(params.iterations).toBe(600_000);
    expect(KDF_ITERATIONS).toBe(600_000);
    expect(params.salt).toHaveLength(16);
    expect(hex(newKdfParams().salt)).not.toBe(hex(params.salt));
  });

  it('uses the same bounds as the API schema', () => {
    expect(KDF_ITERATIONS).toBe(MIN_KDF_ITERATIONS);
    expect(MAX_KDF_ITERATIONS).toBe(API_MAX);
  });
});

describe('derivePassphraseKeys', () => {
  it('derives the pinned auth and wrap keys for a fixed passphrase and salt, equal to a node:crypto reference', async () => {
    const keys = await derivePassphraseKeys('correct horse battery staple', SALT, KDF_ITERATIONS);
    const pinned = {
      authKey: '5cce638c9f5e00e55a9a1f4bdbba07305dcfaf063058afe15fa18da9e81e6017',
      wrapKey: 'd7d147bc41cd29b4e54b408f2d1a1dd0c6b3e559209cb9cb93f32392dcba77ef',
    };
    expect({ authKey: hex(keys.authKey), wrapKey: hex(keys.wrapKey) }).toEqual(pinned);
    expect(referencePassphraseKeys('correct horse battery staple', SALT, KDF_ITERATIONS)).toEqual(pinned);
  });

  it('gives the same keys for canonically equivalent spellings of a passphrase (NFKC)', async () => {
    const composed = await derivePassphraseKeys('caf\u00e9 \ufb01sh', SALT, KDF_ITERATIONS);
    const decomposed = await derivePassphraseKeys('cafe\u0301 fish', SALT, KDF_ITERATIONS);
    expect(hex(decomposed.authKey)).toBe(hex(composed.authKey));
    expect(hex(decomposed.wrapKey)).toBe(hex(composed.wrapKey));
    expect(hex(composed.authKey)).not.toBe(hex(composed.wrapKey));
  });

  it('refuses an iteration count below 600,000 or above the maximum, so a server cannot downgrade it', async () => {
    await expect(derivePassphraseKeys('pw', SALT, KDF_ITERATIONS - 1)).rejects.toThrow(RangeError);
    await expect(derivePassphraseKeys('pw', SALT, 1)).rejects.toThrow(RangeError);
    await expect(derivePassphraseKeys('pw', SALT, MAX_KDF_ITERATIONS + 1)).rejects.toThrow(RangeError);
    await expect(derivePassphraseKeys('pw', new Uint8Array(8), KDF_ITERATIONS)).rejects.toThrow(RangeError);
  });
});

describe('deriveRecoveryKeys', () => {
  it('derives the pinned keys with info strings distinct from the passphrase ones', async () => {
    const recoveryKey = Uint8Array.from({ length: 32 }, (_, i) => i + 100);
    const keys = await deriveRecoveryKeys(recoveryKey);
    expect(hex(keys.authKey)).toBe('c75f1f0c4e6895ea9d569d85f5dc84e4bc27573d4dacb0a6b0b36b5e02d687bd');
    expect(hex(keys.wrapKey)).toBe('199634c6308fda3f4cb0832b9721bd9221617936a4a04fc6ea97d0e7621d303d');
    const reference = (info: string) => hex(new Uint8Array(hkdfSync('sha256', recoveryKey, new Uint8Array(0), info, 32)));
    expect(hex(keys.authKey)).toBe(reference('hasneeds/recovery/auth/v1'));
    expect(hex(keys.wrapKey)).toBe(reference('hasneeds/recovery/wrap/v1'));
  });

  it('refuses a recovery key that is not 32 bytes', async () => {
    await expect(deriveRecoveryKeys(new Uint8Array(31))).rejects.toThrow(RangeError);
  });
});
