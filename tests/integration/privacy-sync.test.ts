// Consent enforced by the sync rooms: the request cap, blocks in one-to-one conversations (entries and
// awareness), and no presence from someone who has not accepted yet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_ENTRY_CAP } from '../../lib/protocol/api-privacy';
import { ERRORS, type ErrorCode } from '../../lib/protocol/errors';
import { decodeAwarenessUpdate, encodeAwarenessUpdate } from '../../lib/protocol/sync-frames';
import { call } from './helpers/api';
import { post } from './helpers/privacy';
import { startServer, type TestServer } from './helpers/server';
import { docTablesFingerprint, storedSignatures } from './helpers/sync-db';
import { createConversation, entryId, makeSyncUser, sealEntry, SyncClient, type Conversation, type SyncUser } from './helpers/sync-client';
import { trackClients } from './helpers/track-clients';

let server: TestServer;
const track = trackClients();

beforeAll(async () => {
  server = await startServer({ limits: { signUpPerAddress: { capacity: 10_000, windowMs: 60_000 } } });
});
afterAll(async () => {
  await server.dispose();
});

const entry = (c: Conversation, author: SyncUser, text: string): Uint8Array =>
  sealEntry({ docId: c.id, epoch: 0, key: c.keys.get(0)!, author: author.identity, text });

/** Writes entries one update at a time and waits until each is stored. */
async function writeStored(socket: SyncClient, c: Conversation, author: SyncUser, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const e = entry(c, author, `message ${i}`);
    socket.append(e);
    await socket.waitStoredAll();
    ids.push(entryId(e));
  }
  return ids;
}

/** The socket was refused with `code` (auth-denied frame, then the registry's close) and nothing was stored. */
async function expectRefused(socket: SyncClient, code: ErrorCode, before: string): Promise<void> {
  expect(await socket.waitClosed()).toEqual({ code: ERRORS[code].close, reason: code });
  expect(socket.denied).toEqual([code]);
  expect(docTablesFingerprint(server)).toBe(before);
}

