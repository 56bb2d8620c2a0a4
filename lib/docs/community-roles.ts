// Who is in a community and in what role, as the members themselves signed it. The server holds roles to
// enforce them; clients fold these records, from the owner's creation record on, and believe only changes made
// by someone allowed at that point, so a server cannot make anyone a member or a moderator on its own.
import { z } from 'zod';
import { sign, type Identity, type Verifier } from '../crypto/index';
import { unreachable } from '../protocol/errors';
import { CanonicalWriter } from './canonical';
import { MemberKey, memberKeyBytes, memberKeyOf } from './ids';
import { compareSignatures, Member, Millis, Signature } from './records';
import { signatureKey } from './verification-cache';

export const COMMUNITY_ROLE_CONTEXT = 'hasneeds/community-role/v1';

export const CommunityRoleName = z.enum(['owner', 'moderator', 'member']);
export type CommunityRoleName = z.infer<typeof CommunityRoleName>;

/**
 * create   the owner founds the community (subject = actor, seq 0)
 * invite   an owner or moderator makes an invite link (inviteId); nobody joins by it yet
 * join     the subject (= actor) came in through an invite an allowed member made earlier
 * add      an owner or moderator adds someone directly
 * remove   the owner removes anyone else; a moderator removes plain members
 * leave    a member or moderator leaves (the owner hands ownership over first)
 * promote / demote   the owner makes a member a moderator, or a moderator a member
 * transfer the owner hands ownership to a member, and becomes a moderator
 */
export const RoleAction = z.enum(['create', 'invite', 'join', 'add', 'remove', 'leave', 'promote', 'demote', 'transfer']);
export type RoleAction = z.infer<typeof RoleAction>;

export const RoleRecord = z.object({
  type: z.literal('role'),
  docId: z.string().min(1).max(64),
  seq: Millis,
  action: RoleAction,
  subject: Member,
  /** Only for invite and join. */
  inviteId: z.string().regex(/^[A-Za-z0-9_-]{22}$/).optional(),
  actor: MemberKey,
  at: Millis,
  signature: Signature,
});
export type RoleRecord = z.infer<typeof RoleRecord>;
export type UnsignedRoleRecord = Omit<RoleRecord, 'type' | 'signature'>;

export type RoleRejection = 'role.malformed' | 'role.wrong_doc' | 'role.bad_signature' | 'role.no_create' | 'role.not_owner' | 'role.not_allowed' | 'role.invalid_subject';

export function roleRecordPayload(r: UnsignedRoleRecord): Uint8Array {
  const key = (k: string): Uint8Array => {
    const bytes = memberKeyBytes(k);
    if (!bytes) throw new Error('a MemberKey that did not come through its schema');
    return bytes;
  };
  return new CanonicalWriter('community-role')
    .string(r.docId)
    .uint(r.seq)
    .string(r.action)
    .string(r.subject.user)
    .bytes(key(r.subject.key))
    .option(r.inviteId)
    .bytes(key(r.actor))
    .uint(r.at)
    .finish();
}

export function signRoleRecord(r: Omit<UnsignedRoleRecord, 'actor'>, identity: Identity): RoleRecord {
  const fields: UnsignedRoleRecord = {
    docId: r.docId,
    seq: r.seq,
    action: r.action,
    subject: { user: r.subject.user, key: r.subject.key },
    actor: memberKeyOf(identity.signing.publicKey),
    at: r.at,
  };
  if (r.inviteId !== undefined) fields.inviteId = r.inviteId;
  return { type: 'role', ...fields, signature: sign(COMMUNITY_ROLE_CONTEXT, roleRecordPayload(fields), identity.signing.secretKey) };
}

export interface CommunityRoster {
  /** Current members by signing key. */
  members: Map<MemberKey, { user: string; role: CommunityRoleName }>;
  /** Records that counted, in the order they applied. */
  history: RoleRecord[];
  rejected: Array<{ record: unknown; code: RoleRejection }>;
  /** The seq the next record should carry. */
  nextSeq: number;
}

export interface FoldRolesOptions {
  docId: string;
  /** The founder's key, as the server's community record (createdBy) names it. */
  owner: MemberKey;
  verifier: Verifier;
}

