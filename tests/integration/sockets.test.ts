// Sync sockets: tickets (single use, expiring, session-bound), the origin allow-list, frame limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_TTL_MS, TICKET_TTL_MS, TicketResponse } from '../../lib/protocol/api';
import { DEFAULT_LIMITS } from '../../sync-server/limits/limits';
import { call, codeOf } from './helpers/api';
import { dbFingerprint } from './helpers/db';
import { connect, openSocket, ticketFor, waitForClose, type SocketAttempt } from './helpers/socket';
import { makeUser, startServer, type TestServer } from './helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.dispose();
});

function refusedWith(attempt: SocketAttempt): { status: number; code: string } {
  if (attempt.ok) {
    attempt.ws.terminate();
    return { status: 101, code: 'accepted' };
  }
  return { status: attempt.status, code: attempt.body?.error?.code };
}

describe('tickets', () => {
  it('issues a 30-second ticket to a signed-in session only', async () => {
    const user = await makeUser(server);
    const response = await call(server, 'POST', '/api/tickets', { token: user.token });
    expect(response.status).toBe(200);
    expect(TicketResponse.parse(response.body).expiresAt).toBe(server.clock.now() + TICKET_TTL_MS);
    const anonymous = await call(server, 'POST', '/api/tickets');
    expect(anonymous.status).toBe(401);
    expect(codeOf(anonymous)).toBe('auth.required');
  });

  it('opens a socket on /sync and on the event stream /sync/~events with a valid ticket', async () => {
    const user = await makeUser(server);
    const plain = await connect(server, user.token, '/sync');
    const room = await connect(server, user.token, '/sync/~events');
    expect(plain.readyState).toBe(plain.OPEN);
    expect(room.readyState).toBe(room.OPEN);
    plain.close();
    room.close();
  });

  it('accepts a ticket once: the second upgrade gets HTTP 401 auth.ticket_invalid', async () => {
    const user = await makeUser(server);
    const ticket = await ticketFor(server, user.token);
    const first = await openSocket(server, { ticket });
    expect(first.ok).toBe(true);
    const before = dbFingerprint(server);
    expect(refusedWith(await openSocket(server, { ticket }))).toEqual({ status: 401, code: 'auth.ticket_invalid' });
    expect(dbFingerprint(server)).toBe(before);
    if (first.ok) first.ws.close();
  });

  it('refuses an expired ticket', async () => {
    const user = await makeUser(server);
    const ticket = await ticketFor(server, user.token);
    server.clock.advance(TICKET_TTL_MS);
    expect(refusedWith(await openSocket(server, { ticket }))).toEqual({ status: 401, code: 'auth.ticket_invalid' });
  });

  it('accepts a ticket just before it expires', async () => {
    const user = await makeUser(server);
    const ticket = await ticketFor(server, user.token);
    server.clock.advance(TICKET_TTL_MS - 1);
    const attempt = await openSocket(server, { ticket });
    expect(attempt.ok).toBe(true);
    if (attempt.ok) attempt.ws.close();
  });

  it('refuses a ticket whose session was revoked after it was issued', async () => {
    const user = await makeUser(server);
    const laptop = await call(server, 'POST', '/api/sessions', { json: { handle: user.handle, authKey: user.authKey, deviceName: 'Laptop' } });
    const ticket = await ticketFor(server, laptop.body.token);
    await call(server, 'DELETE', `/api/sessions/${laptop.body.sessionId}`, { token: user.token });
    expect(refusedWith(await openSocket(server, { ticket }))).toEqual({ status: 401, code: 'auth.ticket_invalid' });
  });

  it('refuses a missing, malformed or made-up ticket', async () => {
    const made = Buffer.alloc(32, 7).toString('base64url');
    for (const ticket of [undefined, '', 'not a ticket', made, 'A'.repeat(5000)]) {
      expect(refusedWith(await openSocket(server, ticket === undefined ? {} : { ticket }))).toEqual({ status: 401, code: 'auth.ticket_invalid' });
    }
  });

  it('never accepts the session token itself as a ticket', async () => {
    const user = await makeUser(server);
    expect(refusedWith(await openSocket(server, { ticket: user.token }))).toEqual({ status: 401, code: 'auth.ticket_invalid' });
  });
});

