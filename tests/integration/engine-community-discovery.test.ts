// Discovery and direct invitations through the client engine against the real server: the public directory,
// inviting by handle (sealed to the invitee's box key), accepting and declining, and the history setting
// ("from when they join" rotates first, so the newcomer holds no key to earlier posts).
import { describe, expect, it } from 'vitest';
import { directInviteId } from '../../lib/client/engine/community-discovery';
import { call } from './helpers/api';
import type { Device } from './helpers/engine-device';
import { eventually } from './helpers/engine-device';
import { engineScene, unwrap } from './helpers/engine-scene';
import { startServer, type TestServer } from './helpers/server';

const scene = engineScene();

async function serve(): Promise<TestServer> {
  const server = scene.serve(await startServer());
  server.clock.advance(Date.now() - server.clock.now());
  return server;
}

/** Opens the thread and returns the bodies it reads once `ready` holds (or the deadline passes). */
async function postsOf(d: Device, threadId: string, ready: (bodies: string[]) => boolean, what: string): Promise<string[]> {
  const t = unwrap(await d.engine.openThread(threadId));
  try {
    let bodies: string[] = [];
    await eventually(async () => {
      bodies = (await t.messages()).map((m) => m.body ?? '');
      return ready(bodies);
    }, what);
    return bodies;
  } finally {
    await t.close();
  }
}

async function invitedTo(d: Device, communityId: string): Promise<void> {
  await eventually(() => d.engine.discovery.invitations().some((i) => i.communityId === communityId), `${d.name} sees the invitation`);
}

