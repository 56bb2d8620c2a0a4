import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { openPresence, sealPresence, type SealedPresence } from '../../lib/client/engine/presence-state';
import { createVerifier, generateIdentity, webCryptoBackend } from '../../lib/crypto/index';
import { memberKeyOf } from '../../lib/docs/index';
import { fromBase64url, toBase64url } from '../../lib/protocol/base64url';
import { seededRandom } from './fixtures/seeded-random';

const DOC = 'presence-doc-000000001';
const verifier = createVerifier(webCryptoBackend());
const random = seededRandom('presence-state');
const alice = generateIdentity(seededRandom('presence/alice'));
const mallory = generateIdentity(seededRandom('presence/mallory'));
const key0 = random(32);
const key1 = random(32);
const keys = new Map([
  [0, key0],
  [1, key1],
]);
const CLIENT = 123456789;

const seal = (typing: boolean, o: { epoch?: number; clientId?: number; identity?: typeof alice; key?: Uint8Array } = {}) =>
  sealPresence(
    { typing, at: 1_700_000_000_000 },
    { docId: DOC, epoch: o.epoch ?? 1, key: o.key ?? keys.get(o.epoch ?? 1)!, clientId: o.clientId ?? CLIENT, identity: o.identity ?? alice, random },
  );
const open = (raw: unknown, o: { clientId?: number; docId?: string } = {}) =>
  openPresence(raw, { docId: o.docId ?? DOC, clientId: o.clientId ?? CLIENT, keyForEpoch: (e) => keys.get(e), verifier });

describe('encrypted presence states', () => {
  it('opens a sealed state to the member, the flag and the time, with the key of its epoch', async () => {
    expect(await open(seal(true))).toEqual({ memberKey: memberKeyOf(alice.signing.publicKey), typing: true, at: 1_700_000_000_000 });
    expect(await open(seal(false, { epoch: 0 }))).toMatchObject({ typing: false });
  });

  it('shows the relay only the version, the epoch, a fresh nonce and ciphertext', () => {
    const a = seal(true);
    const b = seal(true);
    expect(Object.keys(a).sort()).toEqual(['c', 'e', 'n', 'v']);
    expect(a.n).not.toBe(b.n);
    expect(a.c).not.toBe(b.c);
    const clear = JSON.stringify(a);
    expect(clear).not.toContain(memberKeyOf(alice.signing.publicKey));
    expect(clear).not.toMatch(/typing|true/);
  });

  it('ignores states that do not open: unknown epoch, wrong key, tampered, malformed', async () => {
    expect(await open(seal(true, { epoch: 7, key: key1 }))).toBeNull();
    expect(await open(seal(true, { epoch: 1, key: random(32) }))).toBeNull();
    const sealed = seal(true);
    const box = fromBase64url(sealed.c)!;
    box[box.length - 1]! ^= 1;
    expect(await open({ ...sealed, c: toBase64url(box) })).toBeNull();
    for (const raw of [null, {}, 'typing', { ...sealed, v: 2 }, { ...sealed, extra: 1 }, { ...sealed, n: 'short' }, { ...sealed, c: 'x'.repeat(5000) }]) {
      expect(await open(raw)).toBeNull();
    }
  });

  it('ignores a state replayed under another client id or in another document', async () => {
    const sealed = seal(true);
    expect(await open(sealed, { clientId: CLIENT + 1 })).toBeNull();
    expect(await open(sealed, { docId: 'presence-doc-000000002' })).toBeNull();
  });

  it('ignores a member posing as another: a valid box whose signature is not by the key it names', async () => {
    const signed = seal(true, { identity: mallory });
    const inner = JSON.parse(new TextDecoder().decode(nacl.secretbox.open(fromBase64url(signed.c)!, fromBase64url(signed.n)!, key1)!)) as Record<string, unknown>;
    const nonce = random(24);
    const forged: SealedPresence = {
      ...signed,
      n: toBase64url(nonce),
      c: toBase64url(nacl.secretbox(new TextEncoder().encode(JSON.stringify({ ...inner, k: memberKeyOf(alice.signing.publicKey) })), nonce, key1)),
    };
    expect(await open(signed)).toMatchObject({ memberKey: memberKeyOf(mallory.signing.publicKey) });
    expect(await open(forged)).toBeNull();
  });
});
