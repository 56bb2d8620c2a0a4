// The sealed recent view: the newest messages as this device last listed them, read back on a cold open before
// the replica loads, rewritten when they change (a deletion's text leaves it), wiped with the document.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RECENT_COUNT, recentName } from '../../lib/client/engine/recent-view';
import { eventually, startDevice, type Device } from './helpers/engine-device';
import { engineScene, unwrap } from './helpers/engine-scene';
import { startServer } from './helpers/server';

const scene = engineScene();

/** A conversation Bob accepted, open on both devices. */
async function pair() {
  const made = await scene.acceptedPair(await startServer());
  // Alice's device was started by startDevice, which names its databases (a reload opens them again).
  return { ...made, alice: made.alice as Device & { dbName: string } };
}

/** The record as sealed on the device (opened with the device key), as text. */
async function sealedRecord(d: Device, docId: string): Promise<string | null> {
  const sealed = await d.engine.store.open(recentName(docId));
  return sealed ? new TextDecoder().decode(sealed) : null;
}

const rows = (messages: Array<{ id: string; body: string | null; verified: boolean; deleted: boolean }>) =>
  messages.map((m) => ({ id: m.id, body: m.body, verified: m.verified, deleted: m.deleted }));

describe('the recent view of a conversation', () => {
  it('is sealed once the newest messages are listed, and read back on the next cold open before the replica loads', async () => {
    const { server, alice, docId, a } = await pair();
    const count = RECENT_COUNT + 3;
    for (let i = 1; i <= count; i++) unwrap(await a.send(`message ${i}`));
    const newest = await a.messages({ limit: RECENT_COUNT });
    await eventually(async () => (await alice.engine.recent(docId))?.messages.at(-1)?.body === `message ${count}`, 'the record holds the newest');
    const kept = (await alice.engine.recent(docId))!;
    expect(kept.total).toBe(count);
    expect(rows(kept.messages)).toEqual(rows(newest));
    expect(kept.messages).toHaveLength(RECENT_COUNT);
    expect(kept.messages[0]?.body).toBe('message 4');

    // A reload without a network: the record alone gives the screen its first rows, no replica loaded for it.
    await eventually(async () => (await a.messages()).every((m) => !m.pending), 'the server has every message');
    await a.close();
    await alice.engine.stop();
    const reloaded = scene.track(await startDevice(server, alice, { dbName: alice.dbName, online: false }));
    await reloaded.engine.start();
    const early = await reloaded.engine.recent(docId);
    expect(await reloaded.engine.conversations.released(docId, 0)).toBe(true);
    expect(early?.total).toBe(count);
    expect(early?.messages.map((m) => ({ body: m.body, authorName: m.authorName, mine: m.mine, pending: m.pending, verified: m.verified }))).toEqual(
      newest.map((m) => ({ body: m.body, authorName: 'You', mine: true, pending: false, verified: true })),
    );
    // The replica, once loaded, lists exactly the same rows: the screen swaps one for the other without a change.
    const opened = await scene.open(reloaded, docId);
    expect(rows(await opened.messages({ limit: RECENT_COUNT }))).toEqual(rows(early!.messages));
  });

  it('is rewritten on both devices when a listed message is edited and then deleted: the deleted text leaves it', async () => {
    const { alice, bob, docId, a, b } = await pair();
    const marker = `SECRET-${randomBytes(8).toString('hex')}`;
    const edited = `EDITED-${randomBytes(8).toString('hex')}`;
    unwrap(await a.send('this one stays'));
    const id = unwrap(await a.send(`the address is ${marker}`));
    for (const d of [alice, bob]) {
      await eventually(async () => (await sealedRecord(d, docId))?.includes(marker) === true, `${d.name}'s record holds the message`);
    }

    unwrap(await a.edit(id, `the address is ${edited}`));
    for (const d of [alice, bob]) {
      await eventually(async () => (await d.engine.recent(docId))?.messages.find((m) => m.id === id)?.body === `the address is ${edited}`, `${d.name}'s record holds the edit`);
      expect((await d.engine.recent(docId))?.messages.find((m) => m.id === id)).toMatchObject({ edited: true, verified: true });
    }

    unwrap(await a.delete(id));
    await eventually(async () => (await b.messages()).find((m) => m.id === id)?.deleted === true, 'bob sees "message deleted"');
    for (const d of [alice, bob]) {
      await eventually(async () => {
        const record = await sealedRecord(d, docId);
        return record !== null && !record.includes(marker) && !record.includes(edited) && record.includes('this one stays');
      }, `the text leaves ${d.name}'s record`);
      expect((await d.engine.recent(docId))?.messages.find((m) => m.id === id)).toMatchObject({ body: null, deleted: true, verified: true });
    }
  });

  it('is wiped with the document by "Delete my copy", and a record that does not parse is not shown', async () => {
    const { alice, bob, docId, a, b } = await pair();
    unwrap(await a.send('old news'));
    await eventually(async () => (await bob.engine.recent(docId))?.messages.some((m) => m.body === 'old news') === true, 'bob has a record');
    await b.close();
    unwrap(await bob.engine.deleteLocalCopy(docId));
    expect(await bob.engine.store.open(recentName(docId))).toBeNull();
    expect(await bob.engine.recent(docId)).toBeNull();

    // Sealed with the device key yet not a recent view (a format from elsewhere, a bug): nothing is shown from it.
    await a.close();
    expect(await alice.engine.recent(docId)).not.toBeNull();
    await alice.engine.store.seal(recentName(docId), new TextEncoder().encode(JSON.stringify({ version: 1, view: { total: 1, messages: [{ body: 'forged' }] } })));
    expect(await alice.engine.recent(docId)).toBeNull();
  });
});
