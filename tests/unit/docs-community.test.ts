import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { createVerifier, generateIdentity, webCryptoBackend, type Identity } from '../../lib/crypto/index';
import {
  addThreadEntry,
  appendMessage,
  communityParts,
  editMessage,
  foldRoles,
  initCommunity,
  readHistorySetting,
  setHistoryVisibility,
  listMessages,
  listThreads,
  memberKeyOf,
  setThreadStatus,
  signRoleRecord,
  touchThread,
  appendRoleRecord,
  type MemberKey,
  type RoleAction,
  type RoleRecord,
} from '../../lib/docs/index';
import { deriveInviteKeys, inviteFragment, inviteProofHash, openInviteKey, parseInviteFragment, sealInviteKey } from '../../lib/protocol/invite';
import { seededRandom } from './fixtures/seeded-random';

const DOC = 'community-doc-0000001';
const verifier = createVerifier(webCryptoBackend());

interface TestMember {
  identity: Identity;
  key: MemberKey;
  user: string;
}
function makeMember(name: string): TestMember {
  const identity = generateIdentity(seededRandom(`docs-community/${name}`));
  return { identity, key: memberKeyOf(identity.signing.publicKey), user: `user-${name}-000000000` };
}
const [owner, mod, bob, carol, mallory] = ['owner', 'mod', 'bob', 'carol', 'mallory'].map(makeMember) as [TestMember, TestMember, TestMember, TestMember, TestMember];

function record(by: TestMember, seq: number, action: RoleAction, subject: TestMember, inviteId?: string): RoleRecord {
  return signRoleRecord(
    { docId: DOC, seq, action, subject: { user: subject.user, key: subject.key }, at: 1000 + seq, ...(inviteId ? { inviteId } : {}) },
    by.identity,
  );
}
const fold = (records: unknown[]) => foldRoles(records, { docId: DOC, owner: owner.key, verifier });
const rolesOf = (roster: Awaited<ReturnType<typeof fold>>) => Object.fromEntries([...roster.members].map(([k, v]) => [k, v.role]));
const INVITE = 'inviteinviteinvite0001';

/** Owner founds; mod joins by the owner's link and is promoted; bob is added by mod. */
const base = (): RoleRecord[] => [
  record(owner, 0, 'create', owner),
  record(owner, 1, 'invite', owner, INVITE),
  record(mod, 2, 'join', mod, INVITE),
  record(owner, 3, 'promote', mod),
  record(mod, 4, 'add', bob),
];

