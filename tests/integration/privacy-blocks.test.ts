// Blocks through the API: the list, block and unblock, and what a block refuses when starting or adding.
// (Socket enforcement is in privacy-sync.test.ts, refusal by contact setting in privacy-contact.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockList, BlockView } from '../../lib/protocol/api-privacy';
import { call, codeOf } from './helpers/api';
import { post, tryAdd, tryStart, viewOf } from './helpers/privacy';
import { startServer, type TestServer } from './helpers/server';
import { docTablesFingerprint } from './helpers/sync-db';
import { createConversation, makeSyncUser } from './helpers/sync-client';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ limits: { signUpPerAddress: { capacity: 10_000, windowMs: 60_000 } } });
});
afterAll(async () => {
  await server.dispose();
});

describe('the block list', () => {
  it('blocks, lists with handle and display name, and unblocks; both are idempotent', async () => {
    const [me, pest, other] = [await makeSyncUser(server), await makeSyncUser(server), await makeSyncUser(server)];
    const first = await post(server, me, `/api/blocks/${pest.id}`);
    expect(first.status, first.text).toBe(200);
    expect(BlockView.parse(first.body)).toMatchObject({ accountId: pest.id, handle: pest.handle, displayName: 'Test User' });
    expect((await post(server, me, `/api/blocks/${pest.id}`)).status).toBe(200);
    expect((await post(server, me, `/api/blocks/${other.id}`)).status).toBe(200);

    const list = BlockList.parse((await call(server, 'GET', '/api/blocks', { token: me.token })).body);
    expect(list.blocks.map((b) => b.accountId).sort()).toEqual([pest.id, other.id].sort());
    // Being blocked is not shown to the blocked person.
    expect((await call(server, 'GET', '/api/blocks', { token: pest.token })).body).toEqual({ blocks: [] });

    for (let i = 0; i < 2; i++) {
      const removed = await call(server, 'DELETE', `/api/blocks/${pest.id}`, { token: me.token });
      expect(removed.status).toBe(200);
    }
    const after = BlockList.parse((await call(server, 'GET', '/api/blocks', { token: me.token })).body);
    expect(after.blocks.map((b) => b.accountId)).toEqual([other.id]);
  });

  it('refuses blocking yourself, an unknown account and a malformed id, and needs a session', async () => {
    const me = await makeSyncUser(server);
    const self = await post(server, me, `/api/blocks/${me.id}`);
    expect([self.status, codeOf(self)]).toEqual([400, 'request.invalid']);
    const unknown = await post(server, me, '/api/blocks/AAAAAAAAAAAAAAAAAAAAAA');
    expect([unknown.status, codeOf(unknown)]).toEqual([404, 'account.not_found']);
    const malformed = await post(server, me, '/api/blocks/not%20an%20id');
    expect([malformed.status, codeOf(malformed)]).toEqual([400, 'request.invalid']);
    const anonymous = await call(server, 'GET', '/api/blocks');
    expect(codeOf(anonymous)).toBe('auth.required');
  });
});

describe('what a block refuses', () => {
  it('refuses adding a person who blocked you to a group with conversation.cannot_start, and adds nothing', async () => {
    const [host, member, blocker] = [await makeSyncUser(server), await makeSyncUser(server), await makeSyncUser(server)];
    const group = await createConversation(server, host, [member], 'group');
    expect((await post(server, blocker, `/api/blocks/${host.id}`)).status).toBe(200);
    const before = docTablesFingerprint(server);
    const refused = await tryAdd(server, host, group.id, 0, group.keys.get(0)!, [blocker]);
    expect([refused.status, codeOf(refused)]).toEqual([403, 'conversation.cannot_start']);
    expect(docTablesFingerprint(server)).toBe(before);
    // Another member, not blocked, may add them.
    const byMember = await tryAdd(server, member, group.id, 0, group.keys.get(0)!, [blocker]);
    expect(byMember.status, byMember.text).toBe(200);
  });

  it('tells the blocker to unblock first (409 conversation.blocked_by_you), and unblocking lets both start again', async () => {
    const [alice, bob] = [await makeSyncUser(server), await makeSyncUser(server)];
    expect((await post(server, alice, `/api/blocks/${bob.id}`)).status).toBe(200);
    const own = (await tryStart(server, alice, [bob])).response;
    expect([own.status, codeOf(own)]).toEqual([409, 'conversation.blocked_by_you']);
    const theirs = (await tryStart(server, bob, [alice])).response;
    expect([theirs.status, codeOf(theirs)]).toEqual([403, 'conversation.cannot_start']);

    expect((await call(server, 'DELETE', `/api/blocks/${bob.id}`, { token: alice.token })).status).toBe(200);
    const fromBob = await tryStart(server, bob, [alice]);
    expect(fromBob.response.status, fromBob.response.text).toBe(201);
    expect((await viewOf(server, alice, fromBob.id)).request).toBe(true);
    expect((await tryStart(server, alice, [bob])).response.status).toBe(201);
  });

  it('keeps blocks and accepted requests across a restart: the block still refuses, the accepted person still reaches me', async () => {
    const own = await startServer();
    try {
      const [me, pest, friend] = [await makeSyncUser(own), await makeSyncUser(own), await makeSyncUser(own)];
      expect((await post(own, me, `/api/blocks/${pest.id}`)).status).toBe(200);
      const request = await tryStart(own, friend, [me]);
      expect(request.response.status, request.response.text).toBe(201);
      expect((await post(own, me, `/api/conversations/${request.id}/accept`)).status).toBe(200);
      expect((await call(own, 'PUT', '/api/privacy', { token: me.token, json: { contact: 'nobody_new' } })).status).toBe(200);

      const restarted = await own.restart();
      try {
        const list = BlockList.parse((await call(restarted, 'GET', '/api/blocks', { token: me.token })).body);
        expect(list.blocks.map((b) => b.accountId)).toEqual([pest.id]);
        const refused = (await tryStart(restarted, pest, [me])).response;
        expect([refused.status, codeOf(refused)]).toEqual([403, 'conversation.cannot_start']);
        // Nobody new reaches me now, but someone I accepted before still does, without a request.
        const again = await tryStart(restarted, friend, [me]);
        expect(again.response.status, again.response.text).toBe(201);
        expect((await viewOf(restarted, me, again.id)).request).toBeUndefined();
      } finally {
        await restarted.dispose();
      }
    } finally {
      await own.dispose();
    }
  });

  it('keeps an existing one-to-one conversation readable for both after a block', async () => {
    const [alice, bob] = [await makeSyncUser(server), await makeSyncUser(server)];
    const direct = await createConversation(server, alice, [bob]);
    expect((await post(server, bob, `/api/blocks/${alice.id}`)).status).toBe(200);
    expect((await viewOf(server, alice, direct.id)).members.map((m) => m.accountId).sort()).toEqual([alice.id, bob.id].sort());
    expect((await viewOf(server, bob, direct.id)).id).toBe(direct.id);
  });
});
