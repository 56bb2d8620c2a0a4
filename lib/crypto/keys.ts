// A user's long-term keys, made on the device: Ed25519 for signing, X25519 for receiving boxed keys.
import nacl from 'tweetnacl';
import { bytesEqual, concatBytes } from './bytes';
import { randomBytes, webRandom, type RandomBytes } from './random';

export interface Identity {
  signing: { publicKey: Uint8Array; secretKey: Uint8Array };
  box: { publicKey: Uint8Array; secretKey: Uint8Array };
}

const SECRETS_VERSION = 1;
// version(1) || signing secret key (64: seed || public key) || box secret key (32) || box public key (32)
const SECRETS_LENGTH = 1 + 64 + 32 + 32;

export function generateIdentity(random: RandomBytes = webRandom): Identity {
  const signing = nacl.sign.keyPair.fromSeed(randomBytes(random, 32));
  const box = nacl.box.keyPair.fromSecretKey(randomBytes(random, 32));
  return { signing, box };
}

/** The canonical bytes that go inside the encrypted backup. Public keys ride along so decode can check them. */
export function encodeIdentitySecrets(id: Identity): Uint8Array {
  if (id.signing.secretKey.length !== 64 || id.box.secretKey.length !== 32 || id.box.publicKey.length !== 32) {
    throw new Error('encodeIdentitySecrets: malformed identity');
  }
  return concatBytes(Uint8Array.of(SECRETS_VERSION), id.signing.secretKey, id.box.secretKey, id.box.publicKey);
}

/**
 * Rebuilds an identity from backup bytes, or null when they are not ours. Every public key is re-derived from
 * its secret and compared, so a corrupted or substituted backup cannot yield keys that do not belong together.
 */
export function decodeIdentitySecrets(bytes: Uint8Array): Identity | null {
  if (bytes.length !== SECRETS_LENGTH || bytes[0] !== SECRETS_VERSION) return null;
  const signingSecret = bytes.slice(1, 65);
  const boxSecret = bytes.slice(65, 97);
  const boxPublic = bytes.slice(97, 129);
  const signing = nacl.sign.keyPair.fromSeed(signingSecret.subarray(0, 32));
  if (!bytesEqual(signing.secretKey, signingSecret)) return null;
  const box = nacl.box.keyPair.fromSecretKey(boxSecret);
  if (!bytesEqual(box.publicKey, boxPublic)) return null;
  return { signing, box };
}
