// Raw Ed25519 verification through node:crypto (about 12,000 a second on one core here, against about 150 for
// tweetnacl), on this thread or on libuv's thread pool. Public keys are imported once as KeyObjects and kept in a
// bounded LRU per instance. Canonicity (S < L) and context strings are the job of lib/crypto's createVerifier.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

import type { Ed25519Backend } from '../../lib/crypto';

export interface NodeEd25519Backend extends Ed25519Backend {
  verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean;
  /**
   * The same answer, computed on libuv's thread pool: the event loop goes on meanwhile (the sync server's relay
   * verifies every entry, and a one-thread server would spend most of its time here).
   */
  verifyOffThread(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): Promise<boolean>;
  /** How many imported keys the cache holds (never more than cacheSize). */
  cachedKeys(): number;
}

/** SPKI DER header for an Ed25519 public key; the 32 key bytes follow. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function nodeEd25519Backend(options: { cacheSize?: number } = {}): NodeEd25519Backend {
  const cacheSize = options.cacheSize ?? 4096;
  // Map keeps insertion order: re-inserting on a hit makes the first key the least recently used.
  const keys = new Map<string, KeyObject>();

  const keyObject = (publicKey: Uint8Array): KeyObject | null => {
    const id = Buffer.from(publicKey).toString('base64');
    const cached = keys.get(id);
    if (cached !== undefined) {
      keys.delete(id);
      keys.set(id, cached);
      return cached;
    }
    let key: KeyObject;
    try {
      key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    } catch {
      // Not a valid Ed25519 public key: nothing can verify under it.
      return null;
    }
    keys.set(id, key);
    if (keys.size > cacheSize) {
      const oldest = keys.keys().next();
      if (!oldest.done) keys.delete(oldest.value);
    }
    return key;
  };

  return {
    cachedKeys: () => keys.size,
    verify(message, signature, publicKey) {
      if (publicKey.length !== 32 || signature.length !== 64) return false;
      const key = keyObject(publicKey);
      if (key === null) return false;
      try {
        return verify(null, message, key, signature);
      } catch {
        // OpenSSL refuses some malformed inputs by throwing; for a verifier that is simply "no".
        return false;
      }
    },
    verifyOffThread(message, signature, publicKey) {
      if (publicKey.length !== 32 || signature.length !== 64) return Promise.resolve(false);
      const key = keyObject(publicKey);
      if (key === null) return Promise.resolve(false);
      return new Promise((resolve) => {
        try {
          // An error (a malformed input OpenSSL refuses) is a "no", as on this thread.
          verify(null, message, key, signature, (error, ok) => resolve(error === null && ok));
        } catch {
          resolve(false);
        }
      });
    },
  };
}
