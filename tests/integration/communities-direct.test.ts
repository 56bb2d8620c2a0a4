// Direct invitations to a community: subject to the invitee's contact settings and blocks, answered by the
// invitee (accept or decline), and "people in my communities" counting community members.
import { afterEach, describe, expect, it } from 'vitest';
import { CommunityView } from '../../lib/protocol/api-communities';
import { call, codeOf, type ApiResponse } from './helpers/api';
import { createCommunity, tablesFingerprint, viewOf, type Community } from './helpers/communities';
import { setContact, tryStart } from './helpers/privacy';
import { startServer, type TestServer } from './helpers/server';
import { keyEnvelopes, makeSyncUser, newDocId, type SyncUser } from './helpers/sync-client';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.dispose();
  server = undefined;
});

const refused = (response: ApiResponse) => [response.status, codeOf(response)];

function inviteDirectly(s: TestServer, by: SyncUser, community: Community, invitee: SyncUser, epoch = 0): Promise<ApiResponse> {
  const [envelope] = keyEnvelopes(community.id, epoch, community.keys.get(epoch)!, by, [invitee]);
  return call(s, 'POST', `/api/communities/${community.id}/members`, { token: by.token, json: { accountId: invitee.id, keyEnvelope: envelope!.envelope } });
}

describe('direct invitations', () => {
  it('lets the invitee look, then accept; until then it can do nothing else there', async () => {
    const s = (server = await startServer());
    const [owner, bob] = [await makeSyncUser(s), await makeSyncUser(s)];
    const community = await createCommunity(s, owner);
    const invited = await inviteDirectly(s, owner, community, bob);
    expect(invited.status, invited.text).toBe(200);
    const asBob = await viewOf(s, bob, community.id);
    expect(asBob.invited).toBe(true);
    expect(asBob.keyEnvelopes.map((e) => e.epoch)).toEqual([0]);
    expect(refused(await call(s, 'POST', `/api/communities/${community.id}/threads`, { token: bob.token, json: { id: newDocId() } }))).toEqual([
      403,
      'community.invitation_pending',
    ]);
    const accepted = await call(s, 'POST', `/api/communities/${community.id}/accept`, { token: bob.token });
    expect(accepted.status, accepted.text).toBe(200);
    expect(CommunityView.parse(accepted.body).invited).toBeUndefined();
    expect(refused(await call(s, 'POST', `/api/communities/${community.id}/accept`, { token: bob.token }))).toEqual([409, 'community.not_invited']);
    expect((await call(s, 'POST', `/api/communities/${community.id}/threads`, { token: bob.token, json: { id: newDocId() } })).status).toBe(201);
  });

  it('removes an invitee who declines and marks the key for rotation', async () => {
    const s = (server = await startServer());
    const [owner, bob] = [await makeSyncUser(s), await makeSyncUser(s)];
    const community = await createCommunity(s, owner);
    expect((await inviteDirectly(s, owner, community, bob)).status).toBe(200);
    expect((await call(s, 'POST', `/api/communities/${community.id}/decline`, { token: bob.token })).status).toBe(200);
    expect(refused(await call(s, 'GET', `/api/communities/${community.id}`, { token: bob.token }))).toEqual([404, 'doc.not_found']);
    const view = await viewOf(s, owner, community.id);
    expect(view.members.map((m) => m.accountId)).toEqual([owner.id]);
    expect(view.rotationNeeded).toBe(true);
  });

  it('refuses to invite someone who takes nobody new or blocked the inviter, and a member who invites at all', async () => {
    const s = (server = await startServer());
    const [owner, bob, closed, blocker] = [await makeSyncUser(s), await makeSyncUser(s), await makeSyncUser(s), await makeSyncUser(s)];
    await setContact(s, closed, 'nobody_new');
    expect((await call(s, 'POST', `/api/blocks/${owner.id}`, { token: blocker.token })).status).toBeLessThan(300);
    const community = await createCommunity(s, owner);
    expect((await inviteDirectly(s, owner, community, bob)).status).toBe(200);
    expect((await call(s, 'POST', `/api/communities/${community.id}/accept`, { token: bob.token })).status).toBe(200);
    const before = tablesFingerprint(s);
    expect(refused(await inviteDirectly(s, owner, community, closed))).toEqual([403, 'community.cannot_invite']);
    expect(refused(await inviteDirectly(s, owner, community, blocker))).toEqual([403, 'community.cannot_invite']);
    expect(refused(await inviteDirectly(s, bob, community, closed))).toEqual([403, 'community.not_allowed']);
    expect(refused(await inviteDirectly(s, owner, community, bob))).toEqual([409, 'community.already_member']);
    expect(tablesFingerprint(s)).toBe(before);
  });

  it('counts fellow community members as "people in my communities" for a new conversation', async () => {
    const s = (server = await startServer());
    const [owner, bob] = [await makeSyncUser(s), await makeSyncUser(s)];
    await setContact(s, bob, 'communities');
    expect(refused((await tryStart(s, owner, [bob])).response)).toEqual([403, 'conversation.cannot_start']);
    const community = await createCommunity(s, owner);
    await setContact(s, bob, 'everyone');
    expect((await inviteDirectly(s, owner, community, bob)).status).toBe(200);
    expect((await call(s, 'POST', `/api/communities/${community.id}/accept`, { token: bob.token })).status).toBe(200);
    await setContact(s, bob, 'communities');
    expect((await tryStart(s, owner, [bob])).response.status).toBe(201);
  });
});
