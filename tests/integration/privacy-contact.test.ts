// Who can contact me, and message requests: each contact setting against each relationship, requests in
// groups and when adding members, accept, decline (the sender learns nothing) and block.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivacySettings, type ContactPolicy } from '../../lib/protocol/api-privacy';
import { call, codeOf } from './helpers/api';
import { listOf, post, setContact, tryAdd, tryStart, viewOf } from './helpers/privacy';
import { startServer, type TestServer } from './helpers/server';
import { docTablesFingerprint } from './helpers/sync-db';
import { createConversation, keyEnvelopes, makeSyncUser, newEpochKey, SyncClient, type SyncUser } from './helpers/sync-client';

let server: TestServer;
/** These tests sign many people up from one address. */
const limits = { signUpPerAddress: { capacity: 10_000, windowMs: 60_000 } };

beforeAll(async () => {
  server = await startServer({ limits });
});
afterAll(async () => {
  await server.dispose();
});

type Relation = 'a stranger' | 'someone who shares a conversation' | 'an accepted contact' | 'someone blocked';
type Outcome = 'request' | 'accepted' | 'refused';

/** Makes `sender` stand in `relation` to `recipient`, through the API as people would. */
async function relate(sender: SyncUser, recipient: SyncUser, relation: Relation): Promise<void> {
  switch (relation) {
    case 'a stranger':
      return;
    case 'someone who shares a conversation': {
      // Communities do not exist yet; a group both accepted stands in for one.
      const host = await makeSyncUser(server);
      await createConversation(server, host, [sender, recipient], 'group');
      return;
    }
    case 'an accepted contact':
      // The recipient accepted a one-to-one request from the sender before.
      await createConversation(server, sender, [recipient], 'direct');
      return;
    case 'someone blocked': {
      const blocked = await post(server, recipient, `/api/blocks/${sender.id}`);
      expect(blocked.status, blocked.text).toBe(200);
      return;
    }
  }
}

const matrix: Array<{ policy: ContactPolicy; relation: Relation; outcome: Outcome }> = [
  { policy: 'everyone', relation: 'a stranger', outcome: 'request' },
  { policy: 'everyone', relation: 'someone who shares a conversation', outcome: 'request' },
  { policy: 'everyone', relation: 'an accepted contact', outcome: 'accepted' },
  { policy: 'everyone', relation: 'someone blocked', outcome: 'refused' },
  { policy: 'communities', relation: 'a stranger', outcome: 'refused' },
  { policy: 'communities', relation: 'someone who shares a conversation', outcome: 'request' },
  { policy: 'communities', relation: 'an accepted contact', outcome: 'accepted' },
  { policy: 'communities', relation: 'someone blocked', outcome: 'refused' },
  { policy: 'nobody_new', relation: 'a stranger', outcome: 'refused' },
  { policy: 'nobody_new', relation: 'someone who shares a conversation', outcome: 'refused' },
  { policy: 'nobody_new', relation: 'an accepted contact', outcome: 'accepted' },
  { policy: 'nobody_new', relation: 'someone blocked', outcome: 'refused' },
];

