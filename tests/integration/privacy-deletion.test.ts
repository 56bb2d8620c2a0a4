// Account deletion and the metadata export: after DELETE /api/account no row of any table names the account
// but its tombstone, its sessions, tickets and sockets are dead, and its handle is held for 30 days.
import { afterEach, describe, expect, it } from 'vitest';
import { DELETED_ACCOUNT_ID, HANDLE_HOLD_MS, MetadataExport, UserSummary } from '../../lib/protocol/api-privacy';
import { call, codeOf } from './helpers/api';
import { everyRow, names, post, setContact, viewOf } from './helpers/privacy';
import { signIn, startServer, type TestServer } from './helpers/server';
import { openSocket, ticketFor } from './helpers/socket';
import { createConversation, makeSyncUser, newEpochKey, keyEnvelopes, sealEntry, SyncClient, type SyncUser } from './helpers/sync-client';
import { makeUser } from './helpers/users';

const limits = { signUpPerAddress: { capacity: 10_000, windowMs: 60_000 } };
let server: TestServer | undefined;
const clients: SyncClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  await server?.dispose();
  server = undefined;
});

const deleteAccount = (s: TestServer, user: SyncUser, currentAuthKey: string) =>
  call(s, 'DELETE', '/api/account', { token: user.token, json: { currentAuthKey } });

async function writeOne(s: TestServer, user: SyncUser, docId: string, key: Uint8Array): Promise<SyncClient> {
  const socket = await SyncClient.synced(s, user, docId);
  clients.push(socket);
  socket.append(sealEntry({ docId, epoch: 0, key, author: user.identity, text: `from ${user.handle}` }));
  await socket.waitStoredAll();
  return socket;
}

/** A JSON-comparable copy of every row (blobs as base64), to prove a refused deletion changed nothing. */
const snapshot = (s: TestServer): string =>
  JSON.stringify([...everyRow(s)], (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v));

