// Privacy and consent on the device, through the real server: message requests apart from the list, the
// sender held to the request cap (refused, not retried forever) until the recipient accepts, read receipts
// and typing switches kept by the device that would send them, blocks, and "Delete my copy".
import { describe, expect, it } from 'vitest';
import { REQUEST_ENTRY_CAP } from '../../lib/protocol/api-privacy';
import { eventually, type Device } from './helpers/engine-device';
import { engineScene, unwrap } from './helpers/engine-scene';
import { startServer } from './helpers/server';

const scene = engineScene();
const device = (name: string): Promise<Device> => scene.device(name);
const open = scene.open;

/** Alice writes to Bob, whose device sees the request and accepts it. */
async function acceptedRequest(text: string) {
  scene.serve(await startServer());
  const alice = await device('alice');
  const bob = await device('bob');
  const docId = unwrap(await alice.engine.conversations.start([bob.account.handle]));
  const a = await open(alice, docId);
  const first = unwrap(await a.send(text));
  await eventually(() => bob.engine.conversations.requests().length === 1, 'request arrives');
  unwrap(await bob.engine.conversations.accept(docId));
  return { alice, bob, docId, a, first };
}

describe('message requests on the device', () => {
  it('shows a request apart from the list, holds the sender to the cap, and lets everything through once accepted', async () => {
    scene.serve(await startServer());
    const alice = await device('alice');
    const bob = await device('bob');
    const docId = unwrap(await alice.engine.conversations.start([bob.account.handle]));
    const a = await open(alice, docId);
    expect(a.consent()).toEqual({ request: false, awaiting: true });
    const sent: string[] = [];
    // The opening record is one entry; the rest of the allowance goes to messages, and then some more.
    for (let i = 0; i < REQUEST_ENTRY_CAP + 1; i++) sent.push(unwrap(await a.send(`hello ${i}`)));

    await eventually(() => a.refusal() === 'request.cap_reached', 'the server refuses past the cap');
    expect(a.connectionState()).toBe('refused');
    await eventually(() => bob.engine.conversations.requests().some((c) => c.id === docId), 'bob sees a request');
    expect(bob.engine.conversations.list().map((c) => c.id)).not.toContain(docId);
    // The preview is decrypted on bob's device; the navigation total leaves requests to their own link.
    await eventually(() => bob.engine.conversations.requests()[0]?.lastMessage?.body?.startsWith('hello') === true, 'preview');
    expect(bob.engine.totalUnread()).toBe(0);

    // Bob reads the request before deciding: alice learns nothing (no shared read position), bob's count clears.
    const b = await open(bob, docId);
    expect(b.consent()).toEqual({ request: true, awaiting: false });
    const shown = await b.messages();
    expect(await b.markRead(shown.at(-1)!.id)).toEqual({ ok: true, value: true });
    expect((await b.readPositions()).size).toBe(0);

    unwrap(await bob.engine.conversations.accept(docId));
    expect(bob.engine.conversations.list().map((c) => c.id)).toContain(docId);
    expect(bob.engine.conversations.requests()).toEqual([]);
    // Alice's device hears of the accept, the cap lifts, and what was held back goes out.
    await eventually(() => a.consent().awaiting === false && a.refusal() === null, 'alice is no longer held back');
    await eventually(async () => (await b.messages()).length === sent.length, 'bob receives every message');
    await eventually(async () => (await a.messages()).every((m) => !m.pending), 'nothing pending on alice');
  });

  it('declining drops the request and wipes it from the device; blocking also refuses the sender', async () => {
    scene.serve(await startServer());
    const alice = await device('alice');
    const bob = await device('bob');
    const carol = await device('carol');
    const fromAlice = unwrap(await alice.engine.conversations.start([bob.account.handle]));
    const fromCarol = unwrap(await carol.engine.conversations.start([bob.account.handle]));
    const a = await open(alice, fromAlice);
    const c = await open(carol, fromCarol);
    unwrap(await a.send('hi bob'));
    unwrap(await c.send('buy my stuff'));
    await eventually(() => bob.engine.conversations.requests().length === 2, 'two requests');
    // Loaded once, so there is something stored to wipe.
    const peek = await bob.engine.open(fromAlice);
    await eventually(async () => (await peek.messages()).length === 1, 'bob has alice\'s message');
    await peek.close();

    unwrap(await bob.engine.decline(fromAlice));
    expect(bob.engine.conversations.requests().map((r) => r.id)).toEqual([fromCarol]);
    expect(await bob.engine.store.open(`inner:${fromAlice}`)).toBeNull();
    expect(await bob.engine.store.open(`keys:${fromAlice}`)).toBeNull();
    // Alice is told nothing: still waiting, and still allowed her few messages.
    expect(a.consent().awaiting).toBe(true);

    unwrap(await bob.engine.decline(fromCarol, { block: true }));
    expect(bob.engine.conversations.requests()).toEqual([]);
    expect(bob.engine.privacy.isBlocked(carol.account.id)).toBe(true);
    unwrap(await c.send('are you there?'));
    await eventually(() => c.refusal() === 'entry.blocked', 'carol cannot send again');
    // (Starting another conversation with bob is refused by the server: privacy-blocks.test.ts.)

    unwrap(await bob.engine.privacy.unblock(carol.account.id));
    expect(bob.engine.privacy.blocks()).toEqual([]);
  });
});

