// Deleting an account that is in communities: no community row names it afterwards, the others' key is marked
// for rotation, and a community nobody is left in goes with its threads.
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { documents } from '../../sync-server/db/schema-docs';
import { call, codeOf } from './helpers/api';
import { createCommunity, join, makeInvite, viewOf } from './helpers/communities';
import { everyRow, names } from './helpers/privacy';
import { startServer, type TestServer } from './helpers/server';
import { makeSyncUser, newDocId } from './helpers/sync-client';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.dispose();
  server = undefined;
});

describe('account deletion in communities', () => {
  it('leaves no community row naming the account, and the community goes when nobody is left', async () => {
    const s = (server = await startServer());
    const [owner, bob] = [await makeSyncUser(s), await makeSyncUser(s)];
    const shared = await createCommunity(s, owner);
    const { invite } = await makeInvite(s, owner, shared.id, shared.keys.get(0)!, 0);
    await join(s, bob, invite);
    const alone = await createCommunity(s, bob);
    const thread = newDocId();
    expect((await call(s, 'POST', `/api/communities/${alone.id}/threads`, { token: bob.token, json: { id: thread } })).status).toBe(201);

    const deleted = await call(s, 'DELETE', '/api/account', { token: bob.token, json: { currentAuthKey: bob.authKey } });
    expect(deleted.status, deleted.text).toBe(200);

    for (const [table, rows] of everyRow(s)) {
      if (!table.startsWith('community_')) continue;
      for (const row of rows) expect(Object.entries(row).filter(([, v]) => names(v, bob.id)), `${table} ${JSON.stringify(row)}`).toEqual([]);
    }
    const view = await viewOf(s, owner, shared.id);
    expect(view.members.map((m) => m.accountId)).toEqual([owner.id]);
    expect(view.rotationNeeded).toBe(true);
    for (const id of [alone.id, thread]) expect(s.db.orm.select().from(documents).where(eq(documents.id, id)).get()).toBeUndefined();
  });

  it('refuses to delete the owner of a community others are in, changing nothing, until ownership is handed on', async () => {
    const s = (server = await startServer());
    const [owner, bob] = [await makeSyncUser(s), await makeSyncUser(s)];
    const shared = await createCommunity(s, owner);
    const { invite } = await makeInvite(s, owner, shared.id, shared.keys.get(0)!, 0);
    await join(s, bob, invite);

    const refused = await call(s, 'DELETE', '/api/account', { token: owner.token, json: { currentAuthKey: owner.authKey } });
    expect(refused.status).toBe(409);
    expect(codeOf(refused)).toBe('account.owns_communities');
    expect((await viewOf(s, owner, shared.id)).members.map((m) => m.accountId).sort()).toEqual([owner.id, bob.id].sort());

    const handed = await call(s, 'POST', `/api/communities/${shared.id}/owner`, { token: owner.token, json: { accountId: bob.id } });
    expect(handed.status, handed.text).toBe(200);
    const deleted = await call(s, 'DELETE', '/api/account', { token: owner.token, json: { currentAuthKey: owner.authKey } });
    expect(deleted.status, deleted.text).toBe(200);
    expect((await viewOf(s, bob, shared.id)).members.map((m) => m.accountId)).toEqual([bob.id]);
  });
});
