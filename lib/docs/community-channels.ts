// Channels a moderator adds are signed, so every device can tell them from ones a plain member slipped into the
// map: the server never sees the document and cannot enforce who adds a channel; the readers do. The founding
// channel (`general`, written with the creation record) is the one unsigned channel believed.
import type * as Y from 'yjs';
import { z } from 'zod';
import { sign, type Identity, type Verifier } from '../crypto/index';
import { fail, ok, type Result } from '../protocol/errors';
import { CanonicalWriter } from './canonical';
import { Channel, communityParts, type CommunityDocError } from './community';
import { COMMUNITY_ROLE_CONTEXT, type CommunityRoster } from './community-roles';
import { MemberKey, memberKeyBytes, memberKeyOf } from './ids';
import { Millis, Signature } from './records';

/** The channel every community starts with; it needs no signature. */
export const FOUNDING_CHANNEL_ID = 'general';

export const SignedChannel = Channel.extend({ by: MemberKey, at: Millis, signature: Signature });
export type SignedChannel = z.infer<typeof SignedChannel>;

// Same context as the role records (a channel is a moderator's act); the tag keeps the two kinds apart.
function channelPayload(docId: string, c: Omit<SignedChannel, 'signature'>): Uint8Array {
  return new CanonicalWriter('community-channel').string(docId).string(c.id).string(c.name).bytes(memberKeyBytes(c.by)!).uint(c.at).finish();
}

/** Adds a channel signed by `identity`; readers count it only if the signer is or was an owner or moderator. */
export function addSignedChannel(
  doc: Y.Doc,
  o: { docId: string; channel: Channel; identity: Identity; now: number; origin?: unknown },
): Result<Channel, CommunityDocError> {
  const parsed = Channel.safeParse(o.channel);
  if (!parsed.success) return fail('community.invalid');
  const parts = communityParts(doc);
  if (parts.channels.has(parsed.data.id)) return fail('thread.exists');
  const unsigned = { ...parsed.data, by: memberKeyOf(o.identity.signing.publicKey), at: o.now };
  const record: SignedChannel = { ...unsigned, signature: sign(COMMUNITY_ROLE_CONTEXT, channelPayload(o.docId, unsigned), o.identity.signing.secretKey) };
  doc.transact(() => parts.channels.set(parsed.data.id, record), o.origin);
  return ok(parsed.data);
}

/** Everyone the signed role records ever made owner or moderator: their channels stay after they step down. */
export function everModerators(roster: Pick<CommunityRoster, 'history'>): Set<MemberKey> {
  const keys = new Set<MemberKey>();
  for (const r of roster.history) {
    if (r.action === 'create') keys.add(r.actor);
    if (r.action === 'promote' || r.action === 'transfer') keys.add(r.subject.key);
  }
  return keys;
}

/** The channels to show, by id: the founding one and those signed by someone allowed to add channels. */
export async function verifiedChannels(doc: Y.Doc, o: { docId: string; verifier: Verifier; allowed: ReadonlySet<string> }): Promise<Channel[]> {
  const out: Channel[] = [];
  const checks: Array<Promise<void>> = [];
  for (const [key, raw] of communityParts(doc).channels.entries()) {
    const signed = SignedChannel.safeParse(raw);
    if (!signed.success) {
      const plain = Channel.safeParse(raw);
      if (plain.success && plain.data.id === FOUNDING_CHANNEL_ID && key === FOUNDING_CHANNEL_ID) out.push(plain.data);
      continue;
    }
    const c = signed.data;
    if (key !== c.id || !o.allowed.has(c.by)) continue;
    checks.push(
      o.verifier.verify(COMMUNITY_ROLE_CONTEXT, channelPayload(o.docId, c), c.signature, memberKeyBytes(c.by)!).then((good) => {
        if (good) out.push({ id: c.id, name: c.name });
      }),
    );
  }
  await Promise.all(checks);
  return out.sort((a, b) => (a.id === FOUNDING_CHANNEL_ID ? -1 : b.id === FOUNDING_CHANNEL_ID ? 1 : a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1)));
}
