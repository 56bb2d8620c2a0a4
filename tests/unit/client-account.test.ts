// lib/client's account flows against the REAL sync server (in process, port 0, temp DATA_DIR). Each
// "device" is a client with its own IndexedDB (fake-indexeddb, the one part that cannot run in Node).
import { randomBytes } from 'node:crypto';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../lib/client/client';
import { createIdbDeviceStorage } from '../../lib/client/device-storage';
import { createIdbKeyring } from '../../lib/client/keyring';
import { SESSION_TTL_MS } from '../../lib/protocol/api';
import { startServer, type TestServer } from '../integration/helpers/server';

let server: TestServer;
const clients: Client[] = [];

beforeAll(async () => {
  server = await startServer();
});

afterEach(() => {
  for (const client of clients.splice(0)) client.dispose();
});

afterAll(async () => {
  await server.dispose();
});

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

interface Device {
  client: Client;
  indexedDB: IDBFactory;
}

/** A device: its own IndexedDB; pass one in to reopen the same device. */
async function openDevice(indexedDB = new IDBFactory(), deviceName = 'Test device', transportFetch: typeof fetch = fetch): Promise<Device> {
  const client = createClient({
    storage: createIdbDeviceStorage({ indexedDB }),
    transport: { baseUrl: server.url, fetch: transportFetch },
    keyring: createIdbKeyring({ indexedDB, subtle: crypto.subtle, random }),
    clock: server.clock,
    random,
    deviceName,
    network: {
      browserOnline: () => true,
      events: new EventTarget(),
      schedule: (task, ms) => {
        const timer = setTimeout(task, ms);
        return () => clearTimeout(timer);
      },
    },
  });
  clients.push(client);
  await client.start();
  return { client, indexedDB };
}

function makePerson() {
  return {
    handle: `person_${randomBytes(5).toString('hex')}`,
    displayName: 'Ada Lovelace',
    passphrase: 'lantern gravel oyster pilgrim',
  };
}

async function signedUp(): Promise<{ device: Device; person: ReturnType<typeof makePerson>; recoveryKey: string }> {
  const device = await openDevice();
  const person = makePerson();
  const result = await device.client.account.signUp(person);
  if (!result.ok) throw new Error(`sign-up failed: ${result.code}`);
  return { device, person, recoveryKey: result.value.recoveryKey };
}

async function databases(indexedDB: IDBFactory): Promise<string[]> {
  return (await indexedDB.databases()).map((db) => db.name ?? '');
}

