// A device running the project's own client engine in Node against a real server: fake-indexeddb for IndexedDB,
// the `ws` WebSocket (with an Origin, as a browser sends) and fetch. No test runner in it: the e2e specs use it too.
import 'fake-indexeddb/auto';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import type { z } from 'zod';
import { createVerifier, webCryptoBackend, webRandom, type Identity } from '../../../lib/crypto';
import type { Account } from '../../../lib/protocol/api';
import { fail, ok } from '../../../lib/protocol/errors';
import { errorCodeOf } from '../../../lib/client/api';
import type { ClientResult } from '../../../lib/client/client-errors';
import { createEngine, type Engine } from '../../../lib/client/engine/engine';
import type { TestServer } from './server';

export interface Device {
  name: string;
  identity: Identity;
  account: Account;
  token: string;
  /** The passphrase auth key the account signed up with (base64url), where this helper made the account. */
  authKey?: string;
  engine: Engine;
  /** While false, HTTP calls fail as `network.offline` and the engine's sockets are stopped. */
  online: boolean;
  goOffline(): void;
  goOnline(): void;
  /**
   * Called once the server has answered a request and before the engine sees the answer: a test holds an answer
   * back (returns a promise) to deliver it late, as a slow network would.
   */
  answered?: (method: string, path: string) => Promise<void> | undefined;
  /**
   * While set, what the server sends on this device's sockets waits for this promise and then arrives in order, as
   * over a slow network; the sockets' opening and what the device sends are not held.
   */
  incoming?: Promise<void>;
  /** The document rooms whose sockets opened, in order (the events stream's room included). */
  opened?: string[];
}

/** A `ws` WebSocket that sends the server's own origin, as a page served by it would (and `Device.incoming`). */
function socketClass(origin: string, device: Pick<Device, 'incoming' | 'opened'>): typeof globalThis.WebSocket {
  return class extends WebSocket {
    #queue: Promise<void> = Promise.resolve();
    #queued = 0;
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { origin });
      const room = decodeURIComponent(new URL(String(url)).pathname.split('/').pop() ?? '');
      this.once('open', () => device.opened?.push(room));
    }

    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event !== 'message' || (device.incoming === undefined && this.#queued === 0)) return super.emit(event, ...args);
      const hold = device.incoming;
      this.#queued++;
      this.#queue = this.#queue
        .then(() => hold)
        .then(() => {
          this.#queued--;
          super.emit(event, ...args);
        });
      return true;
    }
  } as unknown as typeof globalThis.WebSocket;
}

// y-websocket reads the WebSocket.OPEN constant from the global scope; Node 20 has no global WebSocket.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

/**
 * Runs an engine for an existing account on this "device": its own IndexedDB databases (or, with `dbName`,
 * the databases of an earlier run — a reload), fetch for HTTP, `ws` for sockets.
 */
export async function startDevice(
  server: Pick<TestServer, 'url' | 'wsUrl' | 'origin'>,
  who: Pick<Device, 'name' | 'identity' | 'account' | 'token'>,
  options: { compactAt?: number; dbName?: string; online?: boolean } = {},
): Promise<Device & { dbName: string }> {
  const dbName = options.dbName ?? `hn-test-${who.name}-${randomBytes(4).toString('hex')}`;
  const device = { ...who, online: options.online ?? true, dbName } as Device & { dbName: string };
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
    await device.answered?.(method, path);
    if (!res.ok) return fail(errorCodeOf(res.status, json));
    const parsed = schema.safeParse(json);
    return parsed.success ? ok(parsed.data) : fail('response.invalid');
  };
  device.engine = await createEngine({
    request,
    identity: who.identity,
    account: who.account,
    verifier: createVerifier(webCryptoBackend()),
    random: webRandom,
    now: () => Date.now(),
    indexedDB: globalThis.indexedDB,
    subtle: globalThis.crypto.subtle,
    socket: { syncUrl: `${server.wsUrl}/sync`, WebSocket: socketClass(server.origin, device) },
    onSignedOut: () => {},
    dbName,
    ...(options.compactAt ? { compactAt: options.compactAt } : {}),
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

/** Polls `check` until it holds or the deadline passes (for states that have no event of their own). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
