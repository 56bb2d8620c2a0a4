// The real adapters of a browser tab: IndexedDB, WebCrypto, fetch, navigator.onLine, timers and a
// BroadcastChannel so that signing out in one tab signs out the others.
import { createClient, type Client } from './client';
import { createIdbDeviceStorage } from './device-storage';
import { deviceNameFrom } from './device-name';
import { createIdbKeyring } from './keyring';

const SESSION_CHANNEL = 'hasneeds-session';

export function createBrowserClient(win: Window & typeof globalThis): Client {
  const random = (n: number) => win.crypto.getRandomValues(new Uint8Array(n));
  const channel = typeof win.BroadcastChannel === 'function' ? new win.BroadcastChannel(SESSION_CHANNEL) : null;
  return createClient({
    storage: createIdbDeviceStorage({ indexedDB: win.indexedDB, webStorages: [win.localStorage, win.sessionStorage] }),
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
