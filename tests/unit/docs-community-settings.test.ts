// Signed thread statuses and history settings: a device believes the newest record that verifies and whose
// signer may set it (the thread's author, or an owner or moderator by the folded roles), never a forged one.
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { createVerifier, generateIdentity, tweetnaclBackend, webCryptoBackend, type Identity, type Verifier } from '../../lib/crypto/index';
import {
  addThreadEntry,
  appendRoleRecord,
  communityParts,
  createVerificationCache,
  foldRoles,
  initCommunity,
  listThreads,
  memberKeyOf,
  readHistorySetting,
  setHistoryVisibility,
  setThreadStatus,
  signHistory,
  signThreadStatus,
  type HistoryRecord,
  type MemberKey,
  type ThreadStatusRecord,
  type VerificationCache,
} from '../../lib/docs/index';
import { seededRandom } from './fixtures/seeded-random';

const DOC = 'community-doc-0000003';
const T1 = 'thread1thread1thread01';

interface TestMember {
  identity: Identity;
  key: MemberKey;
  user: string;
}
function makeMember(name: string): TestMember {
  const identity = generateIdentity(seededRandom(`docs-community-settings/${name}`));
  return { identity, key: memberKeyOf(identity.signing.publicKey), user: `user-${name}-000000000` };
}
const [owner, mod, bob, carol, mallory] = ['owner', 'mod', 'bob', 'carol', 'mallory'].map(makeMember) as [TestMember, TestMember, TestMember, TestMember, TestMember];

const L = (1n << 252n) + 27742317777372353535851937790883648493n;
/** The same signature with S replaced by S + L: the equation still holds, but the encoding is not canonical. */
function malleate(signature: Uint8Array): Uint8Array {
  const out = signature.slice();
  let value = out.subarray(32).reduceRight((acc, b) => (acc << 8n) | BigInt(b), 0n) + L;
  for (let i = 32; i < 64; i++, value >>= 8n) out[i] = Number(value & 0xffn);
  return out;
}

/**
 * The owner founds with history 'all'; mod is added and promoted (and demoted when `demoted`), bob and carol are
 * plain members; bob starts thread T1. `read` lists and reads as a device would, by the roles folded now.
 */
function scene(options: { verifier?: Verifier; cache?: VerificationCache } = {}) {
  const verifier = options.verifier ?? createVerifier(webCryptoBackend());
  const doc = new Y.Doc();
  expect(initCommunity(doc, { identity: owner.identity, user: owner.user, docId: DOC, name: 'Tools', description: '', channel: { id: 'general', name: 'General' }, now: 1000 }).ok).toBe(true);
  const role = (action: 'add' | 'promote' | 'demote', subject: TestMember) =>
    appendRoleRecord(doc, owner.identity, { docId: DOC, action, subject: { user: subject.user, key: subject.key }, at: 1001 });
  role('add', mod);
  role('promote', mod);
  role('add', bob);
  role('add', carol);
  expect(addThreadEntry(doc, { id: T1, channel: 'general', kind: 'need', title: 'A ladder', author: bob.identity, now: 2000 }).ok).toBe(true);
  let slipped = 0;
  const roles = async () => (await foldRoles(communityParts(doc).roles.toArray(), { docId: DOC, owner: owner.key, verifier })).members;
  const opts = async () => ({ docId: DOC, verifier, roles: await roles(), ...(options.cache ? { cache: options.cache } : {}) });
  return {
    doc,
    demote: () => role('demote', mod),
    status: async () => {
      const [entry] = await listThreads(doc, await opts());
      return [entry!.status, entry!.statusBy];
    },
    history: async () => {
      const setting = await readHistorySetting(doc, await opts());
      return [setting.value, setting.by];
    },
    /** Puts a record into the document as a member's device could, under a key of its choosing. */
    slipStatus: (record: unknown, key = `slipped-${slipped++}`) => communityParts(doc).threadStatus.set(key, record),
    slipHistory: (record: unknown, key = `slipped-${slipped++}`) => communityParts(doc).historySetting.set(key, record),
  };
}

