// The client runs the local-first engine while signed in: against the REAL sync server (in process, port 0).
// IndexedDB is fake-indexeddb (the one part that cannot run in Node); y-indexeddb uses its global factory.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createVerifier, webCryptoBackend } from '../../lib/crypto';
import { createClient, type Client } from '../../lib/client/client';
import { createIdbDeviceStorage } from '../../lib/client/device-storage';
import { createEngine, type Engine } from '../../lib/client/engine/engine';
import type { DeviceEngine } from '../../lib/client/engine-host';
import { createIdbKeyring } from '../../lib/client/keyring';
import { eventually, makeDevice, type Device } from '../integration/helpers/engine-device';
import { startServer, type TestServer } from '../integration/helpers/server';

let server: TestServer;
const clients: Client[] = [];
const devices: Device[] = [];

beforeEach(async () => {
  server = await startServer();
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.dispose();
  for (const device of devices.splice(0)) await device.engine.stop().catch(() => undefined);
  await server.dispose();
});

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const offlineFetch: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));

/** `ws` sends no Origin by itself; the server accepts only its own, as from a page it served. */
function socketClass(origin: string): typeof globalThis.WebSocket {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { origin });
    }
  } as unknown as typeof globalThis.WebSocket;
}

/** A browser profile: its databases are named apart, so several live in the one global fake IndexedDB. */
function profile() {
  const name = `hn-unit-${randomBytes(4).toString('hex')}`;
  return { keyringDb: `${name}-keyring`, engineDb: `${name}-engine` };
}

/** The engines the clients made, to see when their syncs have finished. */
const engines = new Map<Client, Engine>();

/**
 * Stopping while a short sync is still on its way leaves the engine writing to a closed database (reported to the
 * engine's owner); these tests stop a quiet engine. Polled: there is no event for "no sync running".
 */
async function quiet(client: Client): Promise<void> {
  const engine = engines.get(client);
  if (engine) await eventually(() => engine.sync.socketCount <= 1, 'only the event stream is open');
}

function openClient(where: ReturnType<typeof profile>, transportFetch: typeof fetch = fetch): Client {
  const client = createClient({
    storage: createIdbDeviceStorage({ indexedDB: globalThis.indexedDB, knownDatabases: [where.keyringDb, where.engineDb] }),
    transport: { baseUrl: server.url, fetch: transportFetch },
    keyring: createIdbKeyring({ indexedDB: globalThis.indexedDB, subtle: crypto.subtle, random, dbName: where.keyringDb }),
    clock: server.clock,
    random,
    deviceName: 'Unit test device',
    network: {
      browserOnline: () => true,
      events: new EventTarget(),
      schedule: (task, ms) => {
        const timer = setTimeout(task, ms);
        return () => clearTimeout(timer);
      },
    },
    engine: async ({ identity, account, request, onSignedOut }) => {
      const engine = await createEngine({
        request,
        identity,
        account,
        verifier: createVerifier(webCryptoBackend()),
        random,
        now: () => Date.now(),
        indexedDB: globalThis.indexedDB,
        subtle: crypto.subtle,
        socket: { syncUrl: `${server.wsUrl}/sync`, WebSocket: socketClass(server.origin) },
        onSignedOut,
        dbName: where.engineDb,
      });
      engines.set(client, engine);
      return engine;
    },
  });
  clients.push(client);
  return client;
}

/** Resolves with the engine once the client published it (an event, no polling). */
function engineOf(client: Client): Promise<DeviceEngine> {
  return new Promise((resolve) => {
    const check = () => {
      const engine = client.engine.current();
      if (!engine) return false;
      stop();
      resolve(engine);
      return true;
    };
    const stop = client.engine.subscribe(() => void check());
    check();
  });
}

async function signedUp(client: Client) {
  await client.start();
  const handle = `person_${randomBytes(5).toString('hex')}`;
  const result = await client.account.signUp({ handle, displayName: 'Ada Lovelace', passphrase: 'lantern gravel oyster pilgrim' });
  if (!result.ok) throw new Error(`sign-up failed: ${result.code}`);
  return handle;
}

async function databases(): Promise<string[]> {
  return (await globalThis.indexedDB.databases()).map((db) => db.name ?? '');
}

async function peer(name: string): Promise<Device> {
  const device = await makeDevice(server, name);
  devices.push(device);
  await device.engine.start();
  return device;
}

