// Starts the server under test in a child process (see server-child.ts) and talks to it over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Limits } from '../../sync-server/limits/limits';
import type { CommitItem } from '../../sync-server/sync/doc-store';
import type { ChildCommand, ChildMessage, ChildStats, SeedAccount, SeedDoc, StorageReport } from './server-protocol';

const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url));

/**
 * Limits for load generation: a real client sends a few frames a second, the benchmark sends hundreds per socket,
 * so the per-socket frame budget (an anti-abuse limit, not a capacity limit) is raised. Nothing else changes.
 */
export const BENCH_LIMITS: Partial<Limits> = { framesPerSocket: { capacity: 1_000_000, windowMs: 1_000 } };

/** A command without its id (Omit over each member of the union). */
type CommandBody = ChildCommand extends infer C ? (C extends { id: number } ? Omit<C, 'id'> : never) : never;

export interface ServerOptions {
  mode: 'ours' | 'stock';
  synchronous?: 'FULL' | 'OFF';
  limits?: Partial<Limits>;
  staticDir?: string;
}

export interface BenchServer {
  port: number;
  url: string;
  wsUrl: string;
  origin: string;
  dataDir: string;
  stats(): Promise<ChildStats>;
  reset(): Promise<void>;
  gc(): Promise<void>;
  seed(accounts: SeedAccount[], docs: SeedDoc[]): Promise<void>;
  tickets(accountIds: string[]): Promise<string[]>;
  commit(items: CommitItem[]): Promise<void>;
  /** Seeded accounts become plain members of an existing community (the rows an accepted invitation writes). */
  communityMembers(communityId: string, addedBy: string, accountIds: string[]): Promise<void>;
  storage(docId: string): Promise<StorageReport>;
  /** CPU profile of the server between these two calls, written to `path` (.cpuprofile). */
  profileStart(): Promise<void>;
  profileStop(path: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hn-bench-'));
  const execArgv = ['--import', 'tsx', '--expose-gc'];
  const child: ChildProcess = fork(CHILD, [], {
    execArgv,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      BENCH_MODE: options.mode,
      BENCH_SYNC: options.synchronous ?? 'FULL',
      BENCH_DATA_DIR: dataDir,
      BENCH_LIMITS: JSON.stringify({ ...BENCH_LIMITS, ...options.limits }),
      ...(options.staticDir ? { BENCH_STATIC_DIR: options.staticDir } : {}),
    },
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let exited = false;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench server did not start within 30 s')), 30_000);
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.port);
      } else if (message.type === 'reply') {
        const w = waiting.get(message.id);
        waiting.delete(message.id);
        if (message.error) w?.reject(new Error(message.error));
        else w?.resolve(message.value);
      }
    });
    child.once('exit', (code) => {
      exited = true;
      clearTimeout(timer);
      for (const w of waiting.values()) w.reject(new Error(`bench server exited with ${code}`));
      waiting.clear();
      reject(new Error(`bench server exited with ${code}`));
    });
  });

  const call = <T>(cmd: CommandBody, timeoutMs = 120_000): Promise<T> => {
    if (exited) return Promise.reject(new Error('bench server has exited'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`bench server did not answer ${cmd.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      child.send({ ...cmd, id } as ChildCommand);
    });
  };

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    origin: `http://localhost:${port}`,
    dataDir,
    stats: () => call<ChildStats>({ type: 'stats' }),
    reset: () => call<void>({ type: 'reset' }),
    gc: () => call<void>({ type: 'gc' }),
    seed: (accounts, docs) => call<void>({ type: 'seed', accounts, docs }),
    tickets: (accountIds) => call<string[]>({ type: 'tickets', accountIds }),
    commit: (items) => call<void>({ type: 'commit', items }),
    communityMembers: (communityId, addedBy, accountIds) => call<void>({ type: 'community-members', communityId, addedBy, accountIds }),
    storage: (docId) => call<StorageReport>({ type: 'storage', docId }),
    profileStart: () => call<void>({ type: 'profile-start' }),
    profileStop: (path) => call<void>({ type: 'profile-stop', path }),
    async stop() {
      if (!exited) {
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        await call<void>({ type: 'exit' }, 15_000).catch(() => child.kill('SIGKILL'));
        // Bounded: a child that does not leave in 10 s is killed.
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await gone;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
