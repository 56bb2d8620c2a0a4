// Data survives a restart on the same DATA_DIR; two servers in one process stay apart.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../sync-server/db/open';
import { call, codeOf } from './helpers/api';
import { countAccounts } from './helpers/db';
import { makeUser, newHandle, signIn, startServer, type TestServer } from './helpers/server';

const started: TestServer[] = [];
const track = (server: TestServer): TestServer => {
  started.push(server);
  return server;
};
afterEach(async () => {
  for (const server of started.splice(0)) await server.dispose();
});

describe('persistence', () => {
  it('opens SQLite in DATA_DIR with WAL, synchronous=FULL, foreign keys and a busy timeout', async () => {
    const server = track(await startServer());
    expect(existsSync(join(server.dataDir, DATABASE_FILE))).toBe(true);
    expect(server.db.settings()).toEqual({ journalMode: 'wal', synchronous: 2, foreignKeys: 1, busyTimeout: 5000 });
  });

  it('keeps accounts and sessions across a restart: the old token still works and sign-in works again', async () => {
    const first = await startServer();
    const user = await makeUser(first);
    const ghost = newHandle('ghost');
    const fakeBefore = (await call(first, 'POST', '/api/auth/kdf', { json: { handle: ghost } })).body;

    const second = track(await first.restart());
    expect(second.dataDir).toBe(first.dataDir);
    // The first server is gone: its port no longer answers.
    await expect(call(first, 'GET', '/api/health')).rejects.toThrow();
    const me = await call(second, 'GET', '/api/account', { token: user.token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(user.grant.account.id);
    const grant = await signIn(second, user, 'After restart');
    expect(grant.account.id).toBe(user.grant.account.id);
    // The fake KDF salt comes from a secret kept in DATA_DIR, so it does not change on restart.
    expect((await call(second, 'POST', '/api/auth/kdf', { json: { handle: ghost } })).body).toEqual(fakeBefore);
  });

  it('applies migrations once: a third start on the same DATA_DIR finds everything in place', async () => {
    const first = await startServer();
    await makeUser(first);
    await makeUser(first);
    const second = await first.restart();
    const third = track(await second.restart());
    expect(countAccounts(third)).toBe(2);
    expect((await call(third, 'GET', '/api/health')).status).toBe(200);
  });
});

describe('two servers in one process', () => {
  it('keep their own data, sockets and limits', async () => {
    const a = track(await startServer());
    const b = track(await startServer());
    const user = await makeUser(a);
    expect(countAccounts(a)).toBe(1);
    expect(countAccounts(b)).toBe(0);
    expect(codeOf(await call(b, 'GET', '/api/account', { token: user.token }))).toBe('auth.required');
    const onB = await makeUser(b, { handle: user.handle });
    expect(onB.grant.account.id).not.toBe(user.grant.account.id);
  });

  it('give different fake KDF salts, because each DATA_DIR has its own secret', async () => {
    const a = track(await startServer());
    const b = track(await startServer());
    const handle = newHandle('ghost');
    const saltA = (await call(a, 'POST', '/api/auth/kdf', { json: { handle } })).body.kdf.salt;
    const saltB = (await call(b, 'POST', '/api/auth/kdf', { json: { handle } })).body.kdf.salt;
    expect(saltA).not.toBe(saltB);
  });
});
