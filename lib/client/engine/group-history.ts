// "Who added or removed whom, and when", read from the signed membership records in the inner document (not
// from the server's member list): each event says whether its signature checked and whether it counted.
import type * as Y from 'yjs';
import type { Verifier } from '../../crypto';
import {
  MembershipRecord,
  readMembership,
  type ConversationKind,
  type DocsErrorCode,
  type MemberKey,
  type MembershipAction,
} from '../../docs';

export interface HistoryPerson {
  memberKey: string;
  /** The account the record names, when it names one (subjects do; the actor is known by key only). */
  accountId: string | null;
  name: string;
}

export interface MembershipEvent {
  seq: number;
  at: number;
  epoch: number;
  action: MembershipAction;
  actor: HistoryPerson;
  subjects: HistoryPerson[];
  /** The actor's signature over the record checks out. */
  verified: boolean;
  /** It changed the member set; false with `problem` when the fold set it aside (e.g. not authorised). */
  accepted: boolean;
  problem: DocsErrorCode | null;
}

export interface HistoryOptions {
  docId: string;
  kind: ConversationKind;
  /** The creator's signing key when known (from the server's record); see FoldOptions.creator. */
  creator: MemberKey | null;
  verifier: Verifier;
  /** Display name for a member key (and the account it belongs to, when the record names one). */
  nameOf(memberKey: string, accountId: string | null): string;
}

export async function membershipHistory(inner: Y.Doc, o: HistoryOptions): Promise<MembershipEvent[]> {
  const state = await readMembership(inner, { docId: o.docId, kind: o.kind, creator: o.creator, verifier: o.verifier });
  // Subjects name their accounts; an actor is one of them somewhere in the history (or the creator).
  const accountOf = new Map<string, string>();
  for (const r of state.history) for (const s of r.subjects) accountOf.set(s.key, s.user);
  const person = (key: string, accountId: string | null): HistoryPerson => {
    const account = accountId ?? accountOf.get(key) ?? null;
    return { memberKey: key, accountId: account, name: o.nameOf(key, account) };
  };
  const event = (r: MembershipRecord, verified: boolean, problem: DocsErrorCode | null): MembershipEvent => ({
    seq: r.seq,
    at: r.at,
    epoch: r.epoch,
    action: r.action,
    actor: person(r.actor, null),
    subjects: r.subjects.map((s) => person(s.key, s.user)),
    verified,
    accepted: problem === null,
    problem,
  });
  const events = state.history.map((r) => event(r, true, null));
  for (const { record, code } of state.rejected) {
    // Records that do not even parse, or belong to another document, are not part of this history.
    const parsed = MembershipRecord.safeParse(record);
    if (!parsed.success || parsed.data.docId !== o.docId) continue;
    events.push(event(parsed.data, code !== 'membership.bad_signature', code));
  }
  return events.sort((a, b) => a.seq - b.seq || a.at - b.at);
}