describe('client accounts against the real server', () => {
  it('starts signed out on a new device', async () => {
    const { client } = await openDevice();
    expect(client.getState()).toEqual({ status: 'signed-out', reason: 'none' });
  });

  it('signs up, shows a well-formed recovery key, and is still signed in when the device reopens', async () => {
    const { device, person, recoveryKey } = await signedUp();
    expect(recoveryKey).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){13}$/);
    const state = device.client.getState();
    expect(state.status).toBe('signed-in');

    device.client.dispose();
    const reopened = await openDevice(device.indexedDB);
    const again = reopened.client.getState();
    expect(again.status === 'signed-in' && again.account.handle).toBe(person.handle);
  });

  it('signs in on a second device with the passphrase and gets the same identity', async () => {
    const { device, person } = await signedUp();
    const second = await openDevice(undefined, 'Second device');
    expect(await second.client.account.signIn(`  ${person.handle.toUpperCase()} `, person.passphrase)).toEqual({ ok: true, value: undefined });
    expect(await second.client.account.ownFingerprint()).toEqual(await device.client.account.ownFingerprint());
    const sessions = await second.client.account.listSessions();
    expect(sessions.ok && sessions.value.map((s) => [s.deviceName, s.current]).sort()).toEqual([
      ['Second device', true],
      ['Test device', false],
    ]);
  });

  it('refuses a wrong passphrase with auth.invalid_credentials and keeps nothing', async () => {
    const { person } = await signedUp();
    const second = await openDevice();
    expect(await second.client.account.signIn(person.handle, 'a wrong but long passphrase')).toEqual({
      ok: false,
      code: 'auth.invalid_credentials',
    });
    expect(second.client.getState()).toEqual({ status: 'signed-out', reason: 'none' });
    const keyring = createIdbKeyring({ indexedDB: second.indexedDB, subtle: crypto.subtle, random });
    expect(await keyring.load()).toEqual({ kind: 'empty' });
    keyring.close();
  });

  it('refuses an unknown handle with the same code as a wrong passphrase', async () => {
    const device = await openDevice();
    expect(await device.client.account.signIn('nobody_here_at_all', 'lantern gravel oyster pilgrim')).toEqual({
      ok: false,
      code: 'auth.invalid_credentials',
    });
  });

  it('signs in with the recovery key typed in lowercase with spaces', async () => {
    const { device, person, recoveryKey } = await signedUp();
    const third = await openDevice();
    const typed = recoveryKey.toLowerCase().replaceAll('-', ' ');
    expect(await third.client.account.signInWithRecoveryKey(person.handle, typed)).toEqual({ ok: true, value: undefined });
    expect(await third.client.account.ownFingerprint()).toEqual(await device.client.account.ownFingerprint());
  });

  it('refuses a mistyped recovery key before sending anything', async () => {
    const { person, recoveryKey } = await signedUp();
    const other = await openDevice();
    const typo = (recoveryKey[0] === 'A' ? 'B' : 'A') + recoveryKey.slice(1);
    expect(await other.client.account.signInWithRecoveryKey(person.handle, typo)).toEqual({
      ok: false,
      code: 'recovery_key.malformed',
    });
  });

  it('refuses a weak passphrase, a bad handle and a taken handle at sign-up', async () => {
    const { person } = await signedUp();
    const other = await openDevice();
    const account = other.client.account;
    expect(await account.signUp({ ...makePerson(), passphrase: 'Password1234!' })).toEqual({ ok: false, code: 'passphrase.too_weak' });
    expect(await account.signUp({ ...makePerson(), handle: 'no spaces allowed' })).toEqual({ ok: false, code: 'input.handle_invalid' });
    expect(await account.signUp({ ...makePerson(), handle: person.handle })).toEqual({ ok: false, code: 'account.handle_taken' });
    expect(other.client.getState().status).toBe('signed-out');
  });

  it('signing out everywhere ends the other device at its next request and wipes it', async () => {
    const { device, person } = await signedUp();
    const second = await openDevice();
    expect((await second.client.account.signIn(person.handle, person.passphrase)).ok).toBe(true);

    expect(await device.client.account.signOutEverywhere()).toEqual({ ok: true, value: undefined });
    expect(device.client.getState()).toEqual({ status: 'signed-out', reason: 'signed-out' });
    expect(await databases(device.indexedDB)).toEqual([]);

    expect(await second.client.account.listSessions()).toEqual({ ok: false, code: 'auth.session_revoked' });
    expect(second.client.getState()).toEqual({ status: 'signed-out', reason: 'session-ended' });
    expect(await databases(second.indexedDB)).toEqual([]);
  });

  it('a request that fails with 401 after I signed out leaves "you signed out", and wipes nothing twice', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding = false;
    // Holds the sending of GET /api/sessions: the request carries the token of the session it was made in.
    const heldFetch: typeof fetch = async (input, init) => {
      if (holding && String(input).endsWith('/api/sessions')) await released;
      return fetch(input, init);
    };
    const device = await openDevice(new IDBFactory(), 'Test device', heldFetch);
    expect((await device.client.account.signUp(makePerson())).ok).toBe(true);
    holding = true;
    const late = device.client.account.listSessions();
    expect((await device.client.account.signOut()).ok).toBe(true);
    expect(device.client.getState()).toEqual({ status: 'signed-out', reason: 'signed-out' });
    release();
    expect(await late).toEqual({ ok: false, code: 'auth.session_revoked' });
    expect(device.client.getState()).toEqual({ status: 'signed-out', reason: 'signed-out' });
  });

  it('a reopened device whose session was revoked finds out at start and wipes itself', async () => {
    const { device, person } = await signedUp();
    const second = await openDevice();
    expect((await second.client.account.signIn(person.handle, person.passphrase)).ok).toBe(true);
    second.client.dispose();

    const sessions = await device.client.account.listSessions();
    const other = sessions.ok ? sessions.value.find((s) => !s.current) : undefined;
    expect(other).toBeDefined();
    expect(await device.client.account.revokeSession(other!.id)).toEqual({ ok: true, value: undefined });

    const reopened = await openDevice(second.indexedDB);
    // start() refreshes the account in the background; its 401 ends the session.
    await new Promise<void>((resolve) => {
      const stop = reopened.client.subscribe(() => {
        if (reopened.client.getState().status === 'signed-out') {
          stop();
          resolve();
        }
      });
      if (reopened.client.getState().status === 'signed-out') resolve();
    });
    expect(reopened.client.getState()).toEqual({ status: 'signed-out', reason: 'session-ended' });
    expect(await databases(second.indexedDB)).toEqual([]);
  });

  it('revoking its own session signs the device out', async () => {
    const { device } = await signedUp();
    const state = device.client.getState();
    const sessionId = state.status === 'signed-in' ? state.sessionId : '';
    expect(await device.client.account.revokeSession(sessionId)).toEqual({ ok: true, value: undefined });
    expect(device.client.getState().status).toBe('signed-out');
  });

  it('changes the passphrase: the old one stops working, the new one and the recovery key work', async () => {
    const { device, person, recoveryKey } = await signedUp();
    const next = 'saffron kettle meadow violin';
    expect(await device.client.account.changePassphrase('not the current one', next)).toEqual({
      ok: false,
      code: 'auth.invalid_credentials',
    });
    expect(device.client.getState().status).toBe('signed-in');
    expect(await device.client.account.changePassphrase(person.passphrase, 'password12345')).toEqual({
      ok: false,
      code: 'passphrase.too_weak',
    });
    expect(await device.client.account.changePassphrase(person.passphrase, next)).toEqual({ ok: true, value: undefined });

    const old = await openDevice();
    expect(await old.client.account.signIn(person.handle, person.passphrase)).toEqual({ ok: false, code: 'auth.invalid_credentials' });
    expect(await old.client.account.signIn(person.handle, next)).toEqual({ ok: true, value: undefined });
    const recovered = await openDevice();
    expect(await recovered.client.account.signInWithRecoveryKey(person.handle, recoveryKey)).toEqual({ ok: true, value: undefined });
  });

  it('sets a new passphrase with the recovery key when the old one is forgotten', async () => {
    const { device, person, recoveryKey } = await signedUp();
    const next = 'lantern orchard pebble harbour';
    expect(await device.client.account.changePassphrase({ recoveryKey: 'AAAA-BBBB' }, next)).toEqual({ ok: false, code: 'recovery_key.malformed' });
    expect(await device.client.account.changePassphrase({ recoveryKey }, next)).toEqual({ ok: true, value: undefined });

    const other = await openDevice();
    expect(await other.client.account.signIn(person.handle, person.passphrase)).toEqual({ ok: false, code: 'auth.invalid_credentials' });
    expect(await other.client.account.signIn(person.handle, next)).toEqual({ ok: true, value: undefined });
  });

  it('refuses to delete the account with a wrong passphrase (auth.invalid_credentials) and changes nothing', async () => {
    const { device, person } = await signedUp();
    expect(await device.client.account.deleteAccount('not the passphrase at all')).toEqual({ ok: false, code: 'auth.invalid_credentials' });
    expect(device.client.getState().status).toBe('signed-in');
    expect(await databases(device.indexedDB)).toContain('hasneeds-keyring');
    expect((await device.client.account.listSessions()).ok).toBe(true);
    const other = await openDevice();
    expect(await other.client.account.signIn(person.handle, person.passphrase)).toEqual({ ok: true, value: undefined });
  });

  it('deletes the account with the passphrase: this device is wiped, other devices end, and it cannot sign in again', async () => {
    const { device, person, recoveryKey } = await signedUp();
    const second = await openDevice();
    expect((await second.client.account.signIn(person.handle, person.passphrase)).ok).toBe(true);

    expect(await device.client.account.deleteAccount(person.passphrase)).toEqual({ ok: true, value: undefined });
    expect(device.client.getState()).toEqual({ status: 'signed-out', reason: 'account-deleted' });
    expect(await databases(device.indexedDB)).toEqual([]);

    expect((await second.client.account.listSessions()).ok).toBe(false);
    expect(second.client.getState().status).toBe('signed-out');
    expect(await databases(second.indexedDB)).toEqual([]);

    const again = await openDevice();
    expect((await again.client.account.signIn(person.handle, person.passphrase)).ok).toBe(false);
    expect((await again.client.account.signInWithRecoveryKey(person.handle, recoveryKey)).ok).toBe(false);
    // The handle is held: nobody can sign up as the person right after.
    expect(await again.client.account.signUp({ ...makePerson(), handle: person.handle })).toEqual({ ok: false, code: 'account.handle_taken' });
  });

  it('renames the account on the server and in the keyring', async () => {
    const { device } = await signedUp();
    expect(await device.client.account.updateDisplayName('  ')).toEqual({ ok: false, code: 'input.display_name_invalid' });
    expect(await device.client.account.updateDisplayName('Countess Ada')).toEqual({ ok: true, value: undefined });
    device.client.dispose();
    const reopened = await openDevice(device.indexedDB);
    const state = reopened.client.getState();
    expect(state.status === 'signed-in' && state.account.displayName).toBe('Countess Ada');
  });

  it('wipes a device whose stored session has expired when it reopens', async () => {
    const { device } = await signedUp();
    device.client.dispose();
    server.clock.advance(SESSION_TTL_MS + 1);
    const reopened = await openDevice(device.indexedDB);
    expect(reopened.client.getState()).toEqual({ status: 'signed-out', reason: 'session-ended' });
    expect(await databases(device.indexedDB)).toEqual([]);
  });

  it('reports network.offline and goes offline when the server cannot be reached, without signing out', async () => {
    const { device } = await signedUp();
    const dead = await startServer();
    const deadUrl = dead.url;
    await dead.dispose();
    const offline = createClient({
      storage: createIdbDeviceStorage({ indexedDB: device.indexedDB }),
      transport: { baseUrl: deadUrl, fetch },
      keyring: createIdbKeyring({ indexedDB: device.indexedDB, subtle: crypto.subtle, random }),
      clock: server.clock,
      random,
      deviceName: 'Test device',
      network: { browserOnline: () => true, events: new EventTarget(), schedule: () => () => undefined },
    });
    device.client.dispose();
    clients.push(offline);
    await offline.start();
    expect(await offline.account.listSessions()).toEqual({ ok: false, code: 'network.offline' });
    expect(offline.online.isOnline()).toBe(false);
    expect(offline.getState().status).toBe('signed-in');
  });
});
