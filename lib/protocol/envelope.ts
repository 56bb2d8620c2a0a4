// The envelope: one entry of an outer document's append-only array. A secretbox of one inner Yjs update (plus an
// optional notification preview), signed by its author over every byte before the signature.
//
// Wire format, version 1 (all integers big-endian; every field fixed-width except the ciphertext, whose u32
// length prefix has exactly one encoding, so there is one byte string per envelope):
//
//   offset  size  field
//   0       1     version = 1
//   1       1     kind: 1 = update, 2 = snapshot (compaction)
//   2       16    docId, raw (the API's DocId is these 16 bytes as base64url)
//   18      4     epoch (u32)
//   22      32    author's Ed25519 public key
//   54      24    nonce (XSalsa20)
//   78      4     ciphertext length n (u32): 16 <= n <= the cap for the kind
//   82      n     ciphertext = secretbox(inner plaintext, nonce, epoch key)
//   82+n    64    Ed25519 signature under 'hasneeds/envelope/v1' over bytes [0, 82+n)
//
// Inner plaintext, version 1: version(1) = 1 || update length (u32) || Yjs update ||
//   preview flag (1): 0 = none | 1 = u16 length || UTF-8 preview (1 to 140 code points, well-formed).
import { sign, type RandomBytes, type Verifier } from '../crypto/index';
import nacl from 'tweetnacl';
import { fromBase64url, toBase64url } from './base64url';
import { fail, ok, type Result } from './errors';

export type EntryKind = 'update' | 'snapshot';

export interface Envelope {
  version: 1;
  kind: EntryKind;
  /** The API's DocId: base64url of the 16 raw bytes on the wire. */
  docId: string;
  epoch: number;
  author: Uint8Array;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
  signature: Uint8Array;
}

export interface InnerPlaintext {
  update: Uint8Array;
  preview?: string;
}

export interface OpenedEnvelope extends Envelope {
  inner: InnerPlaintext;
}

export type EnvelopeDecodeError =
  | 'envelope.truncated'
  | 'envelope.too_large'
  | 'envelope.bad_version'
  | 'envelope.bad_kind'
  | 'envelope.malformed'
  | 'envelope.trailing_bytes';
export type EnvelopeVerifyError = EnvelopeDecodeError | 'envelope.wrong_doc' | 'envelope.wrong_author' | 'envelope.bad_signature';
export type EnvelopeOpenError = EnvelopeVerifyError | 'envelope.unknown_epoch' | 'envelope.decrypt_failed' | 'envelope.inner_malformed';

export const ENVELOPE_VERSION = 1;
export const ENVELOPE_CONTEXT = 'hasneeds/envelope/v1';
export const DOC_ID_BYTES = 16;
export const EPOCH_KEY_BYTES = 32;
export const MAX_EPOCH = 0xffff_ffff;
export const ENVELOPE_HEADER_BYTES = 82;
export const SIGNATURE_BYTES = 64;
const SECRETBOX_OVERHEAD = nacl.secretbox.overheadLength; // 16
const NONCE_BYTES = nacl.secretbox.nonceLength; // 24

/** A normal entry carries one edit: 64 KiB of ciphertext is far more than any typed message needs. */
export const MAX_UPDATE_CIPHERTEXT = 64 * 1024;
/** A snapshot carries a whole inner document; 3 MiB keeps it inside one 4 MiB outer update (OUTER_UPDATE_LIMITS). */
export const MAX_SNAPSHOT_CIPHERTEXT = 3 * 1024 * 1024;
export const MAX_ENVELOPE_BYTES = ENVELOPE_HEADER_BYTES + MAX_SNAPSHOT_CIPHERTEXT + SIGNATURE_BYTES;
export const MAX_PREVIEW_CHARS = 140;
const MAX_PREVIEW_BYTES = MAX_PREVIEW_CHARS * 4;

const KIND_BYTES: Record<EntryKind, number> = { update: 1, snapshot: 2 };

