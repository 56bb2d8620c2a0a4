// An open room keeps in memory what every frame asks (members, epoch, keys, consent, client ids). Each test warms
// that cache with sockets that stay open, changes the answer through the API, and checks the very next frame or
// join sees the new answer, exactly as if the server had asked the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_ENTRY_CAP } from '../../lib/protocol/api-privacy';
import { ERRORS, type ErrorCode } from '../../lib/protocol/errors';
import { call } from './helpers/api';
import { post } from './helpers/privacy';
import { startServer, type TestServer } from './helpers/server';
import { docTablesFingerprint, storedSignatures } from './helpers/sync-db';
import {
  addMembers,
  createConversation,
  entryId,
  epochKeysOf,
  makeSyncUser,
  removeMember,
  sealEntry,
  SyncClient,
  type Conversation,
  type SyncUser,
} from './helpers/sync-client';
import { trackClients } from './helpers/track-clients';

let server: TestServer;
const track = trackClients();

beforeAll(async () => {
  server = await startServer({ limits: { signUpPerAddress: { capacity: 10_000, windowMs: 60_000 } } });
});
afterAll(async () => {
  await server.dispose();
});

const entry = (c: Conversation, author: SyncUser, text: string, epoch = 0, key = c.keys.get(epoch)!): Uint8Array =>
  sealEntry({ docId: c.id, epoch, key, author: author.identity, text });

/** Appends one entry and waits until it is stored; returns its id. */
async function write(socket: SyncClient, e: Uint8Array): Promise<string> {
  socket.append(e);
  await socket.waitStoredAll();
  return entryId(e);
}

async function expectRefused(socket: SyncClient, code: ErrorCode): Promise<void> {
  expect(await socket.waitClosed()).toEqual({ code: ERRORS[code].close, reason: code });
  expect(socket.denied).toEqual([code]);
}

describe('membership changes while the room is open', () => {
  it('admits a member added while the room is open, at its first join, and stores its entries', async () => {
    const [a, b, c] = [await makeSyncUser(server), await makeSyncUser(server), await makeSyncUser(server)];
    const group = await createConversation(server, a, [b], 'group');
    const writer = track(await SyncClient.synced(server, a, group.id));
    const observer = track(await SyncClient.synced(server, b, group.id));
    await write(writer, entry(group, a, 'before'));
    // C is no member yet: the open room refuses it.
    await expectRefused(track(await SyncClient.open(server, c, group.id)), 'doc.not_member');

    await addMembers(server, a, group.id, 0, group.keys.get(0)!, [c]);
    const joined = track(await SyncClient.synced(server, c, group.id));
    const id = await write(joined, entry(group, c, 'hello from the new member'));
    await observer.waitForEntries([id]);
  });

  it('refuses a removed member at once, though the room stays open and knew it, and takes the new epoch at once', async () => {
    const [a, b, c] = [await makeSyncUser(server), await makeSyncUser(server), await makeSyncUser(server)];
    const group = await createConversation(server, a, [b, c], 'group');
    const writer = track(await SyncClient.synced(server, a, group.id));
    const observer = track(await SyncClient.synced(server, b, group.id));
    const removed = track(await SyncClient.synced(server, c, group.id));
    // Every answer about C is in the room's memory now: membership, key, consent, its client id.
    await observer.waitForEntries([await write(removed, entry(group, c, 'while a member'))]);

    const newKey = await removeMember(server, a, group.id, c, [a, b], 1);
    await expectRefused(removed, 'doc.not_member');
    const before = docTablesFingerprint(server);
    await expectRefused(track(await SyncClient.open(server, c, group.id)), 'doc.not_member');
    expect(docTablesFingerprint(server)).toBe(before);

    // The remaining members write in epoch 1 straight away; epoch 2 does not exist yet and is still refused.
    const after = await write(writer, entry(group, a, 'after the removal', 1, newKey));
    await observer.waitForEntries([after]);
    expect((await epochKeysOf(server, b, group.id)).get(1)).toEqual(newKey);
    writer.append(entry(group, a, 'too early', 2, newKey));
    await expectRefused(writer, 'envelope.unknown_epoch');
  });
});

describe('consent changes while a writer’s socket stays open', () => {
  // Blocks with open sockets (entries and awareness) are in privacy-sync.test.ts.
  it('lifts the request cap at the writer’s next entry when the recipient accepts', async () => {
    const [sender, recipient] = [await makeSyncUser(server), await makeSyncUser(server)];
    const request = await createConversation(server, sender, [recipient], 'direct', { pending: true });
    const writer = track(await SyncClient.synced(server, sender, request.id));
    for (let i = 0; i < REQUEST_ENTRY_CAP; i++) await write(writer, entry(request, sender, `request ${i}`));

    expect((await post(server, recipient, `/api/conversations/${request.id}/accept`)).status).toBe(200);
    // Same socket, same room: the cached "capped" answer is gone with the accept.
    await write(writer, entry(request, sender, 'past the cap, accepted'));
    expect(storedSignatures(server, request.id).size).toBe(REQUEST_ENTRY_CAP + 1);
  });

  it('answers as the tables do once a person who declined deletes the account: the sender, alone now, is no longer capped', async () => {
    const [sender, recipient] = [await makeSyncUser(server), await makeSyncUser(server)];
    const request = await createConversation(server, sender, [recipient], 'direct', { pending: true });
    const writer = track(await SyncClient.synced(server, sender, request.id));
    await write(writer, entry(request, sender, 'hello?'));
    expect((await post(server, recipient, `/api/conversations/${request.id}/decline`)).status).toBe(200);
    // A decline looks like a request still waiting: the cap holds (privacy-sync.test.ts), and the room knows it.
    await write(writer, entry(request, sender, 'still there?'));
    const deleted = await call(server, 'DELETE', '/api/account', { token: recipient.token, json: { currentAuthKey: recipient.authKey } });
    expect(deleted.status).toBe(200);
    // Nobody waits any more: nothing holds the sender to the request cap, on the same socket.
    for (let i = 0; i < REQUEST_ENTRY_CAP; i++) await write(writer, entry(request, sender, `note to self ${i}`));
    expect(storedSignatures(server, request.id).size).toBe(REQUEST_ENTRY_CAP + 2);
  });
});
