// The per-device event stream (/sync/~events): `hello` lists the account's documents with their sequence
// numbers, `changed {id, seq}` follows every commit to every member's streams, `membership {id}` tells a
// member added, removed or rotated to refresh. Only ids and numbers, and only to members.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../lib/protocol/api-docs';
import { startServer, type TestServer } from './helpers/server';
import { docSeq } from './helpers/sync-db';
import { addMembers, createConversation, entryId, makeSyncUser, removeMember, sealEntry, SyncClient, type SyncUser } from './helpers/sync-client';

let server: TestServer;
const clients: SyncClient[] = [];
const track = (client: SyncClient): SyncClient => {
  clients.push(client);
  return client;
};

beforeAll(async () => {
  server = await startServer();
});
afterEach(() => {
  for (const c of clients.splice(0)) c.terminate();
});
afterAll(async () => {
  await server.dispose();
});

async function stream(user: SyncUser): Promise<SyncClient> {
  return track(await SyncClient.events(server, user));
}

/** Events after the hello. */
const after = (s: SyncClient): StreamEvent[] => s.events.slice(1);

async function waitEvent(s: SyncClient, label: string, match: (e: StreamEvent) => boolean): Promise<void> {
  await s.waitFor(label, () => after(s).some(match));
}

/** Writes one entry into `docId` as `user` and waits until it is stored. */
async function write(user: SyncUser, docId: string, key: Uint8Array, epoch = 0): Promise<void> {
  const socket = track(await SyncClient.synced(server, user, docId));
  const entry = sealEntry({ docId, epoch, key, author: user.identity, text: 'x' });
  socket.append(entry);
  await socket.waitStoredAll();
  expect(socket.entryIds()).toContain(entryId(entry));
  socket.close();
}

describe('hello', () => {
  it('lists the account’s documents with their sequence numbers, and nothing else', async () => {
    const [a, b, c] = await Promise.all([makeSyncUser(server), makeSyncUser(server), makeSyncUser(server)]);
    expect((await stream(a)).events).toEqual([{ type: 'hello', docs: [] }]);
    const ab = await createConversation(server, a, [b]);
    const ac = await createConversation(server, a, [c]);
    await write(a, ab.id, ab.keys.get(0)!);
    await write(b, ab.id, ab.keys.get(0)!);
    await write(a, ac.id, ac.keys.get(0)!);

    const hello = (await stream(a)).events[0];
    expect(hello?.type).toBe('hello');
    const docs = hello?.type === 'hello' ? hello.docs : [];
    expect([...docs].sort((x, y) => x.id.localeCompare(y.id))).toEqual(
      [
        { id: ab.id, seq: 2 },
        { id: ac.id, seq: 1 },
      ].sort((x, y) => x.id.localeCompare(y.id)),
    );
    expect((await stream(b)).events).toEqual([{ type: 'hello', docs: [{ id: ab.id, seq: 2 }] }]);
  });
});

