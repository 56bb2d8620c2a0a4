// The list of a community's invite links (GET /api/communities/:id/invites) against the real server: who may read
// it, each link's status by the server's clock and epoch, that no secret material leaves, and how long links live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InviteList, MAX_INVITE_LIFETIME_MS, MAX_LISTED_INVITES } from '../../lib/protocol/api-communities';
import { toBase64url } from '../../lib/protocol/base64url';
import { communityInvites } from '../../sync-server/db/community-schema';
import { call, codeOf, type ApiResponse } from './helpers/api';
import { createCommunity, join, makeInvite, redeem } from './helpers/communities';
import { startServer, type TestServer } from './helpers/server';
import { keyEnvelopes, makeSyncUser, newDocId, newEpochKey, type SyncUser } from './helpers/sync-client';

let server: TestServer;
let owner: SyncUser;
let mod: SyncUser;
let bob: SyncUser;
let carol: SyncUser;
let eve: SyncUser;

beforeAll(async () => {
  server = await startServer();
  [owner, mod, bob, carol, eve] = await Promise.all([makeSyncUser(server), makeSyncUser(server), makeSyncUser(server), makeSyncUser(server), makeSyncUser(server)]);
});
afterAll(async () => {
  await server.dispose();
});

const DAY = 24 * 3600 * 1000;
const refused = (response: ApiResponse) => [response.status, codeOf(response)];
const list = (user: SyncUser, communityId: string) => call(server, 'GET', `/api/communities/${communityId}/invites`, { token: user.token });

async function listed(user: SyncUser, communityId: string) {
  const response = await list(user, communityId);
  expect(response.status, response.text).toBe(200);
  return InviteList.parse(response.body).invites;
}

/** The owner's community with bob a member and `mod` a moderator, both joined by a link of their own. */
async function communityWithModerator() {
  const community = await createCommunity(server, owner);
  const key = community.keys.get(0)!;
  const { invite } = await makeInvite(server, owner, community.id, key, 0, { maxUses: 2 });
  await join(server, mod, invite);
  await join(server, bob, invite);
  const promoted = await call(server, 'POST', `/api/communities/${community.id}/roles`, { token: owner.token, json: { accountId: mod.id, role: 'moderator' } });
  expect(promoted.status, promoted.text).toBe(200);
  return { community, key, firstInvite: invite };
}

