// The engine's own IndexedDB database: decrypted inner state, epoch keys and the conversation list,
// each sealed (AES-GCM) by a non-extractable key made on this device, plus plain sync bookkeeping.
// The outer documents (ciphertext only) live in y-indexeddb's own databases, one per document.
import { deleteDatabase, openDatabase, requestToPromise } from '../idb';

export const ENGINE_DB = 'hasneeds-engine';
const DEVICE = 'device';
/** Sealed values: `inner:<docId>`, `recent:<docId>`, `key:<docId>:<epoch>`, `list:conversations`. */
const SEALED = 'sealed';
/** Plain bookkeeping with no content: last seen sequence numbers, stored state vectors. */
const META = 'meta';

export interface EngineStore {
  seal(name: string, plaintext: Uint8Array): Promise<void>;
  open(name: string): Promise<Uint8Array | null>;
  getMeta<T>(name: string): Promise<T | undefined>;
  putMeta(name: string, value: unknown): Promise<void>;
  remove(name: string): Promise<void>;
  close(): void;
}

export interface EngineStoreOptions {
  indexedDB: IDBFactory;
  subtle: SubtleCrypto;
  random: (n: number) => Uint8Array;
  dbName?: string;
}

const encoder = new TextEncoder();

export async function openEngineStore(options: EngineStoreOptions): Promise<EngineStore> {
  const db = await openDatabase(options.indexedDB, options.dbName ?? ENGINE_DB, 1, (database) => {
    database.createObjectStore(DEVICE);
    database.createObjectStore(SEALED);
    database.createObjectStore(META);
  });
  const { subtle } = options;

  async function deviceKey(): Promise<CryptoKey> {
    const tx = db.transaction(DEVICE, 'readonly');
    const existing = await requestToPromise(tx.objectStore(DEVICE).get('key'));
    if (existing instanceof CryptoKey) return existing;
    // Non-extractable: script on this origin can use it, nothing can read its bytes.
    const key = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const write = db.transaction(DEVICE, 'readwrite');
    write.objectStore(DEVICE).put(key, 'key');
    await new Promise<void>((resolve, reject) => {
      write.oncomplete = () => resolve();
      write.onerror = () => reject(write.error);
    });
    return key;
  }
  const key = await deviceKey();

  function run<T>(store: string, mode: IDBTransactionMode, work: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    return new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const request = work(tx.objectStore(store));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  }

  return {
    async seal(name, plaintext) {
      const iv = options.random(12);
      // The name is additional data: a sealed value cannot be moved to another name.
      const ciphertext = new Uint8Array(
        await subtle.encrypt({ name: 'AES-GCM', iv: iv as BufferSource, additionalData: encoder.encode(name) }, key, plaintext as BufferSource),
      );
      await run(SEALED, 'readwrite', (s) => s.put({ iv, ciphertext }, name));
    },
    async open(name) {
      const stored: unknown = await run(SEALED, 'readonly', (s) => s.get(name));
      if (!stored || typeof stored !== 'object') return null;
      const { iv, ciphertext } = stored as { iv?: unknown; ciphertext?: unknown };
      if (!(iv instanceof Uint8Array) || !(ciphertext instanceof Uint8Array)) return null;
      try {
        return new Uint8Array(
          await subtle.decrypt({ name: 'AES-GCM', iv: iv as BufferSource, additionalData: encoder.encode(name) }, key, ciphertext as BufferSource),
        );
      } catch {
        // Tampered or sealed by another device key: treat as absent and rebuild from the outer document.
        return null;
      }
    },
    async getMeta<T>(name: string) {
      return (await run(META, 'readonly', (s) => s.get(name))) as T | undefined;
    },
    async putMeta(name, value) {
      await run(META, 'readwrite', (s) => s.put(value, name));
    },
    async remove(name) {
      await run(SEALED, 'readwrite', (s) => s.delete(name));
      await run(META, 'readwrite', (s) => s.delete(name));
    },
    close() {
      db.close();
    },
  };
}

export function deleteEngineStore(factory: IDBFactory, dbName = ENGINE_DB): Promise<void> {
  return deleteDatabase(factory, dbName);
}
