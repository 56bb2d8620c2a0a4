// Sign up, sign in with the passphrase or the recovery key, KDF parameters, profile and passphrase change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Account, KdfResponse, PublicProfile, SessionGrant } from '../../lib/protocol/api';
import { toBase64url } from '../../lib/protocol/base64url';
import { call, codeOf } from './helpers/api';
import { countAccounts, dbFingerprint } from './helpers/db';
import { makeUser, newHandle, signIn, signUpRequest, startServer, type TestServer } from './helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.dispose();
});

const randomKey = (): string => toBase64url(crypto.getRandomValues(new Uint8Array(32)));

describe('sign up', () => {
  it('creates an account and returns a session grant holding the passphrase backup', async () => {
    const material = signUpRequest();
    const response = await call(server, 'POST', '/api/accounts', { json: material.request });
    expect(response.status).toBe(201);
    const grant = SessionGrant.parse(response.body);
    expect(grant.account.handle).toBe(material.request.handle);
    expect(grant.account.signingPublicKey).toBe(material.request.signingPublicKey);
    expect(grant.backup).toBe(material.request.passphraseBackup);
    expect(grant.expiresAt).toBeGreaterThan(server.clock.now());

    const me = await call(server, 'GET', '/api/account', { token: grant.token });
    expect(me.status).toBe(200);
    expect(Account.parse(me.body)).toEqual(grant.account);
  });

  it('refuses a taken handle with 409 account.handle_taken and changes nothing', async () => {
    const user = await makeUser(server);
    const before = dbFingerprint(server);
    const again = signUpRequest({ handle: user.handle });
    const response = await call(server, 'POST', '/api/accounts', { json: again.request });
    expect(response.status).toBe(409);
    expect(codeOf(response)).toBe('account.handle_taken');
    expect(dbFingerprint(server)).toBe(before);
  });

  it('never stores the auth keys, only salted hashes of them', async () => {
    const user = await makeUser(server);
    const everything = dbFingerprint(server);
    const asStandardBase64 = (b64url: string): string => Buffer.from(b64url, 'base64url').toString('base64');
    expect(everything).not.toContain(asStandardBase64(user.authKey));
    expect(everything).not.toContain(asStandardBase64(user.recoveryAuthKey));
    expect(everything).not.toContain(asStandardBase64(user.token));
  });
});

describe('sign in', () => {
  it('signs in with the passphrase auth key and returns the passphrase backup', async () => {
    const user = await makeUser(server);
    const grant = await signIn(server, user, 'Laptop');
    expect(grant.account.id).toBe(user.grant.account.id);
    expect(grant.backup).toBe(user.request.passphraseBackup);
    expect(grant.token).not.toBe(user.token);
    expect(grant.sessionId).not.toBe(user.grant.sessionId);
  });

  it('signs in with the recovery auth key and returns the recovery backup', async () => {
    const user = await makeUser(server);
    const response = await call(server, 'POST', '/api/sessions/recovery', {
      json: { handle: user.handle, recoveryAuthKey: user.recoveryAuthKey, deviceName: 'Recovered phone' },
    });
    expect(response.status).toBe(201);
    const grant = SessionGrant.parse(response.body);
    expect(grant.backup).toBe(user.request.recoveryBackup);
  });

  it('does not accept the recovery key as the passphrase key or the other way round', async () => {
    const user = await makeUser(server);
    const swapped = await call(server, 'POST', '/api/sessions', {
      json: { handle: user.handle, authKey: user.recoveryAuthKey, deviceName: 'x' },
    });
    expect(codeOf(swapped)).toBe('auth.invalid_credentials');
    const swappedBack = await call(server, 'POST', '/api/sessions/recovery', {
      json: { handle: user.handle, recoveryAuthKey: user.authKey, deviceName: 'x' },
    });
    expect(codeOf(swappedBack)).toBe('auth.invalid_credentials');
  });

  it('answers a wrong key and an unknown handle with the same status and body, and opens no session', async () => {
    const user = await makeUser(server);
    const before = dbFingerprint(server);
    const wrongKey = await call(server, 'POST', '/api/sessions', {
      json: { handle: user.handle, authKey: randomKey(), deviceName: 'x' },
    });
    const unknown = await call(server, 'POST', '/api/sessions', {
      json: { handle: newHandle('nobody'), authKey: randomKey(), deviceName: 'x' },
    });
    expect(wrongKey.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrongKey.text).toBe(unknown.text);
    expect(codeOf(wrongKey)).toBe('auth.invalid_credentials');
    for (const name of ['content-type', 'content-length', 'cache-control', 'content-security-policy']) {
      expect(wrongKey.headers.get(name)).toBe(unknown.headers.get(name));
    }
    expect(dbFingerprint(server)).toBe(before);

    const wrongRecovery = await call(server, 'POST', '/api/sessions/recovery', {
      json: { handle: user.handle, recoveryAuthKey: randomKey(), deviceName: 'x' },
    });
    const unknownRecovery = await call(server, 'POST', '/api/sessions/recovery', {
      json: { handle: newHandle('nobody'), recoveryAuthKey: randomKey(), deviceName: 'x' },
    });
    expect(wrongRecovery.status).toBe(401);
    expect(wrongRecovery.text).toBe(unknownRecovery.text);
  });
});

