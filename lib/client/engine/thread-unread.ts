// Unread posts per community thread, as the engine's thread UnreadTracker counts them, kept in the communities'
// sealed list cache: the community home, its channels, the Communities list and the navigation sum them from here.
import type * as Y from 'yjs';
import { z } from 'zod';
import { communityParts, ThreadIndexEntry, type Position } from '../../docs';
import { DevicePosition } from './unread';

export const ThreadUnreadCache = z.object({
  /**
   * Non-zero counts only, per community and then thread: a total sums a community's unread threads, never
   * all of its threads (there may be thousands).
   */
  counts: z.record(z.string(), z.record(z.string(), z.int().min(1))).default({}),
  /** My read position per thread kept on this device only (read receipts off). */
  reads: z.record(z.string(), DevicePosition).default({}),
});
export type ThreadUnreadCache = z.infer<typeof ThreadUnreadCache>;

export const emptyThreadUnread = (): ThreadUnreadCache => ({ counts: {}, reads: {} });

export interface ThreadUnreadDeps {
  /** The cache object as the communities hold it now (replaced when the sealed list loads). */
  data(): ThreadUnreadCache;
  /** The community a listed thread belongs to; undefined for a community document or an unlisted one. */
  communityOf(threadId: string): string | undefined;
  /** Something changed that the sealed list should keep. */
  save(): void;
}

export class ThreadUnread {
  #listeners = new Set<() => void>();

  constructor(private readonly deps: ThreadUnreadDeps) {}

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Unread posts of one thread. */
  count(communityId: string, threadId: string): number {
    return this.deps.data().counts[communityId]?.[threadId] ?? 0;
  }

  /** The unread threads of a community and their counts (threads with none are absent). */
  byThread(communityId: string): Readonly<Record<string, number>> {
    return this.deps.data().counts[communityId] ?? {};
  }

  /** Unread posts across a community's threads. */
  total(communityId: string): number {
    return sum(this.byThread(communityId));
  }

  /** Unread posts across every community: added to the Communities link in the main navigation. */
  grandTotal(): number {
    return Object.values(this.deps.data().counts).reduce((n, threads) => n + sum(threads), 0);
  }

  /** From the UnreadTracker: a thread's count changed (or was first counted). */
  set(threadId: string, count: number): void {
    const communityId = this.deps.communityOf(threadId);
    if (communityId === undefined || this.count(communityId, threadId) === count) return;
    const counts = this.deps.data().counts;
    const threads = (counts[communityId] ??= {});
    if (count > 0) threads[threadId] = count;
    else delete threads[threadId];
    if (Object.keys(threads).length === 0) delete counts[communityId];
    this.#changed();
  }

  /** My read position in a thread kept on this device only. */
  localRead(threadId: string): Position | undefined {
    return this.deps.data().reads[threadId] as Position | undefined;
  }

  setLocalRead(threadId: string, position: Position): void {
    this.deps.data().reads[threadId] = position;
    this.deps.save();
  }

  /** A community left this device: its counts and read positions go with it. */
  forget(communityId: string, threadIds: readonly string[]): void {
    const data = this.deps.data();
    const had = data.counts[communityId] !== undefined;
    delete data.counts[communityId];
    for (const id of threadIds) delete data.reads[id];
    if (had) this.#changed();
  }

  #changed(): void {
    this.deps.save();
    for (const listener of [...this.#listeners]) listener();
  }
}

/** What channelUnread needs of the communities: the counts and a hold on the community document. */
export interface ChannelUnreadHost {
  readonly unread: ThreadUnread;
  acquire(docId: string): Promise<{ replica: { inner: Y.Doc } }>;
  release(docId: string): void;
  view(docId: string): { id: string } | undefined;
}

/** Unread posts per channel id of one community (empty when nothing is unread: the document is not loaded). */
export async function channelUnread(communities: ChannelUnreadHost, communityId: string): Promise<Record<string, number>> {
  const counts = communities.unread.byThread(communityId);
  if (Object.keys(counts).length === 0 || communities.view(communityId)?.id !== communityId) return {};
  const { replica } = await communities.acquire(communityId);
  try {
    return unreadByChannel(replica.inner, counts);
  } finally {
    communities.release(communityId);
  }
}

/**
 * Unread posts per channel id, reading the thread index of the community document for the unread threads only.
 * A thread whose index entry has not arrived yet counts for no channel (it still counts for the community).
 */
export function unreadByChannel(community: Y.Doc, counts: Readonly<Record<string, number>>): Record<string, number> {
  const index = communityParts(community).threads;
  const out: Record<string, number> = {};
  for (const [threadId, n] of Object.entries(counts)) {
    const entry = ThreadIndexEntry.safeParse(index.get(threadId));
    if (entry.success) out[entry.data.channel] = (out[entry.data.channel] ?? 0) + n;
  }
  return out;
}

const sum = (counts: Readonly<Record<string, number>>): number => Object.values(counts).reduce((n, c) => n + c, 0);
