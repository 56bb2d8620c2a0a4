import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { createVerifier, generateIdentity, webCryptoBackend, type Identity } from '../../lib/crypto/index';
import {
  addMembershipRecord,
  conversationParts,
  foldMembership,
  initConversation,
  memberKeyOf,
  readMembership,
  signMembership,
  type Member,
  type MemberKey,
  type MembershipAction,
  type MembershipRecord,
} from '../../lib/docs/index';
import { seededRandom } from './fixtures/seeded-random';

const DOC = 'doc-membership-00001';
const verifier = createVerifier(webCryptoBackend());

interface TestMember extends Member {
  identity: Identity;
}
function makeMember(name: string): TestMember {
  const identity = generateIdentity(seededRandom(`docs-membership/${name}`));
  return { identity, key: memberKeyOf(identity.signing.publicKey), user: `user-${name}-000000000` };
}
const [alice, bob, carol, dave, mallory] = ['alice', 'bob', 'carol', 'dave', 'mallory'].map(makeMember) as [TestMember, TestMember, TestMember, TestMember, TestMember];
const asMember = (m: TestMember): Member => ({ user: m.user, key: m.key });

/** A record as `by` would write it; `actor` may be overridden to forge. */
function record(by: TestMember, seq: number, action: MembershipAction, subjects: TestMember[], extra: Partial<MembershipRecord> = {}): MembershipRecord {
  return signMembership(
    { docId: DOC, seq, epoch: 0, action, subjects: subjects.map(asMember), actor: by.key, at: 1000 + seq, ...extra },
    by.identity.signing.secretKey,
  );
}
const fold = (records: unknown[], kind: 'direct' | 'group' = 'group', creator: MemberKey | null = alice.key) =>
  foldMembership(records, { docId: DOC, kind, creator, verifier });
const keys = (members: Member[]) => members.map((m) => m.key);
const sorted = (...ms: TestMember[]) => ms.map((m) => m.key).sort();

