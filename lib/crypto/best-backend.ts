// Picks the Ed25519 backend for this runtime: WebCrypto where it supports Ed25519 (Chromium, Firefox, Safari 17+,
// Node 20), tweetnacl where it does not. Decided by a real verification, not by feature sniffing.
import { tweetnaclBackend } from './tweetnacl-backend';
import type { Ed25519Backend } from './signature';
import { webCryptoBackend, type WebCryptoBackendOptions } from './web-crypto-backend';

// RFC 8032 section 7.1, TEST 1 (empty message).
const hexBytes = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const PROBE = {
  publicKey: hexBytes('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'),
  signature: hexBytes(
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  ),
};

export async function bestEd25519Backend(
  subtle: SubtleCrypto | undefined = globalThis.crypto?.subtle,
  options: WebCryptoBackendOptions = {},
): Promise<{ name: 'webcrypto' | 'tweetnacl'; backend: Ed25519Backend }> {
  if (subtle) {
    const backend = webCryptoBackend(subtle, options);
    try {
      if ((await backend.verify(new Uint8Array(0), PROBE.signature, PROBE.publicKey)) === true) return { name: 'webcrypto', backend };
    } catch {
      // NotSupportedError: this WebCrypto has no Ed25519; fall through to the fallback.
    }
  }
  return { name: 'tweetnacl', backend: tweetnaclBackend() };
}
