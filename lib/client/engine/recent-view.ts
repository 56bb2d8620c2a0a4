// The newest messages of a conversation as this device last listed them (signatures checked, text decrypted),
// sealed with the device key like the inner cache: a conversation opened cold shows them at once, while its
// replica loads, and the full listing then replaces them. Any change to what they show (a new message, an edit,
// a deletion, Pending cleared) rewrites the record soon after, so deleted text stays at rest no longer than in
// the inner cache (whose save waits as long).
import { z } from 'zod';
import { MemberKey, MessageId } from '../../docs';
import type { DocReplica } from './doc-replica';
import type { EngineStore } from './engine-store';

/** Enough for the first screen of the message list. */
export const RECENT_COUNT = 50;
/** A rewrite waits this long for more changes (a burst of arriving entries), as the inner cache's save does. */
const WRITE_DELAY_MS = 300;

const RecentMessage = z.object({
  id: MessageId,
  author: MemberKey,
  body: z.string().nullable(),
  sentAt: z.number(),
  replyTo: MessageId.nullable(),
  edited: z.boolean(),
  editedAt: z.number().nullable(),
  deleted: z.boolean(),
  verified: z.boolean(),
  reactions: z.array(z.object({ emoji: z.string(), count: z.int().min(0), members: z.array(MemberKey) })),
  /** Mine and not yet stored by the server, when listed. */
  pending: z.boolean(),
});

/** Oldest first, the newest RECENT_COUNT (after "Delete my copy"), and how many the whole conversation has. */
export const RecentView = z.object({
  total: z.int().min(0),
  messages: z.array(RecentMessage).max(RECENT_COUNT),
});
export type RecentView = z.infer<typeof RecentView>;

const RecentRecord = z.object({ version: z.literal(1), view: RecentView });

export const recentName = (docId: string) => `recent:${docId}`;

export interface RecentViewsOptions {
  store: EngineStore;
  /** The newest RECENT_COUNT messages of a loaded replica, listed (and verified) as the screen lists them. */
  list(replica: DocReplica): Promise<RecentView>;
  /** Failures no caller waits for; never message content. */
  report?(what: string, error: unknown): void;
  delayMs?: number;
}

interface Watched {
  timer: ReturnType<typeof setTimeout> | null;
  stop(): void;
}

const text = new TextEncoder();
const untext = new TextDecoder();

export class RecentViews {
  /** Each document's record as sealed (JSON), where known: a listing that changed nothing is not sealed again. */
  #sealed = new Map<string, string>();
  #watched = new Map<DocReplica, Watched>();
  /** Writes of one document run one after another. */
  #writes = new Map<string, Promise<void>>();

  constructor(private readonly o: RecentViewsOptions) {}

  /** Null when there is none, or it does not open and parse (it is rebuilt at the next listing). */
  async read(docId: string): Promise<RecentView | null> {
    const sealed = await this.o.store.open(recentName(docId));
    if (!sealed) return null;
    const json = untext.decode(sealed);
    let parsed: ReturnType<typeof RecentRecord.safeParse>;
    try {
      parsed = RecentRecord.safeParse(JSON.parse(json));
    } catch {
      return null;
    }
    if (!parsed.success) return null;
    if (!this.#writes.has(docId)) this.#sealed.set(docId, json);
    return parsed.data.view;
  }

  /** Keeps the record of a loaded replica current, from now until `unwatch`. */
  watch(replica: DocReplica): void {
    if (this.#watched.has(replica)) return;
    const watched: Watched = { timer: null, stop: () => {} };
    this.#watched.set(replica, watched);
    watched.stop = replica.subscribe(() => this.#schedule(replica));
    // Once on load as well: there may be no record yet, or one from before the entries that just arrived.
    this.#schedule(replica);
  }

  /** The replica is about to close: a rewrite it still owes is done now, and nothing follows it. */
  async unwatch(replica: DocReplica): Promise<void> {
    const watched = this.#watched.get(replica);
    if (!watched) return;
    this.#watched.delete(replica);
    watched.stop();
    if (watched.timer) {
      clearTimeout(watched.timer);
      await this.#write(replica);
    } else {
      await this.#writes.get(replica.docId);
    }
  }

  /** The document's data is being wiped (the engine removes the record with the rest): forget what it held. */
  forget(docId: string): void {
    this.#sealed.delete(docId);
  }

  #schedule(replica: DocReplica): void {
    const watched = this.#watched.get(replica);
    if (!watched || watched.timer) return;
    watched.timer = setTimeout(() => {
      watched.timer = null;
      void this.#write(replica);
    }, this.o.delayMs ?? WRITE_DELAY_MS);
  }

  #write(replica: DocReplica): Promise<void> {
    const { docId } = replica;
    const previous = this.#writes.get(docId) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        const json = JSON.stringify({ version: 1, view: await this.o.list(replica) });
        if (this.#sealed.get(docId) === json) return;
        await this.o.store.seal(recentName(docId), text.encode(json));
        this.#sealed.set(docId, json);
      })
      .catch((error: unknown) => this.o.report?.('saving the recent messages', error))
      .finally(() => {
        if (this.#writes.get(docId) === next) this.#writes.delete(docId);
      });
    this.#writes.set(docId, next);
    return next;
  }
}
