// Communities over HTTP against the real server: who sees what, invite links, roles, the directory, bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommunityList, CommunityView } from '../../lib/protocol/api-communities';
import { call, codeOf, type ApiResponse } from './helpers/api';
import { createCommunity, join, makeInvite, redeem, tablesFingerprint, viewOf } from './helpers/communities';
import { startServer, type TestServer } from './helpers/server';
import { keyEnvelopes, makeSyncUser, newDocId, newEpochKey, type SyncUser } from './helpers/sync-client';

let server: TestServer;
let owner: SyncUser;
let bob: SyncUser;
let carol: SyncUser;
let eve: SyncUser;

beforeAll(async () => {
  server = await startServer();
  [owner, bob, carol, eve] = await Promise.all([makeSyncUser(server), makeSyncUser(server), makeSyncUser(server), makeSyncUser(server)]);
});
afterAll(async () => {
  await server.dispose();
});

const refused = (response: ApiResponse) => [response.status, codeOf(response)];

/** A community of the owner with bob (and carol) joined by link. */
const sortedRoles = (pairs: Array<[string, string]>) => [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const roles = (view: { members: Array<{ accountId: string; role: string }> }) => sortedRoles(view.members.map((m) => [m.accountId, m.role]));

async function communityWith(...members: SyncUser[]) {
  const community = await createCommunity(server, owner);
  const { invite } = await makeInvite(server, owner, community.id, community.keys.get(0)!, 0);
  for (const m of members) await join(server, m, invite);
  return community;
}

describe('who sees a community', () => {
  it('shows a community, its key envelopes and its threads only to members; anyone else gets doc.not_found', async () => {
    const community = await communityWith(bob);
    const thread = newDocId();
    expect((await call(server, 'POST', `/api/communities/${community.id}/threads`, { token: bob.token, json: { id: thread } })).status).toBe(201);

    const asEve = await call(server, 'GET', `/api/communities/${community.id}`, { token: eve.token });
    const unknown = await call(server, 'GET', `/api/communities/${newDocId()}`, { token: eve.token });
    expect(refused(asEve)).toEqual([404, 'doc.not_found']);
    expect(refused(unknown)).toEqual([404, 'doc.not_found']);
    expect(CommunityList.parse((await call(server, 'GET', '/api/communities', { token: eve.token })).body).communities).toEqual([]);
    // Nor through the conversation routes, nor by creating a thread in it.
    expect(refused(await call(server, 'GET', `/api/conversations/${community.id}`, { token: eve.token }))).toEqual([404, 'doc.not_found']);
    expect(refused(await call(server, 'POST', `/api/communities/${community.id}/threads`, { token: eve.token, json: { id: newDocId() } }))).toEqual([404, 'doc.not_found']);
    // A thread id is not a community id.
    expect(refused(await call(server, 'GET', `/api/communities/${thread}`, { token: bob.token }))).toEqual([404, 'doc.not_found']);

    const asBob = await viewOf(server, bob, community.id);
    expect(asBob.myRole).toBe('member');
    expect(asBob.keyEnvelopes.map((e) => e.epoch)).toEqual([0]);
    expect(asBob.threads.map((t) => t.id)).toEqual([thread]);
    // Members are in joining order; with the test clock standing still, ties fall in any order.
    expect(roles(asBob)).toEqual(sortedRoles([
      [owner.id, 'owner'],
      [bob.id, 'member'],
    ]));
    expect(asBob.listing).toBeNull();
    // Communities are not conversations: they stay out of the conversation list.
    expect((await call(server, 'GET', '/api/conversations', { token: bob.token })).body.conversations).toEqual([]);
  });
});

describe('invite links', () => {
  it('lets someone with the link join once per use, and refuses it when used up', async () => {
    const community = await createCommunity(server, owner);
    const { invite } = await makeInvite(server, owner, community.id, community.keys.get(0)!, 0, { maxUses: 1 });
    const view = await join(server, bob, invite);
    expect(view.myRole).toBe('member');
    const before = tablesFingerprint(server);
    expect(refused(await redeem(server, carol, invite))).toEqual([410, 'invite.used_up']);
    expect(tablesFingerprint(server)).toBe(before);
    const invites = await call(server, 'GET', `/api/communities/${community.id}/invites`, { token: owner.token });
    expect(invites.body.invites.map((i: { uses: number }) => i.uses)).toEqual([1]);
  });

  it('refuses an expired link and a revoked one, and changes nothing', async () => {
    const community = await createCommunity(server, owner);
    const { invite: shortLived } = await makeInvite(server, owner, community.id, community.keys.get(0)!, 0, { ttlMs: 60_000 });
    const { invite: revoked } = await makeInvite(server, owner, community.id, community.keys.get(0)!, 0);
    expect((await call(server, 'POST', `/api/communities/${community.id}/invites/${revoked.id}/revoke`, { token: owner.token })).status).toBe(200);
    server.clock.advance(60_000);
    const before = tablesFingerprint(server);
    expect(refused(await redeem(server, carol, shortLived))).toEqual([410, 'invite.expired']);
    expect(refused(await redeem(server, carol, revoked))).toEqual([410, 'invite.revoked']);
    expect(tablesFingerprint(server)).toBe(before);
    expect(refused(await call(server, 'GET', `/api/communities/${community.id}`, { token: carol.token }))).toEqual([404, 'doc.not_found']);
  });

  it('answers a wrong proof exactly like an unknown link', async () => {
    const community = await createCommunity(server, owner);
    const { invite } = await makeInvite(server, owner, community.id, community.keys.get(0)!, 0);
    const wrong = { ...invite, proof: invite.proof.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) };
    expect(refused(await redeem(server, carol, wrong))).toEqual([404, 'invite.not_found']);
    expect(refused(await redeem(server, carol, { ...invite, id: newDocId() }))).toEqual([404, 'invite.not_found']);
  });

  it('refuses a link made before the key rotated', async () => {
    const community = await communityWith(bob);
    const { invite } = await makeInvite(server, owner, community.id, community.keys.get(0)!, 0);
    const rotated = await call(server, 'POST', `/api/communities/${community.id}/epochs`, {
      token: bob.token,
      json: { epoch: 1, keyEnvelopes: keyEnvelopes(community.id, 1, newEpochKey(), bob, [owner, bob]) },
    });
    expect(rotated.status, rotated.text).toBe(200);
    expect(refused(await redeem(server, carol, invite))).toEqual([410, 'invite.stale']);
  });

  it('does not let a plain member make or revoke links', async () => {
    const community = await communityWith(bob);
    const { invite } = await makeInvite(server, owner, community.id, community.keys.get(0)!, 0);
    const before = tablesFingerprint(server);
    const { response } = await makeInvite(server, bob, community.id, community.keys.get(0)!, 0);
    expect(refused(response)).toEqual([403, 'community.not_allowed']);
    expect(refused(await call(server, 'POST', `/api/communities/${community.id}/invites/${invite.id}/revoke`, { token: bob.token }))).toEqual([403, 'community.not_allowed']);
    expect(refused(await call(server, 'GET', `/api/communities/${community.id}/invites`, { token: bob.token }))).toEqual([403, 'community.not_allowed']);
    expect(tablesFingerprint(server)).toBe(before);
  });
});

