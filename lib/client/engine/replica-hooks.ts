// What the engine does with every replica it loads, on screen or in a short background sync: keep the search
// index and the unread count current, and collect edits orphaned by a deletion (an edit made offline while
// the message was deleted elsewhere arrives after the tombstone; whoever sees it removes its text).
import { collectGarbage } from '../../docs';
import type { DocReplica } from './doc-replica';
import type { SearchStore } from './search-store';
import type { UnreadTracker } from './unread';

export interface ReplicaHooksOptions {
  search: SearchStore;
  unread: UnreadTracker;
  /** A local write happened outside any screen: sync it (it is in the outbox already). */
  markDirty(docId: string): void;
}

/** Returns `watch(replica)`, safe to call any number of times for the same replica. */
export function createReplicaHooks(o: ReplicaHooksOptions): (replica: DocReplica) => DocReplica {
  const watched = new WeakSet<DocReplica>();
  return (replica) => {
    if (watched.has(replica)) return replica;
    watched.add(replica);
    o.search.watch(replica);
    o.unread.watch(replica);
    let queued = false;
    const collect = () => {
      if (queued) return;
      queued = true;
      // Not inside the notification: the replica may be in the middle of sealing a write.
      queueMicrotask(() => {
        queued = false;
        if (collectGarbage(replica.inner) > 0) o.markDirty(replica.docId);
      });
    };
    replica.subscribe(collect);
    collect();
    return replica;
  };
}