describe('community role records', () => {
  it('folds allowed changes from the owner’s creation record on', async () => {
    const roster = await fold(base());
    expect(rolesOf(roster)).toEqual({ [owner.key]: 'owner', [mod.key]: 'moderator', [bob.key]: 'member' });
    expect(roster.rejected).toEqual([]);
    expect(roster.nextSeq).toBe(5);
  });

  it('rejects an unsigned role change', async () => {
    const { signature: _dropped, ...unsigned } = record(owner, 5, 'promote', bob);
    const roster = await fold([...base(), unsigned]);
    expect(roster.rejected.map((r) => r.code)).toEqual(['role.malformed']);
    expect(roster.members.get(bob.key)?.role).toBe('member');
  });

  it('rejects a role change whose signature is not the named actor’s', async () => {
    // Mallory signs a promotion and names the owner as its actor.
    const forged = { ...record(mallory, 5, 'promote', bob), actor: owner.key };
    const tampered = { ...record(owner, 5, 'promote', bob), subject: { user: carol.user, key: carol.key } };
    const roster = await fold([...base(), forged, tampered]);
    expect(roster.rejected.map((r) => r.code)).toEqual(['role.bad_signature', 'role.bad_signature']);
    expect(roster.members.get(bob.key)?.role).toBe('member');
    expect(roster.members.has(carol.key)).toBe(false);
  });

  it('rejects changes by someone not allowed to make them', async () => {
    const roster = await fold([
      ...base(),
      record(bob, 5, 'promote', bob), // a member promotes themself
      record(mod, 6, 'promote', bob), // only the owner promotes
      record(mod, 7, 'remove', owner), // a moderator removes the owner
      record(bob, 8, 'add', carol), // a member adds someone
      record(mallory, 9, 'add', mallory), // a stranger adds themself
      record(owner, 10, 'leave', owner), // the owner leaves without handing over
    ]);
    expect(roster.rejected.map((r) => r.code)).toEqual(['role.not_allowed', 'role.not_allowed', 'role.not_allowed', 'role.not_allowed', 'role.not_allowed', 'role.not_allowed']);
    expect(rolesOf(roster)).toEqual({ [owner.key]: 'owner', [mod.key]: 'moderator', [bob.key]: 'member' });
  });

  it('refuses a join through an invite nobody allowed made, and a creation record by anyone but the owner', async () => {
    const roster = await fold([...base(), record(carol, 5, 'join', carol, 'unknowninviteunknown01')]);
    expect(roster.rejected.map((r) => r.code)).toEqual(['role.not_allowed']);
    const usurped = await fold([record(mallory, 0, 'create', mallory)]);
    expect(usurped.rejected.map((r) => r.code)).toEqual(['role.not_owner']);
    expect(usurped.members.size).toBe(0);
  });

  it('lets a moderator remove a member but not another moderator, and the owner hand over ownership', async () => {
    const roster = await fold([
      ...base(),
      record(owner, 5, 'add', carol),
      record(owner, 6, 'promote', carol),
      record(mod, 7, 'remove', carol),
      record(mod, 8, 'remove', bob),
      record(owner, 9, 'transfer', mod),
    ]);
    expect(roster.rejected.map((r) => r.code)).toEqual(['role.not_allowed']);
    expect(rolesOf(roster)).toEqual({ [owner.key]: 'moderator', [mod.key]: 'owner', [carol.key]: 'moderator' });
  });

  it('reaches the same roster whatever order the records arrive in', async () => {
    const records = base();
    const forward = rolesOf(await fold(records));
    const backward = rolesOf(await fold([...records].reverse()));
    expect(backward).toEqual(forward);
  });

  it('writes a creation record and further changes into the community document', async () => {
    const doc = new Y.Doc();
    const init = initCommunity(doc, {
      identity: owner.identity,
      user: owner.user,
      docId: DOC,
      name: 'Allotment swap',
      description: 'Seeds and tools',
      channel: { id: 'general', name: 'General' },
      now: 1000,
    });
    expect(init.ok).toBe(true);
    appendRoleRecord(doc, owner.identity, { docId: DOC, action: 'add', subject: { user: bob.user, key: bob.key }, at: 1001 });
    const roster = await fold(communityParts(doc).roles.toArray());
    expect(rolesOf(roster)).toEqual({ [owner.key]: 'owner', [bob.key]: 'member' });
  });
});

describe('the history setting', () => {
  const founded = async (history?: 'all' | 'joined') => {
    const doc = new Y.Doc();
    const init = initCommunity(doc, {
      identity: owner.identity,
      user: owner.user,
      docId: DOC,
      name: 'Swap',
      description: '',
      channel: { id: 'general', name: 'General' },
      ...(history ? { history } : {}),
      now: 1000,
    });
    expect(init.ok).toBe(true);
    appendRoleRecord(doc, owner.identity, { docId: DOC, action: 'add', subject: { user: mod.user, key: mod.key }, at: 1001 });
    appendRoleRecord(doc, owner.identity, { docId: DOC, action: 'promote', subject: { user: mod.user, key: mod.key }, at: 1002 });
    const roles = (await fold(communityParts(doc).roles.toArray())).members;
    return { doc, read: () => readHistorySetting(doc, { docId: DOC, verifier, roles }) };
  };

  it('reads what the founder chose at creation, signed by them, and "from when they join" in a document without a setting', async () => {
    expect(await (await founded()).read()).toEqual({ value: 'all', by: owner.key, at: 1000 });
    expect(await (await founded('joined')).read()).toEqual({ value: 'joined', by: owner.key, at: 1000 });
    expect(await readHistorySetting(new Y.Doc(), { docId: DOC, verifier, roles: new Map() })).toEqual({ value: 'joined', by: null, at: null });
  });

  it('takes a later change signed by a moderator, and refuses a value that is not a setting', async () => {
    const { doc, read } = await founded();
    expect(setHistoryVisibility(doc, { docId: DOC, value: 'joined', identity: mod.identity, now: 2000 }).ok).toBe(true);
    expect(await read()).toEqual({ value: 'joined', by: mod.key, at: 2000 });
    expect(setHistoryVisibility(doc, { docId: DOC, value: 'sometimes' as 'all', identity: mod.identity, now: 2001 })).toEqual({ ok: false, code: 'community.invalid' });
  });
});

