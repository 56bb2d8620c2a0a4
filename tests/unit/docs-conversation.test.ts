import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { createVerifier, generateIdentity, webCryptoBackend, type Identity } from '../../lib/crypto/index';
import {
  appendMessage,
  collectGarbage,
  conversationParts,
  countMessages,
  createVerificationCache,
  deleteMessage,
  editMessage,
  getMessage,
  initConversation,
  lastMessagePreview,
  listMessages,
  markRead,
  memberKeyOf,
  MAX_BODY_LENGTH,
  react,
  readMeta,
  setTitle,
  signEdit,
  signMessage,
  signReaction,
  type MemberKey,
  type MessageId,
} from '../../lib/docs/index';
import { seededRandom } from './fixtures/seeded-random';

const DOC = 'doc-conversation-0001';
const verifier = createVerifier(webCryptoBackend());

interface TestMember {
  identity: Identity;
  key: MemberKey;
  user: string;
}
function makeMember(name: string): TestMember {
  const identity = generateIdentity(seededRandom(`docs-conversation/${name}`));
  return { identity, key: memberKeyOf(identity.signing.publicKey), user: `user-${name}-000000000` };
}
const alice = makeMember('alice');
const bob = makeMember('bob');
const mallory = makeMember('mallory');

/** A fake clock: every call is one second later. */
function makeClock(start = 1_700_000_000_000): () => number {
  let t = start;
  return () => (t += 1000);
}
const random = seededRandom('docs-conversation/ids');

