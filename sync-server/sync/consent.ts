// What the sync rooms need to know about consent (message requests, blocks). The privacy tables answer it;
// rooms ask on every write and every awareness frame, so a block or an accept takes effect at once.

/** What an account may write into a document right now. */
export type WritePolicy =
  | { kind: 'open' }
  | { kind: 'refused'; code: 'entry.blocked' }
  /** Every other member (present or declined) is still a request: the writer is held to the request cap. */
  | { kind: 'capped' };

export type ConsentRefusal = 'entry.blocked' | 'request.cap_reached';

export interface DocConsent {
  writePolicy(docId: string, accountId: string): WritePolicy;
  /** The Yjs client ids bound to this account in the document (committed bindings). */
  clientIdsOf(docId: string, accountId: string): number[];
  /** Accounts that must not receive this account's awareness in the document, or 'everyone'. */
  awarenessHiddenFrom(docId: string, accountId: string): 'everyone' | ReadonlySet<string>;
  /** Entries a capped writer may have in the document in all. */
  requestEntryCap: number;
}
