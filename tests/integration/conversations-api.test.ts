import { afterEach, describe, expect, it } from 'vitest';
import { call, codeOf } from './helpers/api';
import { createConversation, keyEnvelopes, makeSyncUser, newDocId, newEpochKey } from './helpers/sync-client';
import { docTablesFingerprint } from './helpers/sync-db';
import { startServer, type TestServer } from './helpers/server';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.dispose();
  server = undefined;
});

describe('conversations API', () => {
  it('refuses a key envelope signed by someone other than the uploader, and creates nothing', async () => {
    server = await startServer();
    const [alice, bob, mallory] = [await makeSyncUser(server), await makeSyncUser(server), await makeSyncUser(server)];
    const id = newDocId();
    const key = newEpochKey();
    const before = docTablesFingerprint(server);
    // Mallory sealed Bob's envelope; Alice uploads it as hers.
    const envelopes = [...keyEnvelopes(id, 0, key, alice, [alice]), ...keyEnvelopes(id, 0, key, mallory, [bob])];
    const response = await call(server, 'POST', '/api/conversations', {
      token: alice.token,
      json: { id, kind: 'direct', memberIds: [bob.id], keyEnvelopes: envelopes },
    });
    expect(response.status).toBe(400);
    expect(codeOf(response)).toBe('doc.bad_key_envelope');
    expect(docTablesFingerprint(server)).toBe(before);
  });

  it('refuses a key envelope addressed to another member or another epoch', async () => {
    server = await startServer();
    const [alice, bob, carol] = [await makeSyncUser(server), await makeSyncUser(server), await makeSyncUser(server)];
    const id = newDocId();
    const key = newEpochKey();
    const swapped = keyEnvelopes(id, 0, key, alice, [alice, carol]).map((e, i) => (i === 1 ? { ...e, recipientId: bob.id } : e));
    const wrongRecipient = await call(server, 'POST', '/api/conversations', {
      token: alice.token,
      json: { id, kind: 'direct', memberIds: [bob.id], keyEnvelopes: swapped },
    });
    expect(codeOf(wrongRecipient)).toBe('doc.bad_key_envelope');
    const wrongEpoch = await call(server, 'POST', '/api/conversations', {
      token: alice.token,
      json: { id, kind: 'direct', memberIds: [bob.id], keyEnvelopes: keyEnvelopes(id, 1, key, alice, [alice, bob]) },
    });
    expect(codeOf(wrongEpoch)).toBe('doc.bad_key_envelope');
  });

  it('shows a conversation only to its members: anyone else gets the same answer as for an unknown id', async () => {
    server = await startServer();
    const [alice, bob, eve] = [await makeSyncUser(server), await makeSyncUser(server), await makeSyncUser(server)];
    const conversation = await createConversation(server, alice, [bob]);
    const asEve = await call(server, 'GET', `/api/conversations/${conversation.id}`, { token: eve.token });
    const unknown = await call(server, 'GET', `/api/conversations/${newDocId()}`, { token: eve.token });
    expect([asEve.status, codeOf(asEve)]).toEqual([404, 'doc.not_found']);
    expect([unknown.status, codeOf(unknown)]).toEqual([404, 'doc.not_found']);
    const list = await call(server, 'GET', '/api/conversations', { token: eve.token });
    expect(list.body.conversations).toEqual([]);
    const asBob = await call(server, 'GET', `/api/conversations/${conversation.id}`, { token: bob.token });
    expect(asBob.status).toBe(200);
    expect(asBob.body.keyEnvelopes.map((e: { epoch: number }) => e.epoch)).toEqual([0]);
  });

  it('refuses a rotation that skips an epoch and members added to a one-to-one conversation', async () => {
    server = await startServer();
    const [alice, bob, carol] = [await makeSyncUser(server), await makeSyncUser(server), await makeSyncUser(server)];
    const direct = await createConversation(server, alice, [bob]);
    const add = await call(server, 'POST', `/api/conversations/${direct.id}/members`, {
      token: alice.token,
      json: { memberIds: [carol.id], keyEnvelopes: keyEnvelopes(direct.id, 0, direct.keys.get(0)!, alice, [carol]) },
    });
    expect([add.status, codeOf(add)]).toEqual([400, 'doc.not_a_group']);
    const skip = await call(server, 'POST', `/api/conversations/${direct.id}/epochs`, {
      token: alice.token,
      json: { epoch: 2, keyEnvelopes: keyEnvelopes(direct.id, 2, newEpochKey(), alice, [alice, bob]) },
    });
    expect([skip.status, codeOf(skip)]).toEqual([409, 'doc.wrong_epoch']);
  });

  it('marks a conversation for rotation when a member leaves, and the next writer rotates it', async () => {
    server = await startServer();
    const [alice, bob, carol] = [await makeSyncUser(server), await makeSyncUser(server), await makeSyncUser(server)];
    const group = await createConversation(server, alice, [bob, carol], 'group');
    const left = await call(server, 'POST', `/api/conversations/${group.id}/leave`, { token: carol.token });
    expect(left.status).toBe(200);
    const view = await call(server, 'GET', `/api/conversations/${group.id}`, { token: bob.token });
    expect(view.body).toMatchObject({ epoch: 0, rotationNeeded: true });
    expect(view.body.members.map((m: { accountId: string }) => m.accountId).sort()).toEqual([alice.id, bob.id].sort());
    const rotated = await call(server, 'POST', `/api/conversations/${group.id}/epochs`, {
      token: bob.token,
      json: { epoch: 1, keyEnvelopes: keyEnvelopes(group.id, 1, newEpochKey(), bob, [alice, bob]) },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ epoch: 1, rotationNeeded: false });
    const asCarol = await call(server, 'GET', `/api/conversations/${group.id}`, { token: carol.token });
    expect(codeOf(asCarol)).toBe('doc.not_found');
  });
});
