// Every kind of bad input gets its documented JSON error and changes nothing in the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_TTL_MS } from '../../lib/protocol/api';
import { ERRORS } from '../../lib/protocol/errors';
import { call, codeOf, type CallOptions } from './helpers/api';
import { countAccounts, dbFingerprint } from './helpers/db';
import { rawRequest } from './helpers/raw-http';
import { makeUser, signIn, signUpRequest, startServer, type TestServer, type TestUser } from './helpers/server';

let server: TestServer;
let user: TestUser;
beforeAll(async () => {
  server = await startServer();
  user = await makeUser(server);
});
afterAll(async () => {
  await server.dispose();
});

interface Case {
  name: string;
  method: string;
  path: string;
  options?: (user: TestUser) => CallOptions;
  code: keyof typeof ERRORS;
}

const valid = () => signUpRequest().request;
const json = { 'content-type': 'application/json' };

const cases: Case[] = [
  { name: 'malformed JSON', method: 'POST', path: '/api/accounts', options: () => ({ raw: '{"handle": "abc",', headers: json }), code: 'request.malformed_json' },
  { name: 'JSON with a trailing comma', method: 'POST', path: '/api/sessions', options: () => ({ raw: '{"handle":"abc",}', headers: json }), code: 'request.malformed_json' },
  { name: 'invalid UTF-8', method: 'POST', path: '/api/auth/kdf', options: () => ({ raw: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), headers: json }), code: 'request.malformed_json' },
  { name: 'an empty body where one is required', method: 'POST', path: '/api/accounts', options: () => ({ headers: json }), code: 'request.malformed_json' },
  { name: 'a non-JSON content type', method: 'POST', path: '/api/accounts', options: () => ({ raw: JSON.stringify(valid()), headers: { 'content-type': 'text/plain' } }), code: 'request.unsupported_media_type' },
  { name: 'a form body', method: 'POST', path: '/api/sessions', options: () => ({ raw: 'handle=abc&authKey=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), code: 'request.unsupported_media_type' },
  { name: 'an unknown field', method: 'POST', path: '/api/accounts', options: () => ({ json: { ...valid(), isAdmin: true } }), code: 'request.invalid' },
  { name: 'an unknown nested field', method: 'POST', path: '/api/accounts', options: () => ({ json: { ...valid(), kdf: { ...valid().kdf, pepper: 'x' } } }), code: 'request.invalid' },
  { name: 'a __proto__ field', method: 'POST', path: '/api/auth/kdf', options: () => ({ raw: '{"handle":"abcd","__proto__":{"x":1}}', headers: json }), code: 'request.invalid' },
  { name: 'a wrong type', method: 'POST', path: '/api/accounts', options: () => ({ json: { ...valid(), displayName: 42 } }), code: 'request.invalid' },
  { name: 'a missing field', method: 'POST', path: '/api/accounts', options: () => { const { authKey: _, ...rest } = valid(); return { json: rest }; }, code: 'request.invalid' },
  { name: 'a JSON array', method: 'POST', path: '/api/sessions', options: () => ({ json: [1, 2, 3] }), code: 'request.invalid' },
  { name: 'JSON null', method: 'POST', path: '/api/sessions', options: () => ({ raw: 'null', headers: json }), code: 'request.invalid' },
  { name: 'a key of the wrong length', method: 'POST', path: '/api/accounts', options: () => ({ json: { ...valid(), signingPublicKey: Buffer.alloc(31).toString('base64url') } }), code: 'request.invalid' },
  { name: 'padded base64', method: 'POST', path: '/api/sessions', options: (u) => ({ json: { handle: u.handle, authKey: Buffer.alloc(32).toString('base64'), deviceName: 'x' } }), code: 'request.invalid' },
  { name: 'an uppercase handle', method: 'POST', path: '/api/auth/kdf', options: () => ({ json: { handle: 'Alice' } }), code: 'request.invalid' },
  { name: 'too few KDF iterations', method: 'POST', path: '/api/accounts', options: () => ({ json: { ...valid(), kdf: { ...valid().kdf, iterations: 1000 } } }), code: 'request.invalid' },
  { name: 'a body on a body-less route', method: 'POST', path: '/api/tickets', options: (u) => ({ token: u.token, json: { room: 'x' } }), code: 'request.invalid' },
  { name: 'a malformed session id', method: 'DELETE', path: '/api/sessions/x', options: (u) => ({ token: u.token }), code: 'request.invalid' },
  { name: 'a malformed handle in the path', method: 'GET', path: '/api/users/NOT%20A%20HANDLE', options: (u) => ({ token: u.token }), code: 'request.invalid' },
  { name: 'an unknown route', method: 'GET', path: '/api/nope', code: 'route.not_found' },
  { name: 'the bare /api path', method: 'GET', path: '/api', code: 'route.not_found' },
  { name: 'a route with a trailing slash', method: 'GET', path: '/api/health/', code: 'route.not_found' },
  { name: 'a protocol-relative path', method: 'GET', path: '//api/health', code: 'route.not_found' },
  { name: 'a wrong method', method: 'PUT', path: '/api/accounts', options: () => ({ json: valid() }), code: 'route.method_not_allowed' },
  { name: 'GET on a POST route', method: 'GET', path: '/api/sessions/revoke-all', code: 'route.method_not_allowed' },
  { name: 'no Authorization header', method: 'GET', path: '/api/account', code: 'auth.required' },
  { name: 'a non-Bearer scheme', method: 'GET', path: '/api/account', options: (u) => ({ headers: { authorization: `Basic ${u.token}` } }), code: 'auth.required' },
  { name: 'a made-up token', method: 'GET', path: '/api/sessions', options: () => ({ token: Buffer.alloc(32, 1).toString('base64url') }), code: 'auth.required' },
  { name: 'a token of the wrong length', method: 'POST', path: '/api/tickets', options: (u) => ({ token: u.token.slice(0, 20) }), code: 'auth.required' },
  { name: 'a ticket used as a token', method: 'GET', path: '/api/account', options: () => ({ token: 'A'.repeat(43) }), code: 'auth.required' },
];

describe('bad input', () => {
  for (const c of cases) {
    it(`answers ${c.name} on ${c.method} ${c.path} with ${ERRORS[c.code].status} ${c.code} and changes nothing`, async () => {
      const before = dbFingerprint(server);
      const accounts = countAccounts(server);
      const response = await call(server, c.method, c.path, c.options?.(user));
      expect(response.status).toBe(ERRORS[c.code].status);
      expect(response.body).toEqual({ error: { code: c.code, message: expect.any(String) } });
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(countAccounts(server)).toBe(accounts);
      expect(dbFingerprint(server)).toBe(before);
    });
  }

  it('lists the allowed methods in Allow on 405', async () => {
    const response = await call(server, 'PUT', '/api/account');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, PATCH, DELETE');
  });

  it('accepts an explicit empty object on a body-less route', async () => {
    const response = await call(server, 'POST', '/api/tickets', { token: user.token, json: {} });
    expect(response.status).toBe(200);
  });
});

describe('oversize bodies', () => {
  const limit = 64 * 1024;

  it('answers 413 request.too_large for a body one byte over 64 KiB and creates nothing', async () => {
    const before = dbFingerprint(server);
    const body = { ...signUpRequest().request, displayName: 'x'.repeat(limit) };
    const response = await call(server, 'POST', '/api/accounts', { json: body });
    expect(response.status).toBe(413);
    expect(codeOf(response)).toBe('request.too_large');
    expect(dbFingerprint(server)).toBe(before);
  });

  it('answers 413 for a declared Content-Length over the limit without reading the body', async () => {
    const response = await rawRequest(server.url, {
      method: 'POST',
      path: '/api/accounts',
      headers: { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) },
      chunks: ['{"handle":'],
    });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('request.too_large');
  });

  it('answers 413 for a chunked upload that grows past the limit', async () => {
    const chunk = 'x'.repeat(16 * 1024);
    const response = await rawRequest(server.url, {
      method: 'POST',
      path: '/api/sessions',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      chunks: ['{"handle":"', ...Array.from({ length: 8 }, () => chunk), '"}'],
    });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('request.too_large');
  });

  it('takes a rotation for a full community (one key envelope per member) past 64 KiB, for a session only', async () => {
    // 1,000 well-formed envelopes of unknown members: read and parsed, then refused for what they say, not their size.
    const envelope = 'A'.repeat(338);
    const keyEnvelopes = Array.from({ length: 1000 }, (_, i) => ({ recipientId: `member${String(i).padStart(16, '0')}`, envelope }));
    const json = { epoch: 1, keyEnvelopes };
    expect(JSON.stringify(json).length).toBeGreaterThan(5 * limit);
    const before = dbFingerprint(server);
    const rotated = await call(server, 'POST', '/api/communities/AAAAAAAAAAAAAAAAAAAAAA/epochs', { token: user.token, json });
    expect(rotated.status).toBe(404);
    expect(codeOf(rotated)).toBe('doc.not_found');
    // Without a session the body is never read.
    const anonymous = await rawRequest(server.url, {
      method: 'POST',
      path: '/api/communities/AAAAAAAAAAAAAAAAAAAAAA/epochs',
      headers: { 'content-type': 'application/json', 'content-length': String(400 * 1024) },
      chunks: ['{"epoch":'],
    });
    expect(anonymous.status).toBe(401);
    // The same size anywhere else is too large.
    const elsewhere = await call(server, 'POST', '/api/communities', { token: user.token, json });
    expect(codeOf(elsewhere)).toBe('request.too_large');
    expect(dbFingerprint(server)).toBe(before);
  });

  it('still serves requests after refusing oversize bodies', async () => {
    expect((await call(server, 'GET', '/api/health')).status).toBe(200);
  });
});

describe('ended sessions', () => {
  it('answers 401 auth.session_revoked for a revoked session on every authenticated route and changes nothing', async () => {
    const phone = await signIn(server, user, 'Phone');
    await call(server, 'DELETE', `/api/sessions/${phone.sessionId}`, { token: user.token });
    const before = dbFingerprint(server);
    for (const [method, path, json] of [
      ['GET', '/api/account', undefined],
      ['PATCH', '/api/account', { displayName: 'Hijacked' }],
      ['GET', '/api/sessions', undefined],
      ['POST', '/api/tickets', undefined],
      ['POST', '/api/sessions/revoke-all', undefined],
      ['DELETE', '/api/sessions/current', undefined],
      ['GET', `/api/users/${user.handle}`, undefined],
    ] as const) {
      const response = await call(server, method, path, { token: phone.token, ...(json === undefined ? {} : { json }) });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(codeOf(response), `${method} ${path}`).toBe('auth.session_revoked');
    }
    expect(dbFingerprint(server)).toBe(before);
  });

  it('answers 401 auth.session_expired for an expired session and changes nothing', async () => {
    const other = await makeUser(server);
    server.clock.advance(SESSION_TTL_MS + 1);
    const before = dbFingerprint(server);
    const response = await call(server, 'PATCH', '/api/account', { token: other.token, json: { displayName: 'Too late' } });
    expect(response.status).toBe(401);
    expect(codeOf(response)).toBe('auth.session_expired');
    expect(dbFingerprint(server)).toBe(before);
  });
});
