// Read markers and unread counts through the real server: counts in the sealed list without opening the
// conversation, cleared by reading, and the reader's marker moving on the writer's device.
import { describe, expect, it } from 'vitest';
import { memberKeyOf, type MemberKey } from '../../lib/docs';
import { eventually, type Device } from './helpers/engine-device';
import { acceptRequest } from './helpers/accept-request';
import { startServer, type TestServer } from './helpers/server';
import { engineScene, unwrap } from './helpers/engine-scene';

const scene = engineScene();
let server: TestServer | undefined;
const device = (name: string): Promise<Device> => scene.device(name);
const open = scene.open;

const unreadIn = (d: Device, docId: string) => d.engine.conversations.all().find((c) => c.id === docId)?.unread;

/** The unread counts as sealed in the list cache (what the list shows after a reload, offline). */
async function sealedUnread(d: Device): Promise<Record<string, number>> {
  await d.engine.conversations.flushCache();
  const sealed = await d.engine.store.open('list:conversations');
  return (JSON.parse(new TextDecoder().decode(sealed!)) as { unread: Record<string, number> }).unread;
}

describe('unread counts and read markers', () => {
  it('counts unread messages in the list without opening the conversation, and clears them on read', async () => {
    server = scene.serve(await startServer());
    const alice = await device('alice');
    const bob = await device('bob');
    const docId = unwrap(await alice.engine.conversations.start([bob.account.handle]));
    const a = await open(alice, docId);
    const ids: string[] = [];
    for (const body of ['one', 'two', 'three']) ids.push(unwrap(await a.send(body)));

    await eventually(() => unreadIn(bob, docId) === 3, 'bob\'s request shows 3 unread');
    // A request counts on its own link, not in the navigation total, until accepted.
    expect(bob.engine.totalUnread()).toBe(0);
    expect((await sealedUnread(bob))[docId]).toBe(3);
    // Own messages are never unread.
    expect(unreadIn(alice, docId)).toBe(0);
    expect(alice.engine.totalUnread()).toBe(0);

    await acceptRequest(server, bob, docId);
    expect(bob.engine.totalUnread()).toBe(3);
    const b = await open(bob, docId);
    expect(b.unread()).toBe(3);
    expect(await b.markRead(ids[1]!)).toEqual({ ok: true, value: true });
    await eventually(() => unreadIn(bob, docId) === 1, 'one left after reading up to the second');
    expect(await b.markRead(ids[2]!)).toEqual({ ok: true, value: true });
    await eventually(() => bob.engine.totalUnread() === 0, 'all read');
    expect((await sealedUnread(bob))[docId]).toBe(0);
    // Never backwards.
    expect(await b.markRead(ids[0]!)).toEqual({ ok: true, value: false });
    expect(await b.markRead('AAAAAAAAAAAAAAAAAAAAAA')).toEqual({ ok: false, code: 'message.not_found' });

    await a.send('four');
    await eventually(() => unreadIn(bob, docId) === 1, 'a new message is unread again');
  });

  it('moves Bob\'s read marker on Alice\'s device: the tick of a one-to-one conversation', async () => {
    server = scene.serve(await startServer());
    const alice = await device('alice');
    const bob = await device('bob');
    const docId = unwrap(await alice.engine.conversations.start([bob.account.handle]));
    const a = await open(alice, docId);
    const first = unwrap(await a.send('are you coming?'));
    const second = unwrap(await a.send('bring the pump'));
    await eventually(() => bob.engine.conversations.ids().includes(docId), 'bob sees the conversation');
    await acceptRequest(server, bob, docId);
    const b = await open(bob, docId);
    await eventually(async () => (await b.messages()).length === 2, 'bob has both');
    expect(await a.seen(first)).toBe(false);

    await b.markRead(first);
    await eventually(() => a.seen(first), 'alice sees bob read the first');
    expect(await a.seen(second)).toBe(false);
    const bobKey = memberKeyOf(bob.identity.signing.publicKey);
    expect((await a.readPositions()).get(bobKey as MemberKey)?.messageId).toBe(first);

    await b.markRead(second);
    await eventually(() => a.seen(second), 'the marker moves to the second');
    expect((await a.readPositions()).get(bobKey as MemberKey)?.messageId).toBe(second);
    // Bob's own view does not count himself.
    expect(await b.seen(second)).toBe(false);
  });

  it('lists who has seen a message in a group', async () => {
    server = scene.serve(await startServer());
    const alice = await device('alice');
    const bob = await device('bob');
    const carol = await device('carol');
    const docId = unwrap(await alice.engine.conversations.start([bob.account.handle, carol.account.handle], { title: 'Garden' }));
    const a = await open(alice, docId);
    const id = unwrap(await a.send('watering rota is up'));
    for (const d of [bob, carol]) {
      await eventually(() => d.engine.conversations.ids().includes(docId), `${d.name} sees the group`);
      await acceptRequest(server, d, docId);
    }
    const b = await open(bob, docId);
    await eventually(async () => (await b.messages()).some((m) => m.id === id), 'bob has it');
    await b.markRead(id);
    await eventually(async () => (await a.seenBy(id)).length === 1, 'alice sees bob in "seen by"');
    expect((await a.seenBy(id)).map((m) => m.name)).toEqual(['Bob']);
    await b.close();

    const c = await open(carol, docId);
    await eventually(async () => (await c.messages()).some((m) => m.id === id), 'carol has it');
    await c.markRead(id);
    await eventually(async () => (await a.seenBy(id)).length === 2, 'carol joins "seen by"');
    expect((await a.seenBy(id)).map((m) => m.name).sort()).toEqual(['Bob', 'Carol']);
  });
});
