import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { createVerifier, generateIdentity, sign, tweetnaclBackend, webCryptoBackend, type Identity } from '../../lib/crypto/index';
import { toBase64url } from '../../lib/protocol/base64url';
import {
  ENVELOPE_CONTEXT,
  MAX_ENVELOPE_BYTES,
  MAX_PREVIEW_CHARS,
  MAX_UPDATE_CIPHERTEXT,
  decodeEnvelope,
  decodeInnerPlaintext,
  encodeEnvelope,
  encodeInnerPlaintext,
  innerFits,
  openEnvelope,
  sealEnvelope,
  verifyEnvelope,
  type EntryKind,
  type Envelope,
  type InnerPlaintext,
} from '../../lib/protocol/envelope';
import { ERRORS, isErrorCode } from '../../lib/protocol/errors';
import { OUTER_UPDATE_LIMITS } from '../../lib/protocol/yjs-update-scan';
import { hex, seededRandom } from './fixtures/seeded-random';

// Builders: a document with two epoch keys and two members.
const random = seededRandom('envelope');
const docId = toBase64url(random(16));
const otherDocId = toBase64url(random(16));
const keys = new Map<number, Uint8Array>([
  [0, random(32)],
  [1, random(32)],
]);
const alice = generateIdentity(random);
const bob = generateIdentity(random);
const verifier = createVerifier(webCryptoBackend());
const update = Uint8Array.from({ length: 40 }, (_, i) => i);

function seal(overrides: Partial<{ kind: EntryKind; epoch: number; plaintext: InnerPlaintext; author: Identity }> = {}) {
  const epoch = overrides.epoch ?? 1;
  return sealEnvelope({
    docId,
    epoch,
    kind: overrides.kind ?? 'update',
    plaintext: overrides.plaintext ?? { update, preview: 'Alice: hello' },
    key: keys.get(epoch)!,
    author: (overrides.author ?? alice).signing,
    random,
  });
}

function open(bytes: Uint8Array, extra: { expectedDocId?: string; expectedAuthor?: Uint8Array } = {}) {
  return openEnvelope(bytes, { verifier, expectedDocId: extra.expectedDocId ?? docId, expectedAuthor: extra.expectedAuthor, keyForEpoch: (e) => keys.get(e) });
}

/** Signs arbitrary fields and inner bytes, to build envelopes sealEnvelope would refuse to make. */
function sealRaw(inner: Uint8Array, fields: Partial<Omit<Envelope, 'signature'>> = {}): Uint8Array {
  const nonce = random(24);
  const unsignedFields = { version: 1 as const, kind: 'update' as const, docId, epoch: 1, author: alice.signing.publicKey, nonce, ciphertext: nacl.secretbox(inner, nonce, keys.get(1)!), ...fields };
  const unsigned = encodeEnvelope({ ...unsignedFields, signature: new Uint8Array(64) }).subarray(0, -64);
  return encodeEnvelope({ ...unsignedFields, signature: sign(ENVELOPE_CONTEXT, unsigned, alice.signing.secretKey) });
}

const L = (1n << 252n) + 27742317777372353535851937790883648493n;
function withSPlusL(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const s = out.subarray(out.length - 32);
  let value = s.reduceRight((acc, b) => (acc << 8n) | BigInt(b), 0n) + L;
  for (let i = 0; i < 32; i++, value >>= 8n) s[i] = Number(value & 0xffn);
  return out;
}

