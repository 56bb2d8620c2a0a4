// The key envelope: a document's epoch key boxed to one member's X25519 key and signed by the sender, so the
// server can store and route it but never read it, and the recipient knows which member handed it over.
//
// Wire format, version 1 (fixed size, 253 bytes; integers big-endian):
//
//   offset  size  field
//   0       1     version = 1
//   1       16    docId, raw
//   17      4     epoch (u32)
//   21      32    recipient's Ed25519 signing public key (who it is for, as the directory knows them)
//   53      32    sender's Ed25519 signing public key
//   85      32    ephemeral X25519 public key
//   117     24    nonce
//   141     48    box = nacl.box(epoch key, nonce, recipient's X25519 public key, ephemeral secret key)
//   189     64    sender's signature under 'hasneeds/key-envelope/v1' over bytes [0, 189)
//
// The box uses a fresh ephemeral key rather than the sender's long-term X25519 key: a later leak of the sender's
// box key then opens none of the envelopes they sent. Authenticity comes from the signature, which binds the
// document, epoch, recipient and box together, so an envelope cannot be replayed for another of them.
import nacl from 'tweetnacl';
import { sign, type AsyncSigner, type RandomBytes, type Verifier } from '../crypto/index';
import { docIdBytes, EPOCH_KEY_BYTES, readU32, requireDocIdBytes, requireEpoch } from './envelope';
import { toBase64url } from './base64url';
import { fail, ok, type Result } from './errors';

export const KEY_ENVELOPE_VERSION = 1;
export const KEY_ENVELOPE_CONTEXT = 'hasneeds/key-envelope/v1';
export const KEY_ENVELOPE_BYTES = 253;
const SIGNED_BYTES = 189;
const BOX_BYTES = EPOCH_KEY_BYTES + nacl.box.overheadLength; // 48

export interface KeyEnvelope {
  version: 1;
  docId: string;
  epoch: number;
  recipient: Uint8Array;
  sender: Uint8Array;
  ephemeralPublicKey: Uint8Array;
  nonce: Uint8Array;
  box: Uint8Array;
  signature: Uint8Array;
}

export type KeyEnvelopeDecodeError = 'key_envelope.truncated' | 'key_envelope.bad_version' | 'key_envelope.trailing_bytes';
export type KeyEnvelopeVerifyError =
  | KeyEnvelopeDecodeError
  | 'key_envelope.wrong_doc'
  | 'key_envelope.wrong_epoch'
  | 'key_envelope.wrong_recipient'
  | 'key_envelope.wrong_sender'
  | 'key_envelope.bad_signature';
export type KeyEnvelopeOpenError = KeyEnvelopeVerifyError | 'key_envelope.decrypt_failed';

export interface SealKeyEnvelopeInput {
  docId: string;
  epoch: number;
  /** The 32-byte epoch key being handed over. */
  key: Uint8Array;
  recipient: { signingPublicKey: Uint8Array; boxPublicKey: Uint8Array };
  sender: { publicKey: Uint8Array; secretKey: Uint8Array };
  random: RandomBytes;
}

export function sealKeyEnvelope(input: SealKeyEnvelopeInput): Uint8Array {
  const out = unsignedKeyEnvelope(input);
  out.set(sign(KEY_ENVELOPE_CONTEXT, out.subarray(0, SIGNED_BYTES), input.sender.secretKey), SIGNED_BYTES);
  return out;
}

/** The same bytes as sealKeyEnvelope, signed by an async signer (WebCrypto where it exists: a rotation seals many). */
export async function sealKeyEnvelopeAsync(input: Omit<SealKeyEnvelopeInput, 'sender'> & { sender: { publicKey: Uint8Array } }, signer: AsyncSigner): Promise<Uint8Array> {
  const out = unsignedKeyEnvelope(input);
  out.set(await signer.sign(KEY_ENVELOPE_CONTEXT, out.subarray(0, SIGNED_BYTES)), SIGNED_BYTES);
  return out;
}

/** Everything but the signature: the key boxed to the recipient with a fresh ephemeral key pair. */
function unsignedKeyEnvelope(input: Omit<SealKeyEnvelopeInput, 'sender'> & { sender: { publicKey: Uint8Array } }): Uint8Array {
  const docId = requireDocIdBytes(input.docId);
  requireEpoch(input.epoch);
  if (input.key.length !== EPOCH_KEY_BYTES) throw new RangeError('epoch key must be 32 bytes');
  if (input.recipient.signingPublicKey.length !== 32 || input.recipient.boxPublicKey.length !== 32) {
    throw new RangeError('recipient keys must be 32 bytes');
  }
  if (input.sender.publicKey.length !== 32) throw new RangeError('sender signing key must be 32 bytes');
  const ephemeral = nacl.box.keyPair.fromSecretKey(fixedRandom(input.random, 32));
  const nonce = fixedRandom(input.random, nacl.box.nonceLength);
  const box = nacl.box(input.key, nonce, input.recipient.boxPublicKey, ephemeral.secretKey);
  ephemeral.secretKey.fill(0);
  const out = new Uint8Array(KEY_ENVELOPE_BYTES);
  out[0] = KEY_ENVELOPE_VERSION;
  out.set(docId, 1);
  new DataView(out.buffer).setUint32(17, input.epoch);
  out.set(input.recipient.signingPublicKey, 21);
  out.set(input.sender.publicKey, 53);
  out.set(ephemeral.publicKey, 85);
  out.set(nonce, 117);
  out.set(box, 141);
  return out;
}

