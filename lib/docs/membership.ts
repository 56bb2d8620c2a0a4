// Who is in a conversation, as the members themselves signed it. The server keeps its own member list for
// routing; this history is what a client checks key envelopes and membership changes against, and what
// "who added or removed whom" is shown from.
import type * as Y from 'yjs';
import type { Identity } from '../crypto/index';
import { fail, ok, unreachable, type Result } from '../protocol/errors';
import type { DocsErrorCode } from './docs-errors';
import { memberKeyOf, type MemberKey } from './ids';
import { conversationParts, type ConversationParts } from './layout';
import {
  compareSignatures,
  MAX_GROUP_MEMBERS,
  Member,
  MembershipRecord,
  type ConversationKind,
  type MembershipAction,
} from './records';
import { signMembership, verifyMembership, type VerifyOptions } from './signatures';
import { signatureKey } from './verification-cache';
import { z } from 'zod';
import { readMeta } from './meta';

export interface MembershipState {
  /** Current members, sorted by key. */
  members: Member[];
  /** Accepted records in the order they were applied. */
  history: MembershipRecord[];
  /** Everything set aside, with the reason. */
  rejected: Array<{ record: unknown; code: DocsErrorCode }>;
  /** The seq a new record should carry. */
  nextSeq: number;
}

export interface FoldOptions extends VerifyOptions {
  docId: string;
  kind: ConversationKind;
  /**
   * The key expected to have created the conversation (e.g. from the server's conversation record, or the
   * invitation). null accepts whichever valid create record sorts first, which a malicious member could
   * race with a create record of their own: pass the creator whenever it is known.
   */
  creator: MemberKey | null;
  maxMembers?: number;
}

function order(a: MembershipRecord, b: MembershipRecord): number {
  if (a.seq !== b.seq) return a.seq - b.seq;
  if (a.actor !== b.actor) return a.actor < b.actor ? -1 : 1;
  return compareSignatures(a.signature, b.signature);
}

function distinct(subjects: readonly Member[]): boolean {
  return new Set(subjects.map((s) => s.key)).size === subjects.length && new Set(subjects.map((s) => s.user)).size === subjects.length;
}

/**
 * Folds signed records into the member set. Records are applied in (seq, actor, signature) order, so every
 * client reaches the same answer from the same set, whatever order the records arrived in. A record counts
 * only if its actor is a member at the point it applies. Concurrent changes with the same seq are both
 * applied when still authorised (a member removed by an earlier-sorting record loses its own).
 */
