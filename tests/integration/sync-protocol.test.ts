// Document sync through the real server: live exchange between members, a late joiner's single sync step 2,
// the writer's `stored` acknowledgement, and everything kept across a restart.
import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bytesEqual } from '../../lib/crypto';
import { DEFAULT_LIMITS } from '../../sync-server/limits/limits';
import { OUTER_ENTRIES } from '../../lib/protocol/yjs-update-scan';
import { startServer, type TestServer } from './helpers/server';
import { docRows, docSeq, storedSignatures } from './helpers/sync-db';
import {
  covers,
  createConversation,
  entriesOfUpdate,
  entryId,
  epochKeysOf,
  makeSyncUser,
  openEntry,
  sealEntry,
  SyncClient,
  type SyncUser,
} from './helpers/sync-client';

let server: TestServer;
const clients: SyncClient[] = [];
const track = (client: SyncClient): SyncClient => {
  clients.push(client);
  return client;
};

beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  await server.dispose();
});

async function pair(): Promise<{ a: SyncUser; b: SyncUser; docId: string; key: Uint8Array }> {
  const a = await makeSyncUser(server);
  const b = await makeSyncUser(server);
  const conversation = await createConversation(server, a, [b]);
  return { a, b, docId: conversation.id, key: conversation.keys.get(0)! };
}

describe('live exchange', () => {
  it('relays an entry from A to B, who verifies and decrypts it with the key from its own key envelope', async () => {
    const { a, b, docId, key } = await pair();
    const sa = track(await SyncClient.synced(server, a, docId));
    const sb = track(await SyncClient.synced(server, b, docId));

    const entry = sealEntry({ docId, epoch: 0, key, author: a.identity, text: 'hello B', preview: 'hello' });
    sa.append(entry);
    await sb.waitForEntries([entryId(entry)]);

    expect(sb.relayed).toHaveLength(1);
    const bKeys = await epochKeysOf(server, b, docId);
    expect(bytesEqual(bKeys.get(0)!, key)).toBe(true);
    const opened = await openEntry(sb.entries.get(0), docId, bKeys);
    expect(opened).toMatchObject({ ok: true, text: 'hello B', preview: 'hello', kind: 'update' });
    if (opened.ok) expect(bytesEqual(opened.author, a.identity.signing.publicKey)).toBe(true);

    // And back: B answers, A receives and decrypts with its own envelope.
    const reply = sealEntry({ docId, epoch: 0, key: bKeys.get(0)!, author: b.identity, text: 'hello A' });
    sb.append(reply);
    await sa.waitForEntries([entryId(reply)]);
    const aKeys = await epochKeysOf(server, a, docId);
    expect(await openEntry(sa.entries.get(1), docId, aKeys)).toMatchObject({ ok: true, text: 'hello A' });
    // Both outer documents converge to the same state.
    expect(Y.encodeStateVector(sa.doc)).toEqual(Y.encodeStateVector(sb.doc));
    expect(sa.entryIds()).toEqual(sb.entryIds());
  });

  it('relays nothing back to the writer and nothing to a socket of another document', async () => {
    const { a, b, docId, key } = await pair();
    const c = await makeSyncUser(server);
    const other = await createConversation(server, a, [c]);
    const sa = track(await SyncClient.synced(server, a, docId));
    const sOther = track(await SyncClient.synced(server, c, other.id));
    const sb = track(await SyncClient.synced(server, b, docId));
    const first = sealEntry({ docId, epoch: 0, key, author: a.identity, text: 'one' });
    sa.append(first);
    await sb.waitForEntries([entryId(first)]);
    await sa.waitStoredAll();
    // A write in the other document reaches its member; by then the first document's update would have too.
    const marker = sealEntry({ docId: other.id, epoch: 0, key: other.keys.get(0)!, author: a.identity, text: 'other' });
    const sa2 = track(await SyncClient.synced(server, a, other.id));
    sa2.append(marker);
    await sOther.waitForEntries([entryId(marker)]);
    expect(sa.relayed).toHaveLength(0);
    expect(sOther.relayedEntryIds()).toEqual([entryId(marker)]);
  });
});