describe('roles', () => {
  it('does not let a member act as a moderator or owner', async () => {
    const community = await communityWith(bob, carol);
    const before = tablesFingerprint(server);
    const rotation = { epoch: 1, keyEnvelopes: keyEnvelopes(community.id, 1, newEpochKey(), bob, [owner, bob]) };
    expect(refused(await call(server, 'POST', `/api/communities/${community.id}/remove`, { token: bob.token, json: { accountId: carol.id, rotation } }))).toEqual([
      403,
      'community.not_allowed',
    ]);
    expect(refused(await call(server, 'POST', `/api/communities/${community.id}/roles`, { token: bob.token, json: { accountId: bob.id, role: 'moderator' } }))).toEqual([
      403,
      'community.not_allowed',
    ]);
    expect(refused(await call(server, 'POST', `/api/communities/${community.id}/owner`, { token: bob.token, json: { accountId: bob.id } }))).toEqual([403, 'community.not_allowed']);
    expect(refused(await call(server, 'PUT', `/api/communities/${community.id}/directory`, { token: bob.token, json: { name: 'Mine now', description: '' } }))).toEqual([
      403,
      'community.not_allowed',
    ]);
    expect(tablesFingerprint(server)).toBe(before);
  });

  it('lets the owner promote a moderator, who may remove members but not other moderators or the owner', async () => {
    const community = await communityWith(bob, carol);
    const promoted = await call(server, 'POST', `/api/communities/${community.id}/roles`, { token: owner.token, json: { accountId: bob.id, role: 'moderator' } });
    expect(CommunityView.parse(promoted.body).members.find((m) => m.accountId === bob.id)?.role).toBe('moderator');
    const rotateAs = (by: SyncUser, remaining: SyncUser[]) => ({ epoch: 1, keyEnvelopes: keyEnvelopes(community.id, 1, newEpochKey(), by, remaining) });
    expect(
      refused(await call(server, 'POST', `/api/communities/${community.id}/remove`, { token: bob.token, json: { accountId: owner.id, rotation: rotateAs(bob, [bob, carol]) } })),
    ).toEqual([403, 'community.not_allowed']);
    const removed = await call(server, 'POST', `/api/communities/${community.id}/remove`, { token: bob.token, json: { accountId: carol.id, rotation: rotateAs(bob, [owner, bob]) } });
    expect(removed.status, removed.text).toBe(200);
    expect(CommunityView.parse(removed.body).epoch).toBe(1);
    expect(refused(await call(server, 'GET', `/api/communities/${community.id}`, { token: carol.token }))).toEqual([404, 'doc.not_found']);
  });

  it('hands ownership over: the old owner becomes a moderator and may then leave', async () => {
    const community = await communityWith(bob);
    expect(refused(await call(server, 'POST', `/api/communities/${community.id}/leave`, { token: owner.token }))).toEqual([409, 'community.owner_cannot_leave']);
    expect((await call(server, 'POST', `/api/communities/${community.id}/owner`, { token: owner.token, json: { accountId: bob.id } })).status).toBe(200);
    const view = await viewOf(server, bob, community.id);
    expect(roles(view)).toEqual(sortedRoles([
      [owner.id, 'moderator'],
      [bob.id, 'owner'],
    ]));
    expect((await call(server, 'POST', `/api/communities/${community.id}/leave`, { token: owner.token })).status).toBe(200);
    const after = await viewOf(server, bob, community.id);
    expect(after.rotationNeeded).toBe(true);
    expect(after.members.map((m) => m.accountId)).toEqual([bob.id]);
  });
});

