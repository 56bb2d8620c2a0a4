// Sessions: list, revoke one, sign out this device, sign out everywhere (closing live sockets), expiry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_TTL_MS, SessionList } from '../../lib/protocol/api';
import { call, codeOf } from './helpers/api';
import { dbFingerprint } from './helpers/db';
import { connect, openSocket, waitForClose } from './helpers/socket';
import { makeUser, signIn, startServer, type TestServer } from './helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.dispose();
});

const MINUTE = 60_000;

describe('listing sessions', () => {
  it('lists every live session of the account and marks the current one', async () => {
    const user = await makeUser(server);
    const laptop = await signIn(server, user, 'Laptop');
    const response = await call(server, 'GET', '/api/sessions', { token: laptop.token });
    expect(response.status).toBe(200);
    const { sessions } = SessionList.parse(response.body);
    expect(sessions.map((s) => s.deviceName).sort()).toEqual(['Laptop', 'Test device']);
    expect(sessions.find((s) => s.current)?.id).toBe(laptop.sessionId);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
  });

  it('does not show another account’s sessions', async () => {
    const alice = await makeUser(server);
    const bob = await makeUser(server);
    const response = await call(server, 'GET', '/api/sessions', { token: alice.token });
    const ids = SessionList.parse(response.body).sessions.map((s) => s.id);
    expect(ids).toEqual([alice.grant.sessionId]);
    expect(ids).not.toContain(bob.grant.sessionId);
  });
});

describe('revoking', () => {
  it('revokes another session: its token then gets 401 auth.session_revoked', async () => {
    const user = await makeUser(server);
    const phone = await signIn(server, user, 'Phone');
    const response = await call(server, 'DELETE', `/api/sessions/${phone.sessionId}`, { token: user.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true });
    const after = await call(server, 'GET', '/api/account', { token: phone.token });
    expect(after.status).toBe(401);
    expect(codeOf(after)).toBe('auth.session_revoked');
    const list = SessionList.parse((await call(server, 'GET', '/api/sessions', { token: user.token })).body);
    expect(list.sessions.map((s) => s.id)).toEqual([user.grant.sessionId]);
  });

  it('answers 404 session.not_found for another account’s session and leaves it alone', async () => {
    const alice = await makeUser(server);
    const bob = await makeUser(server);
    const before = dbFingerprint(server);
    const response = await call(server, 'DELETE', `/api/sessions/${bob.grant.sessionId}`, { token: alice.token });
    expect(response.status).toBe(404);
    expect(codeOf(response)).toBe('session.not_found');
    expect(dbFingerprint(server)).toBe(before);
    expect((await call(server, 'GET', '/api/account', { token: bob.token })).status).toBe(200);
  });

  it('signs out this device with DELETE /api/sessions/current and closes its sockets', async () => {
    const user = await makeUser(server);
    const other = await signIn(server, user, 'Other');
    const mine = await connect(server, user.token);
    const theirs = await connect(server, other.token);
    const mineClosed = waitForClose(mine);
    const response = await call(server, 'DELETE', '/api/sessions/current', { token: user.token });
    expect(response.status).toBe(200);
    expect(await mineClosed).toEqual({ code: 4401, reason: 'socket.signed_out' });
    expect(theirs.readyState).toBe(theirs.OPEN);
    expect(codeOf(await call(server, 'GET', '/api/account', { token: user.token }))).toBe('auth.session_revoked');
    expect((await call(server, 'GET', '/api/account', { token: other.token })).status).toBe(200);
    theirs.close();
  });

  it('signs out everywhere: every session ends and every live socket of the account closes with 4401', async () => {
    const user = await makeUser(server);
    const bystander = await makeUser(server);
    const laptop = await signIn(server, user, 'Laptop');
    const sockets = [await connect(server, user.token), await connect(server, laptop.token, '/sync/~events'), await connect(server, laptop.token)];
    const untouched = await connect(server, bystander.token);
    const closes = sockets.map(waitForClose);

    const response = await call(server, 'POST', '/api/sessions/revoke-all', { token: laptop.token });
    expect(response.status).toBe(200);
    for (const closed of await Promise.all(closes)) expect(closed).toEqual({ code: 4401, reason: 'socket.signed_out' });
    for (const token of [user.token, laptop.token]) {
      expect(codeOf(await call(server, 'GET', '/api/sessions', { token }))).toBe('auth.session_revoked');
    }
    expect(untouched.readyState).toBe(untouched.OPEN);
    untouched.close();
  });

  it('ends a revoked session’s unused tickets', async () => {
    const user = await makeUser(server);
    const ticket = await call(server, 'POST', '/api/tickets', { token: user.token });
    await call(server, 'POST', '/api/sessions/revoke-all', { token: user.token });
    const attempt = await openSocket(server, { ticket: ticket.body.ticket });
    expect(attempt.ok).toBe(false);
    if (!attempt.ok) expect(attempt.body.error.code).toBe('auth.ticket_invalid');
  });
});

describe('expiry', () => {
  it('expires a session after SESSION_TTL_MS without use: 401 auth.session_expired', async () => {
    const user = await makeUser(server);
    server.clock.advance(SESSION_TTL_MS - MINUTE);
    expect((await call(server, 'GET', '/api/account', { token: user.token })).status).toBe(200);
    // That use slid the expiry forward; now stay away for a whole TTL.
    server.clock.advance(SESSION_TTL_MS + 1);
    const response = await call(server, 'GET', '/api/account', { token: user.token });
    expect(response.status).toBe(401);
    expect(codeOf(response)).toBe('auth.session_expired');
  });

  it('keeps a session alive while it is used (sliding expiry)', async () => {
    const user = await makeUser(server);
    for (let i = 0; i < 3; i++) {
      server.clock.advance(SESSION_TTL_MS - MINUTE);
      expect((await call(server, 'GET', '/api/account', { token: user.token })).status).toBe(200);
    }
    const list = SessionList.parse((await call(server, 'GET', '/api/sessions', { token: user.token })).body);
    expect(list.sessions[0]!.expiresAt).toBe(server.clock.now() + SESSION_TTL_MS);
    expect(list.sessions[0]!.lastSeenAt).toBe(server.clock.now());
  });

  it('drops expired sessions from the list', async () => {
    const user = await makeUser(server);
    const old = await signIn(server, user, 'Old tablet');
    server.clock.advance(SESSION_TTL_MS - MINUTE);
    expect((await call(server, 'GET', '/api/account', { token: user.token })).status).toBe(200);
    server.clock.advance(2 * MINUTE);
    const ids = SessionList.parse((await call(server, 'GET', '/api/sessions', { token: user.token })).body).sessions.map((s) => s.id);
    expect(ids).toEqual([user.grant.sessionId]);
    expect(ids).not.toContain(old.sessionId);
  });
});
