// Every signature covers a context string, so a signature made for one purpose never verifies as another.
// Signing uses tweetnacl; verifying goes through createVerifier, which applies one strict policy in front of
// whichever Ed25519 backend the runtime has, so browser, server and fallback give identical answers.
import nacl from 'tweetnacl';
import { concatBytes, utf8 } from './bytes';

export const SIGNATURE_CONTEXTS = [
  'hasneeds/envelope/v1',
  'hasneeds/key-envelope/v1',
  'hasneeds/message/v1',
  'hasneeds/membership/v1',
  'hasneeds/community-role/v1',
  'hasneeds/thread-status/v1',
  'hasneeds/community-history/v1',
  'hasneeds/report/v1',
  'hasneeds/test/v1',
] as const;
/** Add new purposes to SIGNATURE_CONTEXTS; never reuse one for a different message layout. */
export type SignatureContext = (typeof SIGNATURE_CONTEXTS)[number];

export const SIGNATURE_LENGTH = 64;
export const SIGNING_PUBLIC_KEY_LENGTH = 32;

/** Raw Ed25519 verification (RFC 8032, no context). Implementations must not throw for bad input. */
export interface Ed25519Backend {
  verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean | Promise<boolean>;
}

export interface Verifier {
  verify(context: SignatureContext, message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): Promise<boolean>;
  verifyRaw(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): Promise<boolean>;
}

/**
 * utf8(context) || 0x00 || message. No context contains a NUL byte, so the framing is unambiguous:
 * no (context, message) pair can produce the same signed bytes as another.
 */
export function frameSigned(context: SignatureContext, message: Uint8Array): Uint8Array {
  if (!SIGNATURE_CONTEXTS.includes(context)) throw new Error(`unknown signature context ${String(context)}`);
  return concatBytes(utf8(context), Uint8Array.of(0), message);
}

export function sign(context: SignatureContext, message: Uint8Array, signingSecretKey: Uint8Array): Uint8Array {
  if (signingSecretKey.length !== nacl.sign.secretKeyLength) throw new RangeError('sign: secret key must be 64 bytes');
  return nacl.sign.detached(frameSigned(context, message), signingSecretKey);
}

// The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian.
const L = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
]);

/**
 * True when the signature is 64 bytes and its S half is below L. tweetnacl accepts S + L (malleable), so this
 * check must run before any backend, not be left to it. Compares from the most significant byte down.
 */
export function isCanonicalSignature(signature: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_LENGTH) return false;
  for (let i = 31; i >= 0; i--) {
    const s = signature[32 + i]!;
    const l = L[i]!;
    if (s < l) return true;
    if (s > l) return false;
  }
  return false; // S == L
}

export function createVerifier(backend: Ed25519Backend): Verifier {
  const verifyRaw = async (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): Promise<boolean> => {
    if (publicKey.length !== SIGNING_PUBLIC_KEY_LENGTH) return false;
    if (!isCanonicalSignature(signature)) return false;
    try {
      return (await backend.verify(message, signature, publicKey)) === true;
    } catch {
      // A backend that throws on hostile input (e.g. a key that is not a curve point) has rejected it.
      return false;
    }
  };
  return {
    verifyRaw,
    verify: (context, message, signature, publicKey) => verifyRaw(frameSigned(context, message), signature, publicKey),
  };
}