describe('changed', () => {
  it('announces {id, seq} to every member’s streams after each commit, and to no one else', async () => {
    const [a, b, c] = await Promise.all([makeSyncUser(server), makeSyncUser(server), makeSyncUser(server)]);
    const ab = await createConversation(server, a, [b]);
    const key = ab.keys.get(0)!;
    const streamA = await stream(a);
    const streamB = await stream(b);
    const secondDeviceB = await stream(b);
    const streamC = await stream(c);

    const writer = track(await SyncClient.synced(server, a, ab.id));
    for (let i = 0; i < 3; i++) {
      writer.append(sealEntry({ docId: ab.id, epoch: 0, key, author: a.identity, text: `m${i}` }));
      await writer.waitStoredAll();
    }
    const changes = (s: SyncClient) => after(s).filter((e) => e.type === 'changed');
    for (const s of [streamA, streamB, secondDeviceB]) {
      await s.waitFor('three changes', () => changes(s).length === 3);
      expect(changes(s)).toEqual([1, 2, 3].map((seq) => ({ type: 'changed', id: ab.id, seq })));
    }
    expect(docSeq(server, ab.id)).toBe(3);

    // C learns nothing of it: the first thing its stream hears is its own new conversation.
    // (Left a request: accepting it would be a second event on C's own stream.)
    const ac = await createConversation(server, a, [c], 'direct', { pending: true });
    await waitEvent(streamC, 'membership', (e) => e.type === 'membership');
    expect(after(streamC)).toEqual([{ type: 'membership', id: ac.id }]);
  });

  it('says nothing for an update the server already had', async () => {
    const [a, b] = await Promise.all([makeSyncUser(server), makeSyncUser(server)]);
    const ab = await createConversation(server, a, [b]);
    const streamB = await stream(b);
    const writer = track(await SyncClient.synced(server, a, ab.id));
    writer.append(sealEntry({ docId: ab.id, epoch: 0, key: ab.keys.get(0)!, author: a.identity, text: 'once' }));
    await writer.waitStoredAll();
    const acks = writer.stored.length;
    writer.send({ type: 'sync-update', update: writer.sent[0]! });
    await writer.waitFor('stored again', () => writer.stored.length > acks);
    // A second, real write is the next event after the first.
    writer.append(sealEntry({ docId: ab.id, epoch: 0, key: ab.keys.get(0)!, author: a.identity, text: 'twice' }));
    await streamB.waitFor('two changes', () => after(streamB).filter((e) => e.type === 'changed').length >= 2);
    expect(after(streamB)).toEqual([
      { type: 'changed', id: ab.id, seq: 1 },
      { type: 'changed', id: ab.id, seq: 2 },
    ]);
  });
});

describe('membership', () => {
  it('tells members of a new conversation, a member added, the others, and a member removed', async () => {
    const [a, b, c] = await Promise.all([makeSyncUser(server), makeSyncUser(server), makeSyncUser(server)]);
    const streams = { a: await stream(a), b: await stream(b), c: await stream(c) };

    // Left a request for B: accepting it would be one more membership event on B's streams.
    const group = await createConversation(server, a, [b], 'group', { pending: true });
    const key0 = group.keys.get(0)!;
    for (const s of [streams.a, streams.b]) await waitEvent(s, 'created', (e) => e.type === 'membership' && e.id === group.id);

    await addMembers(server, a, group.id, 0, key0, [c]);
    await waitEvent(streams.c, 'added', (e) => e.type === 'membership' && e.id === group.id);
    const membershipOf = (st: SyncClient) => after(st).filter((e) => e.type === 'membership' && e.id === group.id);
    await streams.b.waitFor('created, then someone added', () => membershipOf(streams.b).length === 2);
    expect(after(streams.c)).toEqual([{ type: 'membership', id: group.id }]);

    // C, now a member, hears about commits; after removal it hears the removal and nothing more.
    await write(b, group.id, key0);
    await waitEvent(streams.c, 'changed', (e) => e.type === 'changed' && e.id === group.id);
    const key1 = await removeMember(server, a, group.id, c, [a, b], 1);
    await streams.c.waitFor('removed', () => membershipOf(streams.c).length === 2);
    expect(after(streams.c)).toEqual([
      { type: 'membership', id: group.id },
      { type: 'changed', id: group.id, seq: 1 },
      { type: 'membership', id: group.id },
    ]);

    await write(a, group.id, key1, 1);
    await waitEvent(streams.b, 'changed after removal', (e) => e.type === 'changed' && e.seq === 2);
    // The next thing C hears is about something it is in, not the group it left.
    const own = await createConversation(server, c, [b]);
    await waitEvent(streams.c, 'own conversation', (e) => e.type === 'membership' && e.id === own.id);
    // Created, then accepted by B (the helper accepts): C, held to the request cap until then, hears both.
    await streams.c.waitFor('accepted', () => after(streams.c).length === 5);
    expect(after(streams.c).slice(3)).toEqual([
      { type: 'membership', id: own.id },
      { type: 'membership', id: own.id },
    ]);
    // And its hello no longer lists the group.
    expect((await stream(c)).events).toEqual([{ type: 'hello', docs: [{ id: own.id, seq: 0 }] }]);
  });
});
