import { eq } from 'drizzle-orm';
import { docUpdates } from '../../sync-server/db/schema-docs';
// Every refusal of the document sync server: the offending socket gets its code (a y-protocols auth
// "permission denied" frame naming it, then the close code from the registry and the same reason), the
// database's document tables do not change, and another socket in the same room keeps working.
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS, type ErrorCode } from '../../lib/protocol/errors';
import { encodeAwarenessUpdate, encodeFrame, MAX_AWARENESS_ENTRIES } from '../../lib/protocol/sync-frames';
import { OUTER_ENTRIES, OUTER_UPDATE_LIMITS } from '../../lib/protocol/yjs-update-scan';
import { DEFAULT_LIMITS } from '../../sync-server/limits/limits';
import { call, codeOf } from './helpers/api';
import { startServer, type TestServer } from './helpers/server';
import { docTablesFingerprint, storedSignatures } from './helpers/sync-db';
import {
  createConversation,
  entryId,
  epochKeysOf,
  makeSyncUser,
  newDocId,
  openEntry,
  removeMember,
  sealEntry,
  SyncClient,
  type SyncUser,
} from './helpers/sync-client';
import { trackClients } from './helpers/track-clients';

let server: TestServer;
let a: SyncUser;
let b: SyncUser;
let outsider: SyncUser;
const track = trackClients();

beforeAll(async () => {
  server = await startServer();
  [a, b, outsider] = await Promise.all([makeSyncUser(server), makeSyncUser(server), makeSyncUser(server)]);
});
afterAll(async () => {
  await server.dispose();
});

interface Room {
  docId: string;
  key: Uint8Array;
  /** A's socket: writes the liveness checks. */
  writer: SyncClient;
  /** B's socket: must keep receiving through every refusal. */
  observer: SyncClient;
  seed: Uint8Array;
  entry(author: SyncUser, text: string, overrides?: { epoch?: number; docId?: string; kind?: 'update' | 'snapshot' }): Uint8Array;
}

/** A fresh group of A and B (plus `extra`) with one stored entry, a writer socket and an observer socket. */
async function room(extra: SyncUser[] = []): Promise<Room> {
  const conversation = await createConversation(server, a, [b, ...extra], 'group');
  const docId = conversation.id;
  const key = conversation.keys.get(0)!;
  const entry: Room['entry'] = (author, text, overrides = {}) =>
    sealEntry({ docId: overrides.docId ?? docId, epoch: overrides.epoch ?? 0, key, author: author.identity, text, kind: overrides.kind ?? 'update' });
  const writer = track(await SyncClient.synced(server, a, docId));
  const observer = track(await SyncClient.synced(server, b, docId));
  const seed = entry(a, 'seed');
  writer.append(seed);
  await writer.waitStoredAll();
  await observer.waitForEntries([entryId(seed)]);
  return { docId, key, writer, observer, seed, entry };
}

/** The socket was refused with `code`: one auth-denied frame naming it, then the registry's close code and reason. */
async function expectRefused(client: SyncClient, code: ErrorCode): Promise<void> {
  const closed = await client.waitClosed();
  expect({ closed, denied: client.denied }).toEqual({ closed: { code: ERRORS[code].close, reason: code }, denied: [code] });
}

/** The room still works for everyone else: a new entry from the writer is stored and reaches the observer. */
async function stillWorks(r: Room): Promise<void> {
  expect(r.observer.isOpen && r.writer.isOpen).toBe(true);
  const next = r.entry(a, `still alive ${r.writer.entries.length}`);
  r.writer.append(next);
  await r.writer.waitStoredAll();
  await r.observer.waitForEntries([entryId(next)]);
  expect(r.observer.closed).toBeNull();
}

/** Opens an attacker socket, runs `attack`, and checks the refusal, the unchanged database and the live room. */
async function refusedInRoom(r: Room, who: SyncUser, code: ErrorCode, attack: (s: SyncClient) => void): Promise<SyncClient> {
  const attacker = track(await SyncClient.synced(server, who, r.docId));
  const before = docTablesFingerprint(server);
  attack(attacker);
  await expectRefused(attacker, code);
  expect(docTablesFingerprint(server)).toBe(before);
  await stillWorks(r);
  return attacker;
}

/** An outer update made on a scratch doc, never applied to the attacker's own doc. */
function scratchUpdate(build: (doc: Y.Doc) => void, clientID?: number): Uint8Array {
  const doc = new Y.Doc();
  if (clientID !== undefined) doc.clientID = clientID;
  build(doc);
  return Y.encodeStateAsUpdate(doc);
}

