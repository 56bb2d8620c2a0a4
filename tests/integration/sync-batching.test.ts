// What one commit batch sends: one `stored` per writer socket (its latest state vector covers every update of the
// batch) and one `changed` per document per stream (the latest seq). The server verifies on libuv's thread pool, so
// which updates share a batch depends on timing there; here a second sync service, in this process, on the test
// server's database, verifies on this thread: frames received in one turn are then always committed in one batch.
// Everything else is real: the database, the documents and members made through the API, the signatures.
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '../../lib/crypto';
import type { StreamEvent } from '../../lib/protocol/api-docs';
import { decodeFrame, encodeFrame, type Frame } from '../../lib/protocol/sync-frames';
import { OUTER_ENTRIES } from '../../lib/protocol/yjs-update-scan';
import { nodeEd25519Backend } from '../../sync-server/crypto/node-ed25519';
import { createDocStore } from '../../sync-server/db/doc-store-repo';
import { createRepos } from '../../sync-server/db/repos';
import { UNWATCHED } from '../../sync-server/db/access-changes';
import { EventStreams, type StreamPeer } from '../../sync-server/sync/event-streams';
import type { SyncPeer } from '../../sync-server/sync/room';
import { SyncService } from '../../sync-server/sync/sync-service';
import { createEntryVerifier } from '../../sync-server/sync/verify-entry';
import { docAccess } from '../../sync-server/server';
import { startServer, type TestServer } from './helpers/server';
import { docSeq, storedSignatures } from './helpers/sync-db';
import { covers, createConversation, entryId, makeSyncUser, sealEntry, type Conversation, type SyncUser } from './helpers/sync-client';

let server: TestServer;
let sync: SyncService;
let events: EventStreams;

beforeAll(async () => {
  server = await startServer();
  const repos = createRepos(server.db, UNWATCHED);
  events = new EventStreams({ seqsFor: (accountId) => repos.documents.seqsFor(accountId) });
  sync = new SyncService({
    store: createDocStore(server.db, () => server.clock.now()),
    access: docAccess(repos),
    // On this thread: a frame's checks finish in the turn it arrives in.
    verifyEntry: createEntryVerifier(createVerifier(nodeEd25519Backend())),
    events,
  });
});
afterAll(async () => {
  await server.dispose();
});

/** A socket as the sync service sees it: records what it is sent, wakes waiters after each frame. */
function peer(user: SyncUser, stream: string | null = null) {
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  const p: SyncPeer = {
    accountId: user.id,
    stream,
    send(bytes) {
      const decoded = decodeFrame(bytes);
      if (!decoded.ok) throw new Error('the service sent a frame that does not decode');
      frames.push(decoded.frame);
      for (const w of [...waiters]) w();
    },
    close(code, reason) {
      throw new Error(`closed ${code} ${reason}`);
    },
  };
  const until = (label: string, check: () => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${label}`)), 10_000);
      const w = () => {
        if (!check()) return;
        clearTimeout(timer);
        waiters.delete(w);
        resolve();
      };
      waiters.add(w);
      w();
    });
  const stored = () => frames.flatMap((f) => (f.type === 'stored' ? [Y.decodeStateVector(f.stateVector)] : []));
  return { p, frames, stored, until };
}

function streamPeer(user: SyncUser, stream: string | null = null) {
  const events: StreamEvent[] = [];
  const p: StreamPeer = { accountId: user.id, stream, sendText: (text) => void events.push(JSON.parse(text) as StreamEvent) };
  return { p, events };
}

/** One writer's outer document: each entry appended alone is one update. */
function updatesOf(c: Conversation, author: SyncUser, count: number): { doc: Y.Doc; updates: Uint8Array[]; entries: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  const entries = Array.from({ length: count }, (_, i) => sealEntry({ docId: c.id, epoch: 0, key: c.keys.get(0)!, author: author.identity, text: `n${i}` }));
  for (const e of entries) doc.getArray<Uint8Array>(OUTER_ENTRIES).push([e]);
  return { doc, updates, entries };
}

const send = (to: SyncPeer, update: Uint8Array) => sync.receive(to, encodeFrame({ type: 'sync-update', update }));

describe('one commit batch', () => {
  it('acknowledges every update of one socket in it with one stored frame that covers them all', async () => {
    const [a, b] = [await makeSyncUser(server), await makeSyncUser(server)];
    const c = await createConversation(server, a, [b]);
    const writer = peer(a);
    const reader = peer(b);
    expect(sync.join(c.id, writer.p)).toEqual({ ok: true });
    expect(sync.join(c.id, reader.p)).toEqual({ ok: true });
    const { doc, updates, entries } = updatesOf(c, a, 3);

    // Each builds on the one before: the second and third are checked against what the first reserved, before it is on disk.
    for (const u of updates) send(writer.p, u);
    await writer.until('stored', () => writer.stored().length > 0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writer.stored()).toHaveLength(1);
    expect(covers(writer.stored()[0]!, new Map([[doc.clientID, 3]]))).toBe(true);
    expect(storedSignatures(server, c.id)).toEqual(new Set(entries.map(entryId)));
    expect(docSeq(server, c.id)).toBe(3);
    // Relayed one update at a time, in order.
    expect(reader.frames.filter((f) => f.type === 'sync-update')).toEqual(updates.map((update) => ({ type: 'sync-update', update })));
    sync.leave(writer.p);
    sync.leave(reader.p);
  });

  it('tells each stream one changed per document with the latest seq, and nothing to a stream whose engine has it open', async () => {
    const [a, b] = [await makeSyncUser(server), await makeSyncUser(server)];
    const c = await createConversation(server, a, [b]);
    const streamA = streamPeer(a);
    const streamB = streamPeer(b, 'bbbbbbbbbbbbbbbb');
    const otherDeviceB = streamPeer(b, 'cccccccccccccccc');
    for (const s of [streamA, streamB, otherDeviceB]) events.open(s.p);
    const writer = peer(a);
    const reader = peer(b, 'bbbbbbbbbbbbbbbb');
    sync.join(c.id, writer.p);
    sync.join(c.id, reader.p);
    const { updates } = updatesOf(c, a, 3);

    for (const u of updates) send(writer.p, u);
    await writer.until('stored', () => writer.stored().length > 0);
    // Events go out at the end of the turn after the commit.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const changed = { type: 'changed', id: c.id, seq: 3 };
    expect(streamA.events.slice(1)).toEqual([changed]);
    expect(otherDeviceB.events.slice(1)).toEqual([changed]);
    expect(streamB.events.slice(1)).toEqual([]);

    // The reader's engine closes its socket: its stream hears the latest seq then.
    sync.leave(reader.p);
    await new Promise((resolve) => setImmediate(resolve));
    expect(streamB.events.slice(1)).toEqual([changed]);
    sync.leave(writer.p);
    for (const s of [streamA, streamB, otherDeviceB]) events.close(s.p);
  });
});