describe('who can contact me', () => {
  const named = (outcome: Outcome): string => (outcome === 'request' ? 'a request' : outcome);
  for (const { policy, relation, outcome } of matrix) {
    it(`with "${policy}", a new conversation from ${relation} is ${named(outcome)}`, async () => {
      const [sender, recipient] = [await makeSyncUser(server), await makeSyncUser(server)];
      await relate(sender, recipient, relation);
      await setContact(server, recipient, policy);
      const before = docTablesFingerprint(server);

      const { id, response } = await tryStart(server, sender, [recipient]);
      if (outcome === 'refused') {
        // A block and a setting look the same to the sender: "cannot start", nothing more, nothing created.
        expect([response.status, codeOf(response)]).toEqual([403, 'conversation.cannot_start']);
        expect(docTablesFingerprint(server)).toBe(before);
        return;
      }
      expect(response.status, response.text).toBe(201);
      expect(response.body.request).toBeUndefined();
      const seen = (await listOf(server, recipient)).find((c) => c.id === id);
      expect(seen?.request ?? false).toBe(outcome === 'request');
      expect((await viewOf(server, recipient, id)).request ?? false).toBe(outcome === 'request');
      expect((await viewOf(server, sender, id)).request).toBeUndefined();
    });
  }

  it('defaults to everyone with read receipts and typing on, and keeps a change across a restart', async () => {
    const user = await makeSyncUser(server);
    const fresh = await call(server, 'GET', '/api/privacy', { token: user.token });
    expect(PrivacySettings.parse(fresh.body)).toEqual({ contact: 'everyone', readReceipts: true, typing: true });
    const changed = await call(server, 'PUT', '/api/privacy', { token: user.token, json: { contact: 'nobody_new', typing: false } });
    expect(changed.body).toEqual({ contact: 'nobody_new', readReceipts: true, typing: false });

    const own = await startServer({ limits });
    try {
      const person = await makeSyncUser(own);
      await call(own, 'PUT', '/api/privacy', { token: person.token, json: { readReceipts: false } });
      const restarted = await own.restart();
      const after = await call(restarted, 'GET', '/api/privacy', { token: person.token });
      expect(after.body).toEqual({ contact: 'everyone', readReceipts: false, typing: true });
      await restarted.dispose();
    } finally {
      await own.dispose();
    }
  });

  it('refuses an unknown setting, a wrong value, an empty change and no session, and changes nothing', async () => {
    const user = await makeSyncUser(server);
    for (const json of [{ contact: 'friends' }, { typing: 'no' }, {}, { contact: 'everyone', extra: true }]) {
      const response = await call(server, 'PUT', '/api/privacy', { token: user.token, json });
      expect([response.status, codeOf(response)], JSON.stringify(json)).toEqual([400, 'request.invalid']);
    }
    const anonymous = await call(server, 'PUT', '/api/privacy', { json: { contact: 'nobody_new' } });
    expect(codeOf(anonymous)).toBe('auth.required');
    const now = await call(server, 'GET', '/api/privacy', { token: user.token });
    expect(now.body).toEqual({ contact: 'everyone', readReceipts: true, typing: true });
  });
});

describe('message requests in groups', () => {
  it('allows a group that includes someone new, and makes only that member’s membership a request', async () => {
    const [host, friend, stranger] = [await makeSyncUser(server), await makeSyncUser(server), await makeSyncUser(server)];
    await relate(host, friend, 'an accepted contact');
    await setContact(server, friend, 'nobody_new');
    const { id, response } = await tryStart(server, host, [friend, stranger], 'group');
    expect(response.status, response.text).toBe(201);
    expect((await viewOf(server, friend, id)).request).toBeUndefined();
    expect((await viewOf(server, stranger, id)).request).toBe(true);
  });

  it('refuses the whole group when one person would refuse, with the same code for a setting and a block', async () => {
    const [host, open, closed, blocker] = [await makeSyncUser(server), await makeSyncUser(server), await makeSyncUser(server), await makeSyncUser(server)];
    await setContact(server, closed, 'nobody_new');
    await relate(host, blocker, 'someone blocked');
    const before = docTablesFingerprint(server);
    const bySetting = (await tryStart(server, host, [open, closed], 'group')).response;
    const byBlock = (await tryStart(server, host, [open, blocker], 'group')).response;
    expect([bySetting.status, codeOf(bySetting)]).toEqual([403, 'conversation.cannot_start']);
    expect([byBlock.status, codeOf(byBlock)]).toEqual([403, 'conversation.cannot_start']);
    expect(bySetting.body).toEqual(byBlock.body);
    expect(docTablesFingerprint(server)).toBe(before);
  });

  it('applies the same rules when adding members: refused for "nobody new", a request for someone new', async () => {
    const [host, member, closed, stranger] = [await makeSyncUser(server), await makeSyncUser(server), await makeSyncUser(server), await makeSyncUser(server)];
    const group = await createConversation(server, host, [member], 'group');
    await setContact(server, closed, 'nobody_new');
    const refused = await tryAdd(server, host, group.id, 0, group.keys.get(0)!, [closed]);
    expect([refused.status, codeOf(refused)]).toEqual([403, 'conversation.cannot_start']);
    const added = await tryAdd(server, host, group.id, 0, group.keys.get(0)!, [stranger]);
    expect(added.status, added.text).toBe(200);
    expect((await viewOf(server, stranger, group.id)).request).toBe(true);
    expect((await viewOf(server, member, group.id)).request).toBeUndefined();
  });
});

