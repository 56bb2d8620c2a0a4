// Everything this app keeps on the device, as one adapter the client can wipe at sign-out.
// The origin serves only this app, so "all local data" is every IndexedDB database and web storage
// of the origin. The service worker's precache (Cache Storage) stays: it holds only public files.
import { deleteDatabase } from './idb';
import { KEYRING_DB } from './keyring';

export interface DeviceStorage {
  /** Deletes every local database and web storage entry; resolves when they are gone. */
  wipeAll(): Promise<void>;
}

export interface IdbDeviceStorageOptions {
  indexedDB: IDBFactory;
  /** localStorage / sessionStorage, when present. */
  webStorages?: Array<Pick<Storage, 'clear'>>;
  /** Databases to delete even where `indexedDB.databases()` is missing (older Firefox). */
  knownDatabases?: string[];
}

export function createIdbDeviceStorage(options: IdbDeviceStorageOptions): DeviceStorage {
  return {
    async wipeAll() {
      const names = new Set<string>([KEYRING_DB, ...(options.knownDatabases ?? [])]);
      if (typeof options.indexedDB.databases === 'function') {
        for (const info of await options.indexedDB.databases()) if (info.name) names.add(info.name);
      }
      await Promise.all([...names].map((name) => deleteDatabase(options.indexedDB, name)));
      for (const storage of options.webStorages ?? []) storage.clear();
    },
  };
}