describe('account deletion', () => {
  it('removes every row that names the account except its tombstone, and ends its sessions, tickets and sockets', async () => {
    server = await startServer({ limits });
    const s = server;
    const [d, x, y, z, w, v, pest, hater] = await Promise.all(Array.from({ length: 8 }, () => makeSyncUser(s)));
    const [dUser, xUser] = [d!, x!];
    const secondDevice = await signIn(s, dUser);

    // Everything an account leaves around: conversations it made and wrote in, keys it sealed, requests both ways,
    // a declined request, blocks both ways, contacts, settings, a second session and an unused ticket.
    const direct = await createConversation(s, dUser, [xUser]);
    const group = await createConversation(s, dUser, [xUser, y!], 'group');
    await writeOne(s, dUser, direct.id, direct.keys.get(0)!);
    await writeOne(s, xUser, direct.id, direct.keys.get(0)!);
    await writeOne(s, dUser, group.id, group.keys.get(0)!);
    await createConversation(s, z!, [dUser], 'direct', { pending: true });
    const declinedByD = await createConversation(s, w!, [dUser], 'direct', { pending: true });
    expect((await post(s, dUser, `/api/conversations/${declinedByD.id}/decline`)).status).toBe(200);
    const declinedByV = await createConversation(s, dUser, [v!], 'direct', { pending: true });
    expect((await post(s, v!, `/api/conversations/${declinedByV.id}/decline`)).status).toBe(200);
    expect((await post(s, dUser, `/api/blocks/${pest!.id}`)).status).toBe(200);
    expect((await post(s, hater!, `/api/blocks/${dUser.id}`)).status).toBe(200);
    await setContact(s, dUser, 'communities');
    const unusedTicket = await ticketFor(s, dUser.token);
    const docSocket = await SyncClient.synced(s, dUser, direct.id);
    const eventSocket = await SyncClient.events(s, dUser);
    const xEvents = await SyncClient.events(s, xUser);
    clients.push(docSocket, eventSocket, xEvents);
    const before = everyRow(s);
    for (const table of ['sessions', 'tickets', 'key_envelopes', 'document_members', 'doc_clients', 'documents', 'blocks', 'accepted_contacts', 'declined_requests', 'privacy_settings']) {
      expect(before.get(table)?.some((row) => Object.values(row).some((value) => names(value, dUser.id))), table).toBe(true);
    }

    // The wrong key deletes nothing.
    const unchanged = snapshot(s);
    const wrong = await deleteAccount(s, dUser, xUser.authKey);
    expect([wrong.status, codeOf(wrong)]).toEqual([401, 'auth.invalid_credentials']);
    expect(snapshot(s)).toBe(unchanged);

    const deleted = await deleteAccount(s, dUser, dUser.authKey);
    expect(deleted.status, deleted.text).toBe(200);
    expect(await docSocket.waitClosed()).toEqual({ code: 4401, reason: 'account.deleted' });
    expect(docSocket.denied).toEqual(['account.deleted']);
    expect(await eventSocket.waitClosed()).toEqual({ code: 4401, reason: 'account.deleted' });

    // Every table, found by asking SQLite itself, so a table added later is covered too.
    const after = everyRow(s);
    expect(after.size).toBeGreaterThanOrEqual(14);
    for (const [table, rows] of after) {
      for (const row of rows) {
        if (table === 'accounts' && row.id === dUser.id) continue;
        const naming = Object.entries(row).filter(([, value]) => names(value, dUser.id));
        expect(naming, `${table} ${JSON.stringify(row)}`).toEqual([]);
      }
    }
    const tombstone = after.get('accounts')!.find((row) => row.id === dUser.id)!;
    expect(tombstone).toEqual({
      id: dUser.id,
      handle: dUser.handle,
      display_name: '',
      signing_public_key: Buffer.alloc(0),
      box_public_key: Buffer.alloc(0),
      kdf_salt: Buffer.alloc(0),
      kdf_iterations: 0,
      auth_hash: Buffer.alloc(0),
      auth_salt: Buffer.alloc(0),
      recovery_hash: Buffer.alloc(0),
      recovery_salt: Buffer.alloc(0),
      passphrase_backup: Buffer.alloc(0),
      recovery_backup: Buffer.alloc(0),
      created_at: 0,
      deleted: 1,
      handle_held_until: s.clock.now() + HANDLE_HOLD_MS,
    });

    // Its tokens and its unused ticket are dead; it cannot sign in; it is an unknown handle to others.
    for (const token of [dUser.token, secondDevice.token]) {
      const me = await call(s, 'GET', '/api/account', { token });
      expect([me.status, codeOf(me)]).toEqual([401, 'auth.required']);
    }
    const socket = await openSocket(s, { ticket: unusedTicket });
    expect(socket.ok ? 'opened' : [socket.status, socket.body.error.code]).toEqual([401, 'auth.ticket_invalid']);
    const signInAgain = await call(s, 'POST', '/api/sessions', { json: { handle: dUser.handle, authKey: dUser.authKey, deviceName: 'again' } });
    expect([signInAgain.status, codeOf(signInAgain)]).toEqual([401, 'auth.invalid_credentials']);
    expect(codeOf(await call(s, 'GET', `/api/users/${dUser.handle}`, { token: xUser.token }))).toBe('account.not_found');
    const summary = UserSummary.parse((await call(s, 'GET', `/api/users/by-id/${dUser.id}`, { token: xUser.token })).body);
    expect(summary).toEqual({ accountId: dUser.id, deleted: true, handle: null, displayName: null, signingPublicKey: null, boxPublicKey: null });

    // The others keep their conversations; the group rotates next; the keys it sealed stay readable.
    const groupView = await viewOf(s, xUser, group.id);
    expect(groupView.members.map((m) => m.accountId).sort()).toEqual([xUser.id, y!.id].sort());
    expect(groupView).toMatchObject({ rotationNeeded: true, createdBy: null });
    const directView = await viewOf(s, xUser, direct.id);
    expect(directView.members.map((m) => m.accountId)).toEqual([xUser.id]);
    expect(directView.keyEnvelopes.map((e) => e.senderId)).toEqual([DELETED_ACCOUNT_ID]);
    await xEvents.waitFor('told of both', () =>
      [direct.id, group.id].every((id) => xEvents.events.some((e) => e.type === 'membership' && e.id === id)),
    );
    // A conversation nobody is left in is gone with its ciphertext.
    expect(after.get('documents')!.map((row) => row.id)).not.toContain(declinedByV.id);
    const rotated = await call(s, 'POST', `/api/conversations/${group.id}/epochs`, {
      token: xUser.token,
      json: { epoch: 1, keyEnvelopes: keyEnvelopes(group.id, 1, newEpochKey(), xUser, [xUser, y!]) },
    });
    expect(rotated.status, rotated.text).toBe(200);
  });

  it('holds the handle for 30 days: sign-up with it is account.handle_taken until then, and works after', async () => {
    server = await startServer({ limits });
    const gone = await makeSyncUser(server);
    expect((await deleteAccount(server, gone, gone.authKey)).status).toBe(200);

    const attempt = () => call(server!, 'POST', '/api/accounts', { json: { ...gone.request, deviceName: 'New phone' } });
    const right = await attempt();
    expect([right.status, codeOf(right)]).toEqual([409, 'account.handle_taken']);
    server.clock.advance(HANDLE_HOLD_MS - 1);
    const almost = await attempt();
    expect([almost.status, codeOf(almost)]).toEqual([409, 'account.handle_taken']);
    server.clock.advance(1);
    const reused = await attempt();
    expect(reused.status, reused.text).toBe(201);
    expect(reused.body.account.id).not.toBe(gone.id);
    expect(reused.body.account.handle).toBe(gone.handle);
    // The old account stays a tombstone, now without the handle.
    const stillDeleted = await call(server, 'GET', `/api/users/by-id/${gone.id}`, { token: reused.body.token });
    expect(stillDeleted.body.deleted).toBe(true);
    expect((await call(server, 'GET', `/api/users/${gone.handle}`, { token: reused.body.token })).body.id).toBe(reused.body.account.id);
  });

  it('rate limits deletion attempts like sign-in (429 auth.rate_limited, even with the right key then)', async () => {
    server = await startServer({ limits });
    const user = await makeSyncUser(server);
    const other = await makeUser(server);
    for (let i = 0; i < 10; i++) expect(codeOf(await deleteAccount(server, user, other.authKey))).toBe('auth.invalid_credentials');
    const limited = await deleteAccount(server, user, user.authKey);
    expect([limited.status, codeOf(limited)]).toEqual([429, 'auth.rate_limited']);
    expect(limited.headers.get('retry-after')).not.toBeNull();
    expect((await call(server, 'GET', '/api/account', { token: user.token })).status).toBe(200);
  });

  it('refuses a deletion without the key or with a malformed one with request.invalid', async () => {
    server = await startServer({ limits });
    const user = await makeSyncUser(server);
    for (const json of [{}, { currentAuthKey: 'short' }, { currentAuthKey: user.authKey, extra: 1 }]) {
      const response = await call(server, 'DELETE', '/api/account', { token: user.token, json });
      expect([response.status, codeOf(response)], JSON.stringify(json)).toEqual([400, 'request.invalid']);
    }
    const empty = await call(server, 'DELETE', '/api/account', { token: user.token });
    expect([empty.status, codeOf(empty)]).toEqual([400, 'request.malformed_json']);
    expect((await call(server, 'GET', '/api/account', { token: user.token })).status).toBe(200);
  });
});

