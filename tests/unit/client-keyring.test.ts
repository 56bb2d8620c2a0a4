import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createIdbDeviceStorage } from '../../lib/client/device-storage';
import { openDatabase, transact } from '../../lib/client/idb';
import { createIdbKeyring, KEYRING_DB, type KeyringContents } from '../../lib/client/keyring';
import { toBase64url } from '../../lib/protocol/base64url';

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

function makeContents(overrides: Partial<KeyringContents> = {}): KeyringContents {
  return {
    account: {
      id: 'acct_0123456789abcdef',
      handle: 'ada',
      displayName: 'Ada Lovelace',
      signingPublicKey: toBase64url(random(32)),
      boxPublicKey: toBase64url(random(32)),
      createdAt: 1_700_000_000_000,
    },
    identitySecrets: random(96),
    session: { token: toBase64url(random(32)), sessionId: 'sess_0123456789abcdef', expiresAt: 1_800_000_000_000 },
    deviceName: 'Chromium on Linux',
    ...overrides,
  };
}

function makeKeyring(indexedDB: IDBFactory) {
  return createIdbKeyring({ indexedDB, subtle: crypto.subtle, random });
}

async function rawRecord(indexedDB: IDBFactory, key: string): Promise<unknown> {
  const db = await openDatabase(indexedDB, KEYRING_DB, 1, () => undefined);
  try {
    return await transact(db, 'keyring', 'readonly', (store) => store.get(key));
  } finally {
    db.close();
  }
}

async function writeRaw(indexedDB: IDBFactory, key: string, value: unknown): Promise<void> {
  const db = await openDatabase(indexedDB, KEYRING_DB, 1, () => undefined);
  try {
    await transact(db, 'keyring', 'readwrite', (store) => {
      if (value === undefined) store.delete(key);
      else store.put(value, key);
    });
  } finally {
    db.close();
  }
}

