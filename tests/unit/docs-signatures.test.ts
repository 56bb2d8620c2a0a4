import { describe, expect, it } from 'vitest';
import { createVerifier, generateIdentity, webCryptoBackend, type Identity, type Verifier } from '../../lib/crypto/index';
import {
  createVerificationCache,
  editPayload,
  memberKeyOf,
  messagePayload,
  MessageId,
  signEdit,
  signMembership,
  signMessage,
  signReaction,
  signRead,
  signTombstone,
  verifyEdit,
  verifyMembership,
  verifyMessage,
  verifyReaction,
  verifyRead,
  verifyTombstone,
  type MemberKey,
} from '../../lib/docs/index';
import { seededRandom } from './fixtures/seeded-random';

const DOC = 'doc-signatures-0001';
const OTHER_DOC = 'doc-signatures-0002';
const verifier = createVerifier(webCryptoBackend());

function makeMember(name: string): { identity: Identity; key: MemberKey; user: string } {
  const identity = generateIdentity(seededRandom(`docs-signatures/${name}`));
  return { identity, key: memberKeyOf(identity.signing.publicKey), user: `user-${name}-000000000` };
}
const alice = makeMember('alice');
const bob = makeMember('bob');
const id = (n: number) => MessageId.parse(`message-${String(n).padStart(10, '0')}`);

describe('message signatures', () => {
  const message = signMessage(DOC, { id: id(1), author: alice.key, body: 'hello there', sentAt: 1_700_000_000_000, replyTo: id(0) }, alice.identity.signing.secretKey);

  it('verifies a message signed by its author', async () => {
    expect(await verifyMessage(DOC, message, { verifier })).toBe(true);
  });

  it('rejects the message when any signed field changes', async () => {
    const variants = [
      { ...message, body: 'hello there!' },
      { ...message, sentAt: message.sentAt + 1 },
      { ...message, id: id(2) },
      { ...message, replyTo: id(3) },
      { ...message, replyTo: undefined },
      { ...message, author: bob.key },
    ];
    for (const variant of variants) expect(await verifyMessage(DOC, variant, { verifier })).toBe(false);
  });

  it('rejects the message in another conversation', async () => {
    expect(await verifyMessage(OTHER_DOC, message, { verifier })).toBe(false);
  });

  it('rejects a message signed by someone other than the author it names', async () => {
    const forged = signMessage(DOC, { id: id(1), author: bob.key, body: 'hello there', sentAt: 1 }, bob.identity.signing.secretKey);
    expect(await verifyMessage(DOC, { ...forged, author: alice.key }, { verifier })).toBe(false);
  });

  it('refuses to sign in the name of a different author', () => {
    expect(() => signMessage(DOC, { id: id(1), author: bob.key, body: 'x', sentAt: 1 }, alice.identity.signing.secretKey)).toThrow();
  });

  it('signs the canonical encoding of (docId, messageId, author, body, sentAt, replyTo) described in canonical.ts', () => {
    const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
    const str = (s: string) => { const b = [...new TextEncoder().encode(s)]; return [...u32(b.length), ...b]; };
    const uint = (n: number) => [...u32(Math.floor(n / 2 ** 32)), ...u32(n % 2 ** 32)];
    const authorBytes = [...alice.identity.signing.publicKey];
    const expected = [
      ...str('message'),
      ...str(DOC),
      ...str(id(1)),
      ...u32(32), ...authorBytes,
      ...str('héllo 👋'),
      ...uint(1_700_000_000_123),
      1, ...str(id(0)),
    ];
    const payload = messagePayload(DOC, { id: id(1), author: alice.key, body: 'héllo 👋', sentAt: 1_700_000_000_123, replyTo: id(0) });
    expect([...payload]).toEqual(expected);
    const withoutReply = messagePayload(DOC, { id: id(1), author: alice.key, body: 'héllo 👋', sentAt: 1_700_000_000_123 });
    expect([...withoutReply]).toEqual([...expected.slice(0, expected.length - str(id(0)).length - 1), 0]);
  });

  it('keeps kinds apart: a message signature does not verify as an edit with the same text', async () => {
    const asEdit = { type: 'edit' as const, messageId: message.id, author: alice.key, body: message.body, editedAt: message.sentAt, signature: message.signature };
    expect(await verifyEdit(DOC, asEdit, { verifier })).toBe(false);
    expect(editPayload(DOC, asEdit)).not.toEqual(messagePayload(DOC, message));
  });
});

