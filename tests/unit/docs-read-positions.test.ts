import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { createVerifier, generateIdentity, webCryptoBackend, type Identity } from '../../lib/crypto/index';
import {
  appendMessage,
  conversationParts,
  countUnread,
  listMessages,
  markRead,
  memberKeyOf,
  readPositions,
  signRead,
  type MemberKey,
  type MessageId,
  type Position,
} from '../../lib/docs/index';
import { seededRandom } from './fixtures/seeded-random';

const DOC = 'doc-read-positions-01';
const verifier = createVerifier(webCryptoBackend());

function makeMember(name: string): { identity: Identity; key: MemberKey } {
  const identity = generateIdentity(seededRandom(`docs-read-positions/${name}`));
  return { identity, key: memberKeyOf(identity.signing.publicKey) };
}
const alice = makeMember('alice');
const bob = makeMember('bob');
const mallory = makeMember('mallory');
const random = seededRandom('docs-read-positions/ids');

function sync(from: Y.Doc, to: Y.Doc): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
}
function copyOf(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

/** A conversation of five messages from Alice, and its positions. */
function makeConversation(): { doc: Y.Doc; positions: Position[] } {
  const doc = new Y.Doc();
  const positions: Position[] = [];
  for (let i = 0; i < 5; i++) {
    const sentAt = 1_700_000_000_000 + i * 1000;
    const result = appendMessage(doc, { identity: alice.identity, docId: DOC, body: `message ${i}`, now: sentAt, random });
    if (!result.ok) throw new Error(result.code);
    positions.push({ sentAt, messageId: result.value });
  }
  return { doc, positions };
}

const positionsOf = (doc: Y.Doc) => readPositions(doc, { docId: DOC, verifier });

describe('read positions', () => {
  it('keeps the greatest position when two devices\' concurrent markers merge, in either order', async () => {
    const { doc, positions } = makeConversation();
    for (const order of ['phone first', 'laptop first'] as const) {
      const phone = copyOf(doc);
      const laptop = copyOf(doc);
      markRead(phone, { identity: bob.identity, docId: DOC, position: positions[3]! });
      markRead(laptop, { identity: bob.identity, docId: DOC, position: positions[1]! });
      if (order === 'phone first') {
        sync(phone, laptop);
        sync(laptop, phone);
      } else {
        sync(laptop, phone);
        sync(phone, laptop);
      }
      for (const device of [phone, laptop]) expect((await positionsOf(device)).get(bob.key)).toEqual(positions[3]);
      expect(Y.encodeStateAsUpdate(phone)).toEqual(Y.encodeStateAsUpdate(laptop));
    }
  });

  it('never moves backwards when a device marks an older position after merging a newer one', async () => {
    const { doc, positions } = makeConversation();
    const phone = copyOf(doc);
    const laptop = copyOf(doc);
    markRead(phone, { identity: bob.identity, docId: DOC, position: positions[4]! });
    sync(phone, laptop);
    markRead(laptop, { identity: bob.identity, docId: DOC, position: positions[2]! });
    sync(laptop, phone);
    for (const device of [phone, laptop]) expect((await positionsOf(device)).get(bob.key)).toEqual(positions[4]);
  });

  it('moves forward and drops the entries it supersedes', async () => {
    const { doc, positions } = makeConversation();
    for (const p of positions) markRead(doc, { identity: bob.identity, docId: DOC, position: p });
    expect((await positionsOf(doc)).get(bob.key)).toEqual(positions[4]);
    expect(conversationParts(doc).reads.size).toBe(1);
    expect(markRead(doc, { identity: bob.identity, docId: DOC, position: positions[4]! })).toBe(false);
  });

  it('keeps each member\'s position separately', async () => {
    const { doc, positions } = makeConversation();
    markRead(doc, { identity: bob.identity, docId: DOC, position: positions[2]! });
    markRead(doc, { identity: alice.identity, docId: DOC, position: positions[4]! });
    const all = await positionsOf(doc);
    expect(all.get(bob.key)).toEqual(positions[2]);
    expect(all.get(alice.key)).toEqual(positions[4]);
  });

  it('ignores a position written in another member\'s name', async () => {
    const { doc, positions } = makeConversation();
    markRead(doc, { identity: bob.identity, docId: DOC, position: positions[1]! });
    const forged = signRead(DOC, { member: mallory.key, sentAt: positions[4]!.sentAt, messageId: positions[4]!.messageId }, mallory.identity.signing.secretKey);
    conversationParts(doc).reads.set(`${bob.key}:${forged.messageId}`, { ...forged, member: bob.key });
    expect((await positionsOf(doc)).get(bob.key)).toEqual(positions[1]);
    // Bob's device still records real progress past the forgery.
    markRead(doc, { identity: bob.identity, docId: DOC, position: positions[3]! });
    expect((await positionsOf(doc)).get(bob.key)).toEqual(positions[3]);
  });

  it('counts unread messages from others after the position', async () => {
    const { doc, positions } = makeConversation();
    const views = await listMessages(doc, { docId: DOC, verifier });
    expect(countUnread(views, undefined, bob.key)).toBe(5);
    expect(countUnread(views, positions[1], bob.key)).toBe(3);
    expect(countUnread(views, positions[4], bob.key)).toBe(0);
    expect(countUnread(views, undefined, alice.key)).toBe(0);
    expect(countUnread(views, { sentAt: 0, messageId: 'aaaaaaaaaaaaaaaaaaaa' as MessageId }, bob.key)).toBe(5);
  });
});