describe('the request cap', () => {
  it(`lets the sender of a request store ${REQUEST_ENTRY_CAP} entries, refuses the next with 4429 request.cap_reached, and lifts the cap on accept`, async () => {
    const [sender, recipient] = [await makeSyncUser(server), await makeSyncUser(server)];
    const request = await createConversation(server, sender, [recipient], 'direct', { pending: true });
    const writer = track(await SyncClient.synced(server, sender, request.id));
    const stored = await writeStored(writer, request, sender, REQUEST_ENTRY_CAP);
    expect(storedSignatures(server, request.id).size).toBe(REQUEST_ENTRY_CAP);

    const before = docTablesFingerprint(server);
    writer.append(entry(request, sender, 'one too many'));
    await expectRefused(writer, 'request.cap_reached', before);
    expect(ERRORS['request.cap_reached'].close).toBe(4429);

    const accepted = await post(server, recipient, `/api/conversations/${request.id}/accept`);
    expect(accepted.status).toBe(200);
    const again = track(await SyncClient.synced(server, sender, request.id, { doc: writer.doc }));
    await again.waitStoredAll();
    await writeStored(again, request, sender, 2);
    expect(storedSignatures(server, request.id).size).toBe(REQUEST_ENTRY_CAP + 3);
    const reader = track(await SyncClient.synced(server, recipient, request.id));
    await reader.waitForEntries(stored);
  });

  it('refuses one update that carries more entries than the cap allows, all of it', async () => {
    const [sender, recipient] = [await makeSyncUser(server), await makeSyncUser(server)];
    const request = await createConversation(server, sender, [recipient], 'direct', { pending: true });
    const writer = track(await SyncClient.synced(server, sender, request.id));
    const before = docTablesFingerprint(server);
    writer.append(...Array.from({ length: REQUEST_ENTRY_CAP + 1 }, (_, i) => entry(request, sender, `burst ${i}`)));
    await expectRefused(writer, 'request.cap_reached', before);
  });

  it('counts only the sender’s entries: the recipient writing does not use up the allowance', async () => {
    const [sender, recipient] = [await makeSyncUser(server), await makeSyncUser(server)];
    const request = await createConversation(server, sender, [recipient], 'direct', { pending: true });
    const other = track(await SyncClient.synced(server, recipient, request.id));
    await writeStored(other, request, recipient, 2);
    const writer = track(await SyncClient.synced(server, sender, request.id));
    await writeStored(writer, request, sender, REQUEST_ENTRY_CAP);
    const before = docTablesFingerprint(server);
    writer.append(entry(request, sender, 'over'));
    await expectRefused(writer, 'request.cap_reached', before);
  });

  it('holds the sender to the same cap after a decline, so a decline looks like a request still waiting', async () => {
    const [sender, recipient] = [await makeSyncUser(server), await makeSyncUser(server)];
    const request = await createConversation(server, sender, [recipient], 'direct', { pending: true });
    const writer = track(await SyncClient.synced(server, sender, request.id));
    await writeStored(writer, request, sender, 2);
    expect((await post(server, recipient, `/api/conversations/${request.id}/decline`)).status).toBe(200);
    await writeStored(writer, request, sender, REQUEST_ENTRY_CAP - 2);
    const before = docTablesFingerprint(server);
    writer.append(entry(request, sender, 'over'));
    await expectRefused(writer, 'request.cap_reached', before);
  });

  it('caps the creator of a group only while every other member is still a request', async () => {
    const [host, first, second] = [await makeSyncUser(server), await makeSyncUser(server), await makeSyncUser(server)];
    const group = await createConversation(server, host, [first, second], 'group', { pending: true });
    const writer = track(await SyncClient.synced(server, host, group.id));
    await writeStored(writer, group, host, REQUEST_ENTRY_CAP);
    const before = docTablesFingerprint(server);
    writer.append(entry(group, host, 'over'));
    await expectRefused(writer, 'request.cap_reached', before);

    expect((await post(server, first, `/api/conversations/${group.id}/accept`)).status).toBe(200);
    const again = track(await SyncClient.synced(server, host, group.id, { doc: writer.doc }));
    await again.waitStoredAll();
    await writeStored(again, group, host, 2);
  });
});

describe('blocks in the sync rooms', () => {
  it('refuses a blocked person’s new entries in the one-to-one conversation with 4403 entry.blocked, until unblocked', async () => {
    const [alice, bob] = [await makeSyncUser(server), await makeSyncUser(server)];
    const direct = await createConversation(server, alice, [bob]);
    const bobSocket = track(await SyncClient.synced(server, bob, direct.id));
    const aliceSocket = track(await SyncClient.synced(server, alice, direct.id));
    await writeStored(bobSocket, direct, bob, 1);

    expect((await post(server, alice, `/api/blocks/${bob.id}`)).status).toBe(200);
    const before = docTablesFingerprint(server);
    bobSocket.append(entry(direct, bob, 'after the block'));
    await expectRefused(bobSocket, 'entry.blocked', before);

    // The blocker still writes; the blocked person's reconnect is refused at its next entry.
    const mine = await writeStored(aliceSocket, direct, alice, 1);
    const retry = track(await SyncClient.synced(server, bob, direct.id));
    await retry.waitForEntries(mine);
    retry.append(entry(direct, bob, 'again'));
    await expectRefused(retry, 'entry.blocked', docTablesFingerprint(server));

    const unblocked = await call(server, 'DELETE', `/api/blocks/${bob.id}`, { token: alice.token });
    expect(unblocked.status).toBe(200);
    const after = track(await SyncClient.synced(server, bob, direct.id));
    await writeStored(after, direct, bob, 1);
  });

  it('still accepts a blocked person’s entries in a group (hiding them is the blocker’s device’s part)', async () => {
    const [alice, bob, carol] = [await makeSyncUser(server), await makeSyncUser(server), await makeSyncUser(server)];
    const group = await createConversation(server, alice, [bob, carol], 'group');
    expect((await post(server, alice, `/api/blocks/${bob.id}`)).status).toBe(200);
    const bobSocket = track(await SyncClient.synced(server, bob, group.id));
    await writeStored(bobSocket, group, bob, 1);
  });
});