describe('envelope round trip', () => {
  it('opens what it seals, with the inner update and preview intact', async () => {
    const opened = await open(seal());
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(opened.value.kind).toBe('update');
    expect(opened.value.docId).toBe(docId);
    expect(opened.value.epoch).toBe(1);
    expect(hex(opened.value.author)).toBe(hex(alice.signing.publicKey));
    expect(hex(opened.value.inner.update)).toBe(hex(update));
    expect(opened.value.inner.preview).toBe('Alice: hello');
  });

  it('opens a snapshot entry without a preview, larger than a normal entry may be', async () => {
    const big = random(MAX_UPDATE_CIPHERTEXT + 1000);
    expect(innerFits('update', { update: big })).toBe(false);
    expect(innerFits('snapshot', { update: big })).toBe(true);
    const opened = await open(seal({ kind: 'snapshot', plaintext: { update: big } }));
    expect(opened.ok && opened.value.kind).toBe('snapshot');
    expect(opened.ok && opened.value.inner.preview).toBe(undefined);
    expect(opened.ok && hex(opened.value.inner.update)).toBe(hex(big));
  });

  it('lays the bytes out as documented: version, kind, raw docId, epoch, author, nonce, length, ciphertext, signature', () => {
    const bytes = seal({ epoch: 0 });
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(bytes[0]).toBe(1);
    expect(bytes[1]).toBe(1);
    expect(toBase64url(bytes.subarray(2, 18))).toBe(docId);
    expect(view.getUint32(18)).toBe(0);
    expect(hex(bytes.subarray(22, 54))).toBe(hex(alice.signing.publicKey));
    const n = view.getUint32(78);
    expect(n).toBe(1 + 4 + update.length + 1 + 2 + 'Alice: hello'.length + 16);
    expect(bytes.length).toBe(82 + n + 64);
  });

  it('re-encodes a decoded envelope to the identical bytes', () => {
    const bytes = seal();
    const decoded = decodeEnvelope(bytes);
    expect(decoded.ok).toBe(true);
    if (decoded.ok) expect(hex(encodeEnvelope(decoded.value))).toBe(hex(bytes));
  });

  it('lets the server verify author and document without any key', async () => {
    const verified = await verifyEnvelope(seal(), { verifier, expectedDocId: docId, expectedAuthor: alice.signing.publicKey });
    expect(verified.ok && hex(verified.value.signature)).toHaveLength(128);
  });

  it('accepts a preview of exactly 140 characters, counting emoji as one', async () => {
    const preview = '\u{1F600}'.repeat(MAX_PREVIEW_CHARS);
    const opened = await open(seal({ plaintext: { update, preview } }));
    expect(opened.ok && opened.value.inner.preview).toBe(preview);
  });

  it('refuses to seal what could never open: long previews, lone surrogates, oversize updates, bad keys', () => {
    expect(() => seal({ plaintext: { update, preview: 'x'.repeat(MAX_PREVIEW_CHARS + 1) } })).toThrow(RangeError);
    expect(() => seal({ plaintext: { update, preview: '' } })).toThrow(RangeError);
    expect(() => seal({ plaintext: { update, preview: 'a\ud800b' } })).toThrow(RangeError);
    expect(() => seal({ plaintext: { update: new Uint8Array(MAX_UPDATE_CIPHERTEXT) } })).toThrow(RangeError);
    expect(() => sealEnvelope({ docId: 'short', epoch: 1, kind: 'update', plaintext: { update }, key: keys.get(1)!, author: alice.signing, random })).toThrow(RangeError);
    expect(() => sealEnvelope({ docId, epoch: -1, kind: 'update', plaintext: { update }, key: keys.get(1)!, author: alice.signing, random })).toThrow(RangeError);
    expect(() => sealEnvelope({ docId, epoch: 1, kind: 'update', plaintext: { update }, key: new Uint8Array(16), author: alice.signing, random })).toThrow(RangeError);
  });
});