describe('KDF parameters', () => {
  it('returns the account’s own salt and iterations for a known handle', async () => {
    const user = await makeUser(server);
    const response = await call(server, 'POST', '/api/auth/kdf', { json: { handle: user.handle } });
    expect(response.status).toBe(200);
    expect(KdfResponse.parse(response.body).kdf).toEqual(user.request.kdf);
  });

  it('returns a stable fake salt of the same shape for an unknown handle', async () => {
    const handle = newHandle('ghost');
    const first = await call(server, 'POST', '/api/auth/kdf', { json: { handle } });
    const second = await call(server, 'POST', '/api/auth/kdf', { json: { handle } });
    const other = await call(server, 'POST', '/api/auth/kdf', { json: { handle: newHandle('ghost') } });
    expect(first.status).toBe(200);
    const kdf = KdfResponse.parse(first.body).kdf;
    expect(second.body).toEqual(first.body);
    expect(KdfResponse.parse(other.body).kdf.salt).not.toBe(kdf.salt);
    expect(kdf.iterations).toBe(600_000);

    const real = KdfResponse.parse((await call(server, 'POST', '/api/auth/kdf', { json: { handle: (await makeUser(server)).handle } })).body);
    expect(Object.keys(kdf).sort()).toEqual(Object.keys(real.kdf).sort());
    expect(kdf.salt.length).toBe(real.kdf.salt.length);
  });
});

describe('profile and keys', () => {
  it('renames the account with PATCH /api/account', async () => {
    const user = await makeUser(server);
    const response = await call(server, 'PATCH', '/api/account', { token: user.token, json: { displayName: 'New Name' } });
    expect(response.status).toBe(200);
    expect(Account.parse(response.body).displayName).toBe('New Name');
    const me = await call(server, 'GET', '/api/account', { token: user.token });
    expect(me.body.displayName).toBe('New Name');
  });

  it('shows another user’s public profile and keys to a signed-in user', async () => {
    const alice = await makeUser(server);
    const bob = await makeUser(server);
    const response = await call(server, 'GET', `/api/users/${bob.handle}`, { token: alice.token });
    expect(response.status).toBe(200);
    const profile = PublicProfile.parse(response.body);
    expect(profile.boxPublicKey).toBe(bob.request.boxPublicKey);
    expect(profile.signingPublicKey).toBe(bob.request.signingPublicKey);
  });

  it('answers 404 account.not_found for an unknown handle and 401 auth.required without a session', async () => {
    const alice = await makeUser(server);
    const missing = await call(server, 'GET', `/api/users/${newHandle('nobody')}`, { token: alice.token });
    expect(missing.status).toBe(404);
    expect(codeOf(missing)).toBe('account.not_found');
    const anonymous = await call(server, 'GET', `/api/users/${alice.handle}`);
    expect(anonymous.status).toBe(401);
    expect(codeOf(anonymous)).toBe('auth.required');
  });
});

describe('change passphrase', () => {
  it('replaces the verifier, KDF salt and backup; the old key stops working', async () => {
    const user = await makeUser(server);
    const newKdf = { algorithm: 'PBKDF2-SHA256', iterations: 700_000, salt: toBase64url(crypto.getRandomValues(new Uint8Array(16))) };
    const newKey = randomKey();
    const newBackup = toBase64url(crypto.getRandomValues(new Uint8Array(100)));
    const response = await call(server, 'POST', '/api/account/passphrase', {
      token: user.token,
      json: { currentAuthKey: user.authKey, kdf: newKdf, authKey: newKey, passphraseBackup: newBackup },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true });

    const kdf = await call(server, 'POST', '/api/auth/kdf', { json: { handle: user.handle } });
    expect(kdf.body.kdf).toEqual(newKdf);
    const old = await call(server, 'POST', '/api/sessions', { json: { handle: user.handle, authKey: user.authKey, deviceName: 'x' } });
    expect(codeOf(old)).toBe('auth.invalid_credentials');
    const fresh = await call(server, 'POST', '/api/sessions', { json: { handle: user.handle, authKey: newKey, deviceName: 'x' } });
    expect(fresh.status).toBe(201);
    expect(fresh.body.backup).toBe(newBackup);
  });

  it('refuses a wrong current key with 401 auth.invalid_credentials and changes nothing', async () => {
    const user = await makeUser(server);
    const before = dbFingerprint(server);
    const response = await call(server, 'POST', '/api/account/passphrase', {
      token: user.token,
      json: {
        currentAuthKey: randomKey(),
        kdf: user.request.kdf,
        authKey: randomKey(),
        passphraseBackup: user.request.passphraseBackup,
      },
    });
    expect(response.status).toBe(401);
    expect(codeOf(response)).toBe('auth.invalid_credentials');
    expect(dbFingerprint(server)).toBe(before);
    expect(countAccounts(server)).toBeGreaterThan(0);
  });
});