describe('edit, deletion, reaction and read-position signatures', () => {
  it('verifies an edit by the author and rejects a changed body, time or message', async () => {
    const edit = signEdit(DOC, { messageId: id(1), author: alice.key, body: 'fixed typo', editedAt: 5 }, alice.identity.signing.secretKey);
    expect(await verifyEdit(DOC, edit, { verifier })).toBe(true);
    expect(await verifyEdit(DOC, { ...edit, body: 'fixed typos' }, { verifier })).toBe(false);
    expect(await verifyEdit(DOC, { ...edit, editedAt: 6 }, { verifier })).toBe(false);
    expect(await verifyEdit(DOC, { ...edit, messageId: id(2) }, { verifier })).toBe(false);
    expect(await verifyEdit(OTHER_DOC, edit, { verifier })).toBe(false);
  });

  it('verifies a deletion by the author and rejects one moved to another message or time', async () => {
    const tombstone = signTombstone(DOC, { id: id(1), author: alice.key, sentAt: 4, deletedAt: 9 }, alice.identity.signing.secretKey);
    expect(await verifyTombstone(DOC, tombstone, { verifier })).toBe(true);
    expect(await verifyTombstone(DOC, { ...tombstone, id: id(2) }, { verifier })).toBe(false);
    expect(await verifyTombstone(DOC, { ...tombstone, sentAt: 5 }, { verifier })).toBe(false);
    expect(await verifyTombstone(DOC, { ...tombstone, author: bob.key }, { verifier })).toBe(false);
  });

  it('verifies a reaction by its member and rejects another emoji, member or a flipped withdrawal', async () => {
    const reaction = signReaction(DOC, { messageId: id(1), member: bob.key, emoji: '👍', on: true, at: 3 }, bob.identity.signing.secretKey);
    expect(await verifyReaction(DOC, reaction, { verifier })).toBe(true);
    expect(await verifyReaction(DOC, { ...reaction, emoji: '❤️' }, { verifier })).toBe(false);
    expect(await verifyReaction(DOC, { ...reaction, on: false }, { verifier })).toBe(false);
    expect(await verifyReaction(DOC, { ...reaction, member: alice.key }, { verifier })).toBe(false);
  });

  it('verifies a read position by its member and rejects a moved one', async () => {
    const read = signRead(DOC, { member: bob.key, sentAt: 10, messageId: id(4) }, bob.identity.signing.secretKey);
    expect(await verifyRead(DOC, read, { verifier })).toBe(true);
    expect(await verifyRead(DOC, { ...read, sentAt: 11 }, { verifier })).toBe(false);
    expect(await verifyRead(DOC, { ...read, messageId: id(5) }, { verifier })).toBe(false);
  });

  it('verifies a membership record by its actor and rejects changed subjects or action', async () => {
    const record = signMembership(
      { docId: DOC, seq: 1, epoch: 0, action: 'add', subjects: [{ user: bob.user, key: bob.key }], actor: alice.key, at: 7 },
      alice.identity.signing.secretKey,
    );
    expect(await verifyMembership(record, { verifier })).toBe(true);
    expect(await verifyMembership({ ...record, action: 'remove' }, { verifier })).toBe(false);
    expect(await verifyMembership({ ...record, subjects: [{ user: alice.user, key: alice.key }] }, { verifier })).toBe(false);
    expect(await verifyMembership({ ...record, docId: OTHER_DOC }, { verifier })).toBe(false);
    expect(await verifyMembership({ ...record, seq: 2 }, { verifier })).toBe(false);
  });
});

describe('the verification cache', () => {
  function countingVerifier(): Verifier & { calls: number } {
    const counter = {
      calls: 0,
      verify: (...args: Parameters<Verifier['verify']>) => {
        counter.calls++;
        return verifier.verify(...args);
      },
      verifyRaw: verifier.verifyRaw,
    };
    return counter;
  }

  it('answers a repeated check from memory and checks afresh when the signature is reused with another body', async () => {
    const counted = countingVerifier();
    const cache = createVerificationCache();
    const message = signMessage(DOC, { id: id(1), author: alice.key, body: 'original', sentAt: 1 }, alice.identity.signing.secretKey);
    expect(await verifyMessage(DOC, message, { verifier: counted, cache })).toBe(true);
    expect(await verifyMessage(DOC, message, { verifier: counted, cache })).toBe(true);
    expect(counted.calls).toBe(1);
    expect(await verifyMessage(DOC, { ...message, body: 'forged' }, { verifier: counted, cache })).toBe(false);
    expect(counted.calls).toBe(2);
    expect(await verifyMessage(OTHER_DOC, message, { verifier: counted, cache })).toBe(false);
    expect(counted.calls).toBe(3);
  });

  it('keeps no message text, and survives a round trip through entries()', async () => {
    const cache = createVerificationCache();
    const message = signMessage(DOC, { id: id(1), author: alice.key, body: 'secret-canary-7731', sentAt: 1 }, alice.identity.signing.secretKey);
    await verifyMessage(DOC, message, { verifier, cache });
    const saved = cache.entries();
    expect(JSON.stringify(saved)).not.toContain('secret-canary-7731');
    const counted = countingVerifier();
    const restored = createVerificationCache({ entries: JSON.parse(JSON.stringify(saved)) });
    expect(await verifyMessage(DOC, message, { verifier: counted, cache: restored })).toBe(true);
    expect(counted.calls).toBe(0);
  });

  it('ignores persisted entries that do not parse', () => {
    expect(createVerificationCache({ entries: [{ signature: 5 }] }).size).toBe(0);
    expect(createVerificationCache({ entries: 'garbage' }).size).toBe(0);
  });
});