function sync(from: Y.Doc, to: Y.Doc): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
}
function contains(bytes: Uint8Array, text: string): boolean {
  return Buffer.from(bytes).includes(Buffer.from(text, 'utf8'));
}
function unwrap<T>(result: { ok: true; value: T } | { ok: false; code: string }): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.code}`);
  return result.value;
}
const list = (doc: Y.Doc) => listMessages(doc, { docId: DOC, verifier });

function send(doc: Y.Doc, member: TestMember, body: string, now: () => number, replyTo?: string): MessageId {
  return unwrap(appendMessage(doc, { identity: member.identity, docId: DOC, body, now: now(), random, replyTo }));
}

describe('conversation layout', () => {
  it('initialises meta and a signed create record in one update, and refuses a second initialisation', () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    const init = initConversation(doc, {
      identity: alice.identity, user: alice.user, docId: DOC, kind: 'group', title: 'Garden tools',
      others: [{ user: bob.user, key: bob.key }], epoch: 0, now: 1,
    });
    expect(init.ok).toBe(true);
    expect(updates).toHaveLength(1);
    expect(readMeta(doc)).toEqual({ ok: true, value: { format: 1, kind: 'group', title: 'Garden tools' } });
    const again = initConversation(doc, { identity: alice.identity, user: alice.user, docId: DOC, kind: 'group', others: [], epoch: 0, now: 2 });
    expect(again).toEqual({ ok: false, code: 'conversation.already_initialised' });
  });

  it('requires exactly two members for a direct conversation and renames only groups', () => {
    const doc = new Y.Doc();
    expect(initConversation(doc, { identity: alice.identity, user: alice.user, docId: DOC, kind: 'direct', others: [], epoch: 0, now: 1 }))
      .toEqual({ ok: false, code: 'conversation.invalid_members' });
    unwrap(initConversation(doc, { identity: alice.identity, user: alice.user, docId: DOC, kind: 'direct', others: [{ user: bob.user, key: bob.key }], epoch: 0, now: 1 }));
    expect(setTitle(doc, { title: 'x' })).toEqual({ ok: false, code: 'conversation.not_group' });
  });

  it('reports an uninitialised, malformed or newer-format document instead of guessing', () => {
    const doc = new Y.Doc();
    expect(readMeta(doc)).toEqual({ ok: false, code: 'conversation.not_initialised' });
    conversationParts(doc).meta.set('format', 'one');
    expect(readMeta(doc)).toEqual({ ok: false, code: 'conversation.malformed' });
    doc.transact(() => {
      conversationParts(doc).meta.set('format', 99);
      conversationParts(doc).meta.set('kind', 'group');
    });
    expect(readMeta(doc)).toEqual({ ok: false, code: 'conversation.unsupported_format' });
  });
});

describe('writing and listing messages', () => {
  it('lists messages verified, sorted by (sentAt, id), with their replies', async () => {
    const doc = new Y.Doc();
    const now = makeClock();
    const first = send(doc, alice, 'Do you still have the ladder?', now);
    const second = send(doc, bob, 'Yes, come by tomorrow', now, first);
    // Same sentAt: the id breaks the tie, identically everywhere.
    const same = 1_800_000_000_000;
    const a = unwrap(appendMessage(doc, { identity: alice.identity, docId: DOC, body: 'tie a', now: same, random }));
    const b = unwrap(appendMessage(doc, { identity: bob.identity, docId: DOC, body: 'tie b', now: same, random }));
    const views = await list(doc);
    expect(views.map((v) => v.id)).toEqual([first, second, ...[a, b].sort()]);
    expect(views[0]).toMatchObject({ author: alice.key, body: 'Do you still have the ladder?', verified: true, edited: false, deleted: false, replyTo: null });
    expect(views[1]).toMatchObject({ author: bob.key, replyTo: first, verified: true });
  });

  it('each action produces exactly one document update', () => {
    const doc = new Y.Doc();
    const now = makeClock();
    let updates = 0;
    doc.on('update', () => updates++);
    const id = send(doc, alice, 'one', now);
    unwrap(editMessage(doc, { identity: alice.identity, docId: DOC, messageId: id, body: 'one, edited', now: now() }));
    unwrap(editMessage(doc, { identity: alice.identity, docId: DOC, messageId: id, body: 'one, edited twice', now: now() }));
    unwrap(react(doc, { identity: bob.identity, docId: DOC, messageId: id, emoji: '👍', on: true, now: now() }));
    expect(markRead(doc, { identity: bob.identity, docId: DOC, position: { sentAt: 1, messageId: id } })).toBe(true);
    unwrap(deleteMessage(doc, { identity: alice.identity, docId: DOC, messageId: id, now: now() }));
    expect(updates).toBe(6);
  });

  it('refuses empty, too long and malformed text, and replies to unknown or deleted messages', () => {
    const doc = new Y.Doc();
    const now = makeClock();
    const base = { identity: alice.identity, docId: DOC, random };
    expect(appendMessage(doc, { ...base, body: '', now: now() })).toEqual({ ok: false, code: 'message.empty' });
    expect(appendMessage(doc, { ...base, body: 'x'.repeat(MAX_BODY_LENGTH + 1), now: now() })).toEqual({ ok: false, code: 'message.too_long' });
    expect(appendMessage(doc, { ...base, body: 'x'.repeat(MAX_BODY_LENGTH), now: now() }).ok).toBe(true);
    expect(appendMessage(doc, { ...base, body: 'bad \ud800 surrogate', now: now() })).toEqual({ ok: false, code: 'message.invalid_text' });
    expect(appendMessage(doc, { ...base, body: 'reply', now: now(), replyTo: 'no-such-message-000' })).toEqual({ ok: false, code: 'message.not_found' });
    const gone = send(doc, alice, 'soon gone', now);
    unwrap(deleteMessage(doc, { identity: alice.identity, docId: DOC, messageId: gone, now: now() }));
    expect(appendMessage(doc, { ...base, body: 'reply', now: now(), replyTo: gone })).toEqual({ ok: false, code: 'message.deleted' });
  });

  it('lets only the author edit or delete a message', () => {
    const doc = new Y.Doc();
    const now = makeClock();
    const id = send(doc, alice, 'mine', now);
    expect(editMessage(doc, { identity: bob.identity, docId: DOC, messageId: id, body: 'yours now', now: now() })).toEqual({ ok: false, code: 'message.not_author' });
    expect(deleteMessage(doc, { identity: bob.identity, docId: DOC, messageId: id, now: now() })).toEqual({ ok: false, code: 'message.not_author' });
    expect(editMessage(doc, { identity: alice.identity, docId: DOC, messageId: 'no-such-message-000', body: 'x', now: now() })).toEqual({ ok: false, code: 'message.not_found' });
    unwrap(deleteMessage(doc, { identity: alice.identity, docId: DOC, messageId: id, now: now() }));
    expect(editMessage(doc, { identity: alice.identity, docId: DOC, messageId: id, body: 'x', now: now() })).toEqual({ ok: false, code: 'message.deleted' });
    expect(deleteMessage(doc, { identity: alice.identity, docId: DOC, messageId: id, now: now() })).toEqual({ ok: false, code: 'message.deleted' });
  });
});

describe('untrusted content', () => {
  it('shows a message whose body another member changed as unverified instead of dropping it', async () => {
    const doc = new Y.Doc();
    const now = makeClock();
    const id = send(doc, alice, 'I will bring the ladder', now);
    const original = conversationParts(doc).messages.get(id) as Record<string, unknown>;
    // Mallory, a member, rewrites the record in the shared document.
    conversationParts(doc).messages.set(id, { ...original, body: 'I will keep the ladder' });
    const [view] = await list(doc);
    expect(view).toMatchObject({ id, author: alice.key, body: 'I will keep the ladder', verified: false });
  });

  it('shows a message in someone else\'s name, signed by the forger, as unverified', async () => {
    const doc = new Y.Doc();
    const forged = signMessage(DOC, { id: 'forged-message-0001' as MessageId, author: mallory.key, body: 'send me money', sentAt: 5 }, mallory.identity.signing.secretKey);
    conversationParts(doc).messages.set(forged.id, { ...forged, author: alice.key });
    const [view] = await list(doc);
    expect(view).toMatchObject({ author: alice.key, verified: false, body: 'send me money' });
  });

  it('ignores edits and reactions not signed by the member they name', async () => {
    const doc = new Y.Doc();
    const now = makeClock();
    const id = send(doc, alice, 'original', now);
    const forgedEdit = signEdit(DOC, { messageId: id, author: mallory.key, body: 'forged edit', editedAt: now() }, mallory.identity.signing.secretKey);
    const byOther = signEdit(DOC, { messageId: id, author: mallory.key, body: 'edit by a non-author', editedAt: now() }, mallory.identity.signing.secretKey);
    const forgedReaction = signReaction(DOC, { messageId: id, member: mallory.key, emoji: '👎', on: true, at: now() }, mallory.identity.signing.secretKey);
    doc.transact(() => {
      const parts = conversationParts(doc);
      parts.edits.set(`${id}:forged00000000000`, { ...forgedEdit, author: alice.key });
      parts.edits.set(`${id}:byother0000000000`, byOther);
      parts.reactions.set(`${id}:${bob.key}:👎`, { ...forgedReaction, member: bob.key });
    });
    const [view] = await list(doc);
    expect(view).toMatchObject({ body: 'original', edited: false, verified: true, reactions: [] });
  });

  it('leaves out records that do not parse, reports them, and never throws', async () => {
    const doc = new Y.Doc();
    const now = makeClock();
    const good = send(doc, alice, 'still here', now);
    const copy = conversationParts(doc).messages.get(good) as Record<string, unknown>;
    doc.transact(() => {
      const parts = conversationParts(doc);
      parts.messages.set('garbage-null-00001', null);
      parts.messages.set('garbage-number-001', 42);
      parts.messages.set('garbage-object-001', { type: 'message', id: 'garbage-object-001', body: 7 });
      parts.messages.set('garbage-longbody01', { ...copy, id: 'garbage-longbody01', body: 'x'.repeat(MAX_BODY_LENGTH + 1) });
      parts.messages.set('filed-under-other1', copy);
      parts.messages.set('garbage-unknown-01', { type: 'poll', id: 'garbage-unknown-01' });
      parts.edits.set(`${good}:junk`, 'junk');
      parts.reactions.set('junk', { type: 'reaction' });
    });
    const malformed: string[] = [];
    const views = await listMessages(doc, { docId: DOC, verifier, onMalformed: (part, key) => malformed.push(`${part}/${key}`) });
    expect(views.map((v) => v.id)).toEqual([good]);
    expect(malformed.sort()).toEqual(
      [
        'messages/garbage-null-00001', 'messages/garbage-number-001', 'messages/garbage-object-001', 'messages/garbage-longbody01',
        'messages/filed-under-other1', 'messages/garbage-unknown-01', `edits/${good}:junk`, 'reactions/junk',
      ].sort(),
    );
    expect(lastMessagePreview(doc)?.id).toBe(good);
  });
});

describe('edits', () => {
  it('shows the latest edit and marks the message edited', async () => {
    const doc = new Y.Doc();
    const now = makeClock();
    const id = send(doc, alice, 'teh ladder', now);
    unwrap(editMessage(doc, { identity: alice.identity, docId: DOC, messageId: id, body: 'the ladder', now: now() }));
    const last = unwrap(editMessage(doc, { identity: alice.identity, docId: DOC, messageId: id, body: 'the tall ladder', now: now() }));
    const [view] = await list(doc);
    expect(view).toMatchObject({ body: 'the tall ladder', edited: true, editedAt: last.editedAt, verified: true });
    // Superseded edits are removed, their text with them.
    expect(conversationParts(doc).edits.size).toBe(1);
    expect(contains(Y.encodeStateAsUpdate(doc), 'teh ladder')).toBe(true); // the original stays until deleted
    expect(contains(Y.encodeStateAsUpdate(doc), 'the ladder')).toBe(false);
  });

  it('keeps a later edit even when this device\'s clock is behind the one that wrote the previous edit', async () => {
    const doc = new Y.Doc();
    const id = send(doc, alice, 'v1', makeClock());
    unwrap(editMessage(doc, { identity: alice.identity, docId: DOC, messageId: id, body: 'v2', now: 2_000_000_000_000 }));
    const third = unwrap(editMessage(doc, { identity: alice.identity, docId: DOC, messageId: id, body: 'v3', now: 2_000_000_000_000 - 5000 }));
    expect(third.editedAt).toBe(2_000_000_000_001);
    expect((await list(doc))[0]?.body).toBe('v3');
  });
});

describe('deletion', () => {
  it('removes the text and its edits from every synced copy of the document, leaving a verified tombstone', async () => {
    const author = new Y.Doc();
    const reader = new Y.Doc();
    const now = makeClock();
    const id = send(author, alice, 'canary-original-5521', now);
    unwrap(editMessage(author, { identity: alice.identity, docId: DOC, messageId: id, body: 'canary-edited-5521', now: now() }));
    unwrap(react(author, { identity: bob.identity, docId: DOC, messageId: id, emoji: '🙏', on: true, now: now() }));
    sync(author, reader);
    expect(contains(Y.encodeStateAsUpdate(reader), 'canary-edited-5521')).toBe(true);

    unwrap(deleteMessage(author, { identity: alice.identity, docId: DOC, messageId: id, now: now() }));
    sync(author, reader);
    for (const doc of [author, reader]) {
      const state = Y.encodeStateAsUpdate(doc);
      expect(contains(state, 'canary-original-5521')).toBe(false);
      expect(contains(state, 'canary-edited-5521')).toBe(false);
      const [view] = await list(doc);
      expect(view).toMatchObject({ id, body: null, deleted: true, verified: true, edited: false, reactions: [] });
    }
    // A fresh device built from the state alone sees the same.
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, Y.encodeStateAsUpdate(reader));
    expect((await list(fresh))[0]).toMatchObject({ id, deleted: true, body: null });
  });

  it('hides an edit made concurrently with the deletion, and collects it so its text leaves the state', async () => {
    const phone = new Y.Doc();
    const laptop = new Y.Doc();
    const now = makeClock();
    const id = send(phone, alice, 'first draft', now);
    sync(phone, laptop);
    unwrap(deleteMessage(phone, { identity: alice.identity, docId: DOC, messageId: id, now: now() }));
    unwrap(editMessage(laptop, { identity: alice.identity, docId: DOC, messageId: id, body: 'canary-concurrent-8812', now: now() }));
    sync(phone, laptop);
    sync(laptop, phone);
    expect((await list(laptop))[0]).toMatchObject({ deleted: true, body: null });
    expect(contains(Y.encodeStateAsUpdate(phone), 'canary-concurrent-8812')).toBe(true);
    let updates = 0;
    phone.on('update', () => updates++);
    expect(collectGarbage(phone)).toBe(1);
    expect(updates).toBe(1);
    expect(collectGarbage(phone)).toBe(0);
    expect(updates).toBe(1);
    sync(phone, laptop);
    for (const doc of [phone, laptop]) expect(contains(Y.encodeStateAsUpdate(doc), 'canary-concurrent-8812')).toBe(false);
  });

  it('forgets the cached verdicts of a deleted message on the next full listing', async () => {
    const doc = new Y.Doc();
    const now = makeClock();
    const cache = createVerificationCache();
    const id = send(doc, alice, 'to be deleted', now);
    send(doc, bob, 'stays', now);
    await listMessages(doc, { docId: DOC, verifier, cache });
    expect(cache.size).toBe(2);
    unwrap(deleteMessage(doc, { identity: alice.identity, docId: DOC, messageId: id, now: now() }));
    await listMessages(doc, { docId: DOC, verifier, cache });
    // The 'stays' message and the tombstone; the deleted message's entry is gone.
    expect(cache.size).toBe(2);
  });
});

describe('reactions', () => {
  it('summarises verified reactions per emoji, with withdrawals', async () => {
    const doc = new Y.Doc();
    const now = makeClock();
    const id = send(doc, alice, 'Free firewood', now);
    for (const [member, emoji] of [[bob, '👍'], [alice, '👍'], [mallory, '❤️'], [bob, '❤️']] as const) {
      unwrap(react(doc, { identity: member.identity, docId: DOC, messageId: id, emoji, on: true, now: now() }));
    }
    unwrap(react(doc, { identity: bob.identity, docId: DOC, messageId: id, emoji: '❤️', on: false, now: now() }));
    const [view] = await list(doc);
    expect(view?.reactions).toEqual([
      { emoji: '❤️', count: 1, members: [mallory.key] },
      { emoji: '👍', count: 2, members: [alice.key, bob.key].sort() },
    ]);
  });

  it('refuses an empty or overlong emoji and reactions to deleted messages', () => {
    const doc = new Y.Doc();
    const now = makeClock();
    const id = send(doc, alice, 'x', now);
    expect(react(doc, { identity: bob.identity, docId: DOC, messageId: id, emoji: '', on: true, now: now() })).toEqual({ ok: false, code: 'reaction.invalid_emoji' });
    expect(react(doc, { identity: bob.identity, docId: DOC, messageId: id, emoji: '👍'.repeat(40), on: true, now: now() })).toEqual({ ok: false, code: 'reaction.invalid_emoji' });
    unwrap(deleteMessage(doc, { identity: alice.identity, docId: DOC, messageId: id, now: now() }));
    expect(react(doc, { identity: bob.identity, docId: DOC, messageId: id, emoji: '👍', on: true, now: now() })).toEqual({ ok: false, code: 'message.deleted' });
  });
});

describe('reading part of the history', () => {
  it('lists a window before a position, verifying only that window', async () => {
    const doc = new Y.Doc();
    const now = makeClock();
    const ids = Array.from({ length: 10 }, (_, i) => send(doc, i % 2 ? bob : alice, `message ${i}`, now));
    let calls = 0;
    const counting = { ...verifier, verify: (...args: Parameters<typeof verifier.verify>) => (calls++, verifier.verify(...args)) };
    const newest = await listMessages(doc, { docId: DOC, verifier: counting, limit: 3 });
    expect(newest.map((v) => v.id)).toEqual(ids.slice(7));
    expect(calls).toBe(3);
    const first = newest[0]!;
    const older = await listMessages(doc, { docId: DOC, verifier, limit: 3, before: { sentAt: first.sentAt, messageId: first.id } });
    expect(older.map((v) => v.id)).toEqual(ids.slice(4, 7));
    expect(await getMessage(doc, ids[0]!, { docId: DOC, verifier })).toMatchObject({ id: ids[0], body: 'message 0', verified: true });
    expect(await getMessage(doc, 'no-such-message-000', { docId: DOC, verifier })).toBeNull();
  });

  it('counts the whole conversation for a windowed screen: deleted messages in, malformed records out', () => {
    const doc = new Y.Doc();
    const now = makeClock();
    expect(countMessages(doc)).toBe(0);
    const ids = Array.from({ length: 5 }, (_, i) => send(doc, i % 2 ? bob : alice, `message ${i}`, now));
    unwrap(deleteMessage(doc, { identity: alice.identity, docId: DOC, messageId: ids[0]!, now: now() }));
    doc.transact(() => {
      conversationParts(doc).messages.set('garbage-number-001', 42);
      conversationParts(doc).messages.set('filed-under-other1', conversationParts(doc).messages.get(ids[1]!));
    });
    expect(countMessages(doc)).toBe(5);
    expect(countMessages(doc, { cache: createVerificationCache() })).toBe(5);
  });

  it('previews the newest message with its latest text, or as deleted', () => {
    const doc = new Y.Doc();
    const now = makeClock();
    expect(lastMessagePreview(doc)).toBeNull();
    send(doc, alice, 'older', now);
    const id = send(doc, bob, 'newest', now);
    unwrap(editMessage(doc, { identity: bob.identity, docId: DOC, messageId: id, body: 'newest, edited', now: now() }));
    expect(lastMessagePreview(doc)).toMatchObject({ id, author: bob.key, body: 'newest, edited', edited: true, deleted: false });
    // With the listing's parse cache (as the engine calls it on every change), the same answer before and after.
    const cache = createVerificationCache();
    expect(lastMessagePreview(doc, { cache })).toEqual(lastMessagePreview(doc));
    unwrap(deleteMessage(doc, { identity: bob.identity, docId: DOC, messageId: id, now: now() }));
    expect(lastMessagePreview(doc)).toMatchObject({ id, body: null, deleted: true });
    expect(lastMessagePreview(doc, { cache })).toEqual(lastMessagePreview(doc));
  });
});