describe('the membership fold', () => {
  it('applies create, add, remove and leave in order', async () => {
    const history = [
      record(alice, 0, 'create', [alice, bob]),
      record(bob, 1, 'add', [carol, dave]),
      record(alice, 2, 'remove', [dave]),
      record(carol, 3, 'leave', [carol]),
    ];
    const state = await fold(history);
    expect(keys(state.members)).toEqual(sorted(alice, bob));
    expect(state.history).toHaveLength(4);
    expect(state.rejected).toEqual([]);
    expect(state.nextSeq).toBe(4);
  });

  it('gives the same answer whatever order the records arrive in', async () => {
    const history = [
      record(alice, 0, 'create', [alice, bob]),
      record(bob, 1, 'add', [carol]),
      record(carol, 2, 'add', [dave]),
      record(dave, 3, 'remove', [bob]),
      record(bob, 3, 'add', [mallory]), // concurrent with Bob's removal
    ];
    const expected = await fold(history);
    const shuffled = [history[4], history[2], history[0], history[3], history[1]];
    const again = await fold(shuffled);
    expect(keys(again.members)).toEqual(keys(expected.members));
    expect(again.history.map((r) => r.seq)).toEqual(expected.history.map((r) => r.seq));
  });

  it('rejects an unsigned record and one signed by someone other than its actor', async () => {
    const create = record(alice, 0, 'create', [alice, bob]);
    const unsigned = { ...record(alice, 1, 'add', [carol]), signature: new Uint8Array(64) };
    const noSignature: Record<string, unknown> = { ...record(alice, 2, 'add', [dave]) };
    delete noSignature.signature;
    const wronglySigned = { ...record(mallory, 3, 'add', [mallory]), actor: alice.key };
    const state = await fold([create, unsigned, noSignature, wronglySigned]);
    expect(keys(state.members)).toEqual(sorted(alice, bob));
    expect(state.rejected.map((r) => r.code).sort()).toEqual(['membership.bad_signature', 'membership.bad_signature', 'membership.malformed']);
  });

  it('rejects changes by someone who is not a member at that point', async () => {
    const state = await fold([
      record(alice, 0, 'create', [alice, bob]),
      record(mallory, 1, 'add', [mallory]),
      record(alice, 2, 'remove', [bob]),
      record(bob, 3, 'add', [carol]), // Bob was removed at seq 2
    ]);
    expect(keys(state.members)).toEqual(sorted(alice));
    expect(state.rejected.map((r) => r.code)).toEqual(['membership.unauthorised', 'membership.unauthorised']);
  });

  it('accepts the creation only from the expected creator, and only once', async () => {
    const byMallory = await fold([record(mallory, 0, 'create', [mallory, bob]), record(mallory, 1, 'add', [carol])]);
    expect(byMallory.members).toEqual([]);
    expect(byMallory.rejected.map((r) => r.code)).toEqual(['membership.not_creator', 'membership.no_create']);

    const twice = await fold([record(alice, 0, 'create', [alice, bob]), record(alice, 0, 'create', [alice, mallory])]);
    expect(twice.members.length).toBe(2);
    expect(twice.rejected.map((r) => r.code)).toEqual(['membership.duplicate_create']);
  });

  it('rejects records for another conversation and counts a repeated record once', async () => {
    const create = record(alice, 0, 'create', [alice, bob]);
    const elsewhere = record(alice, 1, 'add', [carol], { docId: 'doc-membership-99999' });
    const add = record(alice, 1, 'add', [dave]);
    const state = await fold([create, elsewhere, add, add]);
    expect(keys(state.members)).toEqual(sorted(alice, bob, dave));
    expect(state.rejected.map((r) => r.code)).toEqual(['membership.wrong_doc']);
    expect(state.history).toHaveLength(2);
  });

  it('keeps a direct conversation at its two members, who may still leave', async () => {
    const state = await fold(
      [record(alice, 0, 'create', [alice, bob]), record(alice, 1, 'add', [carol]), record(alice, 2, 'remove', [bob]), record(bob, 3, 'leave', [bob])],
      'direct',
    );
    expect(keys(state.members)).toEqual(sorted(alice));
    expect(state.rejected.map((r) => r.code)).toEqual(['membership.direct_fixed', 'membership.direct_fixed']);
  });

  it('rejects subjects that make no sense and groups beyond the limit', async () => {
    const state = await foldMembership(
      [
        record(alice, 0, 'create', [alice, bob]),
        record(alice, 1, 'remove', [alice]), // removing oneself is 'leave'
        record(alice, 2, 'remove', [carol]), // not a member
        record(bob, 3, 'leave', [alice]), // leaving on someone else's behalf
        record(alice, 4, 'add', [carol, dave]), // beyond maxMembers: 3
      ],
      { docId: DOC, kind: 'group', creator: alice.key, verifier, maxMembers: 3 },
    );
    expect(keys(state.members)).toEqual(sorted(alice, bob));
    expect(state.rejected.map((r) => r.code)).toEqual([
      'membership.invalid_subjects', 'membership.invalid_subjects', 'membership.invalid_subjects', 'membership.too_many',
    ]);
  });

  it('reports garbage in the document as malformed instead of throwing', async () => {
    const state = await fold([null, 7, 'x', { type: 'membership' }, record(alice, 0, 'create', [alice, bob])]);
    expect(keys(state.members)).toEqual(sorted(alice, bob));
    expect(state.rejected.map((r) => r.code)).toEqual(Array(4).fill('membership.malformed'));
  });
});

describe('membership records in the document', () => {
  it('folds what two devices wrote concurrently, once synced', async () => {
    const a = new Y.Doc();
    const init = initConversation(a, {
      identity: alice.identity, user: alice.user, docId: DOC, kind: 'group', title: 'Tool share',
      others: [asMember(bob)], epoch: 0, now: 1,
    });
    expect(init.ok).toBe(true);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(addMembershipRecord(a, { identity: alice.identity, docId: DOC, action: 'add', subjects: [asMember(carol)], epoch: 0, now: 2 }).ok).toBe(true);
    expect(addMembershipRecord(b, { identity: bob.identity, docId: DOC, action: 'add', subjects: [asMember(dave)], epoch: 0, now: 2 }).ok).toBe(true);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    for (const doc of [a, b]) {
      const state = await readMembership(doc, { docId: DOC, creator: alice.key, verifier });
      expect(keys(state.members)).toEqual(sorted(alice, bob, carol, dave));
      expect(state.history.map((r) => r.seq)).toEqual([0, 1, 1]);
    }
    const after = addMembershipRecord(a, { identity: carol.identity, docId: DOC, action: 'leave', subjects: [asMember(carol)], epoch: 1, now: 3 });
    expect(after.ok && after.value.seq).toBe(2);
    expect(conversationParts(a).membership.length).toBe(4);
  });

  it('refuses to write a record with no or duplicate subjects', () => {
    const doc = new Y.Doc();
    const base = { identity: alice.identity, docId: DOC, action: 'add' as const, epoch: 0, now: 1 };
    expect(addMembershipRecord(doc, { ...base, subjects: [] })).toEqual({ ok: false, code: 'membership.invalid_subjects' });
    expect(addMembershipRecord(doc, { ...base, subjects: [asMember(bob), asMember(bob)] })).toEqual({ ok: false, code: 'membership.invalid_subjects' });
  });
});
