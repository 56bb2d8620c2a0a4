import { describe, expect, it } from 'vitest';
import { createAsyncSigner, createVerifier, generateIdentity, sign, tweetnaclBackend, webCryptoBackend, type Identity } from '../../lib/crypto/index';
import { MAX_KEY_ENVELOPE_BYTES } from '../../lib/protocol/api-docs';
import { toBase64url } from '../../lib/protocol/base64url';
import { ERRORS, isErrorCode } from '../../lib/protocol/errors';
import {
  KEY_ENVELOPE_BYTES,
  KEY_ENVELOPE_CONTEXT,
  decodeKeyEnvelope,
  openKeyEnvelope,
  sealKeyEnvelope,
  sealKeyEnvelopeAsync,
  verifyKeyEnvelope,
} from '../../lib/protocol/key-envelope';
import { hex, seededRandom } from './fixtures/seeded-random';

const random = seededRandom('key-envelope');
const docId = toBase64url(random(16));
const otherDocId = toBase64url(random(16));
const epochKey = random(32);
const alice = generateIdentity(random); // sender
const bob = generateIdentity(random); // recipient
const carol = generateIdentity(random); // someone else
const verifier = createVerifier(webCryptoBackend());

function seal(to: Identity = bob, epoch = 3) {
  return sealKeyEnvelope({
    docId,
    epoch,
    key: epochKey,
    recipient: { signingPublicKey: to.signing.publicKey, boxPublicKey: to.box.publicKey },
    sender: alice.signing,
    random,
  });
}

function openAs(bytes: Uint8Array, who: Identity, extra: { expectedDocId?: string; expectedEpoch?: number; expectedSender?: Uint8Array } = {}) {
  return openKeyEnvelope(bytes, {
    verifier,
    expectedDocId: extra.expectedDocId ?? docId,
    expectedEpoch: extra.expectedEpoch ?? 3,
    expectedSender: extra.expectedSender,
    recipient: { signingPublicKey: who.signing.publicKey, boxSecretKey: who.box.secretKey },
  });
}

describe('key envelope round trip', () => {
  it('hands the epoch key to the recipient, naming document, epoch and sender', async () => {
    const bytes = seal();
    expect(bytes).toHaveLength(KEY_ENVELOPE_BYTES);
    const opened = await openAs(bytes, bob, { expectedSender: alice.signing.publicKey });
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(hex(opened.value.key)).toBe(hex(epochKey));
    expect(opened.value.docId).toBe(docId);
    expect(opened.value.epoch).toBe(3);
    expect(hex(opened.value.sender)).toBe(hex(alice.signing.publicKey));
    expect(hex(opened.value.recipient)).toBe(hex(bob.signing.publicKey));
  });

  it('fits the API limit for key envelopes', () => {
    expect(KEY_ENVELOPE_BYTES).toBeLessThanOrEqual(MAX_KEY_ENVELOPE_BYTES);
  });

  it('boxes from a fresh ephemeral key every time, never the sender box key', () => {
    const [a, b] = [decodeKeyEnvelope(seal()), decodeKeyEnvelope(seal())];
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(hex(a.value.ephemeralPublicKey)).not.toBe(hex(b.value.ephemeralPublicKey));
    expect(hex(a.value.ephemeralPublicKey)).not.toBe(hex(alice.box.publicKey));
  });

  it('lets the server check addressing and signature without opening the box', async () => {
    const verified = await verifyKeyEnvelope(seal(), {
      verifier,
      expectedDocId: docId,
      expectedEpoch: 3,
      expectedRecipient: bob.signing.publicKey,
      expectedSender: alice.signing.publicKey,
    });
    expect(verified.ok).toBe(true);
  });
});

