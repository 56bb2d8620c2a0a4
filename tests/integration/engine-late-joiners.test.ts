// Someone who joins after a rotation holds only the current key. The current epoch's entries build on older ones
// (Yjs needs each writer's earlier changes first), so without a snapshot sealed in the current epoch a newcomer
// would read nothing at all: not even what is written after they joined.
import { describe, expect, it } from 'vitest';
import { eventually } from './helpers/engine-device';
import { engineScene, unwrap } from './helpers/engine-scene';
import { startServer } from './helpers/server';

const scene = engineScene();

describe('joining after a rotation', () => {
  it('a member added to a group after a removal reads it, writes to it, and is read', async () => {
    scene.serve(await startServer());
    const [alice, bob, carol, dave] = [await scene.device('alice'), await scene.device('bob'), await scene.device('carol'), await scene.device('dave')];
    const docId = unwrap(await alice.engine.conversations.start([bob.account.handle, carol.account.handle], { title: 'Tools' }));
    const a = await scene.open(alice, docId);
    unwrap(await a.send('before the removal'));
    unwrap(await alice.engine.conversations.removeMember(docId, carol.account.id));
    unwrap(await alice.engine.conversations.addMember(docId, dave.account.handle));
    unwrap(await a.send('after Dave joined'));
    await eventually(() => dave.engine.conversations.ids().includes(docId), 'dave lists the group');
    unwrap(await dave.engine.conversations.accept(docId));
    const d = await scene.open(dave, docId);
    await eventually(async () => (await d.messages()).some((m) => m.body === 'after Dave joined'), 'dave reads what was written after he joined');
    // The snapshot carries the group as it stands, so he sees its history too, as anyone added before a rotation.
    expect((await d.messages()).map((m) => m.body)).toEqual(['before the removal', 'after Dave joined']);
    const reply = unwrap(await d.send('thanks for adding me'));
    const b = await scene.open(bob, docId);
    await eventually(async () => (await b.messages()).some((m) => m.id === reply), 'bob reads dave');
    expect((await b.messages()).find((m) => m.id === reply)?.verified).toBe(true);
  });

  it('a member who joins a community by link after a removal reads the community and posts in it', async () => {
    const server = scene.serve(await startServer());
    server.clock.advance(Date.now() - server.clock.now());
    const [owner, bee, cee] = [await scene.device('owner'), await scene.device('bee'), await scene.device('cee')];
    const communityId = unwrap(await owner.engine.communities.create({ name: 'Allotment', description: 'Growers' }));
    unwrap(await bee.engine.communities.joinByLink(unwrap(await owner.engine.communities.createInvite(communityId)).link));
    await eventually(async () => {
      const s = await bee.engine.communities.state(communityId);
      return s.ok && s.value.name === 'Allotment';
    }, 'bee reads the community');
    // Bee posts a thread; the owner, holding it open across the removal, replies before and after.
    const older = unwrap(await bee.engine.communities.createThread(communityId, { kind: 'offer', title: 'Spare seedlings', body: 'Tomatoes' }));
    await eventually(() => owner.engine.communities.ids().includes(older), 'the owner lists bee\'s thread');
    const ot = unwrap(await owner.engine.openThread(older));
    await eventually(async () => (await ot.messages()).length === 1, 'the owner reads bee\'s post');
    unwrap(await ot.send('Two please'));
    await eventually(async () => (await ot.messages()).every((m) => !m.pending), 'the first reply is stored');
    unwrap(await owner.engine.communities.removeMember(communityId, bee.account.id));
    unwrap(await ot.send('Still there after the removal?'));
    await eventually(async () => (await ot.messages()).every((m) => !m.pending), 'the second reply is stored');
    await ot.close();
    const link = unwrap(await owner.engine.discovery.createInvite(communityId));
    unwrap(await cee.engine.communities.joinByLink(link.link));
    await eventually(async () => {
      const s = await cee.engine.communities.state(communityId);
      return s.ok && s.value.name === 'Allotment';
    }, 'cee reads the community document');
    // With "earlier posts too", she reads the older thread whole, the reply after the removal included.
    const ct = unwrap(await cee.engine.openThread(older));
    await eventually(async () => (await ct.messages()).length === 3, 'cee reads the older thread');
    expect((await ct.messages()).map((m) => m.body)).toEqual(['Tomatoes', 'Two please', 'Still there after the removal?']);
    await ct.close();
    const threadId = unwrap(await cee.engine.communities.createThread(communityId, { kind: 'need', title: 'Need a ladder', body: 'Anyone?' }));
    await eventually(() => owner.engine.communities.ids().includes(threadId), 'the owner lists cee\'s thread');
    // Every device confirms cee by her signed join record.
    await eventually(async () => {
      const s = await owner.engine.communities.state(communityId);
      return s.ok && !s.value.rolesDisagree;
    }, 'the owner confirms cee');
  });
});