export async function foldMembership(records: readonly unknown[], o: FoldOptions): Promise<MembershipState> {
  const maxMembers = o.maxMembers ?? MAX_GROUP_MEMBERS;
  const rejected: MembershipState['rejected'] = [];
  const candidates: MembershipRecord[] = [];
  const seen = new Set<string>();
  let nextSeq = 0;
  for (const raw of records) {
    const parsed = MembershipRecord.safeParse(raw);
    if (!parsed.success) {
      rejected.push({ record: raw, code: 'membership.malformed' });
      continue;
    }
    const record = parsed.data;
    nextSeq = Math.max(nextSeq, record.seq + 1);
    if (record.docId !== o.docId) {
      rejected.push({ record: raw, code: 'membership.wrong_doc' });
      continue;
    }
    // The same record written twice (two devices, a replay) counts once.
    const key = signatureKey(record.signature);
    if (seen.has(key)) continue;
    seen.add(key);
    candidates.push(record);
  }
  o.cache?.sweep('membership', seen);
  const verdicts = await Promise.all(candidates.map((r) => verifyMembership(r, o)));
  const verified: MembershipRecord[] = [];
  candidates.forEach((r, i) => (verdicts[i] ? verified.push(r) : rejected.push({ record: r, code: 'membership.bad_signature' })));
  verified.sort(order);

  // From here on every record is signed by the actor it names; what remains is whether they were allowed.
  const members = new Map<MemberKey, Member>();
  const history: MembershipRecord[] = [];
  let created = false;
  for (const r of verified) {
    const code = apply(r);
    if (code) rejected.push({ record: r, code });
    else history.push(r);
  }

  function apply(r: MembershipRecord): DocsErrorCode | null {
    if (r.action === 'create') {
      if (created) return 'membership.duplicate_create';
      if (r.seq !== 0) return 'membership.malformed';
      if (o.creator !== null && r.actor !== o.creator) return 'membership.not_creator';
      if (!distinct(r.subjects) || !r.subjects.some((s) => s.key === r.actor)) return 'membership.invalid_subjects';
      if (o.kind === 'direct' && r.subjects.length !== 2) return 'membership.invalid_subjects';
      if (r.subjects.length > maxMembers) return 'membership.too_many';
      for (const s of r.subjects) members.set(s.key, s);
      created = true;
      return null;
    }
    if (!created) return 'membership.no_create';
    if (!members.has(r.actor)) return 'membership.unauthorised';
    switch (r.action) {
      case 'add': {
        if (o.kind === 'direct') return 'membership.direct_fixed';
        if (!distinct(r.subjects)) return 'membership.invalid_subjects';
        // Adding someone already present is harmless (two members may add the same person concurrently), but
        // a key already bound to another account is not.
        if (r.subjects.some((s) => members.has(s.key) && members.get(s.key)?.user !== s.user)) return 'membership.invalid_subjects';
        const after = members.size + r.subjects.filter((s) => !members.has(s.key)).length;
        if (after > maxMembers) return 'membership.too_many';
        for (const s of r.subjects) members.set(s.key, s);
        return null;
      }
      case 'remove': {
        if (o.kind === 'direct') return 'membership.direct_fixed';
        if (!distinct(r.subjects) || r.subjects.some((s) => s.key === r.actor || members.get(s.key)?.user !== s.user)) {
          return 'membership.invalid_subjects';
        }
        for (const s of r.subjects) members.delete(s.key);
        return null;
      }
      case 'leave': {
        const [only] = r.subjects;
        if (r.subjects.length !== 1 || only?.key !== r.actor || members.get(r.actor)?.user !== only.user) return 'membership.invalid_subjects';
        members.delete(r.actor);
        return null;
      }
      default:
        return unreachable(r.action);
    }
  }

  return {
    members: [...members.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    history,
    rejected,
    nextSeq,
  };
}

export interface ReadMembershipOptions extends Omit<FoldOptions, 'kind'> {
  /** Overrides the kind stored in meta, which any member could rewrite; pass what the server says if known. */
  kind?: ConversationKind;
}

export function readMembership(doc: Y.Doc, o: ReadMembershipOptions): Promise<MembershipState> {
  const meta = readMeta(doc);
  const kind = o.kind ?? (meta.ok ? meta.value.kind : 'group');
  return foldMembership(conversationParts(doc).membership.toArray(), { ...o, kind });
}

export interface MembershipWrite {
  identity: Identity;
  docId: string;
  action: MembershipAction;
  subjects: Member[];
  epoch: number;
  now: number;
}

/** Inside the caller's transaction. Authorisation is the fold's job: a record nobody may write is just ignored. */
export function appendMembershipRecord(parts: ConversationParts, w: MembershipWrite): MembershipRecord {
  let maxSeq = -1;
  for (const raw of parts.membership) {
    const parsed = MembershipRecord.safeParse(raw);
    if (parsed.success) maxSeq = Math.max(maxSeq, parsed.data.seq);
  }
  const record = signMembership(
    {
      docId: w.docId,
      seq: w.action === 'create' ? 0 : maxSeq + 1,
      epoch: w.epoch,
      action: w.action,
      subjects: w.subjects,
      actor: memberKeyOf(w.identity.signing.publicKey),
      at: w.now,
    },
    w.identity.signing.secretKey,
  );
  parts.membership.push([record]);
  return record;
}

export function addMembershipRecord(
  doc: Y.Doc,
  w: MembershipWrite & { origin?: unknown },
): Result<MembershipRecord, DocsErrorCode> {
  const subjects = z.array(Member).min(1).max(MAX_GROUP_MEMBERS).safeParse(w.subjects);
  if (!subjects.success || !distinct(subjects.data)) return fail('membership.invalid_subjects');
  let record: MembershipRecord | undefined;
  doc.transact(() => {
    record = appendMembershipRecord(conversationParts(doc), { ...w, subjects: subjects.data });
  }, w.origin);
  if (!record) throw new Error('addMembershipRecord: transaction did not run');
  return ok(record);
}
