// Edit, delete, reply and reactions through the engine against the real server: each is one signed entry,
// the other device sees it live, and a deleted message's text leaves every device's sealed local state.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeInnerCache } from '../../lib/client/engine/inner-cache';
import { eventually, type Device } from './helpers/engine-device';
import { deviceOf } from './helpers/engine-same-account';
import { startServer, type TestServer } from './helpers/server';
import { engineScene, unwrap } from './helpers/engine-scene';

const scene = engineScene();
let server: TestServer | undefined;
const device = (name: string): Promise<Device> => scene.device(name);
const open = scene.open;

/** The sealed inner cache of a document, opened with the device key as the engine does. */
async function sealedInnerState(d: Device, docId: string): Promise<Buffer | null> {
  const sealed = await d.engine.store.open(`inner:${docId}`);
  const cache = sealed ? decodeInnerCache(sealed) : null;
  return cache ? Buffer.from(cache.state) : null;
}

async function sealedSearchShard(d: Device, docId: string): Promise<Buffer | null> {
  const sealed = await d.engine.store.open(`search:${docId}`);
  return sealed ? Buffer.from(sealed) : null;
}

/** A conversation between two fresh devices, open on both. */
async function pair() {
  const made = await scene.acceptedPair(await startServer());
  server = made.server;
  return made;
}

