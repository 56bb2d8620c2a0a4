// Builders for accounts: a valid sign-up request with fresh random keys, and a signed-up user.
// The server never opens backups or checks key material, so random bytes stand in for real keys.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { SessionGrant, type SignUpRequest } from '../../../lib/protocol/api';
import { toBase64url } from '../../../lib/protocol/base64url';
import { call } from './api';
import type { TestServer } from './server';

const b64 = (n: number): string => toBase64url(new Uint8Array(randomBytes(n)));

export function newHandle(prefix = 'user'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

export interface SignUpMaterial {
  request: SignUpRequest;
  /** base64url, as the client would send it. */
  authKey: string;
  recoveryAuthKey: string;
}

export function signUpRequest(overrides: Partial<SignUpRequest> = {}): SignUpMaterial {
  const request: SignUpRequest = {
    handle: newHandle(),
    displayName: 'Test User',
    deviceName: 'Test device',
    signingPublicKey: b64(32),
    boxPublicKey: b64(32),
    kdf: { algorithm: 'PBKDF2-SHA256', iterations: 600_000, salt: b64(16) },
    authKey: b64(32),
    recoveryAuthKey: b64(32),
    passphraseBackup: b64(24 + 16 + 96),
    recoveryBackup: b64(24 + 16 + 96),
    ...overrides,
  };
  return { request, authKey: request.authKey, recoveryAuthKey: request.recoveryAuthKey };
}

export interface TestUser extends SignUpMaterial {
  handle: string;
  grant: SessionGrant;
  token: string;
}

/** Signs a new user up through the real API and returns their first session. */
export async function makeUser(server: Pick<TestServer, 'url'>, overrides: Partial<SignUpRequest> = {}): Promise<TestUser> {
  const material = signUpRequest(overrides);
  const response = await call(server, 'POST', '/api/accounts', { json: material.request });
  expect(response.status, response.text).toBe(201);
  const grant = SessionGrant.parse(response.body);
  return { ...material, handle: material.request.handle, grant, token: grant.token };
}

/** Signs an existing user in again (a second device); returns the new grant. */
export async function signIn(server: Pick<TestServer, 'url'>, user: SignUpMaterial, deviceName = 'Second device'): Promise<SessionGrant> {
  const response = await call(server, 'POST', '/api/sessions', {
    json: { handle: user.request.handle, authKey: user.authKey, deviceName },
  });
  expect(response.status, response.text).toBe(201);
  return SessionGrant.parse(response.body);
}
