import { describe, expect, it } from 'vitest';
import {
  decodeIdentitySecrets,
  encodeIdentitySecrets,
  generateIdentity,
  unwrapBackup,
  wrapBackup,
  type Identity,
} from '../../lib/crypto/index';
import { hex, seededRandom } from './fixtures/seeded-random';

function makeIdentity(seed = 'alice'): Identity {
  return generateIdentity(seededRandom(seed));
}

describe('identity secrets', () => {
  it('round-trips through encode and decode', () => {
    const id = makeIdentity();
    const decoded = decodeIdentitySecrets(encodeIdentitySecrets(id));
    expect(decoded).not.toBeNull();
    expect(hex(decoded!.signing.publicKey)).toBe(hex(id.signing.publicKey));
    expect(hex(decoded!.signing.secretKey)).toBe(hex(id.signing.secretKey));
    expect(hex(decoded!.box.publicKey)).toBe(hex(id.box.publicKey));
    expect(hex(decoded!.box.secretKey)).toBe(hex(id.box.secretKey));
  });

  it('is deterministic for an injected random source and differs between sources', () => {
    expect(hex(makeIdentity('x').signing.publicKey)).toBe(hex(makeIdentity('x').signing.publicKey));
    expect(hex(makeIdentity('x').signing.publicKey)).not.toBe(hex(makeIdentity('y').signing.publicKey));
    expect(hex(generateIdentity().box.publicKey)).not.toBe(hex(generateIdentity().box.publicKey));
  });

  it('rejects secrets whose signing public key does not belong to the signing secret', () => {
    const bytes = encodeIdentitySecrets(makeIdentity());
    bytes.set(makeIdentity('mallory').signing.publicKey, 1 + 32);
    expect(decodeIdentitySecrets(bytes)).toBeNull();
  });

  it('rejects secrets whose box public key does not belong to the box secret', () => {
    const alice = makeIdentity();
    const mixed: Identity = { signing: alice.signing, box: { ...alice.box, publicKey: makeIdentity('mallory').box.publicKey } };
    expect(decodeIdentitySecrets(encodeIdentitySecrets(mixed))).toBeNull();
  });

  it('rejects a wrong version byte and wrong lengths', () => {
    const bytes = encodeIdentitySecrets(makeIdentity());
    const badVersion = bytes.slice();
    badVersion[0] = 2;
    expect(decodeIdentitySecrets(badVersion)).toBeNull();
    expect(decodeIdentitySecrets(bytes.subarray(0, bytes.length - 1))).toBeNull();
    expect(decodeIdentitySecrets(new Uint8Array([...bytes, 0]))).toBeNull();
    expect(decodeIdentitySecrets(new Uint8Array(0))).toBeNull();
  });
});

describe('backup wrapping', () => {
  const random = seededRandom('backup');
  const wrapKey = random(32);
  const secrets = encodeIdentitySecrets(makeIdentity());

  it('round-trips: nonce(24) || secretbox, and unwraps to the same bytes', () => {
    const wrapped = wrapBackup(secrets, wrapKey, random);
    expect(wrapped).toHaveLength(24 + 16 + secrets.length);
    expect(hex(unwrapBackup(wrapped, wrapKey)!)).toBe(hex(secrets));
  });

  it('uses a fresh nonce for every wrap', () => {
    expect(hex(wrapBackup(secrets, wrapKey).subarray(0, 24))).not.toBe(hex(wrapBackup(secrets, wrapKey).subarray(0, 24)));
  });

  it('returns null under a wrong key', () => {
    const wrapped = wrapBackup(secrets, wrapKey, random);
    expect(unwrapBackup(wrapped, random(32))).toBeNull();
  });

  it('returns null when any single byte was altered', () => {
    const wrapped = wrapBackup(secrets, wrapKey, random);
    for (let i = 0; i < wrapped.length; i++) {
      const tampered = wrapped.slice();
      tampered[i]! ^= 0x01;
      expect(unwrapBackup(tampered, wrapKey)).toBeNull();
    }
  });

  it('returns null for truncated input, including shorter than a nonce and a tag', () => {
    const wrapped = wrapBackup(secrets, wrapKey, random);
    for (const length of [0, 10, 24, 39, 40, wrapped.length - 1]) {
      expect(unwrapBackup(wrapped.subarray(0, length), wrapKey)).toBeNull();
    }
  });

  it('throws for a wrap key of the wrong length, which is a bug in the caller', () => {
    expect(() => wrapBackup(secrets, new Uint8Array(31))).toThrow(RangeError);
    expect(() => unwrapBackup(new Uint8Array(64), new Uint8Array(33))).toThrow(RangeError);
  });
});
