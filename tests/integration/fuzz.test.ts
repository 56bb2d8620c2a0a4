// Throws a few hundred seeded random bodies at every route and random frames at the socket; the
// server must answer each with a registered error (never 500, never a crash) and stay healthy.
// A failure prints the seed: replay with FUZZ_SEED=<seed>.
import { connect as netConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS, isErrorCode } from '../../lib/protocol/errors';
import { DEFAULT_LIMITS } from '../../sync-server/limits/limits';
import { call } from './helpers/api';
import { prng, type Prng } from './helpers/prng';
import { rawRequest } from './helpers/raw-http';
import { connect, waitForClose } from './helpers/socket';
import { makeUser, signUpRequest, startServer, type TestServer, type TestUser } from './helpers/server';

let server: TestServer;
let user: TestUser;
const random = prng();

beforeAll(async () => {
  // Generous sign-in limits: this test is about parsing, not throttling.
  server = await startServer({ limits: { signInPerAddress: { capacity: 10_000, windowMs: 1000 }, signUpPerAddress: { capacity: 10_000, windowMs: 1000 } } });
  user = await makeUser(server);
});
afterAll(async () => {
  await server.dispose();
});

const ROUTES: [method: string, path: string][] = [
  ['POST', '/api/auth/kdf'],
  ['POST', '/api/accounts'],
  ['POST', '/api/sessions'],
  ['POST', '/api/sessions/recovery'],
  ['POST', '/api/tickets'],
  ['POST', '/api/sessions/revoke-all'],
  ['PATCH', '/api/account'],
  ['POST', '/api/account/passphrase'],
  ['GET', '/api/sessions'],
  ['DELETE', '/api/sessions/current'],
  ['GET', '/api/users/abc'],
];

function randomString(r: Prng): string {
  const alphabets = ['abcdefghijklmnopqrstuvwxyz_0123456789', 'ABCxyz-_=+/', '\u0000\u0001"\\\n\t', 'é中𝄞\ud800', '<script>%00..//'];
  const alphabet = r.pick(alphabets);
  let out = '';
  const length = r.pick([0, 1, 3, 16, 22, 43, 44, 64, 200, 3000]);
  for (let i = 0; i < length; i++) out += alphabet[r.int(alphabet.length)];
  return out;
}

/** A random path segment, percent-encoded byte by byte, sometimes with a broken escape. */
function randomPathSegment(r: Prng): string {
  let out = '';
  for (const byte of Buffer.from(randomString(r), 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.~/-]/.test(c) ? c : `%${byte.toString(16).padStart(2, '0')}`;
  }
  return r.next() < 0.2 ? `${out}%${r.pick(['', 'Z', 'ZZ', 'e9'])}` : out;
}

function randomValue(r: Prng, depth = 0): unknown {
  const kind = r.int(depth > 3 ? 5 : 8);
  switch (kind) {
    case 0: return null;
    case 1: return r.next() < 0.5;
    case 2: return r.pick([0, -1, 1.5, 1e308, -0, 600_000, 2 ** 53 + 2]);
    case 3:
    case 4: return randomString(r);
    case 5: return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = r.int(5); i > 0; i--) object[r.pick(['handle', 'authKey', 'kdf', 'salt', 'x', '__proto__', 'constructor', randomString(r)])] = randomValue(r, depth + 1);
      return object;
    }
  }
}

/** A valid-looking body with one thing wrong (or, rarely, nothing wrong). */
function mutated(r: Prng): unknown {
  const base: Record<string, unknown> = { ...signUpRequest().request };
  const keys = Object.keys(base);
  const key = r.pick(keys);
  switch (r.int(4)) {
    case 0: delete base[key]; break;
    case 1: base[key] = randomValue(r); break;
    case 2: base[randomString(r) || 'extra'] = randomValue(r); break;
    default: base.kdf = { ...(base.kdf as object), [r.pick(['iterations', 'salt', 'algorithm'])]: randomValue(r) };
  }
  return base;
}

function randomBody(r: Prng): { raw: string | Uint8Array; headers: Record<string, string> } {
  const contentType = r.pick(['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/jsonx', '']);
  const headers: Record<string, string> = contentType === '' ? {} : { 'content-type': contentType };
  switch (r.int(4)) {
    case 0: return { raw: r.bytes(r.int(300)), headers };
    case 1: return { raw: JSON.stringify(mutated(r)), headers };
    case 2: return { raw: JSON.stringify(randomValue(r)).slice(0, r.next() < 0.2 ? r.int(50) : undefined), headers };
    default: return { raw: '['.repeat(r.int(20_000)) + ']'.repeat(r.int(3)), headers };
  }
}