describe('the engine inside the client', () => {
  it('runs while signed in and is stopped before sign-out wipes the device', async () => {
    const where = profile();
    const client = openClient(where);
    expect(client.engine.current()).toBeNull();
    await signedUp(client);
    const engine = await engineOf(client);
    expect(engine.conversations.list()).toEqual([]);

    const bob = await peer('bob');
    const started = await engine.startConversation({ handles: `@${bob.account.handle}` });
    expect(started.ok).toBe(true);
    expect(engine.conversations.list().map((c) => c.title)).toEqual(['Bob']);
    expect(await databases()).toContain(where.engineDb);
    // The conversation's sealed recent view lives in the engine's database, and goes with it below.
    const docId = started.ok ? started.value : '';
    await eventually(async () => (await engine.recent(docId)) !== null, 'the recent view is sealed');

    // The wipe deletes every database of this (shared, fake) IndexedDB: Bob's device lets go of its own first.
    await eventually(() => bob.engine.conversations.ids().includes(docId), 'bob has the conversation');
    await eventually(() => bob.engine.sync.socketCount <= 1, 'bob has finished syncing');
    await bob.engine.stop();
    devices.splice(devices.indexOf(bob), 1);
    await quiet(client);
    const signedOut = await client.account.signOut();
    expect(signedOut.ok).toBe(true);
    expect(client.engine.current()).toBeNull();
    expect(client.getState()).toEqual({ status: 'signed-out', reason: 'signed-out' });
    const left = await databases();
    expect(left).not.toContain(where.engineDb);
    expect(left).not.toContain(where.keyringDb);
  });

  it('reopened without a network, shows the cached list and history, says it is offline and keeps writes Pending across reloads', async () => {
    const where = profile();
    const first = openClient(where);
    await signedUp(first);
    const engine = await engineOf(first);
    const bob = await peer('bob');
    const started = await engine.startConversation({ handles: bob.account.handle, title: 'Ladder loan' });
    if (!started.ok) throw new Error(`start failed: ${started.code}`);
    const open = await engine.open(started.value);
    await open.send('The ladder is in the shed');
    await eventually(async () => (await open.messages()).every((m) => !m.pending), 'the message is stored');
    await open.close();
    await quiet(first);
    await first.dispose();

    const again = openClient(where, offlineFetch);
    await again.start();
    const offline = await engineOf(again);
    expect(again.online.isOnline()).toBe(false);
    const [listed] = offline.conversations.list();
    expect(listed).toMatchObject({ id: started.value, title: 'Ladder loan', lastMessage: { body: 'The ladder is in the shed' } });
    const reopened = await offline.open(started.value);
    expect((await reopened.messages()).map((m) => ({ body: m.body, authorName: m.authorName, pending: m.pending }))).toEqual([
      { body: 'The ladder is in the shed', authorName: 'You', pending: false },
    ]);
    // Written offline, it waits on the device as Pending.
    const sent = await reopened.send('Written offline');
    expect(sent.ok).toBe(true);
    expect((await reopened.messages()).filter((m) => m.pending).map((m) => m.body)).toEqual(['Written offline']);
    await reopened.close();
    await again.dispose();

    // Reloaded once more, still offline: the decrypted state was saved, the message is still Pending.
    const third = openClient(where, offlineFetch);
    await third.start();
    const opened = await (await engineOf(third)).open(started.value);
    expect((await opened.messages()).map((m) => [m.body, m.pending])).toEqual([
      ['The ladder is in the shed', false],
      ['Written offline', true],
    ]);
    await opened.close();
  });

  it('names the handle that has no account, and refuses to start a conversation with only yourself', async () => {
    const client = openClient(profile());
    const own = await signedUp(client);
    const engine = await engineOf(client);
    const bob = await peer('bob');

    const unknown = await engine.startConversation({ handles: `${bob.account.handle}, nobody_${randomBytes(3).toString('hex')}` });
    expect(unknown).toMatchObject({ ok: false, code: 'account.not_found', handle: expect.stringMatching(/^nobody_/) });
    expect(await engine.startConversation({ handles: `@${own}` })).toEqual({ ok: false, code: 'input.only_own_handle' });
    expect(engine.conversations.list()).toEqual([]);
  });
});
