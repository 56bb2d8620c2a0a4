// Graceful shutdown: a request already in flight is answered, new connections are refused, live
// sockets get 1012, and close() resolves.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Config } from '../../sync-server/config';
import { call } from './helpers/api';
import { connect, waitForClose } from './helpers/socket';
import { makeUser, startServer } from './helpers/server';
import { startChildServer } from './helpers/sync-child';

describe('graceful shutdown', () => {
  it('finishes a request that was in flight when close() began, then refuses new connections', async () => {
    const server = await startServer();
    const body = JSON.stringify({ handle: 'in_flight_user' });
    let closing: Promise<void> | undefined;
    const arrived = new Promise<void>((resolve) => server.server.httpServer.once('request', () => resolve()));
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${server.url}/api/auth/kdf`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      // Half the body now; the rest only once shutdown has begun.
      req.write(body.slice(0, 5));
      void arrived.then(async () => {
        closing = server.close();
        await new Promise((r) => setImmediate(r));
        req.end(body.slice(5));
      });
    });

    const response = await answered;
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text).kdf.algorithm).toBe('PBKDF2-SHA256');
    await closing;
    await expect(call(server, 'GET', '/api/health')).rejects.toThrow();
    await server.dispose();
  });

  it('closes live sync sockets with 1012 server.shutting_down', async () => {
    const server = await startServer();
    const user = await makeUser(server);
    const sockets = [await connect(server, user.token), await connect(server, user.token, '/sync/~events')];
    const closes = sockets.map(waitForClose);
    await server.dispose();
    for (const closed of await Promise.all(closes)) expect(closed).toEqual({ code: 1012, reason: 'server.shutting_down' });
  });
});

describe('the process (sync-server/main.ts)', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops on ${signal}: logs it, closes the database and exits with 0; a restart finds the data`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'hn-signal-'));
      try {
        const first = await startChildServer(dataDir);
        const handle = `signal_${signal.toLowerCase()}_${Date.now().toString(36)}`;
        expect((await fetch(`${first.url}/api/health`)).status).toBe(200);
        expect(await first.kill(signal)).toEqual({ code: 0, signal: null });
        const messages = first.logs.map((line) => (JSON.parse(line) as { msg?: string; signal?: string }));
        expect(messages).toContainEqual(expect.objectContaining({ msg: 'shutting down', signal }));
        expect(messages.at(-1)).toMatchObject({ msg: 'stopped' });
        const second = await startChildServer(dataDir);
        const kdf = await fetch(`${second.url}/api/auth/kdf`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle }) });
        expect(kdf.status).toBe(200);
        expect(await second.kill('SIGTERM')).toEqual({ code: 0, signal: null });
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});

describe('configuration', () => {
  it('has working defaults for every variable', () => {
    expect(Config.parse({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      dataDir: './data',
      publicUrl: undefined,
      logLevel: 'info',
      staticDir: './out',
      allowedOrigins: [],
      signUpsPerHour: 20,
    });
  });

  it('reduces PUBLIC_URL and ALLOWED_ORIGINS to origins', () => {
    const config = Config.parse({ PUBLIC_URL: 'https://chat.example.org/some/path', ALLOWED_ORIGINS: 'http://localhost:3001/, https://a.example ' });
    expect(config.publicUrl).toBe('https://chat.example.org');
    expect(config.allowedOrigins).toEqual(['http://localhost:3001', 'https://a.example']);
  });

  it('rejects a bad port, log level, public URL or origin', () => {
    for (const env of [{ PORT: 'abc' }, { PORT: '70000' }, { LOG_LEVEL: 'loud' }, { PUBLIC_URL: 'ftp://x.example' }, { ALLOWED_ORIGINS: 'not a url' }, { SIGNUPS_PER_HOUR: '0' }, { SIGNUPS_PER_HOUR: 'many' }]) {
      expect(Config.safeParse(env).success, JSON.stringify(env)).toBe(false);
    }
  });
});
