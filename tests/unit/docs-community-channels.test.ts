import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { createVerifier, generateIdentity, webCryptoBackend, type Identity } from '../../lib/crypto/index';
import {
  addChannel,
  addSignedChannel,
  communityParts,
  everModerators,
  foldRoles,
  initCommunity,
  memberKeyOf,
  signRoleRecord,
  verifiedChannels,
  type MemberKey,
  type RoleAction,
  type RoleRecord,
} from '../../lib/docs/index';
import { seededRandom } from './fixtures/seeded-random';

const DOC = 'community-doc-0000002';
const verifier = createVerifier(webCryptoBackend());

interface TestMember {
  identity: Identity;
  key: MemberKey;
  user: string;
}
function makeMember(name: string): TestMember {
  const identity = generateIdentity(seededRandom(`docs-community-channels/${name}`));
  return { identity, key: memberKeyOf(identity.signing.publicKey), user: `user-${name}-000000000` };
}
const [owner, mod, bob] = ['owner', 'mod', 'bob'].map(makeMember) as [TestMember, TestMember, TestMember];

function record(by: TestMember, seq: number, action: RoleAction, subject: TestMember): RoleRecord {
  return signRoleRecord({ docId: DOC, seq, action, subject: { user: subject.user, key: subject.key }, at: 1000 + seq }, by.identity);
}

/** The owner founds (with `general`); mod and bob are added; mod is promoted, and later demoted when `demoted`. */
async function scene(options: { demoted?: boolean } = {}) {
  const doc = new Y.Doc();
  const init = initCommunity(doc, { identity: owner.identity, user: owner.user, docId: DOC, name: 'Tools', description: '', channel: { id: 'general', name: 'General' }, now: 1000 });
  expect(init.ok).toBe(true);
  const roles = communityParts(doc).roles;
  roles.push([record(owner, 1, 'add', mod), record(owner, 2, 'add', bob), record(owner, 3, 'promote', mod)]);
  if (options.demoted) roles.push([record(owner, 4, 'demote', mod)]);
  const roster = await foldRoles(roles.toArray(), { docId: DOC, owner: owner.key, verifier });
  const shown = () => verifiedChannels(doc, { docId: DOC, verifier, allowed: everModerators(roster) });
  return { doc, roster, shown };
}

describe('community channels', () => {
  it('shows the founding channel and channels signed by the owner or a moderator', async () => {
    const { doc, shown } = await scene();
    expect(addSignedChannel(doc, { docId: DOC, channel: { id: 'bikes', name: ' Bikes ' }, identity: mod.identity, now: 2000 })).toEqual({ ok: true, value: { id: 'bikes', name: 'Bikes' } });
    expect(addSignedChannel(doc, { docId: DOC, channel: { id: 'advice', name: 'Advice' }, identity: owner.identity, now: 2001 }).ok).toBe(true);
    expect(await shown()).toEqual([
      { id: 'general', name: 'General' },
      { id: 'advice', name: 'Advice' },
      { id: 'bikes', name: 'Bikes' },
    ]);
  });

  it('ignores a channel added by a plain member, unsigned, tampered with, stored under another id, or signed for another community', async () => {
    const { doc, shown } = await scene();
    addSignedChannel(doc, { docId: DOC, channel: { id: 'bobs', name: 'Bob’s' }, identity: bob.identity, now: 2000 });
    addChannel(doc, { id: 'plain', name: 'Plain' });
    addSignedChannel(doc, { docId: 'another-community-doc', channel: { id: 'elsewhere', name: 'Elsewhere' }, identity: mod.identity, now: 2000 });
    addSignedChannel(doc, { docId: DOC, channel: { id: 'real', name: 'Real' }, identity: mod.identity, now: 2000 });
    addSignedChannel(doc, { docId: DOC, channel: { id: 'tampered', name: 'Before' }, identity: mod.identity, now: 2000 });
    const channels = communityParts(doc).channels;
    channels.set('tampered', { ...(channels.get('tampered') as Record<string, unknown>), name: 'After' });
    channels.set('moved', { ...(channels.get('real') as Record<string, unknown>) });
    expect((await shown()).map((c) => c.id)).toEqual(['general', 'real']);
  });

  it('keeps the channels of a moderator who stepped down, and refuses a second channel with the same id', async () => {
    const { doc, shown } = await scene({ demoted: true });
    expect(addSignedChannel(doc, { docId: DOC, channel: { id: 'bikes', name: 'Bikes' }, identity: mod.identity, now: 2000 }).ok).toBe(true);
    expect(addSignedChannel(doc, { docId: DOC, channel: { id: 'bikes', name: 'Other' }, identity: owner.identity, now: 2001 })).toEqual({ ok: false, code: 'thread.exists' });
    expect(addSignedChannel(doc, { docId: DOC, channel: { id: 'bad id!', name: 'Bad' }, identity: owner.identity, now: 2001 })).toEqual({ ok: false, code: 'community.invalid' });
    expect((await shown()).map((c) => c.name)).toEqual(['General', 'Bikes']);
  });
});