function expectRegisteredAnswer(status: number, body: any, context: string): void {
  expect(status, context).toBeLessThan(500);
  if (status >= 400) {
    expect(isErrorCode(body?.error?.code), context).toBe(true);
    expect(ERRORS[body.error.code as keyof typeof ERRORS].status, context).toBe(status);
  }
}

describe(`fuzzing (seed ${random.seed})`, () => {
  it('answers a few hundred random bodies on every route with a registered error and never a 500', async () => {
    try {
      for (const [method, path] of ROUTES) {
        for (let i = 0; i < 30; i++) {
          const body = randomBody(random);
          // Half the calls carry a real session, so authenticated routes reach their parsers.
          const headers = random.next() < 0.5 ? { ...body.headers, authorization: `Bearer ${user.token}` } : body.headers;
          // Sometimes a declared length, sometimes chunked; raw node:http also allows a body on GET.
          if (random.next() < 0.5) headers['content-length'] = String(Buffer.byteLength(body.raw));
          const response = await rawRequest(server.url, { method, path, headers, chunks: [body.raw] });
          expectRegisteredAnswer(response.status, response.body, `${method} ${path} #${i}`);
          if (response.status === 200 && path === '/api/sessions/revoke-all') user = await makeUser(server);
          if (response.status === 200 && path === '/api/sessions/current') user = await makeUser(server);
        }
      }
      for (let i = 0; i < 40; i++) {
        const path = `/api/${randomPathSegment(random)}`;
        const response = await call(server, random.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']), path);
        expectRegisteredAnswer(response.status, response.body, `random route ${path.slice(0, 80)}`);
      }
    } catch (error) {
      console.error(`fuzz failed; replay with FUZZ_SEED=${random.seed}`);
      throw error;
    }
    expect((await call(server, 'GET', '/api/health')).status).toBe(200);
  });

  it('survives a few hundred random binary and text frames, huge frames and garbage on the wire', async () => {
    const owner = await makeUser(server);
    try {
      let sent = 0;
      while (sent < 400) {
        const ws = await connect(server, owner.token, random.next() < 0.5 ? '/sync' : '/sync/~events');
        const closed = waitForClose(ws);
        const burst = 1 + random.int(DEFAULT_LIMITS.framesPerSocket.capacity / 2);
        for (let i = 0; i < burst && ws.readyState === ws.OPEN; i++, sent++) {
          const frame = random.bytes(random.pick([0, 1, 2, 7, 100, 4096, 70_000]));
          if (random.next() < 0.2) ws.send(Buffer.from(frame).toString('latin1'));
          else ws.send(frame);
        }
        if (random.next() < 0.3) ws.send(new Uint8Array(DEFAULT_LIMITS.frameBytes + 1 + random.int(1024 * 1024)));
        ws.close();
        expect([1000, 1005, 1009, 4400, 4429]).toContain((await closed).code);
      }

      // Raw garbage: a broken HTTP request, and bytes that are not WebSocket frames after a real upgrade.
      await sendRaw(server.port, Buffer.from('GARBAGE / HTTP/9.9\r\n\r\n'));
      await sendRaw(server.port, random.bytes(2000));
      const ticket = (await call(server, 'POST', '/api/tickets', { token: owner.token })).body.ticket as string;
      await sendRaw(
        server.port,
        Buffer.concat([
          Buffer.from(
            `GET /sync?ticket=${ticket} HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${server.origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
              `Sec-WebSocket-Key: ${Buffer.alloc(16, 1).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
          ),
          random.bytes(3000),
        ]),
      );
    } catch (error) {
      console.error(`fuzz failed; replay with FUZZ_SEED=${random.seed}`);
      throw error;
    }
    const health = await call(server, 'GET', '/api/health');
    expect(health.status).toBe(200);
    expect(health.body.ok).toBe(true);
  });

  it('logged no internal error while being fuzzed', () => {
    expect(server.logs.filter((line) => JSON.parse(line).level === 'error')).toEqual([]);
  });
});

/** Writes bytes to a fresh TCP connection and resolves when the server closes it. */
function sendRaw(port: number, bytes: Uint8Array): Promise<string> {
  return new Promise((resolve) => {
    const socket = netConnect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => resolve(Buffer.concat(received).toString('latin1')));
    socket.write(bytes);
  });
}