const statusBy = (by: TestMember, status: 'open' | 'resolved', at: number, docId = DOC): ThreadStatusRecord => signThreadStatus(docId, { thread: T1, status, at }, by.identity);
const historyBy = (by: TestMember, value: 'all' | 'joined', at: number, docId = DOC): HistoryRecord => signHistory(docId, { value, at }, by.identity);

describe('signed thread statuses', () => {
  it('takes a status signed by the thread’s author, a moderator or the owner; the newest one counts', async () => {
    const s = scene();
    expect(await s.status()).toEqual(['open', bob.key]);
    setThreadStatus(s.doc, { docId: DOC, id: T1, status: 'resolved', identity: bob.identity, now: 3000 });
    expect(await s.status()).toEqual(['resolved', bob.key]);
    setThreadStatus(s.doc, { docId: DOC, id: T1, status: 'open', identity: mod.identity, now: 3001 });
    expect(await s.status()).toEqual(['open', mod.key]);
    setThreadStatus(s.doc, { docId: DOC, id: T1, status: 'resolved', identity: owner.identity, now: 3002 });
    expect(await s.status()).toEqual(['resolved', owner.key]);
  });

  it('ignores a status signed by a member who is not the author, and by a moderator once demoted', async () => {
    const s = scene();
    setThreadStatus(s.doc, { docId: DOC, id: T1, status: 'resolved', identity: carol.identity, now: 3000 });
    expect(await s.status()).toEqual(['open', bob.key]);
    setThreadStatus(s.doc, { docId: DOC, id: T1, status: 'resolved', identity: mod.identity, now: 3001 });
    expect(await s.status()).toEqual(['resolved', mod.key]);
    s.demote();
    expect(await s.status()).toEqual(['open', bob.key]);
  });

  it('ignores a status naming a moderator but signed with another key, or with its value changed after signing', async () => {
    const s = scene();
    setThreadStatus(s.doc, { docId: DOC, id: T1, status: 'resolved', identity: mod.identity, now: 3000 });
    // Newer than the valid record, so a device that believed them would show the thread open again.
    s.slipStatus({ ...statusBy(mallory, 'open', 4000), by: mod.key });
    s.slipStatus({ ...statusBy(mod, 'resolved', 4001), status: 'open' });
    s.slipStatus({ ...statusBy(mod, 'open', 4002), at: 4003 });
    // The author's reopening of another thread, moved onto this one.
    s.slipStatus({ ...signThreadStatus(DOC, { thread: 'thread2thread2thread02', status: 'open', at: 4004 }, bob.identity), thread: T1 });
    expect(await s.status()).toEqual(['resolved', mod.key]);
  });

  it('ignores a non-canonical signature (S + L), which tweetnacl on its own would accept', async () => {
    const s = scene({ verifier: createVerifier(tweetnaclBackend()) });
    setThreadStatus(s.doc, { docId: DOC, id: T1, status: 'resolved', identity: mod.identity, now: 3000 });
    const newer = statusBy(mod, 'open', 4000);
    s.slipStatus({ ...newer, signature: malleate(newer.signature) });
    expect(await s.status()).toEqual(['resolved', mod.key]);
  });

  it('ignores a record signed for another community, a legacy unsigned status, and malformed values, without failing', async () => {
    const s = scene();
    s.slipStatus(statusBy(mod, 'resolved', 3000, 'community-doc-elsewhere'));
    const entry = communityParts(s.doc).threads.get(T1) as object;
    communityParts(s.doc).threads.set(T1, { ...entry, status: 'resolved', statusBy: mod.key });
    s.slipStatus('resolved');
    s.slipStatus(null);
    s.slipStatus({ type: 'thread-status', thread: T1, status: 'resolved', by: mod.key, at: 3000, signature: new Uint8Array(64) });
    s.slipStatus({ ...statusBy(mod, 'resolved', 3000), signature: new Uint8Array(12) });
    s.slipStatus({ ...statusBy(mod, 'resolved', 3000), by: 'not a key' });
    expect(await s.status()).toEqual(['open', bob.key]);
  });

  it('keeps only the newest of a setter’s own records of a thread', async () => {
    const s = scene();
    for (const [status, now] of [['resolved', 3000], ['open', 3001], ['resolved', 3002]] as const) {
      setThreadStatus(s.doc, { docId: DOC, id: T1, status, identity: bob.identity, now });
    }
    setThreadStatus(s.doc, { docId: DOC, id: T1, status: 'open', identity: mod.identity, now: 2999 });
    expect([...communityParts(s.doc).threadStatus.values()].map((r) => [(r as ThreadStatusRecord).by, (r as ThreadStatusRecord).at]).sort()).toEqual(
      [[bob.key, 3002], [mod.key, 2999]].sort(),
    );
    expect(await s.status()).toEqual(['resolved', bob.key]);
  });

  it('gives the same answers through a verification cache, with a record changed in place verified afresh', async () => {
    const cache = createVerificationCache();
    const s = scene({ cache });
    setThreadStatus(s.doc, { docId: DOC, id: T1, status: 'resolved', identity: mod.identity, now: 3000 });
    expect(await s.status()).toEqual(['resolved', mod.key]);
    expect(await s.status()).toEqual(['resolved', mod.key]);
    const [key, genuine] = [...communityParts(s.doc).threadStatus.entries()][0]! as [string, ThreadStatusRecord];
    s.slipStatus({ ...genuine, status: 'open', at: 3001 }, key);
    expect(await s.status()).toEqual(['open', bob.key]);
  });
});

