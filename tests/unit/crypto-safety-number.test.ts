import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateIdentity, ownFingerprint, safetyNumber } from '../../lib/crypto/index';
import { seededRandom } from './fixtures/seeded-random';

// An independent implementation of Signal's numeric fingerprint over node:crypto, as the reference.
function referenceDigits(id: string, key: Uint8Array): string {
  let hash: Buffer = Buffer.concat([Buffer.from([0, 0]), key, Buffer.from(id, 'utf8')]);
  for (let i = 0; i < 5200; i++) hash = createHash('sha512').update(hash).update(key).digest();
  let out = '';
  for (let offset = 0; offset < 30; offset += 5) out += String(Number(hash.readUIntBE(offset, 5) % 100000)).padStart(5, '0');
  return out;
}

const alice = { id: 'alice', signingPublicKey: new Uint8Array(32).fill(1) };
const bob = { id: 'bob', signingPublicKey: new Uint8Array(32).fill(2) };

describe('safety numbers', () => {
  it('gives a pinned value for fixed keys, equal to an independent node:crypto computation', async () => {
    const expected = '01967 56016 84161 93702 99052 44989 02389 48933 41874 00641 97031 86220';
    expect(await safetyNumber(alice, bob)).toBe(expected);
    const [a, b] = [referenceDigits(alice.id, alice.signingPublicKey), referenceDigits(bob.id, bob.signingPublicKey)];
    expect((a < b ? a + b : b + a).match(/.{5}/g)!.join(' ')).toBe(expected);
  });

  it('is 60 digits in 12 groups of 5 and the same from either side', async () => {
    const random = seededRandom('safety');
    for (let i = 0; i < 5; i++) {
      const a = { id: `user-a-${i}`, signingPublicKey: generateIdentity(random).signing.publicKey };
      const b = { id: `user-b-${i}`, signingPublicKey: generateIdentity(random).signing.publicKey };
      const ab = await safetyNumber(a, b);
      expect(ab).toMatch(/^\d{5}( \d{5}){11}$/);
      expect(await safetyNumber(b, a)).toBe(ab);
    }
  });

  it('changes when either key or either id changes', async () => {
    const base = await safetyNumber(alice, bob);
    const otherKey = { ...bob, signingPublicKey: new Uint8Array(32).fill(3) };
    expect(await safetyNumber(alice, otherKey)).not.toBe(base);
    expect(await safetyNumber({ ...alice, signingPublicKey: new Uint8Array(32).fill(4) }, bob)).not.toBe(base);
    expect(await safetyNumber(alice, { ...bob, id: 'bob2' })).not.toBe(base);
  });

  it("contains each person's own fingerprint as one half", async () => {
    const own = await ownFingerprint(alice);
    expect(own).toMatch(/^\d{5}( \d{5}){5}$/);
    expect(own).toBe(referenceDigits(alice.id, alice.signingPublicKey).match(/.{5}/g)!.join(' '));
    const pair = await safetyNumber(alice, bob);
    expect([pair.slice(0, 35), pair.slice(36)]).toContain(own);
  });
});
