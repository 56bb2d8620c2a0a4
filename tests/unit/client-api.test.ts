// The API client against a real HTTP server on port 0 that answers with scripted bodies: this pins how
// responses and error bodies are parsed, independent of the sync server's own behaviour.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApi } from '../../lib/client/api';
import type { ClientErrorCode } from '../../lib/client/client-errors';

interface Scripted {
  status: number;
  body: string;
  contentType?: string;
}

let server: Server;
let baseUrl: string;
let next: Scripted;
let seen: Array<{ method: string; url: string; authorization: string | undefined; body: string }>;

function reply(status: number, body: unknown): void {
  next = { status, body: JSON.stringify(body) };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  server = createServer((request, response) => {
    void readBody(request).then((body) => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization, body });
      response.writeHead(next.status, { 'content-type': next.contentType ?? 'application/json' });
      response.end(next.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen = [];
  reply(200, { ok: true });
});

function makeApi(token: string | null = 'TOKEN') {
  const reachability: boolean[] = [];
  const ended: ClientErrorCode[] = [];
  const api = createApi({
    baseUrl,
    fetch,
    getToken: () => token,
    onReachability: (reachable) => reachability.push(reachable),
    onSessionEnded: (code) => {
      ended.push(code);
    },
  });
  return { api, reachability, ended };
}

describe('API client', () => {
  it('parses a successful response with the protocol schema', async () => {
    reply(200, { ok: true, version: '0.1.0', uptimeMs: 12 });
    const { api, reachability } = makeApi();
    expect(await api.health()).toEqual({ ok: true, value: { ok: true, version: '0.1.0', uptimeMs: 12 } });
    expect(reachability).toEqual([true]);
  });

  it('sends the session token on authenticated calls and never on sign-in calls', async () => {
    const { api } = makeApi('secret-token');
    reply(200, { sessions: [] });
    await api.listSessions();
    reply(200, { kdf: { algorithm: 'PBKDF2-SHA256', iterations: 600_000, salt: 'AAAAAAAAAAAAAAAAAAAAAA' } });
    await api.kdf('ada');
    expect(seen.map((request) => [request.method, request.url, request.authorization])).toEqual([
      ['GET', '/api/sessions', 'Bearer secret-token'],
      ['POST', '/api/auth/kdf', undefined],
    ]);
    expect(JSON.parse(seen[1]!.body)).toEqual({ handle: 'ada' });
  });

  it('returns the registry code of an error body', async () => {
    reply(409, { error: { code: 'account.handle_taken', message: 'That handle is taken.' } });
    const { api } = makeApi(null);
    const result = await api.kdf('ada');
    expect(result).toEqual({ ok: false, code: 'account.handle_taken' });
  });

  it('calls a success body that does not match the schema response.invalid', async () => {
    reply(200, { kdf: { algorithm: 'PBKDF2-SHA256', iterations: 1000, salt: 'AAAAAAAAAAAAAAAAAAAAAA' } });
    const { api } = makeApi();
    expect(await api.kdf('ada')).toEqual({ ok: false, code: 'response.invalid' });
  });

  it('maps an unreadable 5xx body to internal and an unreadable 4xx body to response.invalid', async () => {
    const { api } = makeApi();
    next = { status: 502, body: '<html>Bad gateway</html>', contentType: 'text/html' };
    expect(await api.getAccount()).toEqual({ ok: false, code: 'internal' });
    reply(400, { error: { code: 'not.a.registry.code', message: 'x' } });
    expect(await api.getAccount()).toEqual({ ok: false, code: 'response.invalid' });
  });

  it('reports network.offline, and an unreachable server, when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const reachability: boolean[] = [];
    const api = createApi({ baseUrl: `http://127.0.0.1:${port}`, fetch, getToken: () => null, onReachability: (r) => reachability.push(r) });
    expect(await api.health()).toEqual({ ok: false, code: 'network.offline' });
    expect(reachability).toEqual([false]);
  });

  it('tells the client its session ended when an authenticated call is refused as revoked', async () => {
    reply(401, { error: { code: 'auth.session_revoked', message: 'Your session has ended. Sign in again.' } });
    const { api, ended } = makeApi();
    expect(await api.listSessions()).toEqual({ ok: false, code: 'auth.session_revoked' });
    expect(ended).toEqual(['auth.session_revoked']);
  });

  it('does not treat a wrong passphrase at sign-in as the end of a session', async () => {
    reply(401, { error: { code: 'auth.invalid_credentials', message: 'That handle and key do not match an account.' } });
    const { api, ended } = makeApi();
    const result = await api.signIn({ handle: 'ada', authKey: 'A'.repeat(43), deviceName: 'Test' });
    expect(result).toEqual({ ok: false, code: 'auth.invalid_credentials' });
    expect(ended).toEqual([]);
  });

  it('signs out a not-yet-adopted session with its own token and does not report the current one ended', async () => {
    reply(401, { error: { code: 'auth.session_revoked', message: 'x' } });
    const { api, ended } = makeApi('current-token');
    await api.signOutCurrent('other-token');
    expect(seen[0]!.authorization).toBe('Bearer other-token');
    expect(ended).toEqual([]);
  });

  it('escapes path segments', async () => {
    reply(404, { error: { code: 'account.not_found', message: 'No such account.' } });
    const { api } = makeApi();
    await api.getUser('../sessions');
    expect(seen[0]!.url).toBe('/api/users/..%2Fsessions');
  });
});
