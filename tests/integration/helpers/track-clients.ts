// Sockets a test opens are terminated after each test, whatever it asserted: one registration per file.
import { afterEach } from 'vitest';
import type { SyncClient } from './sync-client';

/** Returns `track`, which hands back the client it is given and terminates it after the current test. */
export function trackClients(): (client: SyncClient) => SyncClient {
  const clients: SyncClient[] = [];
  afterEach(() => {
    for (const c of clients.splice(0)) c.terminate();
  });
  return (client) => {
    clients.push(client);
    return client;
  };
}
