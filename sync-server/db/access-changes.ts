// The sync rooms keep in memory what every frame asks (members, epoch, consent, keys, client-id bindings). Every
// repository write that can change one of those answers reports it here, in the same synchronous call as the write,
// so no frame is ever checked against an answer older than the rows.

export interface AccessChanges {
  /** Members, statuses, declined requests, the epoch or the existence of this document changed. */
  doc(docId: string): void;
  /** Something about this account changed wherever it is a member: a block either way, its deletion. */
  account(accountId: string): void;
}

/** For repositories nobody caches from (tools, seeding, tests that read tables). */
export const UNWATCHED: AccessChanges = { doc: () => {}, account: () => {} };

/** One per server: the repositories report to it, the sync service listens. */
export function createAccessChanges(): AccessChanges & { listen(listener: AccessChanges): void } {
  const listeners: AccessChanges[] = [];
  return {
    listen: (listener) => void listeners.push(listener),
    doc: (docId) => {
      for (const l of listeners) l.doc(docId);
    },
    account: (accountId) => {
      for (const l of listeners) l.account(accountId);
    },
  };
}
