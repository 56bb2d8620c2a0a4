// Deleting a community (DELETE /api/communities/:id) against the real server: only the owner may; the community,
// its threads and every row about them go in one step; live sockets close and members' event streams are told.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../lib/protocol/errors';
import { call, codeOf, type ApiResponse } from './helpers/api';
import { createCommunity, join, makeInvite, tablesFingerprint, viewOf } from './helpers/communities';
import { everyRow, names } from './helpers/privacy';
import { startServer, type TestServer } from './helpers/server';
import { entryId, makeSyncUser, newDocId, sealEntry, SyncClient, type SyncUser } from './helpers/sync-client';
import { trackClients } from './helpers/track-clients';
import { documents } from '../../sync-server/db/schema-docs';

let server: TestServer;
let owner: SyncUser;
let mod: SyncUser;
let bob: SyncUser;
let eve: SyncUser;
const track = trackClients();

beforeAll(async () => {
  server = await startServer();
  [owner, mod, bob, eve] = await Promise.all([makeSyncUser(server), makeSyncUser(server), makeSyncUser(server), makeSyncUser(server)]);
});
afterAll(async () => {
  await server.dispose();
});

const refused = (response: ApiResponse) => [response.status, codeOf(response)];
const remove = (user: SyncUser, id: string) => call(server, 'DELETE', `/api/communities/${id}`, { token: user.token });

/** The owner's community with a moderator and a member, a thread with one stored post, an invite and a listing. */
async function scene() {
  const community = await createCommunity(server, owner);
  const key0 = community.keys.get(0)!;
  const { invite } = await makeInvite(server, owner, community.id, key0, 0);
  await join(server, mod, invite);
  await join(server, bob, invite);
  expect((await call(server, 'POST', `/api/communities/${community.id}/roles`, { token: owner.token, json: { accountId: mod.id, role: 'moderator' } })).status).toBe(200);
  const thread = newDocId();
  expect((await call(server, 'POST', `/api/communities/${community.id}/threads`, { token: bob.token, json: { id: thread } })).status).toBe(201);
  const listed = await call(server, 'PUT', `/api/communities/${community.id}/directory`, { token: owner.token, json: { name: 'Deletable', description: 'soon gone' } });
  expect(listed.status, listed.text).toBe(200);
  const writer = track(await SyncClient.synced(server, bob, thread));
  const post = sealEntry({ docId: thread, epoch: 0, key: key0, author: bob.identity, text: 'a post' });
  writer.append(post);
  await writer.waitStoredAll();
  return { communityId: community.id, thread, writer, postId: entryId(post) };
}

/** Rows anywhere in the database that mention the id. */
function rowsNaming(id: string): string[] {
  const found: string[] = [];
  for (const [table, rows] of everyRow(server)) {
    for (const row of rows) if (Object.values(row).some((v) => names(v, id))) found.push(`${table} ${JSON.stringify(row)}`);
  }
  return found;
}

describe('deleting a community', () => {
  it('refuses a moderator and a member with community.not_allowed, and an outsider or unknown id with doc.not_found, changing nothing', async () => {
    const { communityId } = await scene();
    const before = tablesFingerprint(server);
    expect(refused(await remove(mod, communityId))).toEqual([403, 'community.not_allowed']);
    expect(refused(await remove(bob, communityId))).toEqual([403, 'community.not_allowed']);
    expect(refused(await remove(eve, communityId))).toEqual([404, 'doc.not_found']);
    expect(refused(await remove(owner, newDocId()))).toEqual([404, 'doc.not_found']);
    expect(refused(await remove(owner, 'not an id!'))).toEqual([404, 'doc.not_found']);
    const error = (await remove(bob, communityId)).body as { error: { code: string; message: string } };
    expect(error).toEqual({ error: { code: 'community.not_allowed', message: ERRORS['community.not_allowed'].message } });
    expect(tablesFingerprint(server)).toBe(before);
    expect((await viewOf(server, bob, communityId)).threads).toHaveLength(1);
  });

  it('lets the owner delete it: nothing about it or its threads is left, sockets close, members are told', async () => {
    const { communityId, thread, writer } = await scene();
    const streams = await Promise.all([owner, mod, bob].map(async (u) => track(await SyncClient.events(server, u))));
    const reader = track(await SyncClient.synced(server, mod, communityId));

    const deleted = await remove(owner, communityId);
    expect(deleted.status, deleted.text).toBe(200);
    expect(deleted.body).toEqual({ ok: true });

    for (const [socket, docId] of [
      [writer, thread],
      [reader, communityId],
    ] as const) {
      const closed = await socket.waitClosed();
      expect(closed, docId).toEqual({ code: ERRORS['doc.not_found'].close, reason: 'doc.not_found' });
    }
    for (const s of streams) await s.waitFor('membership event', () => s.events.some((e) => e.type === 'membership' && e.id === communityId));

    expect(rowsNaming(communityId)).toEqual([]);
    expect(rowsNaming(thread)).toEqual([]);
    expect(server.db.orm.select().from(documents).where(eq(documents.id, thread)).get()).toBeUndefined();
    for (const u of [owner, mod, bob]) {
      expect(refused(await call(server, 'GET', `/api/communities/${communityId}`, { token: u.token }))).toEqual([404, 'doc.not_found']);
      const listed = (await call(server, 'GET', '/api/communities', { token: u.token })).body.communities as Array<{ id: string }>;
      expect(listed.map((c) => c.id)).not.toContain(communityId);
    }
    const found = (await call(server, 'POST', '/api/directory/search', { token: eve.token, json: { query: 'Deletable' } })).body.communities as Array<{ communityId: string }>;
    expect(found.map((c) => c.communityId)).not.toContain(communityId);
    // Gone means gone: a second delete, or a socket to either document, finds nothing.
    expect(refused(await remove(owner, communityId))).toEqual([404, 'doc.not_found']);
    const again = track(await SyncClient.open(server, bob, thread));
    expect(await again.waitClosed()).toEqual({ code: ERRORS['doc.not_member'].close, reason: 'doc.not_member' });
  });
});