describe('editing, deleting, replying and reacting through the engine', () => {
  it('makes each action exactly one entry in the outbox', async () => {
    const { a, b } = await pair();
    const entries = () => a.replica.entries.length;
    let before = entries();
    const id = unwrap(await a.send('first'));
    expect(entries()).toBe(before + 1);
    await eventually(async () => (await b.messages()).some((m) => m.id === id), 'bob has the message');
    const steps: Array<() => Promise<{ ok: boolean }>> = [
      () => a.edit(id, 'first, edited'),
      () => a.react(id, '👍'),
      () => a.unreact(id, '👍'),
      () => a.reply('a reply', id),
      () => a.delete(id),
    ];
    for (const step of steps) {
      before = entries();
      expect((await step()).ok).toBe(true);
      expect(entries()).toBe(before + 1);
    }
    before = entries();
    expect(await a.edit(id, 'too late')).toEqual({ ok: false, code: 'message.deleted' });
    expect(entries()).toBe(before);
    // Bob's read marker: one entry in his outbox (counted once Alice's entries have all reached him).
    await eventually(async () => b.replica.entries.length === a.replica.entries.length, 'bob has every entry of alice');
    const bobBefore = b.replica.entries.length;
    expect(await b.markRead(id)).toEqual({ ok: true, value: true });
    expect(b.replica.entries.length).toBe(bobBefore + 1);
  });

  it('shows the other device an edit, a reply to the original, reactions and their withdrawal, live', async () => {
    const { a, b } = await pair();
    const original = unwrap(await a.send('Can someone lend me a ladder?'));
    await eventually(async () => (await b.messages()).some((m) => m.id === original), 'bob has the question');

    expect((await a.edit(original, 'Can someone lend me a ladder on Saturday?')).ok).toBe(true);
    await eventually(async () => (await b.messages()).find((m) => m.id === original)?.edited === true, 'bob sees the edit');
    expect((await b.messages()).find((m) => m.id === original)).toMatchObject({
      body: 'Can someone lend me a ladder on Saturday?',
      edited: true,
      verified: true,
      authorName: 'Alice',
    });

    const reply = unwrap(await b.reply('Yes, mine is free', original));
    expect((await b.react(original, '👍')).ok).toBe(true);
    await eventually(async () => (await a.messages()).some((m) => m.id === reply), 'alice gets the reply');
    const shown = await a.messages();
    expect(shown.find((m) => m.id === reply)).toMatchObject({ replyTo: original, body: 'Yes, mine is free', mine: false });
    // The reply points at a message that is there to jump to, even outside a window of the newest.
    expect(shown.some((m) => m.id === shown.find((r) => r.id === reply)!.replyTo)).toBe(true);
    const newest = await a.messages({ limit: 1 });
    expect(newest.map((m) => m.id)).toEqual([reply]);
    // A window of one, and the length of the whole conversation for the list that shows it.
    expect(a.count()).toBe(shown.length);
    expect(await a.message(newest[0]!.replyTo!)).toMatchObject({ id: original, body: 'Can someone lend me a ladder on Saturday?' });
    expect(await a.message('AAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
    await eventually(async () => (await a.messages()).find((m) => m.id === original)?.reactions[0]?.count === 1, 'alice sees the reaction');

    expect((await b.unreact(original, '👍')).ok).toBe(true);
    await eventually(async () => (await a.messages()).find((m) => m.id === original)?.reactions.length === 0, 'alice sees it withdrawn');
  });

  it('refuses to edit or delete someone else\'s message, or to react with no emoji, with the model\'s codes', async () => {
    const { a, b } = await pair();
    const id = unwrap(await a.send('mine'));
    await eventually(async () => (await b.messages()).some((m) => m.id === id), 'bob has it');
    expect(await b.edit(id, 'not yours')).toEqual({ ok: false, code: 'message.not_author' });
    expect(await b.delete(id)).toEqual({ ok: false, code: 'message.not_author' });
    expect(await b.react(id, '')).toEqual({ ok: false, code: 'reaction.invalid_emoji' });
    expect(await b.reply('to nothing', 'AAAAAAAAAAAAAAAAAAAAAA')).toEqual({ ok: false, code: 'message.not_found' });
    expect(await a.edit(id, '')).toEqual({ ok: false, code: 'message.empty' });
  });

  it('removes a deleted message\'s text from the sealed local state of both devices, edits included', async () => {
    const { alice, bob, docId, a, b } = await pair();
    const marker = `SECRET-${randomBytes(8).toString('hex')}`;
    const edited = `EDITED-${randomBytes(8).toString('hex')}`;
    const keep = unwrap(await a.send('this one stays'));
    const id = unwrap(await a.send(`the address is ${marker}`));
    expect((await a.edit(id, `the address is ${edited}`)).ok).toBe(true);
    await eventually(async () => (await b.messages()).find((m) => m.id === id)?.body === `the address is ${edited}`, 'bob sees the edit');

    // Positive control: before the deletion the text is in both devices' sealed inner state and search shard.
    for (const d of [alice, bob]) {
      await eventually(async () => (await sealedInnerState(d, docId))?.includes(edited) === true, `${d.name}'s sealed state holds the edit`);
      await eventually(async () => (await sealedSearchShard(d, docId))?.includes(edited) === true, `${d.name}'s search shard holds the edit`);
    }

    expect((await a.delete(id)).ok).toBe(true);
    await eventually(async () => (await b.messages()).find((m) => m.id === id)?.deleted === true, 'bob sees "message deleted"');
    expect((await b.messages()).find((m) => m.id === id)).toMatchObject({ body: null, deleted: true, verified: true });
    expect((await b.messages()).find((m) => m.id === keep)?.body).toBe('this one stays');

    for (const d of [alice, bob]) {
      await eventually(async () => {
        const state = await sealedInnerState(d, docId);
        return state !== null && !state.includes(marker) && !state.includes(edited) && state.includes('this one stays');
      }, `the text leaves ${d.name}'s sealed inner state`);
      await eventually(async () => {
        const shard = await sealedSearchShard(d, docId);
        return shard !== null && !shard.includes(marker) && !shard.includes(edited) && shard.includes('this one stays');
      }, `the text leaves ${d.name}'s search shard`);
      expect(await d.engine.search(edited.toLowerCase())).toEqual([]);
      expect(d.engine.conversations.list().find((c) => c.id === docId)?.lastMessage).toMatchObject({ body: null, deleted: true });
    }
  });

  it('removes an edit made offline concurrently with the deletion once it reaches a device that has the tombstone', async () => {
    server = scene.serve(await startServer());
    const alice = await device('alice');
    const bob = await device('bob');
    const docId = unwrap(await alice.engine.conversations.start([bob.account.handle]));
    // Alice's second device: the same account and keys, its own local state.
    const phone = await deviceOf(server, 'alice-phone', alice);
    scene.track(phone);
    await phone.engine.start();
    const a = await open(alice, docId);
    const id = unwrap(await a.send('draft plan'));
    await eventually(() => phone.engine.conversations.ids().includes(docId), 'the phone sees the conversation');
    let p = await open(phone, docId);
    await eventually(async () => (await p.messages()).some((m) => m.id === id), 'the phone has the message');
    await p.close();

    const late = `LATE-${randomBytes(8).toString('hex')}`;
    phone.goOffline();
    p = await open(phone, docId);
    expect((await p.edit(id, `plan ${late}`)).ok).toBe(true);
    const lateEntry = Buffer.from(p.replica.entries.get(p.replica.entries.length - 1));
    expect((await a.delete(id)).ok).toBe(true);
    await p.close();
    // Positive control: the phone holds the late edit's text until it learns of the deletion.
    await eventually(async () => (await sealedInnerState(phone, docId))?.includes(late) === true, 'the phone saved its late edit');
    phone.goOnline();

    const b = await open(bob, docId);
    await eventually(async () => (await b.messages()).find((m) => m.id === id)?.deleted === true, 'bob sees the deletion');
    await eventually(() => b.replica.entries.toArray().some((e) => lateEntry.equals(e)), 'the late edit reaches bob');
    // The late edit arrives everywhere and is collected: its text leaves every sealed state.
    for (const d of [alice, bob, phone]) {
      await eventually(async () => {
        const state = await sealedInnerState(d, docId);
        return state !== null && !state.includes(late);
      }, `the late edit's text leaves ${d.name}'s sealed state`, 30_000);
    }
    expect((await b.messages()).find((m) => m.id === id)).toMatchObject({ deleted: true, body: null });
  });
});
