// Running a community through the client engine against the real server: the owner makes a moderator (server role
// and signed record agree on every device), a moderator adds a channel (a member's unsigned or self-signed one is
// not believed), ownership moves on, the old owner leaves, and the new owner deletes the community for everyone.
import { describe, expect, it } from 'vitest';
import { addChannel, addSignedChannel, readChannels } from '../../lib/docs';
import { ok } from '../../lib/protocol/errors';
import type { Device } from './helpers/engine-device';
import { eventually } from './helpers/engine-device';
import { engineScene, unwrap } from './helpers/engine-scene';
import { startServer } from './helpers/server';

const scene = engineScene();

async function serve() {
  const server = scene.serve(await startServer());
  server.clock.advance(Date.now() - server.clock.now());
  return server;
}

/** Waits until the device's signed role records give `accountId` the role (and agree with the server). */
async function roleVerified(d: Device, communityId: string, accountId: string, role: string, what: string) {
  await eventually(async () => {
    const s = await d.engine.communities.state(communityId);
    const m = s.ok ? s.value.members.find((x) => x.accountId === accountId) : undefined;
    return m?.role === role && m.verifiedRole === role;
  }, what);
}

/** How many entries the device's copy of the channel map holds, believed or not. */
async function rawChannels(d: Device, communityId: string): Promise<number> {
  const { replica } = await d.engine.communities.acquire(communityId);
  try {
    return readChannels(replica.inner).length;
  } finally {
    d.engine.communities.release(communityId);
  }
}

describe('community roles, channels and deletion in the client engine', () => {
  it('promotes, adds a verified channel, transfers ownership, lets the old owner leave, and deletes for everyone', async () => {
    await serve();
    const owner = await scene.device('owner');
    const bee = await scene.device('bee');
    const cee = await scene.device('cee');
    const communityId = unwrap(await owner.engine.communities.create({ name: 'Tool library' }));
    const { link } = unwrap(await owner.engine.communities.createInvite(communityId));
    unwrap(await bee.engine.communities.joinByLink(link));
    unwrap(await cee.engine.communities.joinByLink(link));
    await roleVerified(owner, communityId, bee.account.id, 'member', 'the owner holds Bee’s signed join');
    await roleVerified(owner, communityId, cee.account.id, 'member', 'the owner holds Cee’s signed join');

    // Only the owner changes roles; then the server and every device's fold agree.
    expect(await bee.engine.communityAdmin.setRole(communityId, cee.account.id, 'moderator')).toEqual({ ok: false, code: 'community.not_allowed' });
    unwrap(await owner.engine.communityAdmin.setRole(communityId, bee.account.id, 'moderator'));
    await roleVerified(cee, communityId, bee.account.id, 'moderator', 'Cee sees Bee as a moderator, signed');
    await eventually(() => bee.engine.communities.view(communityId)?.myRole === 'moderator', 'Bee learns it is a moderator');

    // A moderator's channel shows everywhere; a plain member cannot add one, and one forced into the document is ignored.
    expect(await cee.engine.communityAdmin.addChannel(communityId, 'Sneaky')).toEqual({ ok: false, code: 'community.not_allowed' });
    const tools = unwrap(await bee.engine.communityAdmin.addChannel(communityId, 'Power tools'));
    unwrap(
      await cee.engine.communities.writeIn(communityId, (replica) => {
        addSignedChannel(replica.inner, { docId: communityId, channel: { id: 'forged1', name: 'Forged signed' }, identity: cee.identity, now: Date.now() });
        addChannel(replica.inner, { id: 'forged2', name: 'Forged plain' });
        return ok(undefined);
      }),
    );
    const threadId = unwrap(await bee.engine.communities.createThread(communityId, { kind: 'offer', title: 'Drill to lend', body: 'Cordless', channel: tools.id }));
    await eventually(async () => {
      const s = await owner.engine.communities.state(communityId, { channel: tools.id });
      return s.ok && s.value.threads.some((t) => t.id === threadId) && (await rawChannels(owner, communityId)) === 4;
    }, 'the owner sees the channel, its thread and the forged entries');
    const seen = unwrap(await owner.engine.communities.state(communityId));
    expect(seen.channels.map((c) => c.name)).toEqual(['General', 'Power tools']);
    expect(unwrap(await owner.engine.communities.state(communityId, { channel: 'general' })).threads).toEqual([]);

    // Ownership moves to Bee; the old owner is a moderator, may leave, and the community leaves its list.
    expect(await owner.engine.communityAdmin.transferOwnership(communityId, owner.account.id)).toEqual({ ok: false, code: 'request.invalid' });
    unwrap(await owner.engine.communityAdmin.transferOwnership(communityId, bee.account.id));
    expect(owner.engine.communities.view(communityId)?.myRole).toBe('moderator');
    await roleVerified(cee, communityId, bee.account.id, 'owner', 'Cee sees Bee as the owner, signed');
    await roleVerified(cee, communityId, owner.account.id, 'moderator', 'Cee sees the old owner as a moderator, signed');
    unwrap(await owner.engine.communities.leave(communityId, async () => true));
    expect(owner.engine.communities.list()).toEqual([]);

    // With the founder gone, the signed records still anchor on them: Bee's channel and the roles still verify,
    // also on a device that joins only now, and Bee, the owner, can make a moderator.
    await eventually(() => bee.engine.communities.view(communityId)?.myRole === 'owner', 'Bee learns it owns the community');
    await roleVerified(bee, communityId, cee.account.id, 'member', 'Bee still verifies Cee after the founder left');
    expect(unwrap(await bee.engine.communities.state(communityId)).channels.map((c) => c.name)).toEqual(['General', 'Power tools']);
    const dee = await scene.device('dee');
    unwrap(await dee.engine.communities.joinByLink(unwrap(await bee.engine.communities.createInvite(communityId)).link));
    await roleVerified(dee, communityId, bee.account.id, 'owner', 'a newcomer verifies Bee as the owner');
    expect(unwrap(await dee.engine.communities.state(communityId)).channels.map((c) => c.name)).toEqual(['General', 'Power tools']);
    unwrap(await bee.engine.communityAdmin.setRole(communityId, cee.account.id, 'moderator'));
    await roleVerified(dee, communityId, cee.account.id, 'moderator', 'the newcomer sees Cee made a moderator by the new owner');

    // Bee deletes it: gone from every list, and the others' devices wipe its keys.
    expect(await cee.engine.communityAdmin.deleteCommunity(communityId)).toEqual({ ok: false, code: 'community.not_allowed' });
    unwrap(await bee.engine.communityAdmin.deleteCommunity(communityId));
    expect(bee.engine.communities.list()).toEqual([]);
    await eventually(() => cee.engine.communities.list().length === 0, 'Cee no longer lists the deleted community');
    await eventually(async () => (await cee.engine.store.open(`keys:${communityId}`)) === null, 'Cee’s device wipes the community’s keys');
    expect(await cee.engine.openThread(threadId)).toEqual({ ok: false, code: 'doc.not_found' });
  });
});
