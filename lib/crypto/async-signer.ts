// Ed25519 signing through WebCrypto where it exists: Chromium signs about 21,000 a second, tweetnacl about 100
// (bench/crypto.ts). Ed25519 is deterministic, so both give the same bytes; the signer checks that once on a probe
// and otherwise (no WebCrypto Ed25519, an import refused, different bytes) signs with tweetnacl, never failing.
import nacl from 'tweetnacl';
import { bufferSource, bytesEqual, concatBytes, utf8 } from './bytes';
import { frameSigned, sign, type SignatureContext } from './signature';

export interface AsyncSigner {
  sign(context: SignatureContext, message: Uint8Array): Promise<Uint8Array>;
  /** 'webcrypto' once the probe matched, 'tweetnacl' otherwise (for tests and benchmarks). */
  readonly backend: 'webcrypto' | 'tweetnacl';
}

/** PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): a fixed 16-byte prefix, then the 32-byte seed. */
const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);
const PROBE_CONTEXT: SignatureContext = 'hasneeds/key-envelope/v1';

export async function createAsyncSigner(secretKey: Uint8Array, subtle: SubtleCrypto | null = globalThis.crypto?.subtle ?? null): Promise<AsyncSigner> {
  if (secretKey.length !== nacl.sign.secretKeyLength) throw new RangeError('createAsyncSigner: secret key must be 64 bytes');
  const fallback: AsyncSigner = { backend: 'tweetnacl', sign: async (context, message) => sign(context, message, secretKey) };
  if (!subtle) return fallback;
  try {
    const pkcs8 = concatBytes(PKCS8_PREFIX, secretKey.subarray(0, 32));
    const key = await subtle.importKey('pkcs8', bufferSource(pkcs8), { name: 'Ed25519' }, false, ['sign']);
    pkcs8.fill(0);
    const webSign = async (context: SignatureContext, message: Uint8Array) =>
      new Uint8Array(await subtle.sign({ name: 'Ed25519' }, key, bufferSource(frameSigned(context, message))));
    const probe = utf8('has-needs signer probe');
    if (!bytesEqual(await webSign(PROBE_CONTEXT, probe), sign(PROBE_CONTEXT, probe, secretKey))) return fallback;
    return { backend: 'webcrypto', sign: webSign };
  } catch {
    return fallback;
  }
}
