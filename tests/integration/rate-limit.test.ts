// Sign-in attempts are rate limited per handle and per address, on the injected clock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toBase64url } from '../../lib/protocol/base64url';
import { DEFAULT_LIMITS } from '../../sync-server/limits/limits';
import { call, codeOf } from './helpers/api';
import { dbFingerprint } from './helpers/db';
import { makeUser, newHandle, startServer, type TestServer } from './helpers/server';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await server.dispose();
});

const randomKey = (): string => toBase64url(crypto.getRandomValues(new Uint8Array(32)));
const attempt = (handle: string, authKey = randomKey()) =>
  call(server, 'POST', '/api/sessions', { json: { handle, authKey, deviceName: 'x' } });

const perHandle = DEFAULT_LIMITS.signInPerHandle;
const perAddress = DEFAULT_LIMITS.signInPerAddress;

describe('sign-in rate limits', () => {
  it(`answers 429 auth.rate_limited after ${perHandle.capacity} attempts on one handle, even with the right key`, async () => {
    const user = await makeUser(server);
    for (let i = 0; i < perHandle.capacity; i++) expect((await attempt(user.handle)).status).toBe(401);
    const before = dbFingerprint(server);
    const limited = await attempt(user.handle, user.authKey);
    expect(limited.status).toBe(429);
    expect(codeOf(limited)).toBe('auth.rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(dbFingerprint(server)).toBe(before);
  });

  it('limits an unknown handle exactly like a real one', async () => {
    const user = await makeUser(server);
    const ghost = newHandle('ghost');
    const real: number[] = [];
    const fake: number[] = [];
    for (let i = 0; i <= perHandle.capacity; i++) {
      real.push((await attempt(user.handle)).status);
      fake.push((await attempt(ghost)).status);
    }
    expect(fake).toEqual(real);
    expect(real.at(-1)).toBe(429);
  });

  it('counts recovery-key attempts against the same handle', async () => {
    const user = await makeUser(server);
    for (let i = 0; i < perHandle.capacity; i++) {
      await call(server, 'POST', '/api/sessions/recovery', { json: { handle: user.handle, recoveryAuthKey: randomKey(), deviceName: 'x' } });
    }
    expect(codeOf(await attempt(user.handle, user.authKey))).toBe('auth.rate_limited');
  });

  it('refills the handle’s bucket as time passes', async () => {
    const user = await makeUser(server);
    for (let i = 0; i < perHandle.capacity; i++) await attempt(user.handle);
    expect((await attempt(user.handle, user.authKey)).status).toBe(429);
    server.clock.advance(perHandle.windowMs / perHandle.capacity);
    expect((await attempt(user.handle, user.authKey)).status).toBe(201);
  });

  it(`answers 429 after ${perAddress.capacity} attempts from one address across many handles`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= perAddress.capacity; i++) statuses.push((await attempt(newHandle('spray'))).status);
    expect(statuses.slice(0, perAddress.capacity).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // The address is throttled for every handle, including a real account with the right key.
    const user = await makeUser(server);
    expect((await attempt(user.handle, user.authKey)).status).toBe(429);
  });

  it('keeps the limits of two servers in one process apart', async () => {
    const other = await startServer();
    try {
      const user = await makeUser(server);
      for (let i = 0; i < perHandle.capacity; i++) await attempt(user.handle);
      expect((await attempt(user.handle)).status).toBe(429);
      const response = await call(other, 'POST', '/api/sessions', { json: { handle: user.handle, authKey: randomKey(), deviceName: 'x' } });
      expect(response.status).toBe(401);
    } finally {
      await other.dispose();
    }
  });
});