export function maxCiphertext(kind: EntryKind): number {
  return kind === 'update' ? MAX_UPDATE_CIPHERTEXT : MAX_SNAPSHOT_CIPHERTEXT;
}

function kindFromByte(byte: number): EntryKind | null {
  return byte === 1 ? 'update' : byte === 2 ? 'snapshot' : null;
}

/** DocId (base64url of 16 bytes) to its raw bytes, or null when it is not one. */
export function docIdBytes(docId: string): Uint8Array | null {
  const bytes = fromBase64url(docId);
  return bytes !== null && bytes.length === DOC_ID_BYTES ? bytes : null;
}

export function requireDocIdBytes(docId: string): Uint8Array {
  const bytes = docIdBytes(docId);
  if (!bytes) throw new RangeError('docId must be base64url of 16 bytes');
  return bytes;
}

export function requireEpoch(epoch: number): void {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > MAX_EPOCH) throw new RangeError('epoch must be a u32');
}

function writeU32(target: Uint8Array, offset: number, value: number): void {
  new DataView(target.buffer, target.byteOffset, target.byteLength).setUint32(offset, value);
}

export function readU32(source: Uint8Array, offset: number): number {
  return new DataView(source.buffer, source.byteOffset, source.byteLength).getUint32(offset);
}

// --- inner plaintext ---------------------------------------------------------------------------------------

const INNER_VERSION = 1;
const encoder = new TextEncoder();
// fatal: malformed UTF-8 is refused, not replaced; ignoreBOM: a leading U+FEFF stays part of the text, so
// decoding then re-encoding gives back exactly the same bytes.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function previewBytes(preview: string): Uint8Array {
  const chars = [...preview].length;
  if (chars < 1 || chars > MAX_PREVIEW_CHARS) throw new RangeError(`preview must be 1 to ${MAX_PREVIEW_CHARS} characters`);
  const bytes = encoder.encode(preview);
  // TextEncoder silently turns a lone surrogate into U+FFFD; refuse instead of sealing something else.
  if (strictUtf8.decode(bytes) !== preview) throw new RangeError('preview must be well-formed Unicode');
  return bytes;
}

export function encodeInnerPlaintext(inner: InnerPlaintext): Uint8Array {
  const preview = inner.preview === undefined ? null : previewBytes(inner.preview);
  const out = new Uint8Array(1 + 4 + inner.update.length + 1 + (preview ? 2 + preview.length : 0));
  out[0] = INNER_VERSION;
  writeU32(out, 1, inner.update.length);
  out.set(inner.update, 5);
  let o = 5 + inner.update.length;
  if (preview) {
    out[o++] = 1;
    out[o++] = preview.length >> 8;
    out[o++] = preview.length & 0xff;
    out.set(preview, o);
  } else {
    out[o] = 0;
  }
  return out;
}

/** Decrypted bytes are untrusted until parsed: exactly one encoding is accepted. */
export function decodeInnerPlaintext(bytes: Uint8Array): InnerPlaintext | null {
  if (bytes.length < 6 || bytes[0] !== INNER_VERSION) return null;
  const updateLength = readU32(bytes, 1);
  if (updateLength > bytes.length - 6) return null;
  const update = bytes.slice(5, 5 + updateLength);
  let o = 5 + updateLength;
  const flag = bytes[o++];
  if (flag === 0) return o === bytes.length ? { update } : null;
  if (flag !== 1 || bytes.length - o < 2) return null;
  const previewLength = (bytes[o]! << 8) | bytes[o + 1]!;
  o += 2;
  if (previewLength < 1 || previewLength > MAX_PREVIEW_BYTES || bytes.length - o !== previewLength) return null;
  let preview: string;
  try {
    preview = strictUtf8.decode(bytes.subarray(o));
  } catch {
    // Malformed UTF-8 (TextDecoder fatal mode throws a TypeError).
    return null;
  }
  const chars = [...preview].length;
  if (chars < 1 || chars > MAX_PREVIEW_CHARS) return null;
  return { update, preview };
}

