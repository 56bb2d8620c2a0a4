// Unread posts in community threads (issue 6) through two engines against the real server: counted from the
// background sync without opening the thread, summed per channel and community, kept in the sealed list across
// a reload, and cleared by marking the thread read, shared or (read receipts off) kept on the device.
import { describe, expect, it } from 'vitest';
import { channelUnread } from '../../lib/client/engine/thread-unread';
import { memberKeyOf } from '../../lib/docs';
import type { Device } from './helpers/engine-device';
import { eventually, startDevice } from './helpers/engine-device';
import { engineScene, unwrap } from './helpers/engine-scene';
import { startServer, type TestServer } from './helpers/server';

const scene = engineScene();

/** The server's fake clock starts in the past; invite expiry is checked against it, the engines use real time. */
async function serve(): Promise<TestServer> {
  const server = scene.serve(await startServer());
  server.clock.advance(Date.now() - server.clock.now());
  return server;
}

/** The owner's community with the owner's own thread (its first post is not unread for them), B a member. */
async function ownerThreadWithMember() {
  const owner = await scene.device('owner');
  const bee = await scene.device('bee');
  const communityId = unwrap(await owner.engine.communities.create({ name: 'Allotment' }));
  const invite = unwrap(await owner.engine.communities.createInvite(communityId));
  const threadId = unwrap(await owner.engine.communities.createThread(communityId, { kind: 'offer', title: 'Spare seedlings', body: 'Tomatoes, anyone?' }));
  unwrap(await bee.engine.communities.joinByLink(invite.link));
  await eventually(() => bee.engine.communities.ids().includes(threadId), 'B lists the thread');
  return { owner, bee, communityId, threadId };
}

/** B replies in the thread, with the thread open as a screen would hold it, until the server has the replies. */
async function replies(bee: Device, threadId: string, ...bodies: string[]): Promise<void> {
  const t = unwrap(await bee.engine.openThread(threadId));
  try {
    await eventually(async () => (await t.messages()).length > 0, 'B reads the thread');
    for (const body of bodies) unwrap(await t.send(body));
    await eventually(() => !t.replica.hasPending(), 'the replies are stored');
  } finally {
    await t.close();
  }
}

const count = (d: Device, communityId: string, threadId: string) => d.engine.communities.unread.count(communityId, threadId);

describe('unread posts in community threads', () => {
  it('counts a member’s replies for the owner without opening the thread, per channel and community, and clears them once read', async () => {
    const server = await serve();
    const { owner, bee, communityId, threadId } = await ownerThreadWithMember();
    expect(count(owner, communityId, threadId)).toBe(0);
    // B has not read the owner's first post yet.
    await eventually(() => count(bee, communityId, threadId) === 1, 'B counts the first post');

    await replies(bee, threadId, 'Yes please', 'Two plants?');
    await eventually(() => count(owner, communityId, threadId) === 2, 'the owner counts two unread from the background sync');
    expect(owner.engine.communities.list()).toEqual([expect.objectContaining({ id: communityId, unread: 2 })]);
    expect(owner.engine.communities.unread.grandTotal()).toBe(2);
    expect(await channelUnread(owner.engine.communities, communityId)).toEqual({ general: 2 });

    // The counts are in the sealed list: a reload shows them offline before any document is opened.
    const dbName = (owner as Device & { dbName: string }).dbName;
    await owner.engine.stop();
    const reloaded = scene.track(await startDevice(server, owner, { dbName, online: false }));
    await reloaded.engine.start();
    expect(count(reloaded, communityId, threadId)).toBe(2);
    expect(reloaded.engine.communities.list()).toEqual([expect.objectContaining({ id: communityId, unread: 2 })]);
    reloaded.goOnline();

    // Opening the thread and reading to the newest post clears the count; the read position is shared.
    const t = unwrap(await reloaded.engine.openThread(threadId));
    try {
      await eventually(async () => (await t.messages()).length === 3, 'the owner reads the replies');
      expect(t.unread()).toBe(2);
      const newest = (await t.messages()).at(-1)!;
      expect(await t.markRead(newest.id)).toEqual({ ok: true, value: true });
      await eventually(() => count(reloaded, communityId, threadId) === 0, 'the count clears');
      expect(reloaded.engine.communities.unread.grandTotal()).toBe(0);
      expect(await channelUnread(reloaded.engine.communities, communityId)).toEqual({});
    } finally {
      await t.close();
    }
    const ownerKey = memberKeyOf(owner.identity.signing.publicKey);
    const bt = unwrap(await bee.engine.openThread(threadId));
    try {
      await eventually(async () => (await bt.readPositions()).has(ownerKey), 'B sees how far the owner read');
    } finally {
      await bt.close();
    }
  });

  it('with read receipts off, reading a thread clears the count on this device and tells nobody', async () => {
    await serve();
    const { owner, bee, communityId, threadId } = await ownerThreadWithMember();
    unwrap(await owner.engine.privacy.update({ readReceipts: false }));
    await replies(bee, threadId, 'Yes please');
    await eventually(() => count(owner, communityId, threadId) === 1, 'the owner counts one unread');

    const t = unwrap(await owner.engine.openThread(threadId));
    try {
      await eventually(async () => (await t.messages()).length === 2, 'the owner reads the reply');
      const newest = (await t.messages()).at(-1)!;
      expect(await t.markRead(newest.id)).toEqual({ ok: true, value: true });
      await eventually(() => count(owner, communityId, threadId) === 0, 'the count clears');
      // Marked again: already there (the position on the device counts).
      expect(await t.markRead(newest.id)).toEqual({ ok: true, value: false });
      expect((await t.readPositions()).has(memberKeyOf(owner.identity.signing.publicKey))).toBe(false);
      expect(t.replica.hasPending()).toBe(false);
    } finally {
      await t.close();
    }
    // A new reply counts again, from after the position kept on the device.
    await replies(bee, threadId, 'Collect on Sunday?');
    await eventually(() => count(owner, communityId, threadId) === 1, 'only the new reply counts');
  });
});
