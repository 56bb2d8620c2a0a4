import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { membershipHistory } from '../../lib/client/engine/group-history';
import { unreadCount } from '../../lib/client/engine/unread';
import { createVerifier, generateIdentity, webCryptoBackend, type Identity } from '../../lib/crypto/index';
import {
  addMembershipRecord,
  appendMessage,
  conversationParts,
  countUnread,
  deleteMessage,
  initConversation,
  listMessages,
  markRead,
  memberKeyOf,
  signMembership,
  signRead,
  type MemberKey,
  type MessageId,
} from '../../lib/docs/index';
import { seededRandom } from './fixtures/seeded-random';

const DOC = 'unread-history-doc-001';
const verifier = createVerifier(webCryptoBackend());
const random = seededRandom('client-unread-history/ids');

function makeMember(name: string): { identity: Identity; key: MemberKey; user: string; name: string } {
  const identity = generateIdentity(seededRandom(`client-unread-history/${name}`));
  return { identity, key: memberKeyOf(identity.signing.publicKey), user: `user-${name}-000000000`, name };
}
const alice = makeMember('alice');
const bob = makeMember('bob');
const carol = makeMember('carol');
const mallory = makeMember('mallory');

function send(doc: Y.Doc, from: typeof alice, body: string, now: number): MessageId {
  const sent = appendMessage(doc, { identity: from.identity, docId: DOC, body, now, random });
  if (!sent.ok) throw new Error(sent.code);
  return sent.value;
}
const unreadFor = (doc: Y.Doc, who: typeof alice) => unreadCount(doc, { docId: DOC, self: who.key, verifier });

describe('unread counts', () => {
  it('counts messages by others after my read position, not mine and not deleted ones', async () => {
    const doc = new Y.Doc();
    const t = 1_700_000_000_000;
    const first = send(doc, alice, 'one', t);
    send(doc, bob, 'mine', t + 1000);
    const third = send(doc, alice, 'three', t + 2000);
    const gone = send(doc, alice, 'four', t + 3000);
    expect(await unreadFor(doc, bob)).toBe(3);
    deleteMessage(doc, { identity: alice.identity, docId: DOC, messageId: gone, now: t + 4000 });
    expect(await unreadFor(doc, bob)).toBe(2);
    markRead(doc, { identity: bob.identity, docId: DOC, position: { sentAt: t, messageId: first } });
    expect(await unreadFor(doc, bob)).toBe(1);
    markRead(doc, { identity: bob.identity, docId: DOC, position: { sentAt: t + 2000, messageId: third } });
    expect(await unreadFor(doc, bob)).toBe(0);
    expect(await unreadFor(doc, alice)).toBe(1);
  });

  it('agrees with lib/docs countUnread on the verified listing', async () => {
    const doc = new Y.Doc();
    const t = 1_700_000_000_000;
    const ids = Array.from({ length: 30 }, (_, i) => send(doc, i % 3 ? alice : bob, `m${i}`, t + i * 10));
    markRead(doc, { identity: bob.identity, docId: DOC, position: { sentAt: t + 120, messageId: ids[12]! } });
    const listed = await listMessages(doc, { docId: DOC, verifier });
    expect(await unreadFor(doc, bob)).toBe(countUnread(listed, { sentAt: t + 120, messageId: ids[12]! }, bob.key));
  });

  it('ignores a read position written in my name by someone else', async () => {
    const doc = new Y.Doc();
    const t = 1_700_000_000_000;
    send(doc, alice, 'one', t);
    const last = send(doc, alice, 'two', t + 1000);
    const forged = { ...signRead(DOC, { member: mallory.key, sentAt: t + 1000, messageId: last }, mallory.identity.signing.secretKey), member: bob.key };
    conversationParts(doc).reads.set(`${bob.key}:${last}`, forged);
    expect(await unreadFor(doc, bob)).toBe(2);
  });
});

describe('group membership history', () => {
  const names = new Map([alice, bob, carol, mallory].map((m) => [m.key as string, m.name]));
  const nameOf = (key: string) => names.get(key) ?? 'Former member';

  it('lists who created, added and removed whom, and when, each verified', async () => {
    const doc = new Y.Doc();
    const t = 1_700_000_000_000;
    initConversation(doc, { identity: alice.identity, user: alice.user, docId: DOC, kind: 'group', title: 'Tools', others: [{ user: bob.user, key: bob.key }], epoch: 0, now: t });
    addMembershipRecord(doc, { identity: bob.identity, docId: DOC, action: 'add', subjects: [{ user: carol.user, key: carol.key }], epoch: 0, now: t + 1000 });
    addMembershipRecord(doc, { identity: alice.identity, docId: DOC, action: 'remove', subjects: [{ user: bob.user, key: bob.key }], epoch: 1, now: t + 2000 });
    const history = await membershipHistory(doc, { docId: DOC, kind: 'group', creator: alice.key, verifier, nameOf });
    expect(history.map((e) => [e.action, e.actor.name, e.subjects.map((s) => s.name), e.at, e.verified, e.accepted])).toEqual([
      ['create', 'alice', ['alice', 'bob'], t, true, true],
      ['add', 'bob', ['carol'], t + 1000, true, true],
      ['remove', 'alice', ['bob'], t + 2000, true, true],
    ]);
    expect(history[1]!.actor.accountId).toBe(bob.user);
    expect(history[2]!.subjects[0]!.accountId).toBe(bob.user);
  });

  it('shows a forged or unauthorised record as not counted, and says why', async () => {
    const doc = new Y.Doc();
    const t = 1_700_000_000_000;
    initConversation(doc, { identity: alice.identity, user: alice.user, docId: DOC, kind: 'group', others: [{ user: bob.user, key: bob.key }], epoch: 0, now: t });
    // Mallory, not a member, adds herself; then signs a removal of Bob in Alice's name.
    addMembershipRecord(doc, { identity: mallory.identity, docId: DOC, action: 'add', subjects: [{ user: mallory.user, key: mallory.key }], epoch: 0, now: t + 1000 });
    const forged = {
      ...signMembership(
        { docId: DOC, seq: 2, epoch: 0, action: 'remove', subjects: [{ user: bob.user, key: bob.key }], actor: mallory.key, at: t + 2000 },
        mallory.identity.signing.secretKey,
      ),
      actor: alice.key,
    };
    conversationParts(doc).membership.push([forged]);
    const history = await membershipHistory(doc, { docId: DOC, kind: 'group', creator: alice.key, verifier, nameOf });
    expect(history.map((e) => [e.action, e.actor.name, e.verified, e.accepted, e.problem])).toEqual([
      ['create', 'alice', true, true, null],
      ['add', 'mallory', true, false, 'membership.unauthorised'],
      ['remove', 'alice', false, false, 'membership.bad_signature'],
    ]);
  });
});