describe('listing invite links', () => {
  it('shows owners and moderators every link of the community, newest first, with who made it, when, and its uses', async () => {
    const { community, key, firstInvite } = await communityWithModerator();
    const made = server.clock.now();
    server.clock.advance(1000);
    const { invite: byMod } = await makeInvite(server, mod, community.id, key, 0, { ttlMs: DAY, maxUses: 1 });

    for (const reader of [owner, mod]) {
      const invites = await listed(reader, community.id);
      expect(invites.map((i) => i.id)).toEqual([byMod.id, firstInvite.id]);
      expect(invites[0]).toEqual({
        id: byMod.id,
        createdBy: mod.id,
        createdAt: made + 1000,
        epoch: 0,
        expiresAt: made + 1000 + DAY,
        maxUses: 1,
        uses: 0,
        revoked: false,
        status: 'active',
      });
      expect(invites[1]).toMatchObject({ createdBy: owner.id, createdAt: made, uses: 2, maxUses: 2, status: 'used_up' });
    }
  });

  it('refuses a plain member with community.not_allowed and anyone outside with doc.not_found', async () => {
    const { community } = await communityWithModerator();
    expect(refused(await list(bob, community.id))).toEqual([403, 'community.not_allowed']);
    expect(refused(await list(eve, community.id))).toEqual([404, 'doc.not_found']);
    expect(refused(await list(eve, newDocId()))).toEqual([404, 'doc.not_found']);
    expect(refused(await list(owner, 'not-an-id'))).toEqual([404, 'doc.not_found']);
    expect(refused(await call(server, 'GET', `/api/communities/${community.id}/invites`, {}))).toEqual([401, 'auth.required']);
  });

  it('flags a revoked, an expired, a used-up and a stale link as the link itself would be refused', async () => {
    const { community, key } = await communityWithModerator();
    const { invite: revoked } = await makeInvite(server, owner, community.id, key, 0);
    const { invite: expired } = await makeInvite(server, owner, community.id, key, 0, { ttlMs: 60_000 });
    const { invite: usedUp } = await makeInvite(server, owner, community.id, key, 0, { maxUses: 1 });
    const { invite: working } = await makeInvite(server, owner, community.id, key, 0);
    expect((await call(server, 'POST', `/api/communities/${community.id}/invites/${revoked.id}/revoke`, { token: owner.token })).status).toBe(200);
    await join(server, carol, usedUp);
    server.clock.advance(60_000);

    const statusOf = async () => Object.fromEntries((await listed(owner, community.id)).map((i) => [i.id, [i.status, i.revoked]]));
    expect(await statusOf()).toMatchObject({
      [revoked.id]: ['revoked', true],
      [expired.id]: ['expired', false],
      [usedUp.id]: ['used_up', false],
      [working.id]: ['active', false],
    });
    expect(refused(await redeem(server, eve, revoked))).toEqual([410, 'invite.revoked']);
    expect(refused(await redeem(server, eve, expired))).toEqual([410, 'invite.expired']);

    // A new epoch (here carol is removed) leaves every link of the old one opening nothing current.
    const rotation = { epoch: 1, keyEnvelopes: keyEnvelopes(community.id, 1, newEpochKey(), owner, [owner, mod, bob]) };
    const removed = await call(server, 'POST', `/api/communities/${community.id}/remove`, { token: owner.token, json: { accountId: carol.id, rotation } });
    expect(removed.status, removed.text).toBe(200);
    expect((await statusOf())[working.id]).toEqual(['stale', false]);
    expect(refused(await redeem(server, eve, working))).toEqual([410, 'invite.stale']);
  });

  it('never sends the proof hash, the sealed key or anything of the secret', async () => {
    const { community, key } = await communityWithModerator();
    const { invite } = await makeInvite(server, owner, community.id, key, 0);
    const stored = server.db.orm.select().from(communityInvites).all().filter((r) => r.communityId === community.id);
    const response = await list(owner, community.id);
    expect(response.status).toBe(200);
    for (const row of stored) {
      expect(response.text).not.toContain(toBase64url(row.proofHash));
      expect(response.text).not.toContain(toBase64url(row.sealedKey));
    }
    expect(response.text).not.toContain(invite.proof);
    expect(response.text).not.toContain(toBase64url(invite.secret));
    for (const entry of response.body.invites as object[]) {
      expect(Object.keys(entry).sort()).toEqual(['createdAt', 'createdBy', 'epoch', 'expiresAt', 'id', 'maxUses', 'revoked', 'status', 'uses']);
    }
  });

  it(`lists only the newest ${MAX_LISTED_INVITES} links`, async () => {
    const community = await createCommunity(server, owner);
    const ids: string[] = [];
    for (let i = 0; i <= MAX_LISTED_INVITES; i++) {
      const { invite, response } = await makeInvite(server, owner, community.id, community.keys.get(0)!, 0);
      expect(response.status, response.text).toBe(201);
      ids.push(invite.id);
    }
    const invites = await listed(owner, community.id);
    expect(invites.map((i) => i.id)).toEqual(ids.slice(1).reverse());
  });
});

describe('how long a link lives', () => {
  it('cuts a link asked for a little past the longest life to the longest life, and refuses one asked for far past it', async () => {
    const community = await createCommunity(server, owner);
    const key = community.keys.get(0)!;
    const now = server.clock.now();
    const { response: ahead } = await makeInvite(server, owner, community.id, key, 0, { ttlMs: MAX_INVITE_LIFETIME_MS + 5 * 60_000 });
    expect(ahead.status, ahead.text).toBe(201);
    expect(ahead.body).toMatchObject({ expiresAt: now + MAX_INVITE_LIFETIME_MS, status: 'active' });
    const { response: tooLong } = await makeInvite(server, owner, community.id, key, 0, { ttlMs: MAX_INVITE_LIFETIME_MS + DAY });
    expect(refused(tooLong)).toEqual([400, 'request.invalid']);
  });
});
