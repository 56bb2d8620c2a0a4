// What the Chromium benchmark pages share: the project's client engine signed in from the driver's parameters, its
// request function against the serving sync server (optionally offline, optionally timing each POST), and the two
// waits every page uses.
import type { z } from 'zod';
import { createVerifier, webCryptoBackend, webRandom, type Identity } from '../../lib/crypto';
import type { Account } from '../../lib/protocol/api';
import { fromBase64url } from '../../lib/protocol/base64url';
import { fail, ok } from '../../lib/protocol/errors';
import { errorCodeOf } from '../../lib/client/api';
import type { ClientResult } from '../../lib/client/client-errors';
import { createEngine } from '../../lib/client/engine/engine';

/** The signed-in state the driver passes in the URL hash (keys as base64url). */
export interface PageSession {
  token: string;
  account: Account;
  signing: { publicKey: string; secretKey: string };
  box: { publicKey: string; secretKey: string };
  dbName: string;
}

export interface PostTiming {
  path: string;
  startMs: number;
  endMs: number;
  requestBytes: number;
  status: number;
}

const bytes = (text: string) => fromBase64url(text)!;

export function identityOf(p: PageSession): Identity {
  return {
    signing: { publicKey: bytes(p.signing.publicKey), secretKey: bytes(p.signing.secretKey) },
    box: { publicKey: bytes(p.box.publicKey), secretKey: bytes(p.box.secretKey) },
  };
}

/** The engine as the app builds it, with real IndexedDB and WebCrypto verification; offline answers network.offline. */
export async function pageEngine(p: PageSession, o: { online: boolean; posts?: PostTiming[]; compactAt?: number }) {
  const identity = identityOf(p);
  const request = async <S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown): Promise<ClientResult<z.infer<S>>> => {
    if (!o.online) return fail('network.offline');
    const text = body === undefined ? undefined : JSON.stringify(body);
    const startMs = performance.now();
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers: { authorization: `Bearer ${p.token}`, ...(text === undefined ? {} : { 'content-type': 'application/json' }) },
        body: text,
      });
    } catch {
      return fail('network.offline');
    }
    const json: unknown = await res.json().catch(() => undefined);
    if (method === 'POST') o.posts?.push({ path, startMs, endMs: performance.now(), requestBytes: text?.length ?? 0, status: res.status });
    if (!res.ok) return fail(errorCodeOf(res.status, json));
    const parsed = schema.safeParse(json);
    return parsed.success ? ok(parsed.data) : fail('response.invalid');
  };
  const verifier = createVerifier(webCryptoBackend());
  const engine = await createEngine({
    request,
    identity,
    account: p.account,
    verifier,
    random: webRandom,
    now: () => Date.now(),
    indexedDB,
    subtle: crypto.subtle,
    socket: { syncUrl: `ws://${location.host}/sync`, WebSocket },
    onSignedOut: () => {},
    dbName: p.dbName,
    ...(o.compactAt ? { compactAt: o.compactAt } : {}),
  });
  return { engine, identity, verifier };
}

export async function until(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves after the frame that contains the DOM change has been produced. */
export const painted = () => new Promise<number>((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0)));