describe('metadata export', () => {
  it('returns what the server holds about me: profile, settings, sessions, blocks, contacts, memberships with epochs and seq', async () => {
    server = await startServer({ limits });
    const [me, friend, stranger, pest] = [await makeSyncUser(server), await makeSyncUser(server), await makeSyncUser(server), await makeSyncUser(server)];
    await signIn(server, me, 'Laptop');
    const direct = await createConversation(server, me, [friend]);
    await writeOne(server, me, direct.id, direct.keys.get(0)!);
    const rotated = await call(server, 'POST', `/api/conversations/${direct.id}/epochs`, {
      token: me.token,
      json: { epoch: 1, keyEnvelopes: keyEnvelopes(direct.id, 1, newEpochKey(), me, [me, friend]) },
    });
    expect(rotated.status).toBe(200);
    const request = await createConversation(server, stranger, [me], 'direct', { pending: true });
    const declined = await createConversation(server, pest, [me], 'direct', { pending: true });
    expect((await post(server, me, `/api/conversations/${declined.id}/decline`)).status).toBe(200);
    expect((await post(server, me, `/api/blocks/${pest.id}`)).status).toBe(200);
    await setContact(server, me, 'nobody_new');

    const response = await call(server, 'GET', '/api/account/export-metadata', { token: me.token });
    expect(response.status, response.text).toBe(200);
    const exported = MetadataExport.parse(response.body);
    expect(exported.account).toMatchObject({ id: me.id, handle: me.handle });
    expect(exported.privacy).toEqual({ contact: 'nobody_new', readReceipts: true, typing: true });
    expect(exported.sessions.map((x) => [x.deviceName, x.current]).sort()).toEqual([
      ['Laptop', false],
      ['Test device', true],
    ]);
    expect(exported.blocks.map((b) => b.accountId)).toEqual([pest.id]);
    expect(exported.contacts.map((c) => c.accountId)).toEqual([friend.id]);
    expect(exported.declinedRequests.map((r) => r.docId)).toEqual([declined.id]);
    const byDoc = new Map(exported.memberships.map((m) => [m.docId, m]));
    expect(byDoc.get(direct.id)).toMatchObject({ kind: 'direct', status: 'accepted', epoch: 1, seq: 1, keyEpochs: [0, 1], addedBy: me.id });
    expect(byDoc.get(request.id)).toMatchObject({ status: 'request', epoch: 0, seq: 0, keyEpochs: [0], addedBy: stranger.id });
    expect(byDoc.has(declined.id)).toBe(false);
    // Nothing secret travels in it.
    for (const secret of [me.authKey, me.recoveryAuthKey, me.token, me.request.passphraseBackup]) expect(response.text).not.toContain(secret);
  });
});