describe('accept, decline, block', () => {
  it('accepts a request: the mark goes, accepting twice is harmless, and the next conversation is no request', async () => {
    const [sender, recipient] = [await makeSyncUser(server), await makeSyncUser(server)];
    const first = await createConversation(server, sender, [recipient], 'direct', { pending: true });
    expect((await listOf(server, recipient)).find((c) => c.id === first.id)?.request).toBe(true);
    for (let i = 0; i < 2; i++) {
      const accepted = await post(server, recipient, `/api/conversations/${first.id}/accept`);
      expect(accepted.status, accepted.text).toBe(200);
      expect(accepted.body.request).toBeUndefined();
    }
    expect((await listOf(server, recipient)).find((c) => c.id === first.id)?.request).toBeUndefined();
    await setContact(server, recipient, 'nobody_new');
    const second = await tryStart(server, sender, [recipient]);
    expect(second.response.status).toBe(201);
    expect((await viewOf(server, recipient, second.id)).request).toBeUndefined();
  });

  it('declines a request: it leaves the recipient’s list and sockets, and the sender’s view and stream do not change', async () => {
    const [sender, recipient] = [await makeSyncUser(server), await makeSyncUser(server)];
    const request = await createConversation(server, sender, [recipient], 'direct', { pending: true });
    const senderBefore = await viewOf(server, sender, request.id);
    const senderStream = await SyncClient.events(server, sender);
    const recipientSocket = await SyncClient.synced(server, recipient, request.id);
    try {
      const declined = await post(server, recipient, `/api/conversations/${request.id}/decline`);
      expect(declined.status, declined.text).toBe(200);
      expect(await recipientSocket.waitClosed()).toEqual({ code: 4403, reason: 'doc.not_member' });
      expect((await listOf(server, recipient)).map((c) => c.id)).not.toContain(request.id);
      const gone = await call(server, 'GET', `/api/conversations/${request.id}`, { token: recipient.token });
      expect([gone.status, codeOf(gone)]).toEqual([404, 'doc.not_found']);

      expect(await viewOf(server, sender, request.id)).toEqual(senderBefore);
      // The sender's stream hears of its own later change, and of nothing before it.
      const later = await createConversation(server, sender, [await makeSyncUser(server)], 'direct', { pending: true });
      await senderStream.waitFor('the later conversation', () => senderStream.events.some((e) => e.type === 'membership'));
      expect(senderStream.events.slice(1)).toEqual([{ type: 'membership', id: later.id }]);

      // The sender keeps treating the decliner as a member: a rotation sealing a key for them still works.
      const rotated = await call(server, 'POST', `/api/conversations/${request.id}/epochs`, {
        token: sender.token,
        json: { epoch: 1, keyEnvelopes: keyEnvelopes(request.id, 1, newEpochKey(), sender, [sender, recipient]) },
      });
      expect(rotated.status, rotated.text).toBe(200);
      expect(rotated.body.members.map((m: { accountId: string }) => m.accountId)).toEqual(senderBefore.members.map((m) => m.accountId));
      const stillGone = await call(server, 'GET', `/api/conversations/${request.id}`, { token: recipient.token });
      expect(codeOf(stillGone)).toBe('doc.not_found');
    } finally {
      senderStream.close();
      recipientSocket.close();
    }
  });

  it('answers 409 request.not_pending to a decline or block of an accepted conversation, and 404 to a non-member', async () => {
    const [sender, recipient, outsider] = [await makeSyncUser(server), await makeSyncUser(server), await makeSyncUser(server)];
    const accepted = await createConversation(server, sender, [recipient]);
    for (const action of ['decline', 'block']) {
      const response = await post(server, recipient, `/api/conversations/${accepted.id}/${action}`);
      expect([response.status, codeOf(response)]).toEqual([409, 'request.not_pending']);
      const own = await post(server, sender, `/api/conversations/${accepted.id}/${action}`);
      expect(codeOf(own)).toBe('request.not_pending');
    }
    for (const action of ['accept', 'decline', 'block']) {
      const response = await post(server, outsider, `/api/conversations/${accepted.id}/${action}`);
      expect([response.status, codeOf(response)]).toEqual([404, 'doc.not_found']);
    }
    const badId = await post(server, recipient, '/api/conversations/not-an-id/accept');
    expect(codeOf(badId)).toBe('doc.not_found');
  });

  it('blocks from a request: it is declined, the sender is on the block list and cannot start another', async () => {
    const [sender, recipient] = [await makeSyncUser(server), await makeSyncUser(server)];
    const request = await createConversation(server, sender, [recipient], 'direct', { pending: true });
    const blocked = await post(server, recipient, `/api/conversations/${request.id}/block`);
    expect(blocked.status, blocked.text).toBe(200);
    expect((await listOf(server, recipient)).map((c) => c.id)).not.toContain(request.id);
    const list = await call(server, 'GET', '/api/blocks', { token: recipient.token });
    expect(list.body.blocks.map((b: { accountId: string }) => b.accountId)).toEqual([sender.id]);
    const again = await tryStart(server, sender, [recipient]);
    expect([again.response.status, codeOf(again.response)]).toEqual([403, 'conversation.cannot_start']);
  });
});