describe('the thread index', () => {
  const T1 = 'thread1thread1thread01';
  const T2 = 'thread2thread2thread02';
  async function community() {
    const doc = new Y.Doc();
    initCommunity(doc, { identity: owner.identity, user: owner.user, docId: DOC, name: 'Swap', description: '', channel: { id: 'general', name: 'General' }, now: 1000 });
    for (const [by, action, subject] of [
      [owner, 'add', mod],
      [owner, 'promote', mod],
      [owner, 'add', bob],
      [owner, 'add', carol],
    ] as const) {
      appendRoleRecord(doc, by.identity, { docId: DOC, action, subject: { user: subject.user, key: subject.key }, at: 1001 });
    }
    const roster = await fold(communityParts(doc).roles.toArray());
    const list = (filter: { kind?: 'need'; channel?: string; status?: 'open' | 'resolved' } = {}) => listThreads(doc, { ...filter, docId: DOC, verifier, roles: roster.members });
    return { doc, list };
  }

  it('lists new threads, most recently active first, filtered by channel, kind and status', async () => {
    const { doc, list } = await community();
    expect(addThreadEntry(doc, { id: T1, channel: 'general', kind: 'need', title: 'A ladder', author: bob.identity, now: 2000 }).ok).toBe(true);
    expect(addThreadEntry(doc, { id: T2, channel: 'general', kind: 'offer', title: 'Spare seeds', author: carol.identity, now: 3000 }).ok).toBe(true);
    expect((await list()).map((t) => t.id)).toEqual([T2, T1]);
    touchThread(doc, { id: T1, now: 4000 });
    expect((await list()).map((t) => t.id)).toEqual([T1, T2]);
    // Activity never goes backwards.
    touchThread(doc, { id: T1, now: 100 });
    expect((await list())[0]!.lastActivity).toBe(4000);
    expect((await list({ kind: 'need' })).map((t) => t.title)).toEqual(['A ladder']);
    expect(await list({ channel: 'elsewhere' })).toEqual([]);
  });

  it('refuses a thread in an unknown channel, a second entry with the same id, and a title that is empty', async () => {
    const { doc } = await community();
    expect(addThreadEntry(doc, { id: T1, channel: 'nowhere', kind: 'need', title: 'x', author: bob.identity, now: 2000 })).toEqual({ ok: false, code: 'thread.unknown_channel' });
    addThreadEntry(doc, { id: T1, channel: 'general', kind: 'need', title: 'x', author: bob.identity, now: 2000 });
    expect(addThreadEntry(doc, { id: T1, channel: 'general', kind: 'offer', title: 'y', author: bob.identity, now: 2000 })).toEqual({ ok: false, code: 'thread.exists' });
    expect(addThreadEntry(doc, { id: T2, channel: 'general', kind: 'offer', title: '   ', author: bob.identity, now: 2000 })).toEqual({ ok: false, code: 'community.invalid' });
  });

  it('believes Mark resolved from the author or a moderator, not from another member', async () => {
    const { doc, list } = await community();
    addThreadEntry(doc, { id: T1, channel: 'general', kind: 'need', title: 'A ladder', author: bob.identity, now: 2000 });
    addThreadEntry(doc, { id: T2, channel: 'general', kind: 'offer', title: 'Seeds', author: bob.identity, now: 2000 });
    setThreadStatus(doc, { docId: DOC, id: T1, status: 'resolved', identity: carol.identity, now: 3000 });
    expect(await list({ status: 'resolved' })).toEqual([]);
    setThreadStatus(doc, { docId: DOC, id: T1, status: 'resolved', identity: mod.identity, now: 3001 });
    setThreadStatus(doc, { docId: DOC, id: T2, status: 'resolved', identity: bob.identity, now: 3002 });
    expect((await list({ status: 'resolved' })).map((t) => [t.id, t.statusBy]).sort()).toEqual([[T1, mod.key], [T2, bob.key]].sort());
    expect(setThreadStatus(doc, { docId: DOC, id: 'missingmissingmissing0', status: 'resolved', identity: bob.identity, now: 1 })).toEqual({ ok: false, code: 'thread.not_found' });
  });

  it('writes a thread’s posts with the conversation message model: signed, editable, with replies', async () => {
    const thread = new Y.Doc();
    const random = seededRandom('docs-community/thread');
    const first = appendMessage(thread, { identity: bob.identity, docId: T1, body: 'Need a ladder on Saturday', now: 2000, random });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const reply = appendMessage(thread, { identity: carol.identity, docId: T1, body: 'I have one', replyTo: first.value, now: 2100, random });
    expect(reply.ok).toBe(true);
    expect(editMessage(thread, { identity: bob.identity, docId: T1, messageId: first.value, body: 'Need a ladder on Sunday', now: 2200 }).ok).toBe(true);
    const listed = await listMessages(thread, { docId: T1, verifier });
    expect(listed.map((m) => [m.body, m.verified])).toEqual([
      ['Need a ladder on Sunday', true],
      ['I have one', true],
    ]);
  });
});

