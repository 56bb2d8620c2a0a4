// The replay check of an open document answers a new entry from memory (the signatures the document stored, loaded
// once, kept current by each commit) and asks the table only about a possible replay. A replay is refused with
// entry.duplicate exactly as when every check was a query: from memory, after a compaction, when two sockets send
// the same entry in one batch, after the room closed and reopened, and after a restart. A closed room holds nothing.
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '../../lib/crypto';
import { ERRORS } from '../../lib/protocol/errors';
import { decodeFrame, encodeFrame, type Frame } from '../../lib/protocol/sync-frames';
import { OUTER_ENTRIES } from '../../lib/protocol/yjs-update-scan';
import { nodeEd25519Backend } from '../../sync-server/crypto/node-ed25519';
import { UNWATCHED } from '../../sync-server/db/access-changes';
import { createDocStore, type SqliteDocStore } from '../../sync-server/db/doc-store-repo';
import { openDatabase } from '../../sync-server/db/open';
import { createRepos } from '../../sync-server/db/repos';
import { documents } from '../../sync-server/db/schema-docs';
import type { SyncPeer } from '../../sync-server/sync/room';
import { SyncService } from '../../sync-server/sync/sync-service';
import { createEntryVerifier } from '../../sync-server/sync/verify-entry';
import { docAccess } from '../../sync-server/server';
import { startServer, tempDir, type TestServer } from './helpers/server';
import { storedSignatures } from './helpers/sync-db';
import { createConversation, entryId, makeSyncUser, newDocId, sealEntry, SyncClient, type Conversation, type SyncUser } from './helpers/sync-client';
import { trackClients } from './helpers/track-clients';

const randomSignature = (): Uint8Array => crypto.getRandomValues(new Uint8Array(64));

describe('the SQLite store', () => {
  /** A store on its own database, and every query it runs against the signature table. */
  function tracedStore() {
    const queries: string[] = [];
    const db = openDatabase(tempDir(), undefined, { trace: (sql) => void (/select .* from "entry_signatures"/i.test(sql) && queries.push(sql)) });
    const store = createDocStore(db, () => 0);
    const doc = () => {
      const id = newDocId();
      db.orm.insert(documents).values({ id, kind: 'group', createdBy: null, createdAt: 0, epoch: 0, updatedAt: 0 }).run();
      return id;
    };
    const commit = (docId: string, signatures: Uint8Array[]) => store.commit([{ docId, accountId: 'a', update: new Uint8Array([0]), signatures, newClients: [] }]);
    return { db, store, doc, commit, queries };
  }

  it('answers new signatures of a held document from memory: one query loads them, none after', () => {
    const { db, store, doc, commit, queries } = tracedStore();
    const docId = doc();
    const old = randomSignature();
    commit(docId, [old]);
    const release = store.holdSignatures(docId);
    for (let i = 0; i < 100; i++) expect(store.hasEntrySignature(docId, randomSignature())).toBe(false);
    expect(queries).toHaveLength(1);
    // A stored signature (loaded, or committed since) is confirmed by the table: a replay is never waved through.
    const fresh = randomSignature();
    commit(docId, [fresh]);
    expect(store.hasEntrySignature(docId, old)).toBe(true);
    expect(store.hasEntrySignature(docId, fresh)).toBe(true);
    expect(queries).toHaveLength(3);
    release();
    expect(store.heldSignatureDocuments()).toBe(0);
    // Held by nobody: every question is a query again.
    expect(store.hasEntrySignature(docId, randomSignature())).toBe(false);
    expect(queries).toHaveLength(4);
    db.close();
  });

  it('remembers nothing of a batch that rolled back', () => {
    const { db, store, doc, commit } = tracedStore();
    const docId = doc();
    const release = store.holdSignatures(docId);
    expect(store.hasEntrySignature(docId, randomSignature())).toBe(false);
    const lost = randomSignature();
    const twice = randomSignature();
    // The unique index refuses the second row; the whole batch rolls back.
    expect(() => commit(docId, [lost, twice, twice])).toThrow();
    expect(store.hasEntrySignature(docId, lost)).toBe(false);
    commit(docId, [lost]);
    expect(store.hasEntrySignature(docId, lost)).toBe(true);
    release();
    db.close();
  });

  it('shares one memory between two holds of a document, kept current for both, freed at the last release', () => {
    const { db, store, doc, commit } = tracedStore();
    const docId = doc();
    const first = store.holdSignatures(docId);
    expect(store.hasEntrySignature(docId, randomSignature())).toBe(false);
    const second = store.holdSignatures(docId);
    first();
    first();
    expect(store.heldSignatureDocuments()).toBe(1);
    const written = randomSignature();
    commit(docId, [written]);
    expect(store.hasEntrySignature(docId, written)).toBe(true);
    second();
    expect(store.heldSignatureDocuments()).toBe(0);
    db.close();
  });
});

