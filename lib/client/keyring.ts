// The device keyring: identity secrets and the session token, sealed (AES-GCM) by a non-extractable
// WebCrypto key made on this device. The CryptoKey itself is stored in IndexedDB by structured clone,
// so script on this origin can use it but nothing can read its bytes out.
import { z } from 'zod';
import { Account, DeviceName } from '../protocol/api';
import { deleteDatabase, openDatabase, transact } from './idb';

export const KEYRING_DB = 'hasneeds-keyring';
const STORE = 'keyring';
const DEVICE_KEY = 'deviceKey';
const CONTENTS = 'contents';

// Additional data binds each sealed value to its purpose: the two blobs cannot be swapped.
const AAD_IDENTITY = new TextEncoder().encode('hasneeds/keyring/identity/v1');
const AAD_TOKEN = new TextEncoder().encode('hasneeds/keyring/session-token/v1');

export interface KeyringSession {
  token: string;
  sessionId: string;
  expiresAt: number;
}

export interface KeyringContents {
  account: Account;
  /** `encodeIdentitySecrets` bytes; opaque to the keyring. */
  identitySecrets: Uint8Array;
  session: KeyringSession;
  deviceName: string;
}

/** `unreadable`: something is stored but this device key cannot open it (tampered, half-wiped). */
export type KeyringLoad = { kind: 'empty' } | { kind: 'unreadable' } | { kind: 'ready'; contents: KeyringContents };

export interface Keyring {
  load(): Promise<KeyringLoad>;
  save(contents: KeyringContents): Promise<void>;
  /** Profile changes (display name) keep the sealed parts as they are. */
  saveAccount(account: Account): Promise<void>;
  /** Deletes the database, the device key with it. */
  wipe(): Promise<void>;
  close(): void;
}

const Bytes = z.instanceof(Uint8Array);
const Sealed = z.strictObject({ iv: Bytes, ciphertext: Bytes });
type Sealed = z.infer<typeof Sealed>;
const DeviceKey = z.custom<CryptoKey>(
  (value) => typeof CryptoKey !== 'undefined' && value instanceof CryptoKey && value.algorithm.name === 'AES-GCM',
);
const StoredContents = z.strictObject({
  version: z.literal(1),
  account: Account,
  identity: Sealed,
  token: Sealed,
  sessionId: z.string(),
  expiresAt: z.number(),
  deviceName: DeviceName,
});
type StoredContents = z.infer<typeof StoredContents>;

export interface IdbKeyringOptions {
  indexedDB: IDBFactory;
  subtle: SubtleCrypto;
  random: (n: number) => Uint8Array;
  dbName?: string;
}

export function createIdbKeyring(options: IdbKeyringOptions): Keyring {
  const name = options.dbName ?? KEYRING_DB;
  const { subtle } = options;
  let opening: Promise<IDBDatabase> | null = null;

  function db(): Promise<IDBDatabase> {
    opening ??= openDatabase(options.indexedDB, name, 1, (database) => {
      database.createObjectStore(STORE);
    }).then((database) => {
      // Our own wipe (or another tab's) closes it; the next call reopens.
      const onversionchange = database.onversionchange;
      database.onversionchange = (event) => {
        opening = null;
        onversionchange?.call(database, event);
      };
      return database;
    });
    opening.catch(() => {
      opening = null;
    });
    return opening;
  }

  async function read(key: string): Promise<unknown> {
    return transact(await db(), STORE, 'readonly', (store) => store.get(key));
  }

  async function deviceKey(create: boolean): Promise<CryptoKey | null> {
    const stored = DeviceKey.safeParse(await read(DEVICE_KEY));
    if (stored.success) return stored.data;
    if (!create) return null;
    const key = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    // `add` fails if another tab stored a key in the meantime; then that one wins.
    try {
      await transact(await db(), STORE, 'readwrite', (store) => store.add(key, DEVICE_KEY));
      return key;
    } catch (error) {
      const winner = DeviceKey.safeParse(await read(DEVICE_KEY));
      if (winner.success) return winner.data;
      throw error;
    }
  }

  async function seal(key: CryptoKey, plaintext: Uint8Array, aad: Uint8Array): Promise<Sealed> {
    const iv = options.random(12);
    const ciphertext = new Uint8Array(
      await subtle.encrypt({ name: 'AES-GCM', iv: iv as BufferSource, additionalData: aad as BufferSource }, key, plaintext as BufferSource),
    );
    return { iv: new Uint8Array(iv), ciphertext };
  }

  async function open(key: CryptoKey, sealed: Sealed, aad: Uint8Array): Promise<Uint8Array | null> {
    try {
      const plain = await subtle.decrypt(
        { name: 'AES-GCM', iv: sealed.iv as BufferSource, additionalData: aad as BufferSource },
        key,
        sealed.ciphertext as BufferSource,
      );
      return new Uint8Array(plain);
    } catch {
      // AES-GCM refuses a tampered blob or one sealed by another device key: treat as nothing stored.
      return null;
    }
  }

  function close(): void {
    const current = opening;
    opening = null;
    void current?.then((database) => database.close(), () => undefined);
  }

  return {
    async load() {
      const raw = await read(CONTENTS);
      if (raw === undefined) return { kind: 'empty' };
      const stored = StoredContents.safeParse(raw);
      if (!stored.success) return { kind: 'unreadable' };
      const key = await deviceKey(false);
      if (key === null) return { kind: 'unreadable' };
      const identitySecrets = await open(key, stored.data.identity, AAD_IDENTITY);
      const token = await open(key, stored.data.token, AAD_TOKEN);
      if (identitySecrets === null || token === null) return { kind: 'unreadable' };
      return {
        kind: 'ready',
        contents: {
          account: stored.data.account,
          identitySecrets,
          session: { token: new TextDecoder().decode(token), sessionId: stored.data.sessionId, expiresAt: stored.data.expiresAt },
          deviceName: stored.data.deviceName,
        },
      };
    },

    async save(contents) {
      const key = await deviceKey(true);
      if (key === null) throw new Error('device key missing after creation');
      const record: StoredContents = {
        version: 1,
        account: contents.account,
        identity: await seal(key, contents.identitySecrets, AAD_IDENTITY),
        token: await seal(key, new TextEncoder().encode(contents.session.token), AAD_TOKEN),
        sessionId: contents.session.sessionId,
        expiresAt: contents.session.expiresAt,
        deviceName: contents.deviceName,
      };
      await transact(await db(), STORE, 'readwrite', (store) => store.put(record, CONTENTS));
    },

    async saveAccount(account) {
      const database = await db();
      await new Promise<void>((resolve, reject) => {
        const tx = database.transaction(STORE, 'readwrite');
        const store = tx.objectStore(STORE);
        // Read and write in one transaction so a concurrent save cannot be overwritten with stale seals.
        const get = store.get(CONTENTS);
        get.onsuccess = () => {
          const stored = StoredContents.safeParse(get.result);
          if (stored.success) store.put({ ...stored.data, account }, CONTENTS);
        };
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      });
    },

    async wipe() {
      close();
      await deleteDatabase(options.indexedDB, name);
    },

    close,
  };
}