const order = (a: RoleRecord, b: RoleRecord): number =>
  a.seq !== b.seq ? a.seq - b.seq : a.actor !== b.actor ? (a.actor < b.actor ? -1 : 1) : compareSignatures(a.signature, b.signature);

/** Folds role records in (seq, actor, signature) order: every client reaches the same roster from the same set. */
export async function foldRoles(records: readonly unknown[], o: FoldRolesOptions): Promise<CommunityRoster> {
  const rejected: CommunityRoster['rejected'] = [];
  const candidates: RoleRecord[] = [];
  const seen = new Set<string>();
  let nextSeq = 0;
  for (const raw of records) {
    const parsed = RoleRecord.safeParse(raw);
    if (!parsed.success) {
      rejected.push({ record: raw, code: 'role.malformed' });
      continue;
    }
    const r = parsed.data;
    nextSeq = Math.max(nextSeq, r.seq + 1);
    if (r.docId !== o.docId) {
      rejected.push({ record: raw, code: 'role.wrong_doc' });
      continue;
    }
    const key = signatureKey(r.signature);
    if (seen.has(key)) continue;
    seen.add(key);
    candidates.push(r);
  }
  const verdicts = await Promise.all(
    candidates.map((r) => o.verifier.verify(COMMUNITY_ROLE_CONTEXT, roleRecordPayload(r), r.signature, memberKeyBytes(r.actor)!)),
  );
  const verified: RoleRecord[] = [];
  candidates.forEach((r, i) => (verdicts[i] ? verified.push(r) : rejected.push({ record: r, code: 'role.bad_signature' })));
  verified.sort(order);

  // From here on every record is signed by the actor it names; what remains is whether they were allowed.
  const members = new Map<MemberKey, { user: string; role: CommunityRoleName }>();
  const invites = new Set<string>();
  const history: RoleRecord[] = [];
  let created = false;

  const apply = (r: RoleRecord): RoleRejection | null => {
    const actorRole = members.get(r.actor)?.role;
    const target = members.get(r.subject.key);
    const self = r.subject.key === r.actor;
    if (r.action === 'create') {
      if (created || r.seq !== 0 || !self) return 'role.invalid_subject';
      if (r.actor !== o.owner) return 'role.not_owner';
      members.set(r.actor, { user: r.subject.user, role: 'owner' });
      created = true;
      return null;
    }
    if (!created) return 'role.no_create';
    switch (r.action) {
      case 'join':
        if (!self || target || r.inviteId === undefined) return 'role.invalid_subject';
        if (!invites.has(r.inviteId)) return 'role.not_allowed';
        members.set(r.actor, { user: r.subject.user, role: 'member' });
        return null;
      case 'invite':
        if (actorRole !== 'owner' && actorRole !== 'moderator') return 'role.not_allowed';
        if (!self || r.inviteId === undefined) return 'role.invalid_subject';
        invites.add(r.inviteId);
        return null;
      case 'add':
        if (actorRole !== 'owner' && actorRole !== 'moderator') return 'role.not_allowed';
        if (target) return 'role.invalid_subject';
        members.set(r.subject.key, { user: r.subject.user, role: 'member' });
        return null;
      case 'remove':
        if (!target || self || target.user !== r.subject.user) return 'role.invalid_subject';
        if (!(actorRole === 'owner' || (actorRole === 'moderator' && target.role === 'member'))) return 'role.not_allowed';
        members.delete(r.subject.key);
        return null;
      case 'leave':
        if (!self || !target) return 'role.invalid_subject';
        if (target.role === 'owner') return 'role.not_allowed';
        members.delete(r.actor);
        return null;
      case 'promote':
      case 'demote':
        if (actorRole !== 'owner') return 'role.not_allowed';
        if (!target || target.role !== (r.action === 'promote' ? 'member' : 'moderator')) return 'role.invalid_subject';
        target.role = r.action === 'promote' ? 'moderator' : 'member';
        return null;
      case 'transfer':
        if (actorRole !== 'owner') return 'role.not_allowed';
        if (!target || self) return 'role.invalid_subject';
        target.role = 'owner';
        members.get(r.actor)!.role = 'moderator';
        return null;
      default:
        return unreachable(r.action);
    }
  };

  for (const r of verified) {
    const code = apply(r);
    if (code) rejected.push({ record: r, code });
    else history.push(r);
  }
  return { members, history, rejected, nextSeq };
}