describe('a live server', () => {
  let server: TestServer;
  let a: SyncUser;
  let b: SyncUser;
  const track = trackClients();

  beforeAll(async () => {
    server = await startServer();
    [a, b] = await Promise.all([makeSyncUser(server), makeSyncUser(server)]);
  });
  afterAll(async () => {
    await server.dispose();
  });

  const entry = (c: Conversation, author: SyncUser, text: string, kind: 'update' | 'snapshot' = 'update') =>
    sealEntry({ docId: c.id, epoch: 0, key: c.keys.get(0)!, author: author.identity, text, kind });

  /** `replayed` sent again, as a new item, by its own author (anyone else would be refused as a forger first). */
  async function expectDuplicate(on: TestServer, c: Conversation, replayed: Uint8Array, author: SyncUser = a): Promise<void> {
    const attacker = track(await SyncClient.synced(on, author, c.id));
    attacker.append(replayed);
    expect(await attacker.waitClosed()).toEqual({ code: ERRORS['entry.duplicate'].close, reason: 'entry.duplicate' });
    expect(attacker.denied).toEqual(['entry.duplicate']);
  }

  it('refuses a replay with entry.duplicate in an open room, after a compaction, and once the room closed and reopened', async () => {
    const c = await createConversation(server, a, [b], 'group');
    const writer = track(await SyncClient.synced(server, a, c.id));
    const old = [1, 2, 3].map((i) => entry(c, a, `old ${i}`));
    writer.append(...old);
    await writer.waitStoredAll();
    // The room stays open (the writer's socket): its memory answers.
    await expectDuplicate(server, c, old[0]!);

    const compactor = track(await SyncClient.synced(server, b, c.id));
    const snapshot = entry(c, b, 'old 1|old 2|old 3', 'snapshot');
    compactor.doc.transact(() => {
      compactor.entries.delete(0, compactor.entries.length);
      compactor.entries.push([snapshot]);
    });
    await compactor.waitStoredAll();
    await writer.waitFor('compaction relayed', () => writer.entries.length === 1);
    await expectDuplicate(server, c, old[1]!);
    await expectDuplicate(server, c, snapshot, b);

    // Every socket gone: the room is forgotten; the next one loads the memory again from the table.
    for (const client of [writer, compactor]) client.close();
    await Promise.all([writer, compactor].map((client) => client.waitClosed()));
    await expectDuplicate(server, c, old[2]!);
    const next = entry(c, a, 'still accepted');
    const later = track(await SyncClient.synced(server, a, c.id));
    later.append(next);
    await later.waitStoredAll();
    expect(storedSignatures(server, c.id)).toEqual(new Set([...old, snapshot, next].map(entryId)));
  });

  it('refuses a replay with entry.duplicate after a restart', async () => {
    const own = await startServer();
    try {
      const [x, y] = await Promise.all([makeSyncUser(own), makeSyncUser(own)]);
      const c = await createConversation(own, x, [y], 'group');
      const writer = track(await SyncClient.synced(own, x, c.id));
      const written = sealEntry({ docId: c.id, epoch: 0, key: c.keys.get(0)!, author: x.identity, text: 'before the restart' });
      writer.append(written);
      await writer.waitStoredAll();
      writer.terminate();
      const restarted = await own.restart();
      try {
        const attacker = track(await SyncClient.synced(restarted, x, c.id));
        attacker.append(written);
        expect(await attacker.waitClosed()).toEqual({ code: ERRORS['entry.duplicate'].close, reason: 'entry.duplicate' });
        expect(storedSignatures(restarted, c.id)).toEqual(new Set([entryId(written)]));
      } finally {
        await restarted.dispose();
      }
    } finally {
      await own.dispose();
    }
  });
});

