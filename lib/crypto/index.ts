// lib/crypto: keys, passphrase KDF, recovery key, backup wrapping, safety numbers and context-bound signatures.
// Runs anywhere (browser, Node, service worker): tweetnacl plus globalThis.crypto, no DOM, no node: imports.
export type { Bytes } from './bytes';
export { bytesEqual, concatBytes, utf8, wipe } from './bytes';
export type { RandomBytes } from './random';
export { webRandom } from './random';
export type { Identity } from './keys';
export { generateIdentity, encodeIdentitySecrets, decodeIdentitySecrets } from './keys';
export type { KdfParams, DerivedKeys } from './kdf';
export { KDF_ITERATIONS, MAX_KDF_ITERATIONS, KDF_SALT_LENGTH, newKdfParams, derivePassphraseKeys, deriveRecoveryKeys } from './kdf';
export { generateRecoveryKey, formatRecoveryKey, parseRecoveryKey } from './recovery-key';
export { wrapBackup, unwrapBackup } from './backup';
export type { FingerprintSubject } from './safety-number';
export { safetyNumber, ownFingerprint } from './safety-number';
export type { SignatureContext, Ed25519Backend, Verifier } from './signature';
export {
  SIGNATURE_CONTEXTS,
  SIGNATURE_LENGTH,
  SIGNING_PUBLIC_KEY_LENGTH,
  sign,
  frameSigned,
  isCanonicalSignature,
  createVerifier,
} from './signature';
export type { WebCryptoBackendOptions } from './web-crypto-backend';
export { webCryptoBackend } from './web-crypto-backend';
export { tweetnaclBackend } from './tweetnacl-backend';
export { bestEd25519Backend } from './best-backend';
export type { AsyncSigner } from './async-signer';
export { createAsyncSigner } from './async-signer';
