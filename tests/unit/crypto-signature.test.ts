import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import {
  SIGNATURE_CONTEXTS,
  bestEd25519Backend,
  createVerifier,
  frameSigned,
  generateIdentity,
  isCanonicalSignature,
  sign,
  tweetnaclBackend,
  webCryptoBackend,
  type Ed25519Backend,
  type SignatureContext,
} from '../../lib/crypto/index';
import { fromHex, hex, seededRandom } from './fixtures/seeded-random';
import { expectedVerdict, loadWycheproofEd25519 } from './fixtures/wycheproof';

// The server's kind of backend: node:crypto with cached SPKI KeyObjects (DER prefix + raw 32-byte key).
const SPKI_ED25519_PREFIX = fromHex('302a300506032b6570032100');
function nodeCryptoBackend(): Ed25519Backend {
  const keys = new Map<string, KeyObject>();
  return {
    verify(message, signature, publicKey) {
      const id = hex(publicKey);
      let key = keys.get(id);
      if (!key) {
        key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
        keys.set(id, key);
      }
      return nodeVerify(null, message, key, signature);
    },
  };
}

// L = 2^252 + 27742317777372353535851937790883648493
const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const toLittleEndian = (value: bigint, length: number) =>
  Uint8Array.from({ length }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn));
const fromLittleEndian = (bytes: Uint8Array) => bytes.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n);

/** The same signature with S replaced by S + L: still a valid equation, but not the canonical encoding. */
function malleate(signature: Uint8Array): Uint8Array {
  const out = signature.slice();
  out.set(toLittleEndian(fromLittleEndian(signature.subarray(32)) + L, 32), 32);
  return out;
}

const backends: [string, () => Ed25519Backend][] = [
  ['WebCrypto', () => webCryptoBackend()],
  ['node:crypto', nodeCryptoBackend],
  ['tweetnacl', tweetnaclBackend],
];

describe('Wycheproof Ed25519 vectors', () => {
  const { numberOfTests, cases } = loadWycheproofEd25519();

  it('loads every upstream test case', () => {
    expect(cases).toHaveLength(numberOfTests);
    expect(cases.map((c) => c.tcId)).toEqual(Array.from({ length: numberOfTests }, (_, i) => i + 1));
    expect(cases.some((c) => c.result === 'valid')).toBe(true);
    expect(cases.some((c) => c.result === 'invalid')).toBe(true);
  });

  for (const [name, makeBackend] of backends) {
    it(`gives the expected verdict for every case through createVerifier(${name})`, async () => {
      const verifier = createVerifier(makeBackend());
      const mismatches: number[] = [];
      for (const c of cases) {
        const verdict = await verifier.verifyRaw(fromHex(c.msg), fromHex(c.sig), fromHex(c.publicKey));
        if (verdict !== expectedVerdict(c.result)) mismatches.push(c.tcId);
      }
      expect(mismatches).toEqual([]);
    });
  }
});

describe('context-bound signatures', () => {
  const alice = generateIdentity(seededRandom('alice'));
  const message = new TextEncoder().encode('hello');

  for (const [name, makeBackend] of backends) {
    it(`verifies only under the context it was made for (${name})`, async () => {
      const verifier = createVerifier(makeBackend());
      const signature = sign('hasneeds/message/v1', message, alice.signing.secretKey);
      expect(await verifier.verify('hasneeds/message/v1', message, signature, alice.signing.publicKey)).toBe(true);
      for (const other of SIGNATURE_CONTEXTS.filter((c) => c !== 'hasneeds/message/v1')) {
        expect(await verifier.verify(other, message, signature, alice.signing.publicKey)).toBe(false);
      }
      // Nor as a bare signature over the message.
      expect(await verifier.verifyRaw(message, signature, alice.signing.publicKey)).toBe(false);
    });
  }

  it('rejects a signature for another message or by another key', async () => {
    const verifier = createVerifier(webCryptoBackend());
    const bob = generateIdentity(seededRandom('bob'));
    const signature = sign('hasneeds/test/v1', message, alice.signing.secretKey);
    expect(await verifier.verify('hasneeds/test/v1', new TextEncoder().encode('hellO'), signature, alice.signing.publicKey)).toBe(false);
    expect(await verifier.verify('hasneeds/test/v1', message, signature, bob.signing.publicKey)).toBe(false);
  });

  it('frames as utf8(context) || 0x00 || message', () => {
    const framed = frameSigned('hasneeds/test/v1', Uint8Array.of(1, 2));
    expect(new TextDecoder().decode(framed.subarray(0, 16))).toBe('hasneeds/test/v1');
    expect([...framed.subarray(16)]).toEqual([0, 1, 2]);
  });

  it('throws for a context outside the registry, which is a bug in the caller', () => {
    expect(() => sign('hasneeds/other/v1' as SignatureContext, message, alice.signing.secretKey)).toThrow();
  });
});