describe('one commit batch', () => {
  // A second sync service on a test server's database that verifies on this thread: frames received in one turn are
  // claimed and committed in one batch (see sync-batching.test.ts).
  let server: TestServer;
  let store: SqliteDocStore;
  let sync: SyncService;

  beforeAll(async () => {
    server = await startServer();
    const repos = createRepos(server.db, UNWATCHED);
    store = createDocStore(server.db, () => server.clock.now());
    sync = new SyncService({
      store,
      access: docAccess(repos),
      verifyEntry: createEntryVerifier(createVerifier(nodeEd25519Backend())),
    });
  });
  afterAll(async () => {
    await server.dispose();
  });

  function peer(user: SyncUser) {
    const frames: Frame[] = [];
    let closed: { code: number; reason: string } | null = null;
    const p: SyncPeer = {
      accountId: user.id,
      stream: null,
      send(bytes) {
        const decoded = decodeFrame(bytes);
        if (decoded.ok) frames.push(decoded.frame);
      },
      close(code, reason) {
        closed = { code, reason };
      },
    };
    return { p, frames, closed: () => closed };
  }

  /** An update that adds `entries` as a new Yjs client (another device of the same writer). */
  function updateWith(entries: Uint8Array[]): Uint8Array {
    const doc = new Y.Doc();
    doc.getArray<Uint8Array>(OUTER_ENTRIES).push(entries);
    const update = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    return update;
  }

  /** Checks run on this thread and commit at the end of a turn: a few turns settle a frame; bounded, not timed. */
  async function settle(done: () => boolean): Promise<void> {
    for (let i = 0; i < 50 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  }

  it('refuses the second of two sockets sending the same entry in one batch with entry.duplicate; the first is stored', async () => {
    const [a, b] = await Promise.all([makeSyncUser(server), makeSyncUser(server)]);
    const c = await createConversation(server, a, [b], 'group');
    const [first, second, reader] = [peer(a), peer(a), peer(b)];
    for (const p of [first, second, reader]) expect(sync.join(c.id, p.p)).toEqual({ ok: true });
    const seed = sealEntry({ docId: c.id, epoch: 0, key: c.keys.get(0)!, author: a.identity, text: 'seed' });
    sync.receive(first.p, encodeFrame({ type: 'sync-update', update: updateWith([seed]) }));
    await settle(() => first.frames.some((f) => f.type === 'stored'));
    // The memory of this room is loaded now; the same new entry comes from two sockets in one turn.
    const same = sealEntry({ docId: c.id, epoch: 0, key: c.keys.get(0)!, author: a.identity, text: 'sent twice' });
    sync.receive(first.p, encodeFrame({ type: 'sync-update', update: updateWith([same]) }));
    sync.receive(second.p, encodeFrame({ type: 'sync-update', update: updateWith([same]) }));
    await settle(() => first.frames.filter((f) => f.type === 'stored').length >= 2 && second.closed() !== null);

    expect(second.closed()).toEqual({ code: ERRORS['entry.duplicate'].close, reason: 'entry.duplicate' });
    expect(second.frames.filter((f) => f.type === 'auth-denied')).toEqual([{ type: 'auth-denied', reason: 'entry.duplicate' }]);
    expect(first.closed()).toBeNull();
    expect(storedSignatures(server, c.id)).toEqual(new Set([seed, same].map(entryId)));
    expect(reader.frames.filter((f) => f.type === 'sync-update')).toHaveLength(2);
    // And it stays a replay for this room's memory after the commit.
    const third = peer(a);
    sync.join(c.id, third.p);
    sync.receive(third.p, encodeFrame({ type: 'sync-update', update: updateWith([same]) }));
    await settle(() => third.closed() !== null);
    expect(third.closed()).toEqual({ code: ERRORS['entry.duplicate'].close, reason: 'entry.duplicate' });
    expect(storedSignatures(server, c.id).has(entryId(same))).toBe(true);

    // Every socket left: the room is forgotten and holds nothing; a new room refuses the replay from a fresh load.
    for (const p of [first, reader]) sync.leave(p.p);
    expect(sync.rooms.has(c.id)).toBe(false);
    expect(store.heldSignatureDocuments()).toBe(0);
    const fourth = peer(a);
    sync.join(c.id, fourth.p);
    expect(store.heldSignatureDocuments()).toBe(1);
    sync.receive(fourth.p, encodeFrame({ type: 'sync-update', update: updateWith([seed]) }));
    await settle(() => fourth.closed() !== null);
    expect(fourth.closed()).toEqual({ code: ERRORS['entry.duplicate'].close, reason: 'entry.duplicate' });
    expect(store.heldSignatureDocuments()).toBe(0);
  });
});