describe('who may connect', () => {
  it('refuses a non-member with 4403 doc.not_member, exactly as for a document that does not exist', async () => {
    const r = await room();
    const before = docTablesFingerprint(server);
    for (const docId of [r.docId, newDocId(), 'not-a-doc-id']) {
      const attempt = track(await SyncClient.open(server, outsider, docId));
      await expectRefused(attempt, 'doc.not_member');
      // It was told nothing about the document: no sync step, no awareness.
      expect(attempt.frames.map((f) => f.type)).toEqual(['auth-denied']);
    }
    expect(docTablesFingerprint(server)).toBe(before);
    await stillWorks(r);
  });

  it('closes a removed member’s open socket with 4403 and refuses its reconnect; it reads nothing written after', async () => {
    const d = await makeSyncUser(server);
    const r = await room([d]);
    const removed = track(await SyncClient.synced(server, d, r.docId));
    await removed.waitForEntries([entryId(r.seed)]);

    const newKey = await removeMember(server, a, r.docId, d, [a, b], 1);
    const closed = await removed.waitClosed();
    expect(closed).toEqual({ code: 4403, reason: 'doc.not_member' });
    expect(removed.denied).toEqual(['doc.not_member']);

    const before = docTablesFingerprint(server);
    const again = track(await SyncClient.open(server, d, r.docId));
    await expectRefused(again, 'doc.not_member');
    expect(docTablesFingerprint(server)).toBe(before);
    // Its keys and the conversation itself are gone for it.
    const view = await call(server, 'GET', `/api/conversations/${r.docId}`, { token: d.token });
    expect({ status: view.status, code: codeOf(view) }).toEqual({ status: 404, code: 'doc.not_found' });

    // The others go on in the new epoch; B opens it with its own new key envelope.
    const after = sealEntry({ docId: r.docId, epoch: 1, key: newKey, author: a.identity, text: 'after removal' });
    r.writer.append(after);
    await r.observer.waitForEntries([entryId(after)]);
    const bKeys = await epochKeysOf(server, b, r.docId);
    expect(await openEntry(after, r.docId, bKeys)).toMatchObject({ ok: true, text: 'after removal' });
    expect(removed.entryIds()).not.toContain(entryId(after));
    expect(removed.relayed).toHaveLength(0);
  });

  it('closes the sockets of a member who leaves with 4403 doc.not_member and refuses it afterwards', async () => {
    const d = await makeSyncUser(server);
    const r = await room([d]);
    const leaving = track(await SyncClient.synced(server, d, r.docId));
    const response = await call(server, 'POST', `/api/conversations/${r.docId}/leave`, { token: d.token });
    expect(response.status).toBe(200);
    await expectRefused(leaving, 'doc.not_member');
    await expectRefused(track(await SyncClient.open(server, d, r.docId)), 'doc.not_member');
    await stillWorks(r);
  });
});

describe('entries', () => {
  it('refuses an entry whose author is another member (validly signed by them) with entry.forged_author', async () => {
    const r = await room();
    await refusedInRoom(r, b, 'entry.forged_author', (s) => s.append(r.entry(a, 'I am A, says B')));
  });

  it('refuses an entry authored and signed by a non-member with entry.forged_author', async () => {
    const r = await room();
    await refusedInRoom(r, a, 'entry.forged_author', (s) => s.append(r.entry(outsider, 'smuggled')));
  });

  it('refuses an entry with a flipped byte in its ciphertext or its signature with envelope.bad_signature', async () => {
    const r = await room();
    for (const offset of [100, -1]) {
      const tampered = r.entry(a, 'tamper with me').slice();
      const at = offset < 0 ? tampered.length + offset : offset;
      tampered[at]! ^= 0x01;
      await refusedInRoom(r, a, 'envelope.bad_signature', (s) => s.append(tampered));
    }
  });

  it('refuses an entry made for another document with envelope.wrong_doc', async () => {
    const r = await room();
    const other = await createConversation(server, a, [b]);
    const elsewhere = sealEntry({ docId: other.id, epoch: 0, key: other.keys.get(0)!, author: a.identity, text: 'wrong room' });
    await refusedInRoom(r, a, 'envelope.wrong_doc', (s) => s.append(elsewhere));
  });

  it('refuses an entry in an epoch beyond the current one with envelope.unknown_epoch', async () => {
    const r = await room();
    await refusedInRoom(r, a, 'envelope.unknown_epoch', (s) => s.append(r.entry(a, 'from the future', { epoch: 1 })));
  });

  it('refuses a replayed entry inserted again as a new item with entry.duplicate', async () => {
    const r = await room();
    await refusedInRoom(r, a, 'entry.duplicate', (s) => s.append(r.seed));
    // Twice in one update is a replay too.
    const twice = r.entry(a, 'twice');
    await refusedInRoom(r, a, 'entry.duplicate', (s) => s.append(twice, twice));
    expect(storedSignatures(server, r.docId).has(entryId(twice))).toBe(false);
  });

  it('refuses an update whose client skips clocks the server never saw with update.missing_dependencies', async () => {
    const r = await room();
    const gap = new Y.Doc();
    const array = gap.getArray<Uint8Array>(OUTER_ENTRIES);
    for (let i = 0; i < 3; i++) array.push([r.entry(a, `gap ${i}`)]);
    const tail = Y.encodeStateAsUpdate(gap, Y.encodeStateVector(new Map([[gap.clientID, 2]])));
    await refusedInRoom(r, a, 'update.missing_dependencies', (s) => s.send({ type: 'sync-update', update: tail }));
  });
});