describe('community discovery in the client engine', () => {
  it('lists a published community in the directory with its member count, and takes it out again', async () => {
    await serve();
    const owner = await scene.device('owner');
    const seeker = await scene.device('seeker');
    const communityId = unwrap(await owner.engine.communities.create({ name: 'Tool library Leith', description: 'Borrow a drill' }));
    expect(unwrap(await seeker.engine.discovery.search('Tool library'))).toEqual([]);

    unwrap(await owner.engine.discovery.publish(communityId));
    expect(unwrap(await owner.engine.communities.state(communityId)).listing).toEqual({ name: 'Tool library Leith', description: 'Borrow a drill' });
    expect(unwrap(await seeker.engine.discovery.search('tool lib'))).toEqual([
      { communityId, name: 'Tool library Leith', description: 'Borrow a drill', memberCount: 1, mine: false },
    ]);
    expect(unwrap(await owner.engine.discovery.search('Leith'))).toEqual([expect.objectContaining({ communityId, mine: true })]);

    unwrap(await owner.engine.discovery.unpublish(communityId));
    expect(unwrap(await seeker.engine.discovery.search('Tool library'))).toEqual([]);
    expect(unwrap(await owner.engine.communities.state(communityId)).listing).toBeNull();
  });

  it('invites by handle: the invitee reads the name, accepts, posts, and counts as a member in the signed records', async () => {
    await serve();
    const owner = await scene.device('owner');
    const bee = await scene.device('bee');
    const communityId = unwrap(await owner.engine.communities.create({ name: 'Seed swap' }));
    unwrap(await owner.engine.discovery.inviteByHandle(communityId, `@${bee.account.handle}`));

    await invitedTo(bee, communityId);
    expect(bee.engine.communities.list()).toEqual([]);
    await eventually(() => bee.engine.discovery.invitations()[0]?.name === 'Seed swap', 'the invitee reads the community name');
    expect(bee.engine.discovery.invitations()).toEqual([{ communityId, name: 'Seed swap', description: null, memberCount: 2, founder: 'Owner' }]);
    // Looking is all an invitation allows.
    expect(await bee.engine.communities.createThread(communityId, { kind: 'need', title: 'x', body: 'y' })).toEqual({
      ok: false,
      code: 'community.invitation_pending',
    });

    unwrap(await bee.engine.discovery.accept(communityId));
    expect(bee.engine.discovery.invitations()).toEqual([]);
    expect(bee.engine.communities.list()).toEqual([expect.objectContaining({ id: communityId, myRole: 'member' })]);
    const threadId = unwrap(await bee.engine.communities.createThread(communityId, { kind: 'offer', title: 'Spare tomato seeds', body: 'Ten packets' }));
    expect(await postsOf(owner, threadId, (b) => b.includes('Ten packets'), 'the owner reads the invitee’s post')).toEqual(['Ten packets']);
    await eventually(async () => {
      const s = await owner.engine.communities.state(communityId);
      return s.ok && !s.value.rolesDisagree && s.value.members.find((m) => m.accountId === bee.account.id)?.verifiedRole === 'member';
    }, 'the invitee’s join record rests on the inviter’s invite record');
    expect(directInviteId(communityId, bee.account.id)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('removes a declined invitation from the invitee and the member list; the next writer rotates', async () => {
    await serve();
    const owner = await scene.device('owner');
    const cee = await scene.device('cee');
    const communityId = unwrap(await owner.engine.communities.create({ name: 'Repair cafe' }));
    unwrap(await owner.engine.discovery.inviteByHandle(communityId, cee.account.handle));
    await invitedTo(cee, communityId);
    unwrap(await cee.engine.discovery.decline(communityId));
    expect(cee.engine.discovery.invitations()).toEqual([]);
    expect(cee.engine.communities.view(communityId)).toBeUndefined();
    await eventually(() => owner.engine.communities.view(communityId)?.members.length === 1, 'the owner hears of the decline');
    expect(owner.engine.communities.view(communityId)?.rotationNeeded).toBe(true);
    // Inviting again after a decline rotates first (the declined device held the key) and works.
    unwrap(await owner.engine.discovery.inviteByHandle(communityId, cee.account.handle));
    expect(owner.engine.communities.view(communityId)).toMatchObject({ epoch: 1, rotationNeeded: false });
    await invitedTo(cee, communityId);
  });

  it('names why an invitation cannot be made: unknown handle, contact settings, own handle, a plain member', async () => {
    const server = await serve();
    const owner = await scene.device('owner');
    const closed = await scene.device('closed');
    const bee = await scene.device('bee');
    const response = await call(server, 'PUT', '/api/privacy', { token: closed.token, json: { contact: 'nobody_new' } });
    expect(response.status, response.text).toBe(200);
    const communityId = unwrap(await owner.engine.communities.create({ name: 'Choir' }));
    expect(await owner.engine.discovery.inviteByHandle(communityId, 'nobody_has_this_1')).toEqual({ ok: false, code: 'account.not_found' });
    expect(await owner.engine.discovery.inviteByHandle(communityId, 'No Such!')).toEqual({ ok: false, code: 'input.handle_invalid' });
    expect(await owner.engine.discovery.inviteByHandle(communityId, owner.account.handle)).toEqual({ ok: false, code: 'input.only_own_handle' });
    expect(await owner.engine.discovery.inviteByHandle(communityId, closed.account.handle)).toEqual({ ok: false, code: 'community.cannot_invite' });
    unwrap(await owner.engine.discovery.inviteByHandle(communityId, bee.account.handle));
    expect(await owner.engine.discovery.inviteByHandle(communityId, bee.account.handle)).toEqual({ ok: false, code: 'community.already_member' });
    await invitedTo(bee, communityId);
    unwrap(await bee.engine.discovery.accept(communityId));
    expect(await bee.engine.discovery.inviteByHandle(communityId, closed.account.handle)).toEqual({ ok: false, code: 'community.not_allowed' });
    expect(await bee.engine.discovery.setHistory(communityId, 'all')).toEqual({ ok: false, code: 'community.not_allowed' });
  });

  it('with history "from when they join", a newcomer reads the community but not posts made before the invitation', async () => {
    await serve();
    const owner = await scene.device('owner');
    const bee = await scene.device('bee');
    const communityId = unwrap(await owner.engine.communities.create({ name: 'Night shelter rota', history: 'joined' }));
    expect(unwrap(await owner.engine.communities.state(communityId)).history).toBe('joined');
    const threadId = unwrap(await owner.engine.communities.createThread(communityId, { kind: 'need', title: 'Volunteers Friday', body: 'Before bee came' }));

    unwrap(await owner.engine.discovery.inviteByHandle(communityId, bee.account.handle));
    expect(owner.engine.communities.view(communityId)?.epoch).toBe(1);
    await invitedTo(bee, communityId);
    unwrap(await bee.engine.discovery.accept(communityId));
    // The snapshot sealed in the new epoch carries the name, the setting and the thread index.
    await eventually(async () => {
      const s = await bee.engine.communities.state(communityId);
      return s.ok && s.value.name === 'Night shelter rota' && s.value.threads.some((t) => t.id === threadId);
    }, 'the newcomer reads the community document');
    expect(unwrap(await bee.engine.communities.state(communityId)).history).toBe('joined');
    expect(bee.engine.communities.view(communityId)?.keyEnvelopes.map((e) => e.epoch)).toEqual([1]);

    const ot = unwrap(await owner.engine.openThread(threadId));
    unwrap(await ot.send('After bee came'));
    await eventually(async () => (await ot.messages()).every((m) => !m.pending), 'the new post is stored');
    await ot.close();
    expect(await postsOf(bee, threadId, (b) => b.includes('After bee came'), 'the newcomer reads the new post')).toEqual(['After bee came']);
  });

  it('with history "from when they join", a new invite link opens nothing posted before it was made', async () => {
    await serve();
    const owner = await scene.device('owner');
    const bee = await scene.device('bee');
    const communityId = unwrap(await owner.engine.communities.create({ name: 'Food bank drivers', history: 'joined' }));
    const threadId = unwrap(await owner.engine.communities.createThread(communityId, { kind: 'discussion', title: 'Routes', body: 'Before the link' }));
    const invite = unwrap(await owner.engine.discovery.createInvite(communityId));
    expect(owner.engine.communities.view(communityId)?.epoch).toBe(1);
    unwrap(await bee.engine.communities.joinByLink(invite.link));
    await eventually(async () => {
      const s = await bee.engine.communities.state(communityId);
      return s.ok && s.value.name === 'Food bank drivers' && s.value.threads.some((t) => t.id === threadId);
    }, 'the newcomer reads the community document');
    const ot = unwrap(await owner.engine.openThread(threadId));
    unwrap(await ot.send('After the link'));
    await eventually(async () => (await ot.messages()).every((m) => !m.pending), 'the new post is stored');
    await ot.close();
    expect(await postsOf(bee, threadId, (b) => b.includes('After the link'), 'the newcomer reads the new post')).toEqual(['After the link']);
    // The newcomer's join record rests on the invite record written in the new epoch.
    await eventually(async () => {
      const s = await owner.engine.communities.state(communityId);
      return s.ok && !s.value.rolesDisagree && s.value.members.length === 2;
    }, 'the join by link verifies');
  });

  it('with history "all" (the default), a newcomer invited by handle reads earlier posts of the current epoch', async () => {
    await serve();
    const owner = await scene.device('owner');
    const bee = await scene.device('bee');
    const communityId = unwrap(await owner.engine.communities.create({ name: 'Allotments' }));
    expect(unwrap(await owner.engine.communities.state(communityId)).history).toBe('all');
    const threadId = unwrap(await owner.engine.communities.createThread(communityId, { kind: 'offer', title: 'Rhubarb', body: 'Before bee came' }));
    unwrap(await owner.engine.discovery.inviteByHandle(communityId, bee.account.handle));
    expect(owner.engine.communities.view(communityId)?.epoch).toBe(0);
    await invitedTo(bee, communityId);
    unwrap(await bee.engine.discovery.accept(communityId));
    expect(await postsOf(bee, threadId, (b) => b.includes('Before bee came'), 'the newcomer reads the earlier post')).toEqual(['Before bee came']);

    // The owner switches to "from when they join"; the setting reaches members as the owner set it.
    unwrap(await owner.engine.discovery.setHistory(communityId, 'joined'));
    await eventually(async () => {
      const s = await bee.engine.communities.state(communityId);
      return s.ok && s.value.history === 'joined';
    }, 'the member sees the new setting');
  });
});
