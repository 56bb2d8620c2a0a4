// The server under test, in its own process so its CPU, memory and event-loop delay are its own. Started by
// server-process.ts with `node --import tsx`; talks to the benchmark over IPC (seeding, tickets, stats).
// Mode `ours`: the real createSyncServer on its real SQLite file (synchronous FULL, or OFF for reference b).
// Mode `stock`: the minimal stock y-websocket relay (reference c), see stock-relay.ts.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { systemClock } from '../../sync-server/clock';
import { Config } from '../../sync-server/config';
import { UNWATCHED } from '../../sync-server/db/access-changes';
import { createDocStore } from '../../sync-server/db/doc-store-repo';
import { openDatabase, type Database } from '../../sync-server/db/open';
import { createRepos } from '../../sync-server/db/repos';
import { DEFAULT_LIMITS, type Limits } from '../../sync-server/limits/limits';
import { createLogger } from '../../sync-server/log';
import { createSyncServer } from '../../sync-server/server';
import { issueToken, sha256 } from '../../sync-server/auth/tokens';
import { fromBase64url } from '../../lib/protocol/base64url';
import { startStockRelay } from './stock-relay';
import type { ChildCommand, ChildStats, SeedAccount, SeedDoc, StorageReport } from './server-protocol';

const mode = process.env.BENCH_MODE === 'stock' ? 'stock' : 'ours';
const dataDir = process.env.BENCH_DATA_DIR ?? join(process.cwd(), 'data-bench');
const synchronous = process.env.BENCH_SYNC === 'OFF' ? 'OFF' : 'FULL';
const staticDir = process.env.BENCH_STATIC_DIR ?? join(dataDir, 'no-export');
const limits: Partial<Limits> = process.env.BENCH_LIMITS ? JSON.parse(process.env.BENCH_LIMITS) : {};

const eld = monitorEventLoopDelay({ resolution: 1 });
eld.enable();
let cpuMark = process.cpuUsage();
let wallMark = performance.now();

function stats(): ChildStats {
  const cpu = process.cpuUsage(cpuMark);
  const mem = process.memoryUsage();
  return {
    cpuUs: cpu.user + cpu.system,
    wallMs: performance.now() - wallMark,
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    external: mem.external,
    arrayBuffers: mem.arrayBuffers,
    eldP50Ms: eld.percentile(50) / 1e6,
    eldP99Ms: eld.percentile(99) / 1e6,
    eldMaxMs: eld.max / 1e6,
  };
}

function reset(): void {
  cpuMark = process.cpuUsage();
  wallMark = performance.now();
  eld.reset();
}

async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 4; i++) {
    gc?.();
    // Let finalizers and freed sockets' callbacks run between passes.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

// A CPU profile of just the measured window (not start-up), written as a .cpuprofile for profile-summary.ts.
const inspector = new Session();
inspector.connect();
const post = (method: string, params?: object): Promise<any> =>
  new Promise((resolve, reject) => inspector.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));

async function profile(cmd: ChildCommand): Promise<boolean> {
  if (cmd.type === 'profile-start') {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
    await post('Profiler.start');
    return true;
  }
  if (cmd.type === 'profile-stop') {
    const { profile: result } = await post('Profiler.stop');
    writeFileSync(cmd.path, JSON.stringify(result));
    return true;
  }
  return false;
}

