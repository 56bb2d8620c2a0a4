// Search across all conversations on the device: kept current as messages arrive, are edited and deleted,
// sealed at rest, and answering offline, even after a reload without network.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventually, makeDevice, type Device } from './helpers/engine-device';
import { deviceOf, type SameAccountDevice } from './helpers/engine-same-account';
import { startServer, type TestServer } from './helpers/server';
import { engineScene, unwrap } from './helpers/engine-scene';

const scene = engineScene();
let server: TestServer | undefined;

/** A signed-up person whose device has a known database name (so it can be started again). */
async function person(name: string): Promise<SameAccountDevice> {
  const signedUp = await makeDevice(server!, name);
  await signedUp.engine.stop();
  const d = await deviceOf(server!, name, signedUp);
  scene.track(d);
  await d.engine.start();
  return d;
}

/** Every byte this device keeps in IndexedDB under its databases (engine store and outer documents). */
async function storedBytes(dbName: string): Promise<Buffer> {
  const names = (await indexedDB.databases()).map((d) => d.name!).filter((n) => n.startsWith(dbName));
  const chunks: Buffer[] = [];
  const collect = (value: unknown): void => {
    if (value instanceof Uint8Array) chunks.push(Buffer.from(value));
    else if (value instanceof ArrayBuffer) chunks.push(Buffer.from(new Uint8Array(value)));
    else if (typeof value === 'string') chunks.push(Buffer.from(value, 'utf8'));
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  for (const name of names) {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    for (const store of Array.from(db.objectStoreNames)) {
      const values = await new Promise<unknown[]>((resolve, reject) => {
        const request = db.transaction(store, 'readonly').objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      values.forEach(collect);
    }
    db.close();
  }
  return Buffer.concat(chunks);
}

describe('search on the device', () => {
  it('finds messages across conversations, follows edits and deletions, and answers offline after a reload', async () => {
    server = scene.serve(await startServer());
    const alice = await person('alice');
    const bob = await person('bob');
    const carol = await person('carol');
    const marker = `Zanzibar${randomBytes(4).toString('hex')}`;

    const withAlice = unwrap(await alice.engine.conversations.start([bob.account.handle]));
    const group = unwrap(await carol.engine.conversations.start([bob.account.handle, alice.account.handle], { title: 'Tools' }));
    const a = await scene.open(alice, withAlice);
    const c = await scene.open(carol, group);
    const fromAlice = unwrap(await a.send(`Has anyone got a bicycle pump? Ask for ${marker}`));
    const fromCarol = unwrap(await c.send('The BICYCLE repair café opens at ten'));
    await a.send('something unrelated');

    // Bob never opens either conversation: background syncs index them.
    await eventually(async () => (await bob.engine.search('bicycle')).length === 2, 'bob finds both bicycle messages');
    const hits = await bob.engine.search('bicycle');
    expect(hits.map((h) => [h.docId, h.messageId, h.authorName])).toEqual([
      [group, fromCarol, 'Carol'],
      [withAlice, fromAlice, 'Alice'],
    ]);
    expect(hits[1]!.snippet).toContain('bicycle pump');
    expect(hits[1]!.sentAt).toBeGreaterThan(0);
    expect(hits[1]!.verified).toBe(true);
    expect(await bob.engine.search('cafe')).toHaveLength(1);
    expect(await bob.engine.search('bicycle pu')).toHaveLength(1);
    expect(await bob.engine.search('bicycle', { limit: 1 })).toHaveLength(1);

    // An edit replaces the indexed text; a deletion removes it.
    expect((await c.edit(fromCarol, 'The tandem repair café opens at ten')).ok).toBe(true);
    await eventually(async () => (await bob.engine.search('tandem')).length === 1, 'bob finds the edited words');
    expect((await bob.engine.search('bicycle')).map((h) => h.messageId)).toEqual([fromAlice]);
    expect((await c.delete(fromCarol)).ok).toBe(true);
    await eventually(async () => (await bob.engine.search('tandem')).length === 0, 'the deleted message leaves the index');

    // Offline: the index answers from the device.
    bob.goOffline();
    expect((await bob.engine.search(marker.toLowerCase())).map((h) => h.messageId)).toEqual([fromAlice]);

    // At rest the index is sealed: no readable text anywhere in the device's databases.
    await bob.engine.stop();
    const atRest = await storedBytes(bob.dbName);
    expect(atRest.length).toBeGreaterThan(1000);
    expect(atRest.includes(marker)).toBe(false);
    expect(atRest.includes('bicycle pump')).toBe(false);

    // A reload with no network: the sealed index opens with the device key and still finds it.
    const reloaded = await deviceOf(server, 'bob', bob, { dbName: bob.dbName, online: false });
    scene.track(reloaded);
    await reloaded.engine.start();
    const found = await reloaded.engine.search(`pump ${marker.slice(0, 6)}`);
    expect(found.map((h) => [h.docId, h.messageId, h.authorName])).toEqual([[withAlice, fromAlice, 'Alice']]);
  });
});