/** Whether an inner plaintext fits the cap of an entry kind; callers check before sealing (e.g. a huge paste). */
export function innerFits(kind: EntryKind, inner: InnerPlaintext): boolean {
  const previewLength = inner.preview === undefined ? 0 : 2 + encoder.encode(inner.preview).length;
  return 1 + 4 + inner.update.length + 1 + previewLength + SECRETBOX_OVERHEAD <= maxCiphertext(kind);
}

// --- outer envelope ----------------------------------------------------------------------------------------

function encodeUnsigned(fields: Omit<Envelope, 'signature' | 'version'>): Uint8Array {
  const docId = requireDocIdBytes(fields.docId);
  requireEpoch(fields.epoch);
  if (fields.author.length !== 32) throw new RangeError('author must be a 32-byte Ed25519 public key');
  if (fields.nonce.length !== NONCE_BYTES) throw new RangeError('nonce must be 24 bytes');
  const n = fields.ciphertext.length;
  if (n < SECRETBOX_OVERHEAD || n > maxCiphertext(fields.kind)) throw new RangeError(`ciphertext length ${n} is out of range`);
  const out = new Uint8Array(ENVELOPE_HEADER_BYTES + n);
  out[0] = ENVELOPE_VERSION;
  out[1] = KIND_BYTES[fields.kind];
  out.set(docId, 2);
  writeU32(out, 18, fields.epoch);
  out.set(fields.author, 22);
  out.set(fields.nonce, 54);
  writeU32(out, 78, n);
  out.set(fields.ciphertext, 82);
  return out;
}

/** Encodes a complete (already signed) envelope. Throws for fields that could never decode: a caller bug. */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  if (envelope.signature.length !== SIGNATURE_BYTES) throw new RangeError('signature must be 64 bytes');
  const unsigned = encodeUnsigned(envelope);
  const out = new Uint8Array(unsigned.length + SIGNATURE_BYTES);
  out.set(unsigned);
  out.set(envelope.signature, unsigned.length);
  return out;
}

/** Structural decoding only: nothing here is authenticated yet. */
export function decodeEnvelope(bytes: Uint8Array): Result<Envelope, EnvelopeDecodeError> {
  // Refuse oversize input before reading anything, so no length field can make us look further.
  if (bytes.length > MAX_ENVELOPE_BYTES) return fail('envelope.too_large');
  if (bytes.length < 1) return fail('envelope.truncated');
  if (bytes[0] !== ENVELOPE_VERSION) return fail('envelope.bad_version');
  if (bytes.length < 2) return fail('envelope.truncated');
  const kind = kindFromByte(bytes[1]!);
  if (kind === null) return fail('envelope.bad_kind');
  if (bytes.length < ENVELOPE_HEADER_BYTES) return fail('envelope.truncated');
  const n = readU32(bytes, 78);
  if (n > maxCiphertext(kind)) return fail('envelope.too_large');
  if (n < SECRETBOX_OVERHEAD) return fail('envelope.malformed');
  const total = ENVELOPE_HEADER_BYTES + n + SIGNATURE_BYTES;
  if (bytes.length < total) return fail('envelope.truncated');
  if (bytes.length > total) return fail('envelope.trailing_bytes');
  return ok({
    version: 1,
    kind,
    docId: toBase64url(bytes.subarray(2, 18)),
    epoch: readU32(bytes, 18),
    author: bytes.slice(22, 54),
    nonce: bytes.slice(54, 78),
    ciphertext: bytes.slice(82, 82 + n),
    signature: bytes.slice(82 + n, total),
  });
}

export interface SealEnvelopeInput {
  docId: string;
  epoch: number;
  kind: EntryKind;
  plaintext: InnerPlaintext;
  /** The epoch's 32-byte secretbox key. */
  key: Uint8Array;
  author: { publicKey: Uint8Array; secretKey: Uint8Array };
  random: RandomBytes;
}