async function main(): Promise<void> {
  // The benchmark went away (finished, crashed or was killed): so does its server.
  process.on('disconnect', () => process.exit(0));
  mkdirSync(dataDir, { recursive: true });
  if (mode === 'stock') {
    const relay = await startStockRelay();
    process.send!({ type: 'ready', port: relay.port });
    process.on('message', async (cmd: ChildCommand) => {
      if (cmd.type === 'stats') return reply(cmd.id, stats());
      if (cmd.type === 'reset') return reply(cmd.id, reset());
      if (cmd.type === 'gc') return reply(cmd.id, await collectGarbage());
      if (await profile(cmd)) return reply(cmd.id, null);
      if (cmd.type === 'exit') {
        await relay.close();
        reply(cmd.id, null);
        process.exit(0);
      }
      return reply(cmd.id, null, `unsupported in stock mode: ${cmd.type}`);
    });
    return;
  }

  const db = openDatabase(dataDir, undefined, { synchronous });
  const config = Config.parse({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, STATIC_DIR: staticDir, LOG_LEVEL: 'info' });
  // Info level as in production, written nowhere: the serialisation is paid, the terminal is not flooded.
  // BENCH_LOG=1 shows them (on stderr) when a run needs explaining.
  const log = createLogger({ level: 'info', sink: process.env.BENCH_LOG ? (line) => process.stderr.write(`[server] ${line}\n`) : () => {} });
  const server = createSyncServer({ db, config, clock: systemClock, log, limits, version: 'bench' });
  const port = await server.listen();
  // Seeding writes rows before any socket opens their rooms: nothing is cached from them yet.
  const repos = createRepos(db, UNWATCHED);
  const store = createDocStore(db, () => Date.now());
  const sessionOf = new Map<string, string>();
  process.send!({ type: 'ready', port });

  process.on('message', async (cmd: ChildCommand) => {
    try {
      if (await profile(cmd)) return reply(cmd.id, null);
      switch (cmd.type) {
        case 'stats':
          return reply(cmd.id, stats());
        case 'reset':
          return reply(cmd.id, reset());
        case 'gc':
          return reply(cmd.id, await collectGarbage());
        case 'seed':
          return reply(cmd.id, seed(db, repos, sessionOf, cmd.accounts, cmd.docs));
        case 'tickets': {
          const now = Date.now();
          const texts: string[] = [];
          db.transaction(() => {
            for (const accountId of cmd.accountIds) {
              const sessionId = sessionOf.get(accountId);
              if (!sessionId) throw new Error('ticket for an account that was not seeded');
              const ticket = issueToken((n) => new Uint8Array(randomBytes(n)));
              repos.tickets.insert({ hash: ticket.hash, accountId, sessionId, expiresAt: now + 10 * 60_000 });
              texts.push(ticket.text);
            }
          });
          return reply(cmd.id, texts);
        }
        case 'commit': {
          // Pre-existing history: the same rows the sync service writes for accepted updates.
          for (let i = 0; i < cmd.items.length; i += 500) store.commit(cmd.items.slice(i, i + 500));
          return reply(cmd.id, null);
        }
        case 'community-members': {
          const now = Date.now();
          db.transaction(() => {
            repos.documents.addMembers(cmd.communityId, cmd.accountIds, cmd.addedBy, 0, now);
            for (const accountId of cmd.accountIds) repos.communities.setRole(cmd.communityId, accountId, 'member', now);
          });
          return reply(cmd.id, null);
        }
        case 'storage':
          return reply(cmd.id, storage(db, cmd.docId));
        case 'exit':
          await server.close();
          db.close();
          reply(cmd.id, null);
          process.exit(0);
      }
    } catch (error) {
      reply(cmd.id, null, String((error as Error).stack ?? error));
    }
  });
}

function reply(id: number, value: unknown, error?: string): void {
  process.send!({ type: 'reply', id, value, error });
}

function seed(db: Database, repos: ReturnType<typeof createRepos>, sessionOf: Map<string, string>, accounts: SeedAccount[], docs: SeedDoc[]): null {
  const now = Date.now();
  const rand = (n: number) => randomBytes(n);
  db.transaction(() => {
    for (const a of accounts) {
      repos.accounts.insert({
        id: a.id,
        handle: a.handle,
        displayName: a.handle,
        signingPublicKey: Buffer.from(fromBase64url(a.signingPublicKey)!),
        boxPublicKey: Buffer.from(fromBase64url(a.boxPublicKey)!),
        kdfSalt: rand(16),
        kdfIterations: 600_000,
        authHash: rand(32),
        authSalt: rand(16),
        recoveryHash: rand(32),
        recoverySalt: rand(16),
        passphraseBackup: rand(136),
        recoveryBackup: rand(136),
        createdAt: now,
      });
      const sessionId = `bench-${a.id}`;
      repos.sessions.insert({
        id: sessionId,
        accountId: a.id,
        tokenHash: Buffer.from(sha256(rand(32))),
        deviceName: 'bench',
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now + 24 * 3600_000,
      });
      sessionOf.set(a.id, sessionId);
    }
    for (const d of docs) {
      if (!repos.documents.create({ id: d.id, kind: 'group', createdBy: d.members[0]!, now }, d.members, [])) throw new Error('doc exists');
    }
  });
  return null;
}

function storage(db: Database, docId: string): StorageReport {
  // drizzle keeps the better-sqlite3 handle as $client; dbstat and the sums need raw SQL.
  const sqlite = (db.orm as unknown as { $client: import('better-sqlite3').Database }).$client;
  const one = (sql: string, ...args: unknown[]) => sqlite.prepare(sql).get(...args) as Record<string, number>;
  const updates = one('SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH("update")), 0) AS bytes FROM doc_updates WHERE doc_id = ?', docId);
  const sigs = one('SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(signature) + LENGTH(doc_id)), 0) AS bytes FROM entry_signatures WHERE doc_id = ?', docId);
  const clients = one('SELECT COUNT(*) AS n FROM doc_clients WHERE doc_id = ?', docId);
  let pages: Record<string, number> = {};
  try {
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const rows = sqlite
      .prepare(
        "SELECT name, SUM(pgsize) AS bytes FROM dbstat WHERE name IN ('doc_updates', 'entry_signatures', 'sqlite_autoindex_doc_updates_1', 'sqlite_autoindex_entry_signatures_1', 'doc_clients', 'sqlite_autoindex_doc_clients_1') GROUP BY name",
      )
      .all() as Array<{ name: string; bytes: number }>;
    pages = Object.fromEntries(rows.map((r) => [r.name, r.bytes]));
  } catch {
    // dbstat is a compile-time option; without it only the logical sizes are reported.
  }
  return { updateRows: updates.n!, updateBytes: updates.bytes!, signatureRows: sigs.n!, signatureBytes: sigs.bytes!, clientRows: clients.n!, pages };
}

main().catch((error: unknown) => {
  process.stderr.write(`bench server failed: ${String((error as Error).stack ?? error)}\n`);
  process.exit(1);
});