describe('signed history settings', () => {
  it('honours the founder’s setting signed at creation, and a later one signed by a moderator', async () => {
    const s = scene();
    expect(await s.history()).toEqual(['all', owner.key]);
    setHistoryVisibility(s.doc, { docId: DOC, value: 'joined', identity: mod.identity, now: 3000 });
    expect(await s.history()).toEqual(['joined', mod.key]);
    setHistoryVisibility(s.doc, { docId: DOC, value: 'all', identity: owner.identity, now: 3001 });
    expect(await s.history()).toEqual(['all', owner.key]);
  });

  it('ignores a setting signed by a plain member, and a moderator’s once demoted', async () => {
    const s = scene();
    setHistoryVisibility(s.doc, { docId: DOC, value: 'joined', identity: mod.identity, now: 3000 });
    setHistoryVisibility(s.doc, { docId: DOC, value: 'all', identity: carol.identity, now: 3001 });
    expect(await s.history()).toEqual(['joined', mod.key]);
    s.demote();
    expect(await s.history()).toEqual(['all', owner.key]);
  });

  it('ignores a forged setting: another key, a changed value, a non-canonical signature, another community', async () => {
    const s = scene({ verifier: createVerifier(tweetnaclBackend()) });
    setHistoryVisibility(s.doc, { docId: DOC, value: 'joined', identity: mod.identity, now: 3000 });
    s.slipHistory({ ...historyBy(mallory, 'all', 4000), by: mod.key });
    s.slipHistory({ ...historyBy(mod, 'joined', 4001), value: 'all' });
    const newer = historyBy(owner, 'all', 4002);
    s.slipHistory({ ...newer, signature: malleate(newer.signature) });
    s.slipHistory(historyBy(owner, 'all', 4003, 'community-doc-elsewhere'));
    s.slipHistory({ ...historyBy(owner, 'all', 4004), type: 'thread-status' });
    s.slipHistory(42);
    expect(await s.history()).toEqual(['joined', mod.key]);
  });

  it('reads the stricter "from when they join" when no setting verifies, as in a community from before signed settings', async () => {
    const s = scene();
    communityParts(s.doc).historySetting.clear();
    // What the document held before: an unsigned value and an unsigned name of who set it.
    communityParts(s.doc).meta.set('history', 'all');
    communityParts(s.doc).meta.set('historyBy', owner.key);
    expect(await s.history()).toEqual(['joined', null]);
  });
});