describe('key envelope rejections', () => {
  it('rejects an envelope addressed to someone else with key_envelope.wrong_recipient', async () => {
    expect(await openAs(seal(bob), carol)).toEqual({ ok: false, code: 'key_envelope.wrong_recipient' });
  });

  it('rejects a box that does not open under the recipient key with key_envelope.decrypt_failed', async () => {
    // Addressed to bob's signing key but boxed to carol's X25519 key (e.g. a substituted directory entry).
    const misboxed = sealKeyEnvelope({
      docId,
      epoch: 3,
      key: epochKey,
      recipient: { signingPublicKey: bob.signing.publicKey, boxPublicKey: carol.box.publicKey },
      sender: alice.signing,
      random,
    });
    expect(await openAs(misboxed, bob)).toEqual({ ok: false, code: 'key_envelope.decrypt_failed' });
  });

  it('rejects a readdressed envelope: the signature covers the recipient', async () => {
    const readdressed = seal(bob);
    readdressed.set(carol.signing.publicKey, 21);
    expect(await openAs(readdressed, carol)).toEqual({ ok: false, code: 'key_envelope.bad_signature' });
  });

  it('rejects another document or epoch with key_envelope.wrong_doc and key_envelope.wrong_epoch', async () => {
    expect(await openAs(seal(), bob, { expectedDocId: otherDocId })).toEqual({ ok: false, code: 'key_envelope.wrong_doc' });
    expect(await openAs(seal(bob, 3), bob, { expectedEpoch: 4 })).toEqual({ ok: false, code: 'key_envelope.wrong_epoch' });
  });

  it('rejects an unexpected sender with key_envelope.wrong_sender', async () => {
    expect(await openAs(seal(), bob, { expectedSender: carol.signing.publicKey })).toEqual({ ok: false, code: 'key_envelope.wrong_sender' });
  });

  it('rejects a flipped bit anywhere, and a signature under another context', async () => {
    const bytes = seal();
    for (let i = 0; i < bytes.length; i++) {
      const tampered = bytes.slice();
      tampered[i]! ^= 0x01;
      expect((await openAs(tampered, bob)).ok, `byte ${i}`).toBe(false);
    }
    const resigned = bytes.slice();
    resigned.set(sign('hasneeds/envelope/v1', bytes.subarray(0, 189), alice.signing.secretKey), 189);
    expect(await openAs(resigned, bob)).toEqual({ ok: false, code: 'key_envelope.bad_signature' });
    const proper = bytes.slice();
    proper.set(sign(KEY_ENVELOPE_CONTEXT, bytes.subarray(0, 189), alice.signing.secretKey), 189);
    expect((await openAs(proper, bob)).ok).toBe(true);
  });

  it('rejects a signature with S >= L even behind the tweetnacl backend', async () => {
    const bytes = seal();
    const s = bytes.subarray(221);
    const L = (1n << 252n) + 27742317777372353535851937790883648493n;
    let value = s.reduceRight((acc, b) => (acc << 8n) | BigInt(b), 0n) + L;
    for (let i = 0; i < 32; i++, value >>= 8n) s[i] = Number(value & 0xffn);
    const result = await openKeyEnvelope(bytes, {
      verifier: createVerifier(tweetnaclBackend()),
      expectedDocId: docId,
      expectedEpoch: 3,
      recipient: { signingPublicKey: bob.signing.publicKey, boxSecretKey: bob.box.secretKey },
    });
    expect(result).toEqual({ ok: false, code: 'key_envelope.bad_signature' });
  });

  it('reports key_envelope.truncated when cut at every byte offset, and trailing bytes and bad versions', () => {
    const bytes = seal();
    for (let length = 0; length < bytes.length; length++) {
      expect(decodeKeyEnvelope(bytes.subarray(0, length)), `length ${length}`).toEqual({ ok: false, code: 'key_envelope.truncated' });
    }
    expect(decodeKeyEnvelope(new Uint8Array([...bytes, 0]))).toEqual({ ok: false, code: 'key_envelope.trailing_bytes' });
    const badVersion = bytes.slice();
    badVersion[0] = 2;
    expect(decodeKeyEnvelope(badVersion)).toEqual({ ok: false, code: 'key_envelope.bad_version' });
  });

  it('registers every key envelope code with a 4xx status and a 44xx close code', () => {
    const codes = [
      'key_envelope.truncated',
      'key_envelope.bad_version',
      'key_envelope.trailing_bytes',
      'key_envelope.bad_signature',
      'key_envelope.wrong_doc',
      'key_envelope.wrong_epoch',
      'key_envelope.wrong_recipient',
      'key_envelope.wrong_sender',
      'key_envelope.decrypt_failed',
    ];
    for (const code of codes) {
      expect(isErrorCode(code), code).toBe(true);
      if (isErrorCode(code)) expect(ERRORS[code].close).toBe(4000 + ERRORS[code].status);
    }
  });
});

describe('sealing with the async signer (WebCrypto Ed25519 where it exists)', () => {
  const input = (r: ReturnType<typeof seededRandom>) => ({
    docId,
    epoch: 7,
    key: epochKey,
    recipient: { signingPublicKey: bob.signing.publicKey, boxPublicKey: bob.box.publicKey },
    random: r,
  });

  it('gives the very bytes of sealKeyEnvelope, through WebCrypto in Node, and they open', async () => {
    const signer = await createAsyncSigner(alice.signing.secretKey);
    expect(signer.backend).toBe('webcrypto');
    const sync = sealKeyEnvelope({ ...input(seededRandom('same')), sender: alice.signing });
    const viaWebCrypto = await sealKeyEnvelopeAsync({ ...input(seededRandom('same')), sender: { publicKey: alice.signing.publicKey } }, signer);
    expect(hex(viaWebCrypto)).toBe(hex(sync));
    expect(await openAs(viaWebCrypto, bob, { expectedEpoch: 7 })).toMatchObject({ ok: true });
  });

  it('falls back to tweetnacl without WebCrypto, or when WebCrypto signs differently, with the same bytes', async () => {
    const without = await createAsyncSigner(alice.signing.secretKey, null);
    const lying = await createAsyncSigner(alice.signing.secretKey, {
      importKey: globalThis.crypto.subtle.importKey.bind(globalThis.crypto.subtle),
      sign: async () => new Uint8Array(64).buffer,
    } as unknown as SubtleCrypto);
    const sync = sealKeyEnvelope({ ...input(seededRandom('fallback')), sender: alice.signing });
    for (const signer of [without, lying]) {
      expect(signer.backend).toBe('tweetnacl');
      const sealed = await sealKeyEnvelopeAsync({ ...input(seededRandom('fallback')), sender: { publicKey: alice.signing.publicKey } }, signer);
      expect(hex(sealed)).toBe(hex(sync));
    }
  });
});
