// Pure-JS Ed25519 verification: about 150 a second, and it accepts S + L on its own. Only a fallback for runtimes
// whose WebCrypto lacks Ed25519, and only behind createVerifier, which rejects non-canonical S first.
import nacl from 'tweetnacl';
import type { Ed25519Backend } from './signature';

export function tweetnaclBackend(): Ed25519Backend {
  return {
    verify: (message, signature, publicKey) => nacl.sign.detached.verify(message, signature, publicKey),
  };
}
