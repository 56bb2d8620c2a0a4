// Unread counts: messages by others after my read position, recomputed whenever a replica changes and kept
// in a sealed list (conversations, and community threads, which share the layout), so lists and the navigation
// show them without opening each document.
import type * as Y from 'yjs';
import { z } from 'zod';
import type { Verifier } from '../../crypto';
import { comparePositions, conversationParts, MessageEntry, MessageId, readPositions, type MemberKey, type Position } from '../../docs';
import type { DocReplica } from './doc-replica';

/**
 * Like lib/docs countUnread, without building (and verifying) every message view: a list badge must stay
 * cheap on a 10,000-message history. My read position is verified (a forged one must not hide messages);
 * message signatures are not, as in the list preview — opening the conversation shows `Unverified`.
 */
export async function unreadCount(
  inner: Y.Doc,
  o: { docId: string; self: MemberKey; verifier: Verifier; local?: DeviceReadState },
): Promise<number> {
  const shared: Position | undefined = (await readPositions(inner, { docId: o.docId, verifier: o.verifier })).get(o.self);
  const mine = later(shared, o.local?.read);
  const clearedAt = o.local?.clearedAt ?? -1;
  let n = 0;
  conversationParts(inner).messages.forEach((raw, key) => {
    // Cheap pre-check on the raw value before parsing: most of a long history is behind the position.
    const sentAt = typeof raw === 'object' && raw !== null ? (raw as { sentAt?: unknown }).sentAt : undefined;
    if (typeof sentAt === 'number' && (sentAt <= clearedAt || (mine && sentAt < mine.sentAt))) return;
    const entry = MessageEntry.safeParse(raw);
    if (!entry.success || entry.data.id !== key || entry.data.type === 'tombstone' || entry.data.author === o.self) return;
    if (!mine || comparePositions({ sentAt: entry.data.sentAt, messageId: entry.data.id }, mine) > 0) n++;
  });
  return n;
}

/** A read position as a sealed list keeps it on this device. */
export const DevicePosition = z.object({ sentAt: z.number(), messageId: MessageId });

/** What this device alone knows: a read position not shared (receipts off) and "Delete my copy". */
export interface DeviceReadState {
  read?: Position;
  clearedAt?: number;
}

const later = (a: Position | undefined, b: Position | undefined): Position | undefined =>
  a === undefined ? b : b === undefined ? a : comparePositions(a, b) >= 0 ? a : b;

export interface UnreadTrackerOptions {
  self: MemberKey;
  verifier: Verifier;
  local?(docId: string): DeviceReadState;
  report(docId: string, unread: number): void;
}

/** One per kind of list: the engine has one for conversations and one for community threads. */
export class UnreadTracker {
  #stopped = false;
  #counters = new Map<string, () => Promise<void>>();
  #watched = new WeakSet<DocReplica>();

  constructor(private readonly o: UnreadTrackerOptions) {}

  /**
   * Recounts on every change of the replica until it is destroyed; counts run one at a time per replica.
   * Watching the same replica again (a screen and the sync manager both load it) changes nothing.
   */
  watch(replica: DocReplica): void {
    if (this.#watched.has(replica)) return;
    this.#watched.add(replica);
    let running = false;
    let again = false;
    const count = async (): Promise<void> => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          const local = this.o.local?.(replica.docId);
          const n = await unreadCount(replica.inner, { docId: replica.docId, self: this.o.self, verifier: this.o.verifier, ...(local ? { local } : {}) });
          if (!this.#stopped) this.o.report(replica.docId, n);
        } while (again && !this.#stopped);
      } finally {
        running = false;
      }
    };
    this.#counters.set(replica.docId, count);
    replica.subscribe(() => void count());
    void count();
  }

  /** Counts again now, e.g. after a read position kept only on this device moved. */
  recount(docId: string): void {
    void this.#counters.get(docId)?.();
  }

  /** The replica was destroyed. */
  forget(docId: string): void {
    this.#counters.delete(docId);
  }

  stop(): void {
    this.#stopped = true;
  }
}