function containsSequence(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

describe('device keyring', () => {
  it('loads nothing on a device that never signed in', async () => {
    const keyring = makeKeyring(new IDBFactory());
    expect(await keyring.load()).toEqual({ kind: 'empty' });
    keyring.close();
  });

  it('gives back what it stored after the tab is reopened', async () => {
    const indexedDB = new IDBFactory();
    const contents = makeContents();
    const first = makeKeyring(indexedDB);
    await first.save(contents);
    first.close();

    const second = makeKeyring(indexedDB);
    expect(await second.load()).toEqual({ kind: 'ready', contents });
    second.close();
  });

  it('seals with a non-extractable AES-GCM key made on this device', async () => {
    const indexedDB = new IDBFactory();
    const keyring = makeKeyring(indexedDB);
    await keyring.save(makeContents());
    keyring.close();

    const key = await rawRecord(indexedDB, 'deviceKey');
    expect(key).toBeInstanceOf(CryptoKey);
    const deviceKey = key as CryptoKey;
    expect(deviceKey.extractable).toBe(false);
    expect(deviceKey.algorithm.name).toBe('AES-GCM');
    await expect(crypto.subtle.exportKey('raw', deviceKey)).rejects.toThrow();
  });

  it('keeps the identity secrets and the session token only as ciphertext', async () => {
    const indexedDB = new IDBFactory();
    const contents = makeContents();
    const keyring = makeKeyring(indexedDB);
    await keyring.save(contents);
    keyring.close();

    const record = (await rawRecord(indexedDB, 'contents')) as Record<string, unknown>;
    const identity = record.identity as { ciphertext: Uint8Array };
    const token = record.token as { ciphertext: Uint8Array };
    expect(containsSequence(identity.ciphertext, contents.identitySecrets.subarray(0, 8))).toBe(false);
    const serialised = JSON.stringify(record, (_key, value: unknown) =>
      value instanceof Uint8Array ? toBase64url(value) : value,
    );
    expect(serialised).not.toContain(contents.session.token);
    expect(serialised).not.toContain(toBase64url(contents.identitySecrets));
    expect(containsSequence(token.ciphertext, new TextEncoder().encode(contents.session.token.slice(0, 8)))).toBe(false);
  });

  it('reports unreadable when a sealed value was tampered with', async () => {
    const indexedDB = new IDBFactory();
    const keyring = makeKeyring(indexedDB);
    await keyring.save(makeContents());
    keyring.close();

    const record = (await rawRecord(indexedDB, 'contents')) as { identity: { ciphertext: Uint8Array } };
    record.identity.ciphertext[0]! ^= 1;
    await writeRaw(indexedDB, 'contents', record);

    const reopened = makeKeyring(indexedDB);
    expect(await reopened.load()).toEqual({ kind: 'unreadable' });
    reopened.close();
  });

  it('reports unreadable when the sealed identity and token are swapped', async () => {
    const indexedDB = new IDBFactory();
    const keyring = makeKeyring(indexedDB);
    await keyring.save(makeContents());
    keyring.close();

    const record = (await rawRecord(indexedDB, 'contents')) as Record<string, unknown>;
    await writeRaw(indexedDB, 'contents', { ...record, identity: record.token, token: record.identity });

    const reopened = makeKeyring(indexedDB);
    expect(await reopened.load()).toEqual({ kind: 'unreadable' });
    reopened.close();
  });

  it('reports unreadable when the device key is gone', async () => {
    const indexedDB = new IDBFactory();
    const keyring = makeKeyring(indexedDB);
    await keyring.save(makeContents());
    keyring.close();
    await writeRaw(indexedDB, 'deviceKey', undefined);

    const reopened = makeKeyring(indexedDB);
    expect(await reopened.load()).toEqual({ kind: 'unreadable' });
    reopened.close();
  });

  it('reports unreadable when the stored record has the wrong shape', async () => {
    const indexedDB = new IDBFactory();
    const keyring = makeKeyring(indexedDB);
    await keyring.save(makeContents());
    await writeRaw(indexedDB, 'contents', { version: 1, account: 'not an account' });
    expect(await keyring.load()).toEqual({ kind: 'unreadable' });
    keyring.close();
  });

  it('updates the profile without changing the sealed secrets', async () => {
    const indexedDB = new IDBFactory();
    const contents = makeContents();
    const keyring = makeKeyring(indexedDB);
    await keyring.save(contents);
    const renamed = { ...contents.account, displayName: 'Countess of Lovelace' };
    await keyring.saveAccount(renamed);
    expect(await keyring.load()).toEqual({ kind: 'ready', contents: { ...contents, account: renamed } });
    keyring.close();
  });

  it('wipes its database, device key included, so the next load is empty', async () => {
    const indexedDB = new IDBFactory();
    const keyring = makeKeyring(indexedDB);
    await keyring.save(makeContents());
    await keyring.wipe();

    expect((await indexedDB.databases()).map((db) => db.name)).not.toContain(KEYRING_DB);
    const reopened = makeKeyring(indexedDB);
    expect(await reopened.load()).toEqual({ kind: 'empty' });
    reopened.close();
  });
});

describe('device storage', () => {
  it('deletes every local database and web storage, even while the keyring holds a connection', async () => {
    const indexedDB = new IDBFactory();
    const keyring = makeKeyring(indexedDB);
    await keyring.save(makeContents());
    const other = await openDatabase(indexedDB, 'hasneeds-doc-example', 1, (db) => {
      db.createObjectStore('updates');
    });
    let cleared = 0;
    const storage = createIdbDeviceStorage({ indexedDB, webStorages: [{ clear: () => void (cleared += 1) }] });

    await storage.wipeAll();

    expect(await indexedDB.databases()).toEqual([]);
    expect(cleared).toBe(1);
    // The open connections were closed for the delete; a fresh keyring starts empty.
    expect(() => other.transaction('updates')).toThrow();
    const reopened = makeKeyring(indexedDB);
    expect(await reopened.load()).toEqual({ kind: 'empty' });
    reopened.close();
  });
});
