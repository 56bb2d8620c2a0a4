// The per-device event stream (/sync/~events): `hello` lists the account's documents with their sequence
// numbers, `changed {id, seq}` follows every commit to every member's streams (except a stream whose engine has
// the document open on a socket), `membership {id}` tells a member added, removed or rotated to refresh.
// Only ids and numbers, and only to members.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64url } from '../../lib/protocol/base64url';
import type { StreamEvent } from '../../lib/protocol/api-docs';
import { startServer, type TestServer } from './helpers/server';
import { docSeq } from './helpers/sync-db';
import { addMembers, createConversation, entryId, makeSyncUser, removeMember, sealEntry, SyncClient, type SyncUser } from './helpers/sync-client';
import { trackClients } from './helpers/track-clients';

let server: TestServer;
const track = trackClients();

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.dispose();
});

async function stream(user: SyncUser, name?: string): Promise<SyncClient> {
  return track(await SyncClient.events(server, user, name));
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

describe('an engine’s own sockets', () => {
  /** What an engine sends as `?stream=` on its event stream and its document sockets. */
  const streamName = (): string => toBase64url(new Uint8Array(randomBytes(12)));
  const changes = (s: SyncClient) => after(s).filter((e) => e.type === 'changed');

  it('tells a stream nothing of commits in a document its engine has open, while its other devices hear of them', async () => {
    const [a, b] = await Promise.all([makeSyncUser(server), makeSyncUser(server)]);
    const ab = await createConversation(server, a, [b]);
    const key = ab.keys.get(0)!;
    const [open, elsewhere] = [streamName(), streamName()];
    const streamOpen = await stream(b, open);
    const streamElsewhere = await stream(b, elsewhere);
    const unnamed = await stream(b);
    const reader = track(await SyncClient.synced(server, b, ab.id, { stream: open }));

    const writer = track(await SyncClient.synced(server, a, ab.id));
    const written: string[] = [];
    for (let i = 0; i < 2; i++) {
      const e = sealEntry({ docId: ab.id, epoch: 0, key, author: a.identity, text: `m${i}` });
      writer.append(e);
      await writer.waitStoredAll();
      written.push(entryId(e));
    }
    await reader.waitForEntries(written);
    for (const s of [streamElsewhere, unnamed]) await s.waitFor('two changes', () => changes(s).length === 2);
    expect(changes(streamElsewhere)).toEqual([1, 2].map((seq) => ({ type: 'changed', id: ab.id, seq })));
    // The stream heard everything the others did, up to the last commit, except these.
    expect(after(streamOpen)).toEqual([]);

    // Its engine closes the socket: the stream now hears the latest seq, once, in case the socket missed the end.
    reader.close();
    await streamOpen.waitFor('the latest seq', () => changes(streamOpen).length > 0);
    expect(after(streamOpen)).toEqual([{ type: 'changed', id: ab.id, seq: 2 }]);
  });

  it('tells a stream nothing after its engine’s own writes, on the socket or when it closes', async () => {
    const [a, b] = await Promise.all([makeSyncUser(server), makeSyncUser(server)]);
    const ab = await createConversation(server, a, [b]);
    const name = streamName();
    const own = await stream(a, name);
    const other = await stream(b);
    const writer = track(await SyncClient.synced(server, a, ab.id, { stream: name }));
    writer.append(sealEntry({ docId: ab.id, epoch: 0, key: ab.keys.get(0)!, author: a.identity, text: 'mine' }));
    await writer.waitStoredAll();
    writer.close();
    await writer.waitClosed();
    await other.waitFor('the change', () => changes(other).length === 1);
    // A later event on the same stream proves nothing was queued for it before.
    const next = await createConversation(server, a, [b]);
    await waitEvent(own, 'the next membership', (e) => e.type === 'membership' && e.id === next.id);
    expect(after(own)).toEqual([{ type: 'membership', id: next.id }]);
  });

  it('tells a removed member’s stream nothing more when the removal closes its socket', async () => {
    const [a, b, c] = await Promise.all([makeSyncUser(server), makeSyncUser(server), makeSyncUser(server)]);
    const group = await createConversation(server, a, [b, c], 'group');
    const name = streamName();
    const streamC = await stream(c, name);
    const socketC = track(await SyncClient.synced(server, c, group.id, { stream: name }));
    const writer = track(await SyncClient.synced(server, a, group.id));
    const e = sealEntry({ docId: group.id, epoch: 0, key: group.keys.get(0)!, author: a.identity, text: 'before removal' });
    writer.append(e);
    await socketC.waitForEntries([entryId(e)]);

    await removeMember(server, a, group.id, c, [a, b], 1);
    expect(await socketC.waitClosed()).toEqual({ code: 4403, reason: 'doc.not_member' });
    await waitEvent(streamC, 'removed', (ev) => ev.type === 'membership' && ev.id === group.id);
    const own = await createConversation(server, c, [b]);
    await waitEvent(streamC, 'own conversation', (ev) => ev.type === 'membership' && ev.id === own.id);
    // Only membership events (the helper's accept of the new conversation may add a second one for it): no
    // `changed` of the group reaches a stream that is no longer a member's.
    const heard = after(streamC);
    expect(heard[0]).toEqual({ type: 'membership', id: group.id });
    expect(heard.every((ev) => ev.type === 'membership' && (ev.id === group.id || ev.id === own.id))).toBe(true);
  });

  // One changed per document per turn, with the latest seq: sync-batching.test.ts.
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
