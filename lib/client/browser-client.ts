// The real adapters of a browser tab: IndexedDB, WebCrypto, fetch, navigator.onLine, timers, the
// page's WebSocket for the engine, and a BroadcastChannel so that signing out in one tab signs out the others.
import { bestEd25519Backend, createVerifier } from '../crypto';
import { createClient, type Client } from './client';
import { createIdbDeviceStorage } from './device-storage';
import { deviceNameFrom } from './device-name';
import { ENGINE_DB } from './engine/engine-store';
import { createEngine } from './engine/engine';
import type { EngineFactory } from './engine-host';
import { createIdbKeyring } from './keyring';

const SESSION_CHANNEL = 'hasneeds-session';

export interface BrowserClientOptions {
  /** `ws(s)://host:port` of the sync server when the screens come from elsewhere (`npm run dev`); else this origin. */
  syncOrigin?: string;
}

export function createBrowserClient(win: Window & typeof globalThis, options: BrowserClientOptions = {}): Client {
  const random = (n: number) => win.crypto.getRandomValues(new Uint8Array(n));
  const channel = typeof win.BroadcastChannel === 'function' ? new win.BroadcastChannel(SESSION_CHANNEL) : null;
  const syncOrigin = options.syncOrigin ?? win.location.origin.replace(/^http/, 'ws');
  const engine: EngineFactory = async ({ identity, account, request, onSignedOut }) => {
    const { backend } = await bestEd25519Backend(win.crypto.subtle);
    return createEngine({
      request,
      identity,
      account,
      verifier: createVerifier(backend),
      random,
      now: () => Date.now(),
      indexedDB: win.indexedDB,
      subtle: win.crypto.subtle,
      socket: { syncUrl: `${syncOrigin}/sync`, WebSocket: win.WebSocket },
      onSignedOut,
    });
  };
  return createClient({
    engine,
    // Never the error's data: a message body could sit in it. The name and message say what broke.
    report: (what, error) => win.console.error(`engine: ${what} failed`, error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error'),
    storage: createIdbDeviceStorage({
      indexedDB: win.indexedDB,
      webStorages: [win.localStorage, win.sessionStorage],
      knownDatabases: [ENGINE_DB],
    }),
    transport: { baseUrl: '', fetch: win.fetch.bind(win) },
    keyring: createIdbKeyring({ indexedDB: win.indexedDB, subtle: win.crypto.subtle, random }),
    clock: { now: () => Date.now() },
    random,
    deviceName: deviceNameFrom(win.navigator.userAgent),
    network: {
      browserOnline: () => win.navigator.onLine,
      events: win,
      schedule: (task, ms) => {
        const id = win.setTimeout(task, ms);
        return () => win.clearTimeout(id);
      },
    },
    sessionChannel: channel === null ? undefined : {
      post: () => channel.postMessage('changed'),
      listen: (onChange) => {
        const handler = () => onChange();
        channel.addEventListener('message', handler);
        return () => {
          channel.removeEventListener('message', handler);
          channel.close();
        };
      },
    },
  });
}