describe('late joiner', () => {
  it('gets every entry in one sync step 2', async () => {
    const { a, b, docId, key } = await pair();
    const sa = track(await SyncClient.synced(server, a, docId));
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const entry = sealEntry({ docId, epoch: 0, key, author: a.identity, text: `message ${i}` });
      ids.push(entryId(entry));
      sa.append(entry);
    }
    await sa.waitStoredAll();

    const sb = track(await SyncClient.synced(server, b, docId));
    expect(sb.step2).toHaveLength(1);
    expect(sb.relayed).toHaveLength(0);
    // The single step 2, applied on its own to an empty doc, holds the whole log in order.
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, sb.step2[0]!);
    expect(fresh.getArray<Uint8Array>(OUTER_ENTRIES).toArray().map(entryId)).toEqual(ids);
    expect(entriesOfUpdate(sb.step2[0]!).map(entryId)).toEqual(ids);
    const keys = await epochKeysOf(server, b, docId);
    const texts = await Promise.all(sb.entries.toArray().map(async (e) => openEntry(e, docId, keys)));
    expect(texts.map((t) => (t.ok ? t.text : t.code))).toEqual(ids.map((_, i) => `message ${i}`));
  });

  it('answers a client that already holds part of the log with only what it lacks', async () => {
    const { a, b, docId, key } = await pair();
    const sa = track(await SyncClient.synced(server, a, docId));
    const early = [0, 1, 2].map((i) => sealEntry({ docId, epoch: 0, key, author: a.identity, text: `early ${i}` }));
    sa.append(...early);
    await sa.waitStoredAll();
    const sb = track(await SyncClient.synced(server, b, docId));
    await sb.waitForEntries(early.map(entryId));
    const saved = Y.encodeStateAsUpdate(sb.doc);
    sb.close();
    await sb.waitClosed();

    const late = [0, 1].map((i) => sealEntry({ docId, epoch: 0, key, author: a.identity, text: `late ${i}` }));
    sa.append(...late);
    await sa.waitStoredAll();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, saved);
    const again = track(await SyncClient.synced(server, b, docId, { doc }));
    expect(again.step2).toHaveLength(1);
    expect(entriesOfUpdate(again.step2[0]!).map(entryId)).toEqual(late.map(entryId));
    expect(again.entryIds()).toEqual([...early, ...late].map(entryId));
  });
});

describe('stored acknowledgement', () => {
  it('sends the writer a stored frame whose state vector covers its entry, after it is on disk', async () => {
    const { a, b, docId, key } = await pair();
    const sa = track(await SyncClient.synced(server, a, docId));
    const sb = track(await SyncClient.synced(server, b, docId));
    const before = sa.stored.length;
    const entry = sealEntry({ docId, epoch: 0, key, author: a.identity, text: 'ack me' });
    sa.append(entry);
    const wanted = new Map([[sa.doc.clientID, 1]]);
    await sa.waitFor('stored covering the entry', () => sa.stored.slice(before).some((sv) => covers(sv, wanted)));
    // The acknowledgement is for a commit: the signature is in the database and the sequence moved.
    expect(storedSignatures(server, docId).has(entryId(entry))).toBe(true);
    expect(docSeq(server, docId)).toBe(1);
    await sb.waitForEntries([entryId(entry)]);
    // The reader wrote nothing, so it was never told anything new was stored for it.
    expect(sb.stored.every((sv) => !sv.has(sa.doc.clientID))).toBe(true);
  });

  it('answers an update the server already holds with a stored frame and no relay', async () => {
    const { a, b, docId, key } = await pair();
    const sa = track(await SyncClient.synced(server, a, docId));
    const sb = track(await SyncClient.synced(server, b, docId));
    const entry = sealEntry({ docId, epoch: 0, key, author: a.identity, text: 'once' });
    sa.append(entry);
    await sa.waitStoredAll();
    await sb.waitForEntries([entryId(entry)]);
    const seq = docSeq(server, docId);
    const acks = sa.stored.length;
    sa.send({ type: 'sync-update', update: sa.sent[0]! });
    await sa.waitFor('another stored frame', () => sa.stored.length > acks);
    expect(covers(sa.lastStored(), new Map([[sa.doc.clientID, 1]]))).toBe(true);
    expect(docSeq(server, docId)).toBe(seq);
    expect(sb.relayed).toHaveLength(1);
  });
});