describe('the directory', () => {
  it('lists only published communities, searches them by name, and forgets them when unpublished', async () => {
    const tag = `z${Date.now().toString(36)}`;
    const listed = await createCommunity(server, owner);
    const unlisted = await createCommunity(server, owner);
    void unlisted;
    const published = await call(server, 'PUT', `/api/communities/${listed.id}/directory`, {
      token: owner.token,
      json: { name: `Tool Library ${tag}`, description: 'Borrow a drill' },
    });
    expect(CommunityView.parse(published.body).listing).toEqual({ name: `Tool Library ${tag}`, description: 'Borrow a drill' });
    const search = (query: string) => call(server, 'POST', '/api/directory/search', { token: eve.token, json: { query } });
    const found = await search(`library ${tag.toUpperCase()}`);
    expect(found.body.communities).toEqual([{ communityId: listed.id, name: `Tool Library ${tag}`, description: 'Borrow a drill', memberCount: 1 }]);
    expect((await search(`nothing-called-this-${tag}`)).body.communities).toEqual([]);
    // A LIKE wildcard is searched for literally.
    expect((await search('%')).body.communities).toEqual([]);
    expect((await search('')).body.communities.map((c: { communityId: string }) => c.communityId)).not.toContain(unlisted.id);
    expect((await call(server, 'DELETE', `/api/communities/${listed.id}/directory`, { token: owner.token })).status).toBe(200);
    expect((await search(tag)).body.communities).toEqual([]);
  });
});

