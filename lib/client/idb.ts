// A tiny promise wrapper over plain IndexedDB: open, one-request transactions, delete.
// Kept minimal on purpose; the stores that need more (y-indexeddb) bring their own.

export type Upgrade = (db: IDBDatabase, oldVersion: number) => void;

export function requestToPromise<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/** Opens a database and closes it when another tab (or our own wipe) wants to upgrade or delete it. */
export function openDatabase(factory: IDBFactory, name: string, version: number, upgrade: Upgrade): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(name, version);
    request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion);
    request.onsuccess = () => {
      const db = request.result;
      // Without this a sign-out in one tab would stay blocked by a connection held in another.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () => reject(request.error ?? new Error(`cannot open IndexedDB database ${name}`));
    request.onblocked = () => reject(new Error(`opening IndexedDB database ${name} is blocked by another connection`));
  });
}

/** Runs `work` in one transaction and resolves with its result once the transaction has committed. */
export function transact<T>(
  db: IDBDatabase,
  storeName: string,
  mode: IDBTransactionMode,
  work: (store: IDBObjectStore) => IDBRequest<T> | void,
): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(storeName, mode);
    const request = work(tx.objectStore(storeName));
    tx.oncomplete = () => resolve(request ? request.result : undefined);
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** Resolves once the database is gone. A blocked delete still completes when the other connections close. */
export function deleteDatabase(factory: IDBFactory, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = factory.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error(`cannot delete IndexedDB database ${name}`));
  });
}
