// Starts a real sync server on 127.0.0.1:0 with its own temp DATA_DIR and a fake clock, capturing
// every log line. `restart()` starts a fresh server on the same DATA_DIR.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config } from '../../../sync-server/config';
import { openDatabase, type Database } from '../../../sync-server/db/open';
import type { Limits } from '../../../sync-server/limits/limits';
import { createLogger } from '../../../sync-server/log';
import { createSyncServer, type SyncServer } from '../../../sync-server/server';
import { fakeClock, type FakeClock } from './clock';

export { makeUser, signIn, signUpRequest, newHandle, type TestUser } from './users';

export interface StartOptions {
  dataDir?: string;
  /** Defaults to a directory with no export in it (the server then answers 503 for pages). */
  staticDir?: string;
  clock?: FakeClock;
  limits?: Partial<Limits>;
  env?: Record<string, string>;
  /** Delete DATA_DIR on dispose(); defaults to true when the helper made it. */
  removeDataDirOnDispose?: boolean;
}

export interface TestServer {
  url: string;
  wsUrl: string;
  origin: string;
  port: number;
  dataDir: string;
  clock: FakeClock;
  /** Every JSON log line the server wrote, in order. */
  logs: string[];
  db: Database;
  server: SyncServer;
  /** Stops the server and closes its database; the data stays. */
  close(): Promise<void>;
  /** close(), then a new server (new port, new log) on the same DATA_DIR and clock. */
  restart(options?: Omit<StartOptions, 'dataDir' | 'removeDataDirOnDispose'>): Promise<TestServer>;
  /** close() and delete the temp directories this helper made. */
  dispose(): Promise<void>;
}

export function tempDir(prefix = 'hn-int-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const ownsDataDir = options.removeDataDirOnDispose ?? options.dataDir === undefined;
  const dataDir = options.dataDir ?? tempDir();
  const clock = options.clock ?? fakeClock();
  const logs: string[] = [];
  const config = Config.parse({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    STATIC_DIR: options.staticDir ?? join(dataDir, 'no-export'),
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const log = createLogger({ level: 'debug', sink: (line) => logs.push(line) });
  const db = openDatabase(dataDir);
  const server = createSyncServer({ db, config, clock, log, limits: options.limits, version: 'test' });
  const port = await server.listen();

  let closed: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closed ??= server.close().then(() => db.close());
    return closed;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    origin: server.publicOrigin(),
    port,
    dataDir,
    clock,
    logs,
    db,
    server,
    close,
    async restart(next = {}) {
      await close();
      return startServer({
        staticDir: options.staticDir,
        clock,
        limits: options.limits,
        env: options.env,
        ...next,
        dataDir,
        removeDataDirOnDispose: ownsDataDir,
      });
    },
    async dispose() {
      await close();
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