describe('read receipts and typing switches', () => {
  it('with read receipts off, my read position stays on my device and I see no one else\'s', async () => {
    const { bob, docId, a, first } = await acceptedRequest('one');
    unwrap(await bob.engine.privacy.update({ readReceipts: false }));
    expect(bob.engine.privacy.settings().readReceipts).toBe(false);
    const b = await open(bob, docId);
    await eventually(async () => (await b.messages()).length === 1, 'bob has it');
    await eventually(() => b.unread() === 1, 'one unread');
    expect(await b.markRead(first)).toEqual({ ok: true, value: true });
    await eventually(() => b.unread() === 0, 'bob\'s count clears');
    // Nothing went out: alice never sees it read.
    unwrap(await a.send('two'));
    await eventually(async () => (await b.messages()).length === 2, 'bob has the second');
    expect(await a.seen(first)).toBe(false);
    expect((await a.readPositions()).size).toBe(0);

    // Reciprocal: alice reads bob's reply and shares it, but bob (receipts off) does not see it.
    const reply = unwrap(await b.send('ok'));
    await eventually(async () => (await a.messages()).some((m) => m.id === reply), 'alice has the reply');
    expect(await a.markRead(reply)).toEqual({ ok: true, value: true });
    await eventually(async () => (await b.readPositions()).size === 1, 'alice\'s marker reached bob\'s device');
    expect(await b.seen(reply)).toBe(false);
    expect(await b.seenBy(reply)).toEqual([]);

    // Typing off: bob neither sends nor sees typing.
    unwrap(await bob.engine.privacy.update({ typing: false }));
    a.setTyping(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(b.typing()).toEqual([]);
    b.setTyping(true);
    // A message bob writes after it reaches alice; his typing, had it been sent, would have come before it.
    const after = unwrap(await b.send('typed with typing off'));
    await eventually(async () => (await a.messages()).some((m) => m.id === after), 'alice has bob\'s later message');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(a.typing()).toEqual([]);
  });

  it('in a group, hides the posts of someone I blocked on my device only, and shows them again after unblocking', async () => {
    scene.serve(await startServer());
    const alice = await device('alice');
    const bob = await device('bob');
    const carol = await device('carol');
    const docId = unwrap(await alice.engine.conversations.start([bob.account.handle, carol.account.handle], { title: 'Garden' }));
    await eventually(() => bob.engine.conversations.ids().includes(docId) && carol.engine.conversations.ids().includes(docId), 'both have the group');
    unwrap(await bob.engine.conversations.accept(docId));
    unwrap(await carol.engine.conversations.accept(docId));
    unwrap(await bob.engine.privacy.block(carol.account.id));
    const c = await open(carol, docId);
    unwrap(await c.send('from carol'));
    const a = await open(alice, docId);
    unwrap(await a.send('from alice'));
    const b = await open(bob, docId);
    const flags = async (m: { messages(): Promise<Array<{ body: string | null; blockedAuthor: boolean }>> }) =>
      (await m.messages()).map((x) => [x.body, x.blockedAuthor]);
    await eventually(async () => (await b.messages()).length === 2, 'bob has both');
    // Hidden is the screen's part: the device marks carol's post and keeps it (Show reveals it).
    expect(await flags(b)).toEqual([
      ['from carol', true],
      ['from alice', false],
    ]);
    await eventually(async () => (await a.messages()).length === 2, 'alice has both');
    expect((await flags(a)).every(([, blocked]) => blocked === false)).toBe(true);
    unwrap(await bob.engine.privacy.unblock(carol.account.id));
    expect((await flags(b)).every(([, blocked]) => blocked === false)).toBe(true);
  });

  it('sends no read receipt to someone I blocked in our one-to-one conversation', async () => {
    const { alice, bob, docId, a, first } = await acceptedRequest('one');
    const b = await open(bob, docId);
    await eventually(async () => (await b.messages()).length === 1, 'bob has it');
    unwrap(await bob.engine.privacy.block(alice.account.id));
    expect(await b.markRead(first)).toEqual({ ok: true, value: true });
    await eventually(() => b.unread() === 0, 'bob\'s own count clears');
    // Bob's next message reaches alice; a read position written before it would have too.
    const later = unwrap(await b.send('bye'));
    await eventually(async () => (await a.messages()).some((m) => m.id === later), 'alice has bob\'s message');
    expect(await a.seen(first)).toBe(false);
    expect((await a.readPositions()).size).toBe(0);
  });
});

describe('per-conversation controls on this device', () => {
  it('mutes, archives, and deletes my copy: hidden with its history until someone writes again', async () => {
    const { bob, docId, a } = await acceptedRequest('old news');
    await eventually(() => bob.engine.totalUnread() === 1, 'one unread');

    bob.engine.conversations.setLocal(docId, { muted: true });
    expect(bob.engine.totalUnread()).toBe(0);
    expect(bob.engine.conversations.list()[0]?.muted).toBe(true);
    bob.engine.conversations.setLocal(docId, { muted: undefined, archived: true });
    expect(bob.engine.conversations.list()).toEqual([]);
    expect(bob.engine.conversations.archived().map((c) => c.id)).toEqual([docId]);
    bob.engine.conversations.setLocal(docId, { archived: undefined });

    const b = await open(bob, docId);
    await eventually(async () => (await b.messages()).length === 1, 'bob has the old message');
    await b.close();
    unwrap(await bob.engine.deleteLocalCopy(docId));
    expect(bob.engine.conversations.list()).toEqual([]);
    expect(await bob.engine.store.open(`inner:${docId}`)).toBeNull();
    expect(await bob.engine.search('news')).toEqual([]);

    // Alice writes again: it comes back with only the new message.
    await new Promise((resolve) => setTimeout(resolve, 5));
    unwrap(await a.send('fresh news'));
    await eventually(async () => {
      await bob.engine.conversations.refresh();
      return bob.engine.conversations.list().some((c) => c.id === docId);
    }, 'back in the list');
    const again = await open(bob, docId);
    await eventually(async () => (await again.messages()).map((m) => m.body).join() === 'fresh news', 'only the new message');
    await eventually(() => bob.engine.totalUnread() === 1, 'one unread, not two');
  });
});