function fixedRandom(random: RandomBytes, n: number): Uint8Array {
  const bytes = random(n);
  if (bytes.length !== n) throw new Error('random source returned the wrong number of bytes');
  return bytes;
}

/** Structural decoding only: nothing here is authenticated yet. */
export function decodeKeyEnvelope(bytes: Uint8Array): Result<KeyEnvelope, KeyEnvelopeDecodeError> {
  if (bytes.length < 1) return fail('key_envelope.truncated');
  if (bytes[0] !== KEY_ENVELOPE_VERSION) return fail('key_envelope.bad_version');
  if (bytes.length < KEY_ENVELOPE_BYTES) return fail('key_envelope.truncated');
  if (bytes.length > KEY_ENVELOPE_BYTES) return fail('key_envelope.trailing_bytes');
  return ok({
    version: 1,
    docId: toBase64url(bytes.subarray(1, 17)),
    epoch: readU32(bytes, 17),
    recipient: bytes.slice(21, 53),
    sender: bytes.slice(53, 85),
    ephemeralPublicKey: bytes.slice(85, 117),
    nonce: bytes.slice(117, 141),
    box: bytes.slice(141, 141 + BOX_BYTES),
    signature: bytes.slice(SIGNED_BYTES, KEY_ENVELOPE_BYTES),
  });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

export interface VerifyKeyEnvelopeOptions {
  verifier: Verifier;
  expectedDocId: string;
  expectedEpoch: number;
  /** The signing key of the member it must be addressed to. */
  expectedRecipient: Uint8Array;
  /** The signing key of the member who must have sent it, when the caller knows (the server: the uploader). */
  expectedSender?: Uint8Array;
}

/** Decodes and checks addressing and signature without opening the box: what the server does on upload. */
export async function verifyKeyEnvelope(
  bytes: Uint8Array,
  options: VerifyKeyEnvelopeOptions,
): Promise<Result<KeyEnvelope, KeyEnvelopeVerifyError>> {
  const expectedDocId = requireDocIdBytes(options.expectedDocId);
  requireEpoch(options.expectedEpoch);
  const decoded = decodeKeyEnvelope(bytes);
  if (!decoded.ok) return decoded;
  const envelope = decoded.value;
  if (!sameBytes(docIdBytes(envelope.docId)!, expectedDocId)) return fail('key_envelope.wrong_doc');
  if (envelope.epoch !== options.expectedEpoch) return fail('key_envelope.wrong_epoch');
  if (!sameBytes(envelope.recipient, options.expectedRecipient)) return fail('key_envelope.wrong_recipient');
  if (options.expectedSender && !sameBytes(envelope.sender, options.expectedSender)) return fail('key_envelope.wrong_sender');
  const valid = await options.verifier.verify(KEY_ENVELOPE_CONTEXT, bytes.subarray(0, SIGNED_BYTES), envelope.signature, envelope.sender);
  if (!valid) return fail('key_envelope.bad_signature');
  // From here on the envelope is signed by `sender`; whether the sender may hand out keys is the caller's question.
  return ok(envelope);
}

export interface OpenKeyEnvelopeOptions extends Omit<VerifyKeyEnvelopeOptions, 'expectedRecipient'> {
  recipient: { signingPublicKey: Uint8Array; boxSecretKey: Uint8Array };
}

export interface OpenedKeyEnvelope extends KeyEnvelope {
  key: Uint8Array;
}

/** Verifies and opens a key envelope addressed to this device's identity. */
export async function openKeyEnvelope(
  bytes: Uint8Array,
  options: OpenKeyEnvelopeOptions,
): Promise<Result<OpenedKeyEnvelope, KeyEnvelopeOpenError>> {
  if (options.recipient.boxSecretKey.length !== 32) throw new RangeError('box secret key must be 32 bytes');
  const verified = await verifyKeyEnvelope(bytes, { ...options, expectedRecipient: options.recipient.signingPublicKey });
  if (!verified.ok) return verified;
  const envelope = verified.value;
  const key = nacl.box.open(envelope.box, envelope.nonce, envelope.ephemeralPublicKey, options.recipient.boxSecretKey);
  if (!key || key.length !== EPOCH_KEY_BYTES) return fail('key_envelope.decrypt_failed');
  return ok({ ...envelope, key });
}
