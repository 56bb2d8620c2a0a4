// kill -9 in the middle of a stream of sends: the real entry point runs as a child process, two writer
// sockets stream entries as fast as the server acknowledges them, a reader records everything relayed to it,
// and the server is killed with SIGKILL once the reader has seen about a hundred. After a restart on the same
// DATA_DIR every entry anyone saw relayed (or was told was stored) is there, and the writers' outboxes
// deliver the rest exactly once.
import { rmSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, tempDir } from './helpers/server';
import { docTablesFingerprint } from './helpers/sync-db';
import { startChildServer, type ChildServer } from './helpers/sync-child';
import { createConversation, entryId, makeSyncUser, sealEntry, SyncClient } from './helpers/sync-client';

const TOTAL = 300;
/** Entries a writer may have sent but not yet seen stored. */
const WINDOW = 16;
const KILL_AFTER_RELAYED = 100;

const children: ChildServer[] = [];
const clients: SyncClient[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  for (const child of children.splice(0)) await child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function startChild(dataDir: string): Promise<ChildServer> {
  const child = await startChildServer(dataDir);
  children.push(child);
  return child;
}

describe('durability', () => {
  it('loses nothing it relayed or acknowledged when killed with SIGKILL mid-stream', async () => {
    const dataDir = tempDir('hn-kill-');
    dirs.push(dataDir);
    const first = await startChild(dataDir);
    const a = await makeSyncUser(first);
    const b = await makeSyncUser(first);
    const conversation = await createConversation(first, a, [b]);
    const docId = conversation.id;
    const key = conversation.keys.get(0)!;
    // Sealing costs ~10 ms an entry (tweetnacl): seal what the stream reaches before the kill up front, so
    // the writers outrun the server, and the rest only if the stream gets there.
    const entries: Uint8Array[] = [];
    const entryAt = (i: number): Uint8Array => (entries[i] ??= sealEntry({ docId, epoch: 0, key, author: a.identity, text: `entry ${i}` }));
    for (let i = 0; i < KILL_AFTER_RELAYED + 3 * WINDOW; i++) entryAt(i);

    const reader = await SyncClient.synced(first, b, docId);
    // Two writer sockets: each stays within the per-socket frame burst, together they outrun it.
    const writers = [await SyncClient.synced(first, a, docId), await SyncClient.synced(first, a, docId)];
    clients.push(reader, ...writers);
    const sentBy: string[][] = writers.map(() => []);
    let next = 0;
    let killedAt: number | null = null;

    const acked = (k: number): number => writers[k]!.lastStored().get(writers[k]!.doc.clientID) ?? 0;
    const pump = (): void => {
      for (const [k, w] of writers.entries()) {
        while (killedAt === null && next < TOTAL && w.isOpen && sentBy[k]!.length - acked(k) < WINDOW) {
          const entry = entryAt(next++);
          sentBy[k]!.push(entryId(entry));
          w.append(entry);
        }
      }
    };
    for (const w of writers) w.onFrame((frame) => frame.type === 'stored' && pump());
    reader.onFrame((frame) => {
      if (frame.type === 'sync-update' && killedAt === null && reader.relayed.length >= KILL_AFTER_RELAYED) {
        killedAt = next;
        void first.kill('SIGKILL');
      }
    });
    pump();

    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    for (const c of [reader, ...writers]) await c.waitClosed();
    // The kill landed mid-stream: the writers were still sending.
    expect(killedAt).not.toBeNull();
    expect(killedAt!).toBeLessThan(TOTAL);

    const seen = new Set(reader.relayedEntryIds());
    const acknowledged = writers.flatMap((_, k) => sentBy[k]!.slice(0, acked(k)));
    expect(seen.size).toBeGreaterThanOrEqual(KILL_AFTER_RELAYED);

    const second = await startChild(dataDir);
    const fresh = await SyncClient.synced(second, b, docId);
    clients.push(fresh);
    const stored = new Set(fresh.entryIds());
    const lostRelayed = [...seen].filter((id) => !stored.has(id));
    const lostAcknowledged = acknowledged.filter((id) => !stored.has(id));
    expect({ lostRelayed, lostAcknowledged }).toEqual({ lostRelayed: [], lostAcknowledged: [] });
    expect(fresh.entries.length).toBe(stored.size);

    // The writers' outer docs are their outboxes: reconnecting delivers what the kill cut off, once each.
    const resumed = await Promise.all(writers.map((w) => SyncClient.synced(second, a, docId, { doc: w.doc })));
    clients.push(...resumed);
    const everything = sentBy.flat();
    await fresh.waitForEntries(everything, 20_000);
    expect(fresh.entries.length).toBe(everything.length);
    expect(new Set(fresh.entryIds()).size).toBe(everything.length);
    for (const w of resumed) await w.waitStoredAll();
    expect(second.logs.filter((line) => line.includes('"level":"error"'))).toEqual([]);
  });
});

describe('a commit that fails', () => {
  it('stores nothing, relays nothing, and the entry is stored once the database recovers and the writer resyncs', async () => {
    const server = await startServer();
    try {
      const a = await makeSyncUser(server);
      const b = await makeSyncUser(server);
      const conversation = await createConversation(server, a, [b]);
      const docId = conversation.id;
      const key = conversation.keys.get(0)!;
      const writer = await SyncClient.synced(server, a, docId);
      const reader = await SyncClient.synced(server, b, docId);
      clients.push(writer, reader);
      const first = sealEntry({ docId, epoch: 0, key, author: a.identity, text: 'before the failure' });
      writer.append(first);
      await reader.waitForEntries([entryId(first)]);

      // The disk "fails" for document updates: a trigger on the server's own connection aborts the insert.
      const { orm } = server.db;
      orm.run(sql.raw(`CREATE TEMP TRIGGER fail_doc_updates BEFORE INSERT ON doc_updates BEGIN SELECT RAISE(ABORT, 'injected failure'); END`));
      const before = docTablesFingerprint(server);
      const lost = sealEntry({ docId, epoch: 0, key, author: a.identity, text: 'during the failure' });
      writer.append(lost);
      expect(await writer.waitClosed()).toEqual({ code: 1011, reason: 'internal' });
      // The room's other sockets resync too (1011 is retryable): the room is rebuilt from what is stored.
      expect(await reader.waitClosed()).toEqual({ code: 1011, reason: 'internal' });
      expect(docTablesFingerprint(server)).toBe(before);
      expect(reader.relayedEntryIds()).not.toContain(entryId(lost));
      orm.run(sql.raw('DROP TRIGGER fail_doc_updates'));

      // The writer's doc is its outbox: reconnecting sends the entry again, and this time it is stored and relayed.
      const again = await SyncClient.synced(server, a, docId, { doc: writer.doc });
      clients.push(again);
      await again.waitStoredAll();
      const fresh = await SyncClient.synced(server, b, docId);
      clients.push(fresh);
      expect(fresh.entryIds()).toEqual([entryId(first), entryId(lost)]);
      // And the client goes on writing after it.
      const next = sealEntry({ docId, epoch: 0, key, author: a.identity, text: 'after the failure' });
      again.append(next);
      await fresh.waitForEntries([entryId(next)]);
      expect(fresh.entryIds()).toEqual([entryId(first), entryId(lost), entryId(next)]);
    } finally {
      for (const c of clients.splice(0)) c.terminate();
      await server.dispose();
    }
  });
});
