// Ed25519 through node:crypto for the load generators. tweetnacl signs about 260 times a second here, so a
// client that signed with it would measure itself, not the server. Ed25519 is deterministic: these signatures
// are byte for byte the ones lib/crypto's `sign` makes (checked by `checkFastSealing`), and the envelopes the
// same bytes sealEnvelope makes, so the server sees exactly what the project's client would send.
import { createPrivateKey, generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import nacl from 'tweetnacl';
import { frameSigned, sign, type Identity, type SignatureContext } from '../../lib/crypto';
import { ENVELOPE_CONTEXT, encodeEnvelope, encodeInnerPlaintext, sealEnvelope, type EntryKind, type InnerPlaintext } from '../../lib/protocol/envelope';
import { messagePayload, MESSAGE_CONTEXT, memberKeyOf, type MessageRecord } from '../../lib/docs';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface FastSigner {
  publicKey: Uint8Array;
  /** tweetnacl layout: seed || public key. */
  secretKey: Uint8Array;
  sign(context: SignatureContext, message: Uint8Array): Uint8Array;
}

export function fastSigner(secretKey: Uint8Array): FastSigner {
  const key: KeyObject = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, secretKey.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
  return {
    publicKey: secretKey.slice(32),
    secretKey,
    sign: (context, message) => new Uint8Array(nodeSign(null, frameSigned(context, message), key)),
  };
}

const last32 = (der: Buffer): Uint8Array => new Uint8Array(der.subarray(der.length - 32));

/** A fresh identity in well under a millisecond (tweetnacl's key pairs take milliseconds each here). */
export function fastIdentity(): Identity & { signer: FastSigner } {
  const ed = generateKeyPairSync('ed25519');
  const seed = last32(ed.privateKey.export({ format: 'der', type: 'pkcs8' }));
  const publicKey = last32(ed.publicKey.export({ format: 'der', type: 'spki' }));
  const secretKey = new Uint8Array(64);
  secretKey.set(seed);
  secretKey.set(publicKey, 32);
  const x = generateKeyPairSync('x25519');
  const box = { publicKey: last32(x.publicKey.export({ format: 'der', type: 'spki' })), secretKey: last32(x.privateKey.export({ format: 'der', type: 'pkcs8' })) };
  return { signing: { publicKey, secretKey }, box, signer: fastSigner(secretKey) };
}

export interface FastSealInput {
  docId: string;
  epoch: number;
  kind: EntryKind;
  plaintext: InnerPlaintext;
  key: Uint8Array;
  signer: FastSigner;
  nonce: Uint8Array;
}

/** sealEnvelope with the signature made by node:crypto: identical bytes for the same nonce. */
export function sealEnvelopeFast(input: FastSealInput): Uint8Array {
  const ciphertext = nacl.secretbox(encodeInnerPlaintext(input.plaintext), input.nonce, input.key);
  const out = encodeEnvelope({
    version: 1,
    kind: input.kind,
    docId: input.docId,
    epoch: input.epoch,
    author: input.signer.publicKey,
    nonce: input.nonce,
    ciphertext,
    signature: new Uint8Array(64),
  });
  const signedLength = out.length - 64;
  out.set(input.signer.sign(ENVELOPE_CONTEXT, out.subarray(0, signedLength)), signedLength);
  return out;
}

/** lib/docs signMessage with the node:crypto signer (same record, same signature). */
export function signMessageFast(docId: string, m: { id: string; body: string; sentAt: number }, signer: FastSigner): MessageRecord {
  const fields = { id: m.id, author: memberKeyOf(signer.publicKey), body: m.body, sentAt: m.sentAt } as Omit<MessageRecord, 'type' | 'signature'>;
  return { type: 'message', ...fields, signature: signer.sign(MESSAGE_CONTEXT, messagePayload(docId, fields)) } as MessageRecord;
}

/** Proves the shortcut changes nothing: the fast envelope equals sealEnvelope's, byte for byte. */
export function checkFastSealing(): void {
  const id = fastIdentity();
  const nonce = nacl.randomBytes(24);
  const key = nacl.randomBytes(32);
  const docId = 'AAAAAAAAAAAAAAAAAAAAAA';
  const plaintext = { update: nacl.randomBytes(200), preview: 'hello' };
  const fast = sealEnvelopeFast({ docId, epoch: 3, kind: 'update', plaintext, key, signer: id.signer, nonce });
  const slow = sealEnvelope({ docId, epoch: 3, kind: 'update', plaintext, key, author: id.signing, random: () => nonce });
  if (Buffer.compare(Buffer.from(fast), Buffer.from(slow)) !== 0) throw new Error('fast sealing differs from sealEnvelope');
  const message = new Uint8Array([1, 2, 3]);
  if (Buffer.compare(Buffer.from(id.signer.sign('hasneeds/test/v1', message)), Buffer.from(sign('hasneeds/test/v1', message, id.signing.secretKey))) !== 0) {
    throw new Error('node:crypto signature differs from lib/crypto sign');
  }
  // The X25519 pair from node:crypto is a valid tweetnacl box pair.
  if (Buffer.compare(Buffer.from(nacl.box.keyPair.fromSecretKey(id.box.secretKey).publicKey), Buffer.from(id.box.publicKey)) !== 0) {
    throw new Error('node:crypto X25519 key pair does not match tweetnacl');
  }
}
