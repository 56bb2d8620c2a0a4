// The server's node:crypto Ed25519 backend: RFC 8032 vectors, rejection of anything malformed, and
// a key cache that stays within its bound.
import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { nodeEd25519Backend } from '../../sync-server/crypto/node-ed25519';

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s/g, ''), 'hex'));

// RFC 8032 section 7.1, tests 1 and 2.
const VECTORS = [
  {
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

// The group order L: a signature with S + L in place of S verifies in tweetnacl but must not here.
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function withSPlusL(signature: Uint8Array): Uint8Array {
  const out = signature.slice();
  let s = 0n;
  for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(out[i]!);
  s += L;
  for (let i = 32; i < 64; i++) {
    out[i] = Number(s & 0xffn);
    s >>= 8n;
  }
  return out;
}

describe('node:crypto Ed25519 backend', () => {
  it('accepts the RFC 8032 test vectors', () => {
    const backend = nodeEd25519Backend();
    for (const v of VECTORS) expect(backend.verify(hex(v.message), hex(v.signature), hex(v.publicKey))).toBe(true);
  });

  it('rejects a changed message, a changed signature and another key', () => {
    const backend = nodeEd25519Backend();
    const [a, b] = VECTORS as [(typeof VECTORS)[0], (typeof VECTORS)[0]];
    expect(backend.verify(hex('73'), hex(b.signature), hex(b.publicKey))).toBe(false);
    const flipped = hex(b.signature);
    flipped[10]! ^= 1;
    expect(backend.verify(hex(b.message), flipped, hex(b.publicKey))).toBe(false);
    expect(backend.verify(hex(b.message), hex(b.signature), hex(a.publicKey))).toBe(false);
  });

  it('rejects a non-canonical signature (S + L) that tweetnacl accepts', () => {
    const backend = nodeEd25519Backend();
    const keys = nacl.sign.keyPair();
    const message = new TextEncoder().encode('hasneeds');
    const malleated = withSPlusL(nacl.sign.detached(message, keys.secretKey));
    expect(nacl.sign.detached.verify(message, malleated, keys.publicKey)).toBe(true);
    expect(backend.verify(message, malleated, keys.publicKey)).toBe(false);
  });

  it('answers false, never throws, for wrong lengths and keys that are not curve points', () => {
    const backend = nodeEd25519Backend();
    const v = VECTORS[0]!;
    expect(backend.verify(hex(v.message), hex(v.signature).slice(0, 63), hex(v.publicKey))).toBe(false);
    expect(backend.verify(hex(v.message), hex(v.signature), hex(v.publicKey).slice(0, 31))).toBe(false);
    expect(backend.verify(hex(v.message), new Uint8Array(64), new Uint8Array(32).fill(0xff))).toBe(false);
    expect(backend.verify(hex(v.message), new Uint8Array(64), new Uint8Array(32))).toBe(false);
  });

  it('gives on the thread pool exactly the answers it gives on this thread, and never rejects', async () => {
    const backend = nodeEd25519Backend();
    const [a, b] = VECTORS as [(typeof VECTORS)[0], (typeof VECTORS)[0]];
    const keys = nacl.sign.keyPair();
    const message = new TextEncoder().encode('hasneeds');
    const flipped = hex(b.signature);
    flipped[10]! ^= 1;
    const cases: Array<[Uint8Array, Uint8Array, Uint8Array]> = [
      ...VECTORS.map((v): [Uint8Array, Uint8Array, Uint8Array] => [hex(v.message), hex(v.signature), hex(v.publicKey)]),
      [hex('73'), hex(b.signature), hex(b.publicKey)],
      [hex(b.message), flipped, hex(b.publicKey)],
      [hex(b.message), hex(b.signature), hex(a.publicKey)],
      [message, withSPlusL(nacl.sign.detached(message, keys.secretKey)), keys.publicKey],
      [hex(a.message), hex(a.signature).slice(0, 63), hex(a.publicKey)],
      [hex(a.message), hex(a.signature), hex(a.publicKey).slice(0, 31)],
      [hex(a.message), new Uint8Array(64), new Uint8Array(32).fill(0xff)],
      [hex(a.message), new Uint8Array(64), new Uint8Array(32)],
    ];
    const here = cases.map(([m, sig, key]) => backend.verify(m, sig, key));
    expect(here.filter(Boolean)).toHaveLength(VECTORS.length);
    expect(await Promise.all(cases.map(([m, sig, key]) => backend.verifyOffThread(m, sig, key)))).toEqual(here);
  });

  it('keeps at most cacheSize imported keys and still verifies after eviction', () => {
    const backend = nodeEd25519Backend({ cacheSize: 4 });
    const message = new TextEncoder().encode('m');
    const pairs = Array.from({ length: 10 }, () => nacl.sign.keyPair());
    for (const keys of pairs) expect(backend.verify(message, nacl.sign.detached(message, keys.secretKey), keys.publicKey)).toBe(true);
    expect(backend.cachedKeys()).toBe(4);
    const first = pairs[0]!;
    expect(backend.verify(message, nacl.sign.detached(message, first.secretKey), first.publicKey)).toBe(true);
    expect(backend.cachedKeys()).toBe(4);
  });

  it('keeps separate caches per instance', () => {
    const a = nodeEd25519Backend();
    const b = nodeEd25519Backend();
    const v = VECTORS[0]!;
    a.verify(hex(v.message), hex(v.signature), hex(v.publicKey));
    expect(a.cachedKeys()).toBe(1);
    expect(b.cachedKeys()).toBe(0);
  });
});
