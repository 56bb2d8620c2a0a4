// The log never holds a token, ticket, auth key or backup, and request lines name the route
// pattern (never the raw URL with its query) with method, status, duration and request id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64url } from '../../lib/protocol/base64url';
import { createLogger } from '../../sync-server/log';
import { call } from './helpers/api';
import { openSocket, ticketFor, waitForClose } from './helpers/socket';
import { makeUser, signIn, startServer, type TestServer } from './helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.dispose();
});

describe('logging', () => {
  it('never writes a token, ticket, auth key or backup, through every flow', async () => {
    const user = await makeUser(server);
    const second = await signIn(server, user, 'Phone');
    const recovered = await call(server, 'POST', '/api/sessions/recovery', {
      json: { handle: user.handle, recoveryAuthKey: user.recoveryAuthKey, deviceName: 'Recovered' },
    });
    const wrong = toBase64url(crypto.getRandomValues(new Uint8Array(32)));
    await call(server, 'POST', '/api/sessions', { json: { handle: user.handle, authKey: wrong, deviceName: 'x' } });
    const newKey = toBase64url(crypto.getRandomValues(new Uint8Array(32)));
    await call(server, 'POST', '/api/account/passphrase', {
      token: user.token,
      json: { currentAuthKey: user.authKey, kdf: user.request.kdf, authKey: newKey, passphraseBackup: user.request.passphraseBackup },
    });
    const ticket = await ticketFor(server, second.token);
    const socket = await openSocket(server, { ticket, path: '/sync/~events' });
    expect(socket.ok).toBe(true);
    const reused = await openSocket(server, { ticket });
    expect(reused.ok).toBe(false);
    if (socket.ok) {
      const closed = waitForClose(socket.ws);
      await call(server, 'POST', '/api/sessions/revoke-all', { token: second.token });
      await closed;
    }
    await call(server, 'GET', '/api/account', { token: user.token });
    // A token pasted into a query string must not reach the log either: request lines log the pattern.
    await call(server, 'GET', `/api/users/${user.handle}?token=${user.token}`, { token: recovered.body.token });

    const log = server.logs.join('\n');
    expect(server.logs.length).toBeGreaterThan(10);
    const secrets = {
      token: user.token,
      secondToken: second.token,
      recoveredToken: recovered.body.token as string,
      ticket,
      authKey: user.authKey,
      recoveryAuthKey: user.recoveryAuthKey,
      wrongKey: wrong,
      newKey,
      passphraseBackup: user.request.passphraseBackup,
      recoveryBackup: user.request.recoveryBackup,
    };
    for (const [name, secret] of Object.entries(secrets)) {
      expect(log.includes(secret), `${name} appears in the log`).toBe(false);
      expect(log.includes(secret.slice(0, 16)), `a prefix of ${name} appears in the log`).toBe(false);
    }
  });

  it('logs each request as JSON with method, route pattern, status, ms and reqId', async () => {
    const user = await makeUser(server);
    const before = server.logs.length;
    const response = await call(server, 'GET', `/api/users/${user.handle}?x=1`, { token: user.token });
    const lines = server.logs.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
    const request = lines.find((line) => line.msg === 'request');
    expect(request).toMatchObject({ level: 'info', method: 'GET', route: '/api/users/:handle', status: 200 });
    expect(typeof request?.ms).toBe('number');
    expect(request?.reqId).toBe(response.headers.get('x-request-id'));
    expect(JSON.stringify(lines)).not.toContain(user.handle);
  });

  it('logs socket upgrades by route pattern, without the query', async () => {
    const user = await makeUser(server);
    const ticket = await ticketFor(server, user.token);
    const before = server.logs.length;
    const attempt = await openSocket(server, { ticket, path: '/sync/~events' });
    expect(attempt.ok).toBe(true);
    if (attempt.ok) attempt.ws.close();
    const line = server.logs.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'upgrade');
    expect(line).toMatchObject({ route: '/sync/:room', status: 101 });
    expect(server.logs.slice(before).join('\n')).not.toContain('secret-room-name');
  });

  it('redacts a field that looks like a secret even if a caller passes one by mistake', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', sink: (line) => lines.push(line) });
    log.info('oops', { token: 'tok-123', authKey: 'key-456', ticket: 'tic-789', passphraseBackup: 'bak', count: 3 });
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'info', msg: 'oops', token: '[redacted]', authKey: '[redacted]', ticket: '[redacted]', passphraseBackup: '[redacted]', count: 3 });
    expect(lines[0]).not.toMatch(/tok-123|key-456|tic-789/);
  });

  it('writes nothing below the configured level', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', sink: (line) => lines.push(line) });
    log.debug('a');
    log.info('b');
    log.warn('c');
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['c']);
  });
});