describe('several updates from one socket', () => {
  // That one batch acknowledges all of a socket's updates in it with one stored frame: sync-batching.test.ts.
  it('stores, relays and acknowledges updates sent back to back in order, each checked against the ones before', async () => {
    const { a, b, docId, key } = await pair();
    const sa = track(await SyncClient.synced(server, a, docId, { autoSend: false }));
    const sb = track(await SyncClient.synced(server, b, docId));
    const updates: Uint8Array[] = [];
    const capture = (update: Uint8Array) => updates.push(update);
    sa.doc.on('update', capture);
    const entries = [1, 2, 3].map((n) => sealEntry({ docId, epoch: 0, key, author: a.identity, text: `burst ${n}` }));
    for (const entry of entries) sa.append(entry);
    sa.doc.off('update', capture);
    expect(updates).toHaveLength(3);
    const acks = sa.stored.length;

    // Each update builds on the one before: the second and third may be checked before the first is on disk.
    sa.sendTogether(updates.map((update) => ({ type: 'sync-update' as const, update })));
    await sa.waitStoredAll();
    await sb.waitForEntries(entries.map(entryId));
    // At most one acknowledgement per update; the last covers all three.
    expect(sa.stored.length - acks).toBeLessThanOrEqual(3);
    expect(covers(sa.lastStored(), new Map([[sa.doc.clientID, 3]]))).toBe(true);
    expect(storedSignatures(server, docId)).toEqual(new Set(entries.map(entryId)));
    expect(docSeq(server, docId)).toBe(3);
    // Relayed one update at a time, in order.
    expect(sb.relayed.flatMap((u) => entriesOfUpdate(u).map(entryId))).toEqual(entries.map(entryId));
  });
});

describe('restart', () => {
  it('keeps every entry, signature and client binding across a restart of the server', async () => {
    const { a, b, docId, key } = await pair();
    const sa = track(await SyncClient.synced(server, a, docId));
    const sb = track(await SyncClient.synced(server, b, docId));
    const entries = Array.from({ length: 12 }, (_, i) => sealEntry({ docId, epoch: 0, key, author: i % 2 ? b.identity : a.identity, text: `m${i}` }));
    for (const [i, entry] of entries.entries()) (i % 2 ? sb : sa).append(entry);
    await sa.waitStoredAll();
    await sb.waitStoredAll();
    await sa.waitForEntries(entries.map(entryId));
    const closedA = sa.waitClosed();
    const closedB = sb.waitClosed();

    server = await server.restart();
    expect(await closedA).toEqual({ code: 1012, reason: 'server.shutting_down' });
    expect(await closedB).toEqual({ code: 1012, reason: 'server.shutting_down' });

    const fresh = track(await SyncClient.synced(server, b, docId));
    expect(fresh.step2).toHaveLength(1);
    expect(new Set(fresh.entryIds())).toEqual(new Set(entries.map(entryId)));
    expect(fresh.entries.length).toBe(entries.length);
    const keys = await epochKeysOf(server, b, docId);
    const texts = await Promise.all(fresh.entries.toArray().map((e) => openEntry(e, docId, keys)));
    expect(texts.every((t) => t.ok)).toBe(true);

    // A reconnects with its own doc: nothing to send, nothing new to receive, and it is told all is stored.
    const resumed = track(await SyncClient.synced(server, a, docId, { doc: sa.doc }));
    await resumed.waitStoredAll();
    expect(entriesOfUpdate(resumed.step2[0]!)).toHaveLength(0);

    // What the first server accepted still binds the second: a replay is a duplicate.
    const replay = track(await SyncClient.synced(server, a, docId));
    replay.append(entries[0]!);
    expect(await replay.waitClosed()).toEqual({ code: 4409, reason: 'entry.duplicate' });
    expect(replay.denied).toEqual(['entry.duplicate']);
  });
});

describe('stored rows', () => {
  it('merges a document’s stored rows once they pile up, also when readers join in between, and keeps every entry', async () => {
    const { a, b, docId, key } = await pair();
    const ids: string[] = [];
    // Someone stays on the document throughout, so the room is never rebuilt from the database.
    const observer = track(await SyncClient.synced(server, b, docId));
    for (let round = 0; round < 3; round++) {
      // A fresh writer socket per round and a clock step keep each socket inside its frame budget.
      server.clock.advance(DEFAULT_LIMITS.framesPerSocket.windowMs);
      const writer = track(await SyncClient.synced(server, a, docId));
      for (let i = 0; i < 100; i++) {
        const entry = sealEntry({ docId, epoch: 0, key, author: a.identity, text: `r${round} m${i}` });
        ids.push(entryId(entry));
        writer.append(entry);
      }
      await writer.waitStoredAll();
      writer.close();
      // A reader joins (sync step 1) between the rounds.
      const reader = track(await SyncClient.synced(server, b, docId));
      expect(reader.entryIds()).toEqual(ids);
      reader.close();
    }
    await observer.waitForEntries(ids);
    expect(storedSignatures(server, docId).size).toBe(300);
    // 300 commits, yet the document is not kept as 300 rows.
    expect(docRows(server, docId)).toBeLessThan(256);

    server = await server.restart();
    const fresh = track(await SyncClient.synced(server, b, docId));
    expect(fresh.entryIds()).toEqual(ids);
  });
});