describe('bad input', () => {
  it('answers unknown ids and malformed bodies with a clear error and changes nothing', async () => {
    const community = await communityWith(bob);
    const before = tablesFingerprint(server);
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/api/communities', { id: 'short', keyEnvelopes: [] }, 400, 'request.invalid'],
      ['POST', '/api/communities', { id: newDocId(), keyEnvelopes: keyEnvelopes(newDocId(), 0, newEpochKey(), owner, [owner]) }, 400, 'doc.bad_key_envelope'],
      ['POST', `/api/communities/${community.id}/threads`, { id: 'x' }, 400, 'request.invalid'],
      ['POST', `/api/communities/${community.id}/roles`, { accountId: bob.id, role: 'owner' }, 400, 'request.invalid'],
      ['POST', `/api/communities/${community.id}/roles`, { accountId: eve.id, role: 'moderator' }, 404, 'account.not_found'],
      ['POST', `/api/communities/${newDocId()}/roles`, { accountId: bob.id, role: 'moderator' }, 404, 'doc.not_found'],
      ['POST', `/api/communities/${community.id}/remove`, { accountId: bob.id }, 400, 'request.invalid'],
      [
        'POST',
        `/api/communities/${community.id}/remove`,
        { accountId: bob.id, rotation: { epoch: 2, keyEnvelopes: keyEnvelopes(community.id, 2, newEpochKey(), owner, [owner]) } },
        409,
        'doc.wrong_epoch',
      ],
      [
        'POST',
        `/api/communities/${community.id}/remove`,
        { accountId: bob.id, rotation: { epoch: 1, keyEnvelopes: keyEnvelopes(community.id, 1, newEpochKey(), owner, [owner, bob]) } },
        400,
        'doc.key_envelopes_mismatch',
      ],
      ['POST', `/api/communities/${community.id}/invites`, { id: newDocId() }, 400, 'request.invalid'],
      ['POST', `/api/invites/${newDocId()}/redeem`, { proof: 'nope' }, 400, 'request.invalid'],
      ['POST', `/api/invites/not-an-id/open`, { proof: 'A'.repeat(43) }, 404, 'invite.not_found'],
      ['PUT', `/api/communities/${community.id}/directory`, { name: '', description: 'x' }, 400, 'request.invalid'],
      ['POST', '/api/directory/search', { query: 'x'.repeat(101) }, 400, 'request.invalid'],
    ];
    for (const [method, path, json, status, code] of cases) {
      const response = await call(server, method, path, { token: owner.token, json });
      expect([method, path, response.status, codeOf(response)]).toEqual([method, path, status, code]);
    }
    expect(tablesFingerprint(server)).toBe(before);
  });

  it('refuses a second community or thread with an id already taken', async () => {
    const community = await createCommunity(server, owner);
    const again = await call(server, 'POST', '/api/communities', { token: owner.token, json: { id: community.id, keyEnvelopes: keyEnvelopes(community.id, 0, newEpochKey(), owner, [owner]) } });
    expect(refused(again)).toEqual([409, 'doc.exists']);
    const thread = newDocId();
    expect((await call(server, 'POST', `/api/communities/${community.id}/threads`, { token: owner.token, json: { id: thread } })).status).toBe(201);
    expect(refused(await call(server, 'POST', `/api/communities/${community.id}/threads`, { token: owner.token, json: { id: thread } }))).toEqual([409, 'thread.exists']);
    expect(refused(await call(server, 'POST', `/api/communities/${community.id}/threads`, { token: owner.token, json: { id: community.id } }))).toEqual([409, 'thread.exists']);
  });
});