describe('origin allow-list', () => {
  it('refuses other origins and a missing Origin with HTTP 403 before the upgrade, without burning the ticket', async () => {
    const user = await makeUser(server);
    const ticket = await ticketFor(server, user.token);
    for (const origin of ['https://evil.example', 'http://localhost:1', 'null', `${server.origin}.evil.example`, null]) {
      expect(refusedWith(await openSocket(server, { ticket, origin }))).toEqual({ status: 403, code: 'socket.origin_forbidden' });
    }
    const attempt = await openSocket(server, { ticket });
    expect(attempt.ok).toBe(true);
    if (attempt.ok) attempt.ws.close();
  });

  it('accepts the public origin and the server’s own localhost and 127.0.0.1 origins', async () => {
    const user = await makeUser(server);
    for (const origin of [server.origin, `http://localhost:${server.port}`, `http://127.0.0.1:${server.port}`]) {
      const attempt = await openSocket(server, { ticket: await ticketFor(server, user.token), origin });
      expect(attempt.ok, origin).toBe(true);
      if (attempt.ok) attempt.ws.close();
    }
  });

  it('accepts a PUBLIC_URL origin and ALLOWED_ORIGINS when configured', async () => {
    const other = await startServer({ env: { PUBLIC_URL: 'https://chat.example.org/app', ALLOWED_ORIGINS: 'http://localhost:3001' } });
    try {
      const user = await makeUser(other);
      expect(other.origin).toBe('https://chat.example.org');
      for (const origin of ['https://chat.example.org', 'http://localhost:3001']) {
        const attempt = await openSocket(other, { ticket: await ticketFor(other, user.token), origin });
        expect(attempt.ok, origin).toBe(true);
        if (attempt.ok) attempt.ws.close();
      }
    } finally {
      await other.dispose();
    }
  });
});

describe('paths and frames', () => {
  it('answers 404 route.not_found for an upgrade on any other path', async () => {
    const user = await makeUser(server);
    for (const path of ['/', '/api/health', '/syncx', '/sync/a/b', '/sync/%ZZ', '/sync/' + 'r'.repeat(300)]) {
      const attempt = await openSocket(server, { ticket: await ticketFor(server, user.token), path });
      expect(refusedWith(attempt), path).toEqual({ status: 404, code: 'route.not_found' });
    }
  });

  it('closes a socket that sends frames too fast with 4429 socket.rate_limited', async () => {
    const user = await makeUser(server);
    const ws = await connect(server, user.token);
    const closed = waitForClose(ws);
    // The fake clock does not move, so the bucket never refills.
    for (let i = 0; i <= DEFAULT_LIMITS.framesPerSocket.capacity; i++) ws.send(new Uint8Array([0, i & 0xff]));
    expect(await closed).toEqual({ code: 4429, reason: 'socket.rate_limited' });
  });

  it('closes a socket that sends a frame over the size limit with 1009', async () => {
    const user = await makeUser(server);
    const ws = await connect(server, user.token);
    const closed = waitForClose(ws);
    ws.send(new Uint8Array(DEFAULT_LIMITS.frameBytes + 1));
    expect((await closed).code).toBe(1009);
  });

  it('keeps a socket that sends ordinary frames at an ordinary pace', async () => {
    const user = await makeUser(server);
    const ws = await connect(server, user.token);
    for (let i = 0; i < 50; i++) ws.send(new Uint8Array(DEFAULT_LIMITS.frameBytes));
    // A ping/pong round trip proves the server read every frame before it without closing.
    await new Promise<void>((resolve) => {
      ws.once('pong', () => resolve());
      ws.ping();
    });
    expect(ws.readyState).toBe(ws.OPEN);
    ws.close();
  });
});

describe('sessions that end while their sockets are open', () => {
  it('closes the sockets of an expired session at the next heartbeat with 4401 auth.session_expired, and keeps a live one', async () => {
    // Rounds long enough that a pong is never late on a loaded machine (a missed pong cuts the socket).
    const quick = await startServer({ limits: { heartbeatMs: 400 } });
    try {
      const [ending, staying] = [await makeUser(quick), await makeUser(quick)];
      const doc = await connect(quick, ending.token, '/sync');
      const events = await connect(quick, ending.token, '/sync/~events');
      const closed = [waitForClose(doc), waitForClose(events)];
      // The other session is touched (it slides) just before the clock passes the first one's expiry.
      quick.clock.advance(SESSION_TTL_MS - 1000);
      expect((await call(quick, 'POST', '/api/tickets', { token: staying.token })).status).toBe(200);
      const live = await connect(quick, staying.token, '/sync');
      quick.clock.advance(2000);
      for (const c of await Promise.all(closed)) expect(c).toEqual({ code: 4401, reason: 'auth.session_expired' });
      // Several heartbeats later the live session's socket is still open.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(live.readyState).toBe(live.OPEN);
      live.close();
    } finally {
      await quick.dispose();
    }
  });
});
