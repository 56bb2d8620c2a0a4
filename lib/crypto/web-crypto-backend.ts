// Ed25519 verification through WebCrypto (browsers, and Node's globalThis.crypto). Importing a key costs about as
// much as a verification, so imported keys are cached per public key, in a bounded map owned by this instance.
import { bufferSource } from './bytes';
import type { Ed25519Backend } from './signature';

export interface WebCryptoBackendOptions {
  /** How many distinct authors' keys to keep imported; the least recently used one is dropped first. */
  maxCachedKeys?: number;
}

const ALGORITHM = { name: 'Ed25519' } as const;

function keyId(publicKey: Uint8Array): string {
  let id = '';
  for (const byte of publicKey) id += byte.toString(16).padStart(2, '0');
  return id;
}

export function webCryptoBackend(subtle: SubtleCrypto | undefined = globalThis.crypto?.subtle, options: WebCryptoBackendOptions = {}): Ed25519Backend {
  // Without this, every verification would fail closed and every message would read as unverified, silently.
  if (!subtle) throw new Error('webCryptoBackend: crypto.subtle is unavailable (not a secure context?)');
  const maxCachedKeys = options.maxCachedKeys ?? 1024;
  if (!Number.isInteger(maxCachedKeys) || maxCachedKeys < 1) throw new RangeError('webCryptoBackend: maxCachedKeys must be >= 1');
  // Promises are cached, not keys, so concurrent verifications for one author share a single import.
  const cache = new Map<string, Promise<CryptoKey>>();

  function importKey(publicKey: Uint8Array): Promise<CryptoKey> {
    const id = keyId(publicKey);
    const cached = cache.get(id);
    if (cached) {
      // Re-insert to mark it most recently used (Map keeps insertion order).
      cache.delete(id);
      cache.set(id, cached);
      return cached;
    }
    const imported = subtle.importKey('raw', bufferSource(publicKey), ALGORITHM, false, ['verify']);
    cache.set(id, imported);
    // A key that fails to import must not stay cached as a rejected promise.
    imported.catch(() => {
      if (cache.get(id) === imported) cache.delete(id);
    });
    if (cache.size > maxCachedKeys) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return imported;
  }

  return {
    async verify(message, signature, publicKey) {
      const key = await importKey(publicKey);
      return subtle.verify(ALGORITHM, key, bufferSource(signature), bufferSource(message));
    },
  };
}
