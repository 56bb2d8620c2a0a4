// Invite links: `#<inviteId>.<secret>` in the URL fragment, which browsers never send. Two keys come from the
// secret by HKDF: a proof key the invitee shows to redeem the link (the server keeps only its SHA-256) and a
// seal key that secretboxes the community's current epoch key. The server can check a proof, never open the key.
//
// Sealed key, version 1: nonce (24) || nacl.secretbox(epoch key, nonce, seal key) (48) = 72 bytes.
import nacl from 'tweetnacl';
import { utf8, type RandomBytes } from '../crypto/index';
import { hkdfSha256 } from '../crypto/kdf';
import { fromBase64url, toBase64url } from './base64url';
import { EPOCH_KEY_BYTES } from './envelope';
import { fail, ok, type Result } from './errors';

export const INVITE_SECRET_BYTES = 32;
export const SEALED_INVITE_KEY_BYTES = nacl.secretbox.nonceLength + EPOCH_KEY_BYTES + nacl.secretbox.overheadLength;
const PROOF_INFO = 'hasneeds/invite-proof/v1';
const SEAL_INFO = 'hasneeds/invite-seal/v1';
const NO_SALT = new Uint8Array(0);

export interface InviteKeys {
  /** Sent to the server when redeeming; useless for opening the sealed key. */
  proofKey: Uint8Array;
  /** Never leaves the device. */
  sealKey: Uint8Array;
}

export async function deriveInviteKeys(secret: Uint8Array): Promise<InviteKeys> {
  if (secret.length !== INVITE_SECRET_BYTES) throw new RangeError(`an invite secret is ${INVITE_SECRET_BYTES} bytes`);
  const [proofKey, sealKey] = await Promise.all([hkdfSha256(secret, NO_SALT, utf8(PROOF_INFO)), hkdfSha256(secret, NO_SALT, utf8(SEAL_INFO))]);
  return { proofKey, sealKey };
}

/** What the server stores for a link: SHA-256 of the proof key. */
export async function inviteProofHash(proofKey: Uint8Array): Promise<Uint8Array> {
  const copy = new Uint8Array(proofKey);
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', copy.buffer));
}

export function sealInviteKey(epochKey: Uint8Array, sealKey: Uint8Array, random: RandomBytes): Uint8Array {
  if (epochKey.length !== EPOCH_KEY_BYTES) throw new RangeError(`an epoch key is ${EPOCH_KEY_BYTES} bytes`);
  const nonce = random(nacl.secretbox.nonceLength);
  const sealed = new Uint8Array(SEALED_INVITE_KEY_BYTES);
  sealed.set(nonce, 0);
  sealed.set(nacl.secretbox(epochKey, nonce, sealKey), nonce.length);
  return sealed;
}

export function openInviteKey(sealed: Uint8Array, sealKey: Uint8Array): Result<Uint8Array, 'invite.bad_seal'> {
  if (sealed.length !== SEALED_INVITE_KEY_BYTES) return fail('invite.bad_seal');
  const nonce = sealed.subarray(0, nacl.secretbox.nonceLength);
  const opened = nacl.secretbox.open(sealed.subarray(nacl.secretbox.nonceLength), nonce, sealKey);
  return opened && opened.length === EPOCH_KEY_BYTES ? ok(opened) : fail('invite.bad_seal');
}

/** The fragment of an invite link (without '#'). */
export function inviteFragment(inviteId: string, secret: Uint8Array): string {
  return `${inviteId}.${toBase64url(secret)}`;
}

export function parseInviteFragment(fragment: string): { inviteId: string; secret: Uint8Array } | null {
  const match = /^#?([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(fragment);
  if (!match) return null;
  const secret = fromBase64url(match[2]!);
  return secret && secret.length === INVITE_SECRET_BYTES ? { inviteId: match[1]!, secret } : null;
}