describe('deletions', () => {
  it('refuses removing entries without a snapshot entry in the same update with update.delete_without_snapshot', async () => {
    const r = await room();
    await refusedInRoom(r, a, 'update.delete_without_snapshot', (s) => s.entries.delete(0, 1));
    // An ordinary entry alongside does not make it a compaction.
    await refusedInRoom(r, a, 'update.delete_without_snapshot', (s) =>
      s.doc.transact(() => {
        s.entries.delete(0, s.entries.length);
        s.entries.push([r.entry(a, 'not a snapshot')]);
      }),
    );
  });

  it('accepts removing entries together with a valid snapshot entry; everyone converges on the snapshot', async () => {
    const r = await room();
    const more = [1, 2, 3].map((i) => r.entry(a, `old ${i}`));
    r.writer.append(...more);
    await r.writer.waitStoredAll();
    await r.observer.waitForEntries(more.map(entryId));
    const before = storedSignatures(server, r.docId);

    const compactor = track(await SyncClient.synced(server, b, r.docId));
    const snapshot = r.entry(b, 'seed|old 1|old 2|old 3', { kind: 'snapshot' });
    compactor.doc.transact(() => {
      compactor.entries.delete(0, compactor.entries.length);
      compactor.entries.push([snapshot]);
    });
    await compactor.waitStoredAll();
    await r.observer.waitFor('compaction relayed', () => r.observer.entries.length === 1);
    await r.writer.waitFor('compaction relayed', () => r.writer.entries.length === 1);
    expect(r.observer.entryIds()).toEqual([entryId(snapshot)]);
    expect(compactor.closed).toBeNull();

    // A late joiner gets only the snapshot; the removed entries' signatures are still remembered.
    const late = track(await SyncClient.synced(server, a, r.docId));
    expect(late.entryIds()).toEqual([entryId(snapshot)]);
    const keys = await epochKeysOf(server, a, r.docId);
    expect(await openEntry(late.entries.get(0), r.docId, keys)).toMatchObject({ ok: true, kind: 'snapshot', text: 'seed|old 1|old 2|old 3' });
    const after = storedSignatures(server, r.docId);
    expect([...before].every((s) => after.has(s))).toBe(true);
    // So an entry compacted away cannot come back as a new item.
    await refusedInRoom(r, a, 'entry.duplicate', (s) => s.append(more[0]!));
  });

  it('forgets the ciphertext of removed entries once a compaction is stored', async () => {
    const r = await room();
    const old = [1, 2, 3].map((i) => r.entry(a, `forgotten ${i}`));
    r.writer.append(...old);
    await r.writer.waitStoredAll();
    const compactor = track(await SyncClient.synced(server, b, r.docId));
    const snapshot = r.entry(b, 'summary', { kind: 'snapshot' });
    compactor.doc.transact(() => {
      compactor.entries.delete(0, compactor.entries.length);
      compactor.entries.push([snapshot]);
    });
    await compactor.waitStoredAll();
    const rows = () => Buffer.concat(server.db.orm.select().from(docUpdates).where(eq(docUpdates.docId, r.docId)).all().map((row) => row.update));
    const stillThere = () => old.filter((e) => rows().includes(Buffer.from(e.subarray(e.length - 64))));
    // The rewrite runs right after the commit's relays; nothing announces it, so poll with a deadline.
    for (const deadline = Date.now() + 10_000; stillThere().length > 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    expect(stillThere()).toEqual([]);
    expect(rows().includes(Buffer.from(snapshot.subarray(snapshot.length - 64)))).toBe(true);
    // A late joiner still converges on the snapshot alone.
    const late = track(await SyncClient.synced(server, a, r.docId));
    expect(late.entryIds()).toEqual([entryId(snapshot)]);
  });
});

describe('what an update may touch', () => {
  it('refuses writes to another root type, a map, string, JSON-like or nested content', async () => {
    const r = await room();
    const entry = r.entry(a, 'misplaced');
    const cases: Array<[ErrorCode, Uint8Array]> = [
      ['update.outside_entries', scratchUpdate((d) => d.getArray<Uint8Array>('other').push([entry]))],
      ['update.outside_entries', scratchUpdate((d) => d.getMap<Uint8Array>(OUTER_ENTRIES).set('k', entry))],
      ['update.outside_entries', scratchUpdate((d) => d.getMap<Uint8Array>('meta').set('k', entry))],
      ['update.forbidden_content', scratchUpdate((d) => d.getText(OUTER_ENTRIES).insert(0, 'plaintext'))],
      ['update.forbidden_content', scratchUpdate((d) => d.getArray<unknown>(OUTER_ENTRIES).push(['plaintext', { a: 1 }]))],
      ['update.forbidden_content', scratchUpdate((d) => d.getArray<unknown>(OUTER_ENTRIES).push([new Y.Array()]))],
      ['update.forbidden_content', scratchUpdate((d) => d.getXmlFragment('x').insert(0, [new Y.XmlText('hi')]))],
    ];
    for (const [code, update] of cases) {
      await refusedInRoom(r, a, code, (s) => s.send({ type: 'sync-update', update }));
    }
  });
});

describe('malformed frames and updates', () => {
  it('refuses garbage frames with socket.bad_frame', async () => {
    const r = await room();
    const frames: Uint8Array[] = [
      new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
      new Uint8Array([0]),
      new Uint8Array([0, 7, 0]), // unknown sync step
      new Uint8Array([0, 2, 5, 1, 2]), // length says 5, two bytes follow
      new Uint8Array([1, 3, 0xff, 0xff, 0xff]), // awareness that does not decode
      encodeFrame({ type: 'awareness', update: encodeAwarenessUpdate([{ clientId: 1, clock: 1, state: 'not json' }]) }),
      encodeFrame({
        type: 'awareness',
        update: encodeAwarenessUpdate(Array.from({ length: MAX_AWARENESS_ENTRIES + 1 }, (_, i) => ({ clientId: 900 + i, clock: 1, state: '{}' }))),
      }),
      encodeFrame({ type: 'stored', stateVector: Y.encodeStateVector(new Y.Doc()) }), // server-to-client only
      encodeFrame({ type: 'auth-denied', reason: 'nope' }), // server-to-client only
      new Uint8Array([...encodeFrame({ type: 'query-awareness' }), 0]), // trailing byte
    ];
    for (const frame of frames) await refusedInRoom(r, a, 'socket.bad_frame', (s) => s.sendRaw(frame));
  });

  it('closes a socket that sends a text frame with 4400 socket.bad_frame', async () => {
    const r = await room();
    const attacker = track(await SyncClient.synced(server, a, r.docId));
    const before = docTablesFingerprint(server);
    attacker.sendRaw('{"type":"hello"}');
    expect(await attacker.waitClosed()).toEqual({ code: 4400, reason: 'socket.bad_frame' });
    expect(docTablesFingerprint(server)).toBe(before);
    await stillWorks(r);
  });

  it('refuses huge varints in the frame and in the update', async () => {
    const r = await room();
    const huge = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
    // Frame level: a payload length no buffer can have.
    await refusedInRoom(r, a, 'socket.bad_frame', (s) => s.sendRaw(new Uint8Array([0, 2, ...huge])));
    await refusedInRoom(r, a, 'socket.bad_frame', (s) => s.sendRaw(new Uint8Array([0, ...huge, 0])));
    // Update level: a client count, a struct count and a length that promise more than the bytes hold.
    const updates: Array<[ErrorCode, number[]]> = [
      ['update.malformed', [...huge, 0]],
      ['update.malformed', [1, 0xff, 0xff, 0xff, 0xff, 0x0f, 5, 0, 0]],
      ['update.too_complex', [1, 1, 5, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f, 0]], // a GC struct 2^32 long
      ['update.too_complex', [1, 1, 5, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0, 1, 0]], // clock 2^49
    ];
    for (const [code, bytes] of updates) {
      await refusedInRoom(r, a, code, (s) => s.send({ type: 'sync-update', update: new Uint8Array(bytes) }));
    }
  });

  it('refuses truncated updates with update.malformed', async () => {
    const r = await room();
    const whole = scratchUpdate((d) => d.getArray<Uint8Array>(OUTER_ENTRIES).push([r.entry(a, 'cut short'), r.entry(a, 'and again')]));
    for (const cut of [1, 5, 40, Math.floor(whole.length / 2), whole.length - 1]) {
      await refusedInRoom(r, a, 'update.malformed', (s) => s.send({ type: 'sync-update', update: whole.slice(0, cut) }));
    }
  });

  it('refuses an update over the update size limit with 4413 update.too_large', async () => {
    const r = await room();
    const update = new Uint8Array(OUTER_UPDATE_LIMITS.maxBytes + 1);
    await refusedInRoom(r, a, 'update.too_large', (s) => s.send({ type: 'sync-update', update }));
  });

  it('closes a socket that sends a frame over the frame size limit with 1009, and nothing else notices', async () => {
    const r = await room();
    const attacker = track(await SyncClient.synced(server, a, r.docId));
    const before = docTablesFingerprint(server);
    attacker.sendRaw(new Uint8Array(DEFAULT_LIMITS.frameBytes + 1));
    // ws refuses it while reading, before any handler: the standard "message too big" close, no reason.
    expect((await attacker.waitClosed()).code).toBe(1009);
    expect(docTablesFingerprint(server)).toBe(before);
    await stillWorks(r);
  });

  it('closes a socket that floods frames with 4429 socket.rate_limited', async () => {
    const r = await room();
    const attacker = track(await SyncClient.synced(server, a, r.docId));
    const before = docTablesFingerprint(server);
    // The fake clock stands still, so the bucket never refills.
    for (let i = 0; i <= DEFAULT_LIMITS.framesPerSocket.capacity; i++) attacker.send({ type: 'query-awareness' });
    expect(await attacker.waitClosed()).toEqual({ code: 4429, reason: 'socket.rate_limited' });
    expect(docTablesFingerprint(server)).toBe(before);
    await stillWorks(r);
  });
});

describe('client ids', () => {
  it('refuses a Yjs client id already used by another account with update.client_id_taken', async () => {
    const r = await room();
    await refusedInRoom(r, b, 'update.client_id_taken', (s) => {
      // B continues A's client id right where A's clock stands, as if it were A.
      s.doc.clientID = r.writer.doc.clientID;
      s.append(r.entry(b, 'as A'));
    });
  });

  it('never relays awareness for a client id another socket owns, and keeps the echoing socket open', async () => {
    const r = await room();
    const state = (n: number): string => JSON.stringify({ c: `ciphertext-${n}` });
    const mine = 424_242;
    r.writer.send({ type: 'awareness', update: encodeAwarenessUpdate([{ clientId: mine, clock: 1, state: state(1) }]) });
    await r.observer.waitFor('awareness relayed', () => r.observer.frames.some((f) => f.type === 'awareness'));

    // Another socket (of another account, or of the same one) claims the id: dropped, not relayed.
    for (const [i, who] of [b, a].entries()) {
      const own = 777 + i;
      const impostor = track(await SyncClient.synced(server, who, r.docId));
      const before = r.observer.frames.filter((f) => f.type === 'awareness').length;
      impostor.send({ type: 'awareness', update: encodeAwarenessUpdate([{ clientId: mine, clock: 9, state: JSON.stringify({ c: 'forged' }) }, { clientId: own, clock: 1, state: state(7) }]) });
      // Its own id goes through; the owned one does not.
      await r.observer.waitFor('the impostor’s own state relayed', () => r.observer.frames.filter((f) => f.type === 'awareness').length > before);
      const relayed = r.observer.frames.filter((f) => f.type === 'awareness').slice(before);
      expect(JSON.stringify(relayed)).not.toContain('forged');
      expect(impostor.closed).toBeNull();

    }
    // The owner keeps updating it.
    const seen = r.observer.frames.filter((f) => f.type === 'awareness').length;
    r.writer.send({ type: 'awareness', update: encodeAwarenessUpdate([{ clientId: mine, clock: 3, state: state(3) }]) });
    await r.observer.waitFor('awareness relayed again', () => r.observer.frames.filter((f) => f.type === 'awareness').length > seen);
  });
});
