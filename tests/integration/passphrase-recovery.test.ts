import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { toBase64url } from '../../lib/protocol/base64url';
import { call, codeOf } from './helpers/api';
import { makeUser, startServer, type TestServer } from './helpers/server';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.dispose();
  server = undefined;
});

const b64 = (n: number) => toBase64url(new Uint8Array(randomBytes(n)));
const change = (proof: Record<string, string>) => ({
  ...proof,
  kdf: { algorithm: 'PBKDF2-SHA256', iterations: 600_000, salt: b64(16) },
  authKey: b64(32),
  passphraseBackup: b64(24 + 16 + 96),
});

describe('changing a forgotten passphrase with the recovery key', () => {
  it('accepts the recovery auth key instead of the current one, and the new passphrase signs in', async () => {
    server = await startServer();
    const user = await makeUser(server);
    const body = change({ recoveryAuthKey: user.recoveryAuthKey });
    const changed = await call(server, 'POST', '/api/account/passphrase', { token: user.token, json: body });
    expect(changed.status).toBe(200);
    const old = await call(server, 'POST', '/api/sessions', { json: { handle: user.handle, authKey: user.authKey, deviceName: 'Old' } });
    expect(codeOf(old)).toBe('auth.invalid_credentials');
    const fresh = await call(server, 'POST', '/api/sessions', { json: { handle: user.handle, authKey: body.authKey, deviceName: 'New' } });
    expect(fresh.status).toBe(201);
  });

  it('refuses a wrong recovery auth key, and a request naming both proofs or neither', async () => {
    server = await startServer();
    const user = await makeUser(server);
    const wrong = await call(server, 'POST', '/api/account/passphrase', { token: user.token, json: change({ recoveryAuthKey: b64(32) }) });
    expect([wrong.status, codeOf(wrong)]).toEqual([401, 'auth.invalid_credentials']);
    const both = await call(server, 'POST', '/api/account/passphrase', {
      token: user.token,
      json: change({ recoveryAuthKey: user.recoveryAuthKey, currentAuthKey: user.authKey }),
    });
    expect([both.status, codeOf(both)]).toEqual([400, 'request.invalid']);
    const neither = await call(server, 'POST', '/api/account/passphrase', { token: user.token, json: change({}) });
    expect([neither.status, codeOf(neither)]).toEqual([400, 'request.invalid']);
    const still = await call(server, 'POST', '/api/sessions', { json: { handle: user.handle, authKey: user.authKey, deviceName: 'Same' } });
    expect(still.status).toBe(201);
  });
});