describe('envelope rejections', () => {
  it('rejects a flipped signature byte with envelope.bad_signature', async () => {
    const bytes = seal();
    bytes[bytes.length - 40]! ^= 1;
    expect(await open(bytes)).toEqual({ ok: false, code: 'envelope.bad_signature' });
  });

  it('rejects every single-bit change anywhere in the envelope', async () => {
    const bytes = seal();
    for (let i = 0; i < bytes.length; i++) {
      const tampered = bytes.slice();
      tampered[i]! ^= 0x80;
      const result = await open(tampered);
      expect(result.ok, `byte ${i}`).toBe(false);
    }
  });

  it('rejects a re-signed envelope under another context and one signed by a different key', async () => {
    const bytes = seal();
    const resigned = bytes.slice();
    resigned.set(sign('hasneeds/message/v1', bytes.subarray(0, -64), alice.signing.secretKey), bytes.length - 64);
    expect(await open(resigned)).toEqual({ ok: false, code: 'envelope.bad_signature' });
    const swappedAuthor = bytes.slice();
    swappedAuthor.set(bob.signing.publicKey, 22);
    expect(await open(swappedAuthor)).toEqual({ ok: false, code: 'envelope.bad_signature' });
  });

  it('rejects a signature with S >= L, even behind the tweetnacl backend that would accept it', async () => {
    const malleated = withSPlusL(seal());
    const viaNacl = createVerifier(tweetnaclBackend());
    expect(await openEnvelope(malleated, { verifier: viaNacl, expectedDocId: docId, keyForEpoch: (e) => keys.get(e) })).toEqual({
      ok: false,
      code: 'envelope.bad_signature',
    });
    expect(await open(malleated)).toEqual({ ok: false, code: 'envelope.bad_signature' });
  });

  it('rejects an entry of another document with envelope.wrong_doc', async () => {
    expect(await open(seal(), { expectedDocId: otherDocId })).toEqual({ ok: false, code: 'envelope.wrong_doc' });
  });

  it('rejects an entry by someone other than the expected author with envelope.wrong_author', async () => {
    expect(await open(seal({ author: bob }), { expectedAuthor: alice.signing.publicKey })).toEqual({ ok: false, code: 'envelope.wrong_author' });
  });

  it('rejects an epoch this device holds no key for with envelope.unknown_epoch', async () => {
    const result = await openEnvelope(seal({ epoch: 1 }), { verifier, expectedDocId: docId, keyForEpoch: (e) => (e === 0 ? keys.get(0) : undefined) });
    expect(result).toEqual({ ok: false, code: 'envelope.unknown_epoch' });
  });

  it('rejects a ciphertext that does not open under the epoch key with envelope.decrypt_failed', async () => {
    // Signed correctly by the author, but sealed under epoch 0's key while claiming epoch 1.
    const wrongKey = sealEnvelope({ docId, epoch: 1, kind: 'update', plaintext: { update }, key: keys.get(0)!, author: alice.signing, random });
    expect(await open(wrongKey)).toEqual({ ok: false, code: 'envelope.decrypt_failed' });
  });

  it('reports envelope.truncated when cut at every byte offset', () => {
    const bytes = seal();
    for (let length = 0; length < bytes.length; length++) {
      expect(decodeEnvelope(bytes.subarray(0, length)), `length ${length}`).toEqual({ ok: false, code: 'envelope.truncated' });
    }
  });

  it('reports envelope.trailing_bytes for anything after the signature', () => {
    const bytes = seal();
    expect(decodeEnvelope(new Uint8Array([...bytes, 0]))).toEqual({ ok: false, code: 'envelope.trailing_bytes' });
  });

  it('reports envelope.too_large for oversize input and for a length field over the cap of its kind', () => {
    expect(decodeEnvelope(new Uint8Array(MAX_ENVELOPE_BYTES + 1))).toEqual({ ok: false, code: 'envelope.too_large' });
    const bytes = seal();
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(78, MAX_UPDATE_CIPHERTEXT + 1);
    expect(decodeEnvelope(bytes)).toEqual({ ok: false, code: 'envelope.too_large' });
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(78, 0xffffffff);
    expect(decodeEnvelope(bytes)).toEqual({ ok: false, code: 'envelope.too_large' });
  });

  it('rejects a length field that disagrees with the bytes present (no second encoding of one envelope)', () => {
    const bytes = seal();
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const n = view.getUint32(78);
    view.setUint32(78, n - 1);
    expect(decodeEnvelope(bytes)).toEqual({ ok: false, code: 'envelope.trailing_bytes' });
    view.setUint32(78, n + 1);
    expect(decodeEnvelope(bytes)).toEqual({ ok: false, code: 'envelope.truncated' });
    view.setUint32(78, 15);
    expect(decodeEnvelope(bytes)).toEqual({ ok: false, code: 'envelope.malformed' });
  });

  it('reports envelope.bad_version and envelope.bad_kind', () => {
    for (const version of [0, 2, 255]) {
      const bytes = seal();
      bytes[0] = version;
      expect(decodeEnvelope(bytes)).toEqual({ ok: false, code: 'envelope.bad_version' });
    }
    for (const kind of [0, 3, 255]) {
      const bytes = seal();
      bytes[1] = kind;
      expect(decodeEnvelope(bytes)).toEqual({ ok: false, code: 'envelope.bad_kind' });
    }
  });

  it('rejects signed content whose decrypted inner bytes are not canonical with envelope.inner_malformed', async () => {
    const good = encodeInnerPlaintext({ update, preview: 'hi' });
    const withoutPreview = encodeInnerPlaintext({ update });
    const malformed: [string, Uint8Array][] = [
      ['trailing byte', new Uint8Array([...good, 0])],
      ['trailing byte without preview', new Uint8Array([...withoutPreview, 0])],
      ['unknown inner version', Uint8Array.of(2, ...good.subarray(1))],
      ['unknown preview flag', Uint8Array.of(...withoutPreview.subarray(0, -1), 2)],
      ['empty preview', Uint8Array.of(...withoutPreview.subarray(0, -1), 1, 0, 0)],
      ['invalid UTF-8', Uint8Array.of(...withoutPreview.subarray(0, -1), 1, 0, 2, 0xc3, 0x28)],
      ['141-character preview', Uint8Array.of(...withoutPreview.subarray(0, -1), 1, 0, 141, ...new Uint8Array(141).fill(0x61))],
      ['update length past the end', Uint8Array.of(1, 0, 0, 1, 0, 0)],
      ['empty', new Uint8Array(0)],
    ];
    for (const [what, inner] of malformed) {
      expect(decodeInnerPlaintext(inner), what).toBeNull();
      expect(await open(sealRaw(inner)), what).toEqual({ ok: false, code: 'envelope.inner_malformed' });
    }
    expect(decodeInnerPlaintext(good)).toEqual({ update, preview: 'hi' });
    // A leading byte-order mark is content, kept as is.
    expect(decodeInnerPlaintext(encodeInnerPlaintext({ update, preview: '\ufeffhi' }))?.preview).toBe('\ufeffhi');
  });
});

describe('envelope limits and codes', () => {
  it('fits the largest envelope inside one outer update', () => {
    expect(MAX_ENVELOPE_BYTES).toBeLessThan(OUTER_UPDATE_LIMITS.maxBytes);
  });

  it('registers every envelope code with a 4xx status and a 44xx close code', () => {
    const codes = [
      'envelope.truncated',
      'envelope.too_large',
      'envelope.bad_version',
      'envelope.bad_kind',
      'envelope.malformed',
      'envelope.trailing_bytes',
      'envelope.bad_signature',
      'envelope.wrong_doc',
      'envelope.wrong_author',
      'envelope.unknown_epoch',
      'envelope.decrypt_failed',
      'envelope.inner_malformed',
    ];
    for (const code of codes) {
      expect(isErrorCode(code), code).toBe(true);
      if (!isErrorCode(code)) continue;
      expect(ERRORS[code].status).toBeGreaterThanOrEqual(400);
      expect(ERRORS[code].status).toBeLessThan(500);
      expect(ERRORS[code].close).toBe(4000 + ERRORS[code].status);
    }
  });
});