describe('awareness', () => {
  const state = (label: string): string => JSON.stringify({ c: `ciphertext-${label}` });
  const awarenessFrames = (socket: SyncClient): number => socket.frames.filter((f) => f.type === 'awareness').length;
  const awarenessOf = (socket: SyncClient): number[] =>
    socket.frames.flatMap((f) => (f.type === 'awareness' ? (decodeAwarenessUpdate(f.update) ?? []).map((e) => e.clientId) : []));

  /** Asks the server for the room's awareness and waits for the answer (frames of one socket keep their order). */
  async function query(socket: SyncClient): Promise<void> {
    const seen = awarenessFrames(socket);
    socket.send({ type: 'query-awareness' });
    await socket.waitFor('awareness answer', () => awarenessFrames(socket) > seen);
  }

  /**
   * `from` announces `clientId`; once the server has answered `from`'s own query, it has handled the announcement,
   * and `to`'s query sent after that is answered after any relay: `to` then holds everything it will ever get of it.
   */
  async function announce(from: SyncClient, to: SyncClient, clientId: number, clock = 1): Promise<void> {
    from.send({ type: 'awareness', update: encodeAwarenessUpdate([{ clientId, clock, state: state(String(clientId)) }]) });
    await query(from);
    await query(to);
  }

  it('relays no presence either way across a block in a one-to-one conversation, also not on join', async () => {
    const [alice, bob] = [await makeSyncUser(server), await makeSyncUser(server)];
    const direct = await createConversation(server, alice, [bob]);
    const aliceSocket = track(await SyncClient.synced(server, alice, direct.id));
    const bobSocket = track(await SyncClient.synced(server, bob, direct.id));

    // Before the block both see each other.
    await announce(aliceSocket, bobSocket, 1001);
    expect(awarenessOf(bobSocket)).toContain(1001);

    expect((await post(server, bob, `/api/blocks/${alice.id}`)).status).toBe(200);
    await announce(bobSocket, aliceSocket, 2002);
    expect(awarenessOf(aliceSocket)).not.toContain(2002);
    await announce(aliceSocket, bobSocket, 1003);
    expect(awarenessOf(bobSocket)).not.toContain(1003);

    // A socket joining later gets the states it may see, and not the other side's.
    const late = track(await SyncClient.synced(server, alice, direct.id));
    await query(late);
    expect(awarenessOf(late)).not.toContain(2002);
    expect(awarenessOf(late)).toContain(1003);
    expect([aliceSocket.isOpen, bobSocket.isOpen]).toEqual([true, true]);
  });

  it('relays no presence from someone who has not accepted yet, while the sender’s reaches them', async () => {
    const [sender, recipient] = [await makeSyncUser(server), await makeSyncUser(server)];
    const request = await createConversation(server, sender, [recipient], 'direct', { pending: true });
    const senderSocket = track(await SyncClient.synced(server, sender, request.id));
    const recipientSocket = track(await SyncClient.synced(server, recipient, request.id));

    await announce(recipientSocket, senderSocket, 3001);
    expect(awarenessOf(senderSocket)).not.toContain(3001);
    // Dropped, not refused: a stock provider announcing itself keeps its socket.
    expect(recipientSocket.isOpen).toBe(true);
    await announce(senderSocket, recipientSocket, 4001);
    expect(awarenessOf(recipientSocket)).toContain(4001);

    expect((await post(server, recipient, `/api/conversations/${request.id}/accept`)).status).toBe(200);
    await announce(recipientSocket, senderSocket, 3001, 2);
    expect(awarenessOf(senderSocket)).toContain(3001);
  });
});