describe('invite links', () => {
  const random = seededRandom('docs-community/invite');

  it('seals the epoch key so only the holder of the link secret opens it', async () => {
    const secret = random(32);
    const epochKey = random(32);
    const { proofKey, sealKey } = await deriveInviteKeys(secret);
    const sealed = sealInviteKey(epochKey, sealKey, random);
    const opened = openInviteKey(sealed, sealKey);
    expect(opened.ok && Array.from(opened.value)).toEqual(Array.from(epochKey));
    // Neither the proof key the server sees nor another link's key opens it.
    expect(openInviteKey(sealed, proofKey)).toEqual({ ok: false, code: 'invite.bad_seal' });
    const other = await deriveInviteKeys(random(32));
    expect(openInviteKey(sealed, other.sealKey)).toEqual({ ok: false, code: 'invite.bad_seal' });
    const flipped = sealed.slice();
    flipped[40]! ^= 1;
    expect(openInviteKey(flipped, sealKey)).toEqual({ ok: false, code: 'invite.bad_seal' });
    expect(openInviteKey(sealed.subarray(1), sealKey)).toEqual({ ok: false, code: 'invite.bad_seal' });
  });

  it('derives distinct proof and seal keys, and a stable proof hash', async () => {
    const secret = random(32);
    const a = await deriveInviteKeys(secret);
    const b = await deriveInviteKeys(secret);
    expect(Array.from(a.proofKey)).toEqual(Array.from(b.proofKey));
    expect(Array.from(a.proofKey)).not.toEqual(Array.from(a.sealKey));
    const hash = await inviteProofHash(a.proofKey);
    expect(hash.length).toBe(32);
    expect(Array.from(await inviteProofHash(b.proofKey))).toEqual(Array.from(hash));
  });

  it('puts the invite id and secret in the fragment and reads them back', () => {
    const secret = random(32);
    const fragment = inviteFragment('inviteinviteinvite0001', secret);
    const parsed = parseInviteFragment(`#${fragment}`);
    expect(parsed?.inviteId).toBe('inviteinviteinvite0001');
    expect(Array.from(parsed!.secret)).toEqual(Array.from(secret));
    expect(parseInviteFragment('#nonsense')).toBeNull();
  });
});
