import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { createVerifier, generateIdentity, webCryptoBackend, type Identity } from '../../lib/crypto/index';
import {
  appendMessage,
  collectGarbage,
  compareEdits,
  conversationParts,
  deleteMessage,
  editMessage,
  EditRecord,
  listMessages,
  markRead,
  memberKeyOf,
  react,
  readPositions,
  type MemberKey,
  type MessageId,
} from '../../lib/docs/index';
import { seededRandom } from './fixtures/seeded-random';

const DOC = 'doc-convergence-0001';
const verifier = createVerifier(webCryptoBackend());

function makeMember(name: string): { identity: Identity; key: MemberKey } {
  const identity = generateIdentity(seededRandom(`docs-convergence/${name}`));
  return { identity, key: memberKeyOf(identity.signing.publicKey) };
}
const alice = makeMember('alice');
const bob = makeMember('bob');

function sync(from: Y.Doc, to: Y.Doc): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
}
function syncAll(docs: Y.Doc[]): void {
  for (const a of docs) for (const b of docs) if (a !== b) sync(a, b);
}
function contains(bytes: Uint8Array, text: string): boolean {
  return Buffer.from(bytes).includes(Buffer.from(text, 'utf8'));
}
const list = (doc: Y.Doc) => listMessages(doc, { docId: DOC, verifier });

/** mulberry32: a small deterministic PRNG for choosing operations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('convergence', () => {
  it('settles concurrent edits from two devices on the latest (editedAt, signature), the same everywhere', async () => {
    const phone = new Y.Doc();
    const random = seededRandom('docs-convergence/edits');
    const sent = appendMessage(phone, { identity: alice.identity, docId: DOC, body: 'draft', now: 1000, random });
    if (!sent.ok) throw new Error(sent.code);
    const laptop = new Y.Doc();
    sync(phone, laptop);
    // Same millisecond on both devices: the signature decides.
    const a = editMessage(phone, { identity: alice.identity, docId: DOC, messageId: sent.value, body: 'from the phone', now: 5000 });
    const b = editMessage(laptop, { identity: alice.identity, docId: DOC, messageId: sent.value, body: 'from the laptop', now: 5000 });
    if (!a.ok || !b.ok) throw new Error('edit failed');
    const winner = compareEdits(a.value, b.value) > 0 ? a.value : b.value;
    sync(phone, laptop);
    sync(laptop, phone);
    for (const doc of [phone, laptop]) expect((await list(doc))[0]).toMatchObject({ body: winner.body, editedAt: 5000, edited: true });

    // A later edit on either device supersedes both and removes them.
    const c = editMessage(laptop, { identity: alice.identity, docId: DOC, messageId: sent.value, body: 'final', now: 6000 });
    expect(c.ok).toBe(true);
    sync(laptop, phone);
    for (const doc of [phone, laptop]) {
      expect((await list(doc))[0]?.body).toBe('final');
      expect([...conversationParts(doc).edits.values()].map((e) => EditRecord.parse(e).body)).toEqual(['final']);
    }
  });

  // Seeded randomised run: Alice on two devices and Bob act and sync in random order; at the end everyone
  // lists the same messages, read markers are the greatest written, and no deleted text survives anywhere.
  it.each([1, 2, 3, 42])('converges after random concurrent actions and partial syncs (seed %i)', async (seed) => {
    const rand = prng(seed);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
    const devices = [
      { who: alice, doc: new Y.Doc(), skew: 0 },
      { who: alice, doc: new Y.Doc(), skew: 700 },
      { who: bob, doc: new Y.Doc(), skew: -300 },
    ];
    const random = seededRandom(`docs-convergence/seed-${seed}`);
    const textsOf = new Map<string, string[]>();
    const deleted = new Set<string>();
    const maxRead = new Map<MemberKey, { sentAt: number; messageId: MessageId }>();
    let counter = 0;
    for (let step = 0; step < 120; step++) {
      const device = pick(devices);
      const now = 1_700_000_000_000 + step * 1000 + device.skew;
      const base = { identity: device.who.identity, docId: DOC, now };
      const known = [...conversationParts(device.doc).messages.keys()];
      const roll = rand();
      if (roll < 0.3 || known.length === 0) {
        const body = `msg#${String(++counter).padStart(4, '0')}#`;
        const r = appendMessage(device.doc, { ...base, body, random });
        if (r.ok) textsOf.set(r.value, [body]);
      } else if (roll < 0.45) {
        const body = `edit#${String(++counter).padStart(4, '0')}#`;
        const id = pick(known);
        if (editMessage(device.doc, { ...base, messageId: id, body }).ok) textsOf.get(id)?.push(body);
      } else if (roll < 0.55) {
        const id = pick(known);
        if (deleteMessage(device.doc, { ...base, messageId: id }).ok) deleted.add(id);
      } else if (roll < 0.65) {
        react(device.doc, { ...base, messageId: pick(known), emoji: pick(['👍', '❤️', '😂']), on: rand() < 0.7 });
      } else if (roll < 0.75) {
        const views = await list(device.doc);
        const target = pick(views);
        const position = { sentAt: target.sentAt, messageId: target.id };
        markRead(device.doc, { identity: device.who.identity, docId: DOC, position });
        const previous = maxRead.get(device.who.key);
        if (!previous || previous.sentAt < position.sentAt || (previous.sentAt === position.sentAt && previous.messageId < position.messageId)) {
          maxRead.set(device.who.key, position);
        }
      } else {
        sync(pick(devices).doc, device.doc);
      }
    }
    const docs = devices.map((d) => d.doc);
    syncAll(docs);
    for (const doc of docs) collectGarbage(doc);
    syncAll(docs);

    const listings = await Promise.all(docs.map(list));
    expect(listings[1]).toEqual(listings[0]);
    expect(listings[2]).toEqual(listings[0]);
    expect(listings[0]!.every((v) => v.verified)).toBe(true);
    expect(listings[0]!.filter((v) => v.deleted).map((v) => v.id).sort()).toEqual([...deleted].sort());
    const markers = await Promise.all(docs.map((doc) => readPositions(doc, { docId: DOC, verifier })));
    for (const m of markers) expect(m).toEqual(maxRead);
    for (const doc of docs) {
      const state = Y.encodeStateAsUpdate(doc);
      for (const id of deleted) for (const text of textsOf.get(id) ?? []) expect(contains(state, text), `${text} of deleted ${id} (seed ${seed})`).toBe(false);
    }
  });
});
