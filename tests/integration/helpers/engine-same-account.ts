// More engines for an account that already exists: a second device of the same person (its own local
// databases), or the same device started again on its existing databases (a reload), online or not.
import 'fake-indexeddb/auto';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import type { z } from 'zod';
import { createVerifier, webCryptoBackend, webRandom } from '../../../lib/crypto';
import { errorCodeOf } from '../../../lib/client/api';
import type { ClientResult } from '../../../lib/client/client-errors';
import { createEngine } from '../../../lib/client/engine/engine';
import { fail, ok } from '../../../lib/protocol/errors';
import type { Device } from './engine-device';
import type { TestServer } from './server';

export interface SameAccountDevice extends Device {
  /** The engine's IndexedDB database name: start another engine on it to simulate a reload. */
  dbName: string;
}

export async function deviceOf(
  server: Pick<TestServer, 'url' | 'wsUrl' | 'origin'>,
  name: string,
  who: Pick<Device, 'identity' | 'account' | 'token'>,
  options: { dbName?: string; online?: boolean } = {},
): Promise<SameAccountDevice> {
  const dbName = options.dbName ?? `hn-test-${name}-${randomBytes(4).toString('hex')}`;
  const device = { name, identity: who.identity, account: who.account, token: who.token, online: options.online ?? true, dbName } as SameAccountDevice;
  const request = async <S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown): Promise<ClientResult<z.infer<S>>> => {
    if (!device.online) return fail('network.offline');
    let res: Response;
    try {
      res = await fetch(server.url + path, {
        method,
        headers: { authorization: `Bearer ${device.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      return fail('network.offline');
    }
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok) return fail(errorCodeOf(res.status, json));
    const parsed = schema.safeParse(json);
    return parsed.success ? ok(parsed.data) : fail('response.invalid');
  };
  const origin = server.origin;
  const Socket = class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { origin });
    }
  } as unknown as typeof globalThis.WebSocket;
  device.engine = await createEngine({
    request,
    identity: who.identity,
    account: who.account,
    verifier: createVerifier(webCryptoBackend()),
    random: webRandom,
    now: () => Date.now(),
    indexedDB: globalThis.indexedDB,
    subtle: globalThis.crypto.subtle,
    socket: { syncUrl: `${server.wsUrl}/sync`, WebSocket: Socket },
    onSignedOut: () => {},
    dbName,
  });
  device.goOffline = () => {
    device.online = false;
    device.engine.sync.stop();
  };
  device.goOnline = () => {
    device.online = true;
    device.engine.sync.start();
  };
  return device;
}
