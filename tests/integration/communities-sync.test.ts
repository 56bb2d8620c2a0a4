// Community and thread documents on the one sync path: a thread's room admits whoever is a member of its
// community, entries use the community's epoch keys, and a removed member is cut off from both at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS, type ErrorCode } from '../../lib/protocol/errors';
import { call } from './helpers/api';
import { createCommunity, join, makeInvite, tablesFingerprint, viewOf } from './helpers/communities';
import { startServer, type TestServer } from './helpers/server';
import { entryId, keyEnvelopes, makeSyncUser, newDocId, newEpochKey, openEntry, sealEntry, SyncClient, type SyncUser } from './helpers/sync-client';
import { trackClients } from './helpers/track-clients';

let server: TestServer;
let owner: SyncUser;
let bob: SyncUser;
let carol: SyncUser;
let eve: SyncUser;
const track = trackClients();

beforeAll(async () => {
  server = await startServer();
  [owner, bob, carol, eve] = await Promise.all([makeSyncUser(server), makeSyncUser(server), makeSyncUser(server), makeSyncUser(server)]);
});
afterAll(async () => {
  await server.dispose();
});

async function expectRefused(client: SyncClient, code: ErrorCode): Promise<void> {
  const closed = await client.waitClosed();
  expect({ closed, denied: client.denied }).toEqual({ closed: { code: ERRORS[code].close, reason: code }, denied: [code] });
}

/** The owner's community with bob and carol joined by link, and one thread made by bob. */
async function scene() {
  const community = await createCommunity(server, owner);
  const key0 = community.keys.get(0)!;
  const { invite } = await makeInvite(server, owner, community.id, key0, 0);
  await join(server, bob, invite);
  await join(server, carol, invite);
  const thread = newDocId();
  const made = await call(server, 'POST', `/api/communities/${community.id}/threads`, { token: bob.token, json: { id: thread } });
  expect(made.status, made.text).toBe(201);
  return { communityId: community.id, thread, key0 };
}

describe('community and thread rooms', () => {
  it('refuses a non-member in the community room and in its thread rooms, telling it nothing', async () => {
    const { communityId, thread } = await scene();
    const before = tablesFingerprint(server);
    for (const docId of [communityId, thread]) {
      const attempt = track(await SyncClient.open(server, eve, docId));
      await expectRefused(attempt, 'doc.not_member');
      expect(attempt.frames.map((f) => f.type)).toEqual(['auth-denied']);
    }
    expect(tablesFingerprint(server)).toBe(before);
  });

  it('syncs a thread between members with the community’s epoch key, and its changes reach their event streams', async () => {
    const { communityId, thread, key0 } = await scene();
    const events = track(await SyncClient.events(server, carol));
    const hello = events.events[0];
    expect(hello?.type === 'hello' && hello.docs.map((d) => d.id)).toEqual(expect.arrayContaining([communityId, thread]));

    const writer = track(await SyncClient.synced(server, bob, thread));
    const reader = track(await SyncClient.synced(server, carol, thread));
    const post = sealEntry({ docId: thread, epoch: 0, key: key0, author: bob.identity, text: 'Need: a ladder' });
    writer.append(post);
    await writer.waitStoredAll();
    await reader.waitForEntries([entryId(post)]);
    expect(await openEntry(post, thread, new Map([[0, key0]]))).toMatchObject({ ok: true, text: 'Need: a ladder' });
    await events.waitFor('thread changed', () => events.events.some((e) => e.type === 'changed' && e.id === thread));

    // The thread has no epoch of its own: one beyond the community's is refused.
    const ahead = track(await SyncClient.synced(server, carol, thread));
    ahead.append(sealEntry({ docId: thread, epoch: 1, key: key0, author: carol.identity, text: 'from the future' }));
    await expectRefused(ahead, 'envelope.unknown_epoch');
  });

  it('on removal rotates the key, closes the removed member’s community and thread sockets, and refuses its writes afterwards', async () => {
    const { communityId, thread, key0 } = await scene();
    const carolCommunity = track(await SyncClient.synced(server, carol, communityId));
    const carolThread = track(await SyncClient.synced(server, carol, thread));
    const bobThread = track(await SyncClient.synced(server, bob, thread));

    const key1 = newEpochKey();
    const removed = await call(server, 'POST', `/api/communities/${communityId}/remove`, {
      token: owner.token,
      json: { accountId: carol.id, rotation: { epoch: 1, keyEnvelopes: keyEnvelopes(communityId, 1, key1, owner, [owner, bob]) } },
    });
    expect(removed.status, removed.text).toBe(200);
    for (const socket of [carolCommunity, carolThread]) {
      expect(await socket.waitClosed()).toEqual({ code: 4403, reason: 'doc.not_member' });
      expect(socket.denied).toEqual(['doc.not_member']);
    }
    // Carol's key envelopes stop at epoch 0; bob's reach epoch 1.
    expect((await viewOf(server, bob, communityId)).keyEnvelopes.map((e) => e.epoch)).toEqual([0, 1]);
    expect((await call(server, 'GET', `/api/communities/${communityId}`, { token: carol.token })).status).toBe(404);

    // Carol still holds the old key, and the server takes nothing written with it.
    const before = tablesFingerprint(server);
    for (const docId of [communityId, thread]) {
      const again = track(await SyncClient.open(server, carol, docId));
      await expectRefused(again, 'doc.not_member');
      again.append(sealEntry({ docId, epoch: 0, key: key0, author: carol.identity, text: 'still here?' }));
    }
    expect(tablesFingerprint(server)).toBe(before);

    // The others go on in epoch 1; nothing of it reached carol.
    const after = sealEntry({ docId: thread, epoch: 1, key: key1, author: bob.identity, text: 'after removal' });
    bobThread.append(after);
    await bobThread.waitStoredAll();
    expect(carolThread.entryIds()).not.toContain(entryId(after));
    expect(carolThread.relayed).toHaveLength(0);
  });

  it('admits to an open thread room someone who joined the community after the room opened', async () => {
    const { communityId, thread, key0 } = await scene();
    const bobThread = track(await SyncClient.synced(server, bob, thread));
    // The thread room is open and has answered "who is a member" already; dan is not one yet.
    const dan = await makeSyncUser(server);
    await expectRefused(track(await SyncClient.open(server, dan, thread)), 'doc.not_member');
    const { invite } = await makeInvite(server, owner, communityId, key0, 0);
    await join(server, dan, invite);
    const danThread = track(await SyncClient.synced(server, dan, thread));
    const hello = sealEntry({ docId: thread, epoch: 0, key: key0, author: dan.identity, text: 'Offer: I have a ladder' });
    danThread.append(hello);
    await danThread.waitStoredAll();
    await bobThread.waitForEntries([entryId(hello)]);
  });

  it('closes the sockets of a member who leaves and marks the key for rotation', async () => {
    const { communityId, thread } = await scene();
    const leaving = track(await SyncClient.synced(server, carol, thread));
    expect((await call(server, 'POST', `/api/communities/${communityId}/leave`, { token: carol.token })).status).toBe(200);
    await expectRefused(leaving, 'doc.not_member');
    await expectRefused(track(await SyncClient.open(server, carol, thread)), 'doc.not_member');
    expect((await viewOf(server, bob, communityId)).rotationNeeded).toBe(true);
  });
});