describe('signature canonicity', () => {
  const alice = generateIdentity(seededRandom('alice'));
  const message = new TextEncoder().encode('pay 10');

  it('rejects S + L even through the tweetnacl backend, which on its own accepts it', async () => {
    const signature = sign('hasneeds/test/v1', message, alice.signing.secretKey);
    const malleated = malleate(signature);
    // Proof that the check matters: tweetnacl by itself accepts the malleated signature.
    expect(nacl.sign.detached.verify(frameSigned('hasneeds/test/v1', message), malleated, alice.signing.publicKey)).toBe(true);
    for (const [, makeBackend] of backends) {
      const verifier = createVerifier(makeBackend());
      expect(await verifier.verify('hasneeds/test/v1', message, signature, alice.signing.publicKey)).toBe(true);
      expect(await verifier.verify('hasneeds/test/v1', message, malleated, alice.signing.publicKey)).toBe(false);
    }
  });

  it('checks lengths and S < L before calling the backend', async () => {
    const calls: number[] = [];
    const inner = tweetnaclBackend();
    const counting: Ed25519Backend = {
      verify: (m, s, k) => {
        calls.push(1);
        return inner.verify(m, s, k);
      },
    };
    const verifier = createVerifier(counting);
    const signature = sign('hasneeds/test/v1', message, alice.signing.secretKey);
    const pk = alice.signing.publicKey;
    expect(await verifier.verify('hasneeds/test/v1', message, malleate(signature), pk)).toBe(false);
    expect(await verifier.verify('hasneeds/test/v1', message, signature.subarray(0, 63), pk)).toBe(false);
    expect(await verifier.verify('hasneeds/test/v1', message, new Uint8Array([...signature, 0]), pk)).toBe(false);
    expect(await verifier.verify('hasneeds/test/v1', message, signature, pk.subarray(0, 31))).toBe(false);
    expect(await verifier.verify('hasneeds/test/v1', message, signature, new Uint8Array(33))).toBe(false);
    expect(calls).toHaveLength(0);
    expect(await verifier.verify('hasneeds/test/v1', message, signature, pk)).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('draws the line exactly at L', () => {
    const withS = (s: bigint) => new Uint8Array([...new Uint8Array(32), ...toLittleEndian(s, 32)]);
    expect(isCanonicalSignature(withS(0n))).toBe(true);
    expect(isCanonicalSignature(withS(L - 1n))).toBe(true);
    expect(isCanonicalSignature(withS(L))).toBe(false);
    expect(isCanonicalSignature(withS(L + 1n))).toBe(false);
    expect(isCanonicalSignature(withS((1n << 256n) - 1n))).toBe(false);
    expect(isCanonicalSignature(new Uint8Array(63))).toBe(false);
  });

  it('treats a backend that throws on hostile input as a rejection', async () => {
    const verifier = createVerifier({
      verify: () => {
        throw new Error('not a point');
      },
    });
    const signature = sign('hasneeds/test/v1', message, alice.signing.secretKey);
    expect(await verifier.verify('hasneeds/test/v1', message, signature, alice.signing.publicKey)).toBe(false);
  });
});

describe('webCryptoBackend key cache', () => {
  // Real WebCrypto, counted: the cache is observable only through how often keys get imported.
  function countingSubtle() {
    const real = globalThis.crypto.subtle;
    const imports: string[] = [];
    const subtle = {
      importKey: (...args: Parameters<SubtleCrypto['importKey']>) => {
        imports.push(hex(new Uint8Array(args[1] as ArrayBuffer | Uint8Array<ArrayBuffer>)));
        return real.importKey(...args);
      },
      verify: (...args: Parameters<SubtleCrypto['verify']>) => real.verify(...args),
    } as unknown as SubtleCrypto;
    return { subtle, imports };
  }

  const random = seededRandom('cache');
  const people = [0, 1, 2].map(() => generateIdentity(random));
  const message = Uint8Array.of(7);
  const signed = people.map((p) => ({ pk: p.signing.publicKey, sig: sign('hasneeds/test/v1', message, p.signing.secretKey) }));

  it('imports each author key once while it stays cached', async () => {
    const { subtle, imports } = countingSubtle();
    const verifier = createVerifier(webCryptoBackend(subtle));
    for (let round = 0; round < 3; round++) {
      for (const { pk, sig } of signed) expect(await verifier.verify('hasneeds/test/v1', message, sig, pk)).toBe(true);
    }
    expect(imports).toHaveLength(3);
  });

  it('shares one import between concurrent verifications for the same author', async () => {
    const { subtle, imports } = countingSubtle();
    const verifier = createVerifier(webCryptoBackend(subtle));
    const { pk, sig } = signed[0]!;
    const results = await Promise.all([1, 2, 3, 4].map(() => verifier.verify('hasneeds/test/v1', message, sig, pk)));
    expect(results).toEqual([true, true, true, true]);
    expect(imports).toHaveLength(1);
  });

  it('evicts the least recently used key when full, and instances do not share a cache', async () => {
    const { subtle, imports } = countingSubtle();
    const verifier = createVerifier(webCryptoBackend(subtle, { maxCachedKeys: 2 }));
    const [a, b, c] = signed as [(typeof signed)[0], (typeof signed)[0], (typeof signed)[0]];
    const check = async (x: typeof a) => expect(await verifier.verify('hasneeds/test/v1', message, x.sig, x.pk)).toBe(true);
    await check(a);
    await check(b);
    await check(a); // a is now the most recent
    await check(c); // evicts b
    expect(imports).toEqual([hex(a.pk), hex(b.pk), hex(c.pk)]);
    await check(a);
    expect(imports).toHaveLength(3);
    await check(b);
    expect(imports).toEqual([hex(a.pk), hex(b.pk), hex(c.pk), hex(b.pk)]);

    const other = countingSubtle();
    await createVerifier(webCryptoBackend(other.subtle)).verify('hasneeds/test/v1', message, a.sig, a.pk);
    expect(other.imports).toEqual([hex(a.pk)]);
  });
});

describe('backend choice', () => {
  it('picks WebCrypto where it verifies Ed25519 (Node 20 does)', async () => {
    const { name, backend } = await bestEd25519Backend();
    expect(name).toBe('webcrypto');
    const alice = generateIdentity(seededRandom('best'));
    const signature = sign('hasneeds/test/v1', Uint8Array.of(1), alice.signing.secretKey);
    expect(await createVerifier(backend).verify('hasneeds/test/v1', Uint8Array.of(1), signature, alice.signing.publicKey)).toBe(true);
  });

  it('falls back to tweetnacl where WebCrypto lacks Ed25519', async () => {
    // A WebCrypto as older browsers have it: Ed25519 import is not supported.
    const withoutEd25519 = {
      importKey: () => Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError')),
      verify: () => Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError')),
    } as unknown as SubtleCrypto;
    expect((await bestEd25519Backend(withoutEd25519)).name).toBe('tweetnacl');
  });

  it('refuses to build a WebCrypto backend without crypto.subtle, rather than failing every signature', () => {
    expect(() => webCryptoBackend(null as unknown as SubtleCrypto)).toThrow();
  });
});
