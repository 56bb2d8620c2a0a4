// A member without a browser: the project's own client engine in the test process (fake-indexeddb for IndexedDB,
// `ws` for sockets) against the same server, to set up in seconds what would take a person hundreds of clicks.
// The screens under test stay in Chromium; this member only writes, through the engine's public API.
import 'fake-indexeddb/auto';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import type { z } from 'zod';
import { createVerifier, generateIdentity, webCryptoBackend, webRandom } from '../../lib/crypto';
import { errorCodeOf } from '../../lib/client/api';
import type { ClientResult } from '../../lib/client/client-errors';
import { createEngine, type Engine } from '../../lib/client/engine/engine';
import { SessionGrant, type SignUpRequest } from '../../lib/protocol/api';
import { toBase64url } from '../../lib/protocol/base64url';
import { fail, ok } from '../../lib/protocol/errors';

// y-websocket reads WebSocket.OPEN from the global scope.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

const b64 = (n: number): string => toBase64url(new Uint8Array(randomBytes(n)));

/** A `ws` WebSocket that sends the server's own origin, as a page served by it would. */
function socketFrom(origin: string): typeof globalThis.WebSocket {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { origin });
    }
  } as unknown as typeof globalThis.WebSocket;
}

/**
 * Signs a new account up through the API and starts its engine. The server never opens backups or checks the KDF
 * output, so random bytes stand in for them; the signing and box keys are real, as the engine signs and seals.
 */
export async function engineMember(baseURL: string, name: string): Promise<{ engine: Engine; stop(): Promise<void> }> {
  const identity = generateIdentity();
  const signUp: SignUpRequest = {
    handle: `engine_${randomBytes(4).toString('hex')}`,
    displayName: name,
    deviceName: 'Test engine',
    signingPublicKey: toBase64url(identity.signing.publicKey),
    boxPublicKey: toBase64url(identity.box.publicKey),
    kdf: { algorithm: 'PBKDF2-SHA256', iterations: 600_000, salt: b64(16) },
    authKey: b64(32),
    recoveryAuthKey: b64(32),
    passphraseBackup: b64(24 + 16 + 96),
    recoveryBackup: b64(24 + 16 + 96),
  };
  const response = await fetch(`${baseURL}/api/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signUp) });
  if (response.status !== 201) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  const grant = SessionGrant.parse(await response.json());

  const request = async <S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown): Promise<ClientResult<z.infer<S>>> => {
    let res: Response;
    try {
      res = await fetch(baseURL + path, {
        method,
        headers: { authorization: `Bearer ${grant.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
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
  const origin = new URL(baseURL).origin;
  const engine = await createEngine({
    request,
    identity,
    account: grant.account,
    verifier: createVerifier(webCryptoBackend()),
    random: webRandom,
    now: () => Date.now(),
    indexedDB: globalThis.indexedDB,
    subtle: globalThis.crypto.subtle,
    socket: { syncUrl: `${origin.replace(/^http/, 'ws')}/sync`, WebSocket: socketFrom(origin) },
    onSignedOut: () => {},
    dbName: `hn-e2e-${grant.account.id}`,
  });
  await engine.start();
  return { engine, stop: () => engine.stop() };
}
