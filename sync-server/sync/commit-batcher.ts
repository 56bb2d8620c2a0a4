// Batches accepted updates committed in the same event-loop turn into one durable transaction:
// full durability (synchronous=FULL) at close to the cost of NORMAL. Nothing is relayed before its commit.
import type { CommitItem } from './doc-store';

interface Waiting {
  item: CommitItem;
  resolve: (seq: number) => void;
  reject: (error: unknown) => void;
}

export class CommitBatcher {
  #queue: Waiting[] = [];
  #scheduled = false;

  constructor(
    private readonly commit: (batch: CommitItem[]) => Map<string, number>,
    /** Runs once per batch, after the reactions to every item's promise (queued first, so they run first). */
    private readonly afterBatch: () => void = () => {},
  ) {}

  /** Resolves with the document's sequence number once the update is on disk. */
  enqueue(item: CommitItem): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  get pending(): number {
    return this.#queue.length;
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    let seqs: Map<string, number>;
    try {
      seqs = this.commit(batch.map((w) => w.item));
    } catch (error) {
      for (const w of batch) w.reject(error);
      queueMicrotask(this.afterBatch);
      return;
    }
    for (const w of batch) w.resolve(seqs.get(w.item.docId) ?? 0);
    queueMicrotask(this.afterBatch);
  }

  /** Commits whatever is queued now (used at shutdown). */
  flushNow(): void {
    this.#flush();
  }
}