/** Encrypts and signs one entry. Throws when the input cannot make a valid envelope (check innerFits first). */
export function sealEnvelope(input: SealEnvelopeInput): Uint8Array {
  if (input.key.length !== EPOCH_KEY_BYTES) throw new RangeError('epoch key must be 32 bytes');
  if (!innerFits(input.kind, input.plaintext)) throw new RangeError(`inner plaintext too large for a ${input.kind} entry`);
  const nonce = input.random(NONCE_BYTES);
  if (nonce.length !== NONCE_BYTES) throw new Error('random source returned a short nonce');
  const ciphertext = nacl.secretbox(encodeInnerPlaintext(input.plaintext), nonce, input.key);
  const unsigned = encodeUnsigned({
    kind: input.kind,
    docId: input.docId,
    epoch: input.epoch,
    author: input.author.publicKey,
    nonce,
    ciphertext,
  });
  const signature = sign(ENVELOPE_CONTEXT, unsigned, input.author.secretKey);
  const out = new Uint8Array(unsigned.length + SIGNATURE_BYTES);
  out.set(unsigned);
  out.set(signature, unsigned.length);
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

export interface VerifyEnvelopeOptions {
  verifier: Verifier;
  expectedDocId: string;
  /** When the caller knows who must have written it (the server: the socket's account key). */
  expectedAuthor?: Uint8Array;
}

/**
 * Decodes and checks the signature, without decrypting: what the server does before it stores an entry.
 * Checks the cheap facts (document, author) before the signature.
 */
export async function verifyEnvelope(bytes: Uint8Array, options: VerifyEnvelopeOptions): Promise<Result<Envelope, EnvelopeVerifyError>> {
  const expectedDocId = requireDocIdBytes(options.expectedDocId);
  const decoded = decodeEnvelope(bytes);
  if (!decoded.ok) return decoded;
  const envelope = decoded.value;
  if (!sameBytes(bytes.subarray(2, 18), expectedDocId)) return fail('envelope.wrong_doc');
  if (options.expectedAuthor && !sameBytes(envelope.author, options.expectedAuthor)) return fail('envelope.wrong_author');
  const signedLength = bytes.length - SIGNATURE_BYTES;
  const valid = await options.verifier.verify(ENVELOPE_CONTEXT, bytes.subarray(0, signedLength), envelope.signature, envelope.author);
  if (!valid) return fail('envelope.bad_signature');
  // From here on the envelope is signed by `author`; whether that author may write is the caller's question.
  return ok(envelope);
}

export interface OpenEnvelopeOptions extends VerifyEnvelopeOptions {
  /** The document key of an epoch, or undefined when this device does not (yet) hold it. */
  keyForEpoch: (epoch: number) => Uint8Array | undefined | Promise<Uint8Array | undefined>;
}

/** Verifies, decrypts and parses one entry: what a client does before applying the inner update. */
export async function openEnvelope(bytes: Uint8Array, options: OpenEnvelopeOptions): Promise<Result<OpenedEnvelope, EnvelopeOpenError>> {
  const verified = await verifyEnvelope(bytes, options);
  if (!verified.ok) return verified;
  const envelope = verified.value;
  const key = await options.keyForEpoch(envelope.epoch);
  if (!key) return fail('envelope.unknown_epoch');
  if (key.length !== EPOCH_KEY_BYTES) throw new RangeError('keyForEpoch returned a key that is not 32 bytes');
  const plaintext = nacl.secretbox.open(envelope.ciphertext, envelope.nonce, key);
  if (!plaintext) return fail('envelope.decrypt_failed');
  const inner = decodeInnerPlaintext(plaintext);
  if (!inner) return fail('envelope.inner_malformed');
  return ok({ ...envelope, inner });
}
