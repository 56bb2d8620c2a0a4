// Feeds the search index from the replicas and keeps it in the engine store, one sealed shard per document
// (`search:<docId>`, AES-GCM under the device key), so search works offline and across reloads, and an update
// to one conversation rewrites only that conversation's shard. Deleted messages leave the index and, on the
// next save, the shard.
import * as Y from 'yjs';
import { z } from 'zod';
import type { Verifier } from '../../crypto';
import { compareEdits, conversationParts, EditRecord, MessageEntry, verifyEdit, verifyMessage, type MessageRecord } from '../../docs';
import { toBase64url } from '../../protocol/base64url';
import type { DocReplica } from './doc-replica';
import type { EngineStore } from './engine-store';
import { SearchIndex, type IndexedMessage, type SearchHit } from './search-index';

const SHARD_VERSION = 1;
/** A shard as stored: the inner state vector it reflects, then [messageId, author, sentAt, body, verified]. */
const Shard = z.object({
  v: z.literal(SHARD_VERSION),
  sv: z.string(),
  m: z.array(z.tuple([z.string(), z.string(), z.int().min(0), z.string(), z.boolean()])),
});
type Shard = z.infer<typeof Shard>;

const shardName = (docId: string) => `search:${docId}`;
const text = new TextEncoder();
const untext = new TextDecoder();
const VERIFY_BATCH = 256;

export interface SearchResult extends SearchHit {
  authorName: string;
}

export interface SearchStoreOptions {
  store: EngineStore;
  verifier: Verifier;
  /** Documents this device is a member of: results from any other are left out. */
  knownDocs(): string[];
  nameOf(docId: string, memberKey: string): string;
  /** Failures no caller waits for (never message content). */
  report?(what: string, error: unknown): void;
  saveDelayMs?: number;
}

interface Candidate {
  entry: MessageRecord;
  edits: EditRecord[];
}

export class SearchStore {
  readonly index = new SearchIndex();
  /** docId -> the state vector the loaded shard reflected (null when there was none). */
  readonly #loaded = new Map<string, Promise<string | null>>();
  /** docId -> the state vector the index reflects now, saved with the shard. */
  readonly #indexed = new Map<string, string>();
  readonly #dirty = new Set<string>();
  /** One chain of work per document: updates apply in the order they were read. */
  readonly #work = new Map<string, Promise<void>>();
  #saveTimer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;

  constructor(private readonly o: SearchStoreOptions) {}

  /** Indexes the replica now if the shard is behind it, then every change to its messages and edits. */
  watch(replica: DocReplica): void {
    const { messages, edits } = conversationParts(replica.inner);
    let changed = new Set<string>();
    const take = () => {
      const ids = changed;
      changed = new Set();
      return ids;
    };
    messages.observe((event) => {
      for (const key of event.keysChanged) changed.add(key);
      this.#enqueue(replica.docId, () => this.#update(replica, take()));
    });
    edits.observe((event) => {
      for (const key of event.keysChanged) changed.add(key.slice(0, key.indexOf(':')));
      this.#enqueue(replica.docId, () => this.#update(replica, take()));
    });
    this.#enqueue(replica.docId, () => this.#catchUp(replica));
  }

  async search(query: string, options: { limit?: number } = {}): Promise<SearchResult[]> {
    const docs = this.o.knownDocs();
    await Promise.all(docs.map((docId) => this.#load(docId)));
    // Work already queued (a message that just arrived) lands before the answer.
    await Promise.all(docs.map((docId) => this.#work.get(docId)));
    return this.index
      .search(query, { limit: options.limit ?? 50, docs: new Set(docs) })
      .map((hit) => ({ ...hit, authorName: this.o.nameOf(hit.docId, hit.author) }));
  }

  /** Drops a document this device no longer belongs to, from memory and from the store. */
  async forget(docId: string): Promise<void> {
    await this.#work.get(docId);
    this.index.removeDoc(docId);
    this.#indexed.delete(docId);
    this.#dirty.delete(docId);
    this.#loaded.set(docId, Promise.resolve(null));
    await this.o.store.remove(shardName(docId));
  }

  /** Finishes queued work and saves; after this nothing more is written (the store is about to close). */
  async stop(): Promise<void> {
    while (this.#work.size > 0) await Promise.all([...this.#work.values()]);
    this.#stopped = true;
    if (this.#saveTimer) clearTimeout(this.#saveTimer);
    this.#saveTimer = null;
    await this.#save();
  }

  #enqueue(docId: string, job: () => Promise<void>): void {
    if (this.#stopped) return;
    const previous = this.#work.get(docId) ?? Promise.resolve();
    const next = previous
      .then(job)
      .catch((error: unknown) => this.o.report?.('search index update', error))
      .finally(() => {
        if (this.#work.get(docId) === next) this.#work.delete(docId);
      });
    this.#work.set(docId, next);
  }

  #load(docId: string): Promise<string | null> {
    let loading = this.#loaded.get(docId);
    if (!loading) {
      loading = this.#readShard(docId);
      this.#loaded.set(docId, loading);
    }
    return loading;
  }

  async #readShard(docId: string): Promise<string | null> {
    const sealed = await this.o.store.open(shardName(docId));
    if (!sealed) return null;
    let shard: Shard;
    try {
      const parsed = Shard.safeParse(JSON.parse(untext.decode(sealed)));
      if (!parsed.success) return null;
      shard = parsed.data;
    } catch {
      // Unreadable: rebuilt from the replica the next time it loads.
      return null;
    }
    for (const [messageId, author, sentAt, body, verified] of shard.m) this.index.upsert({ docId, messageId, author, sentAt, body, verified });
    this.#indexed.set(docId, shard.sv);
    return shard.sv;
  }

  /** A shard behind the replica (first run, a save that never happened, writes while unwatched): reconcile. */
  async #catchUp(replica: DocReplica): Promise<void> {
    const { docId, inner } = replica;
    const stored = await this.#load(docId);
    const vector = toBase64url(Y.encodeStateVector(inner));
    if (stored === vector) return;
    const { messages, edits } = conversationParts(inner);
    const live = new Set<string>();
    const editsBy = groupEdits(edits, null);
    const candidates: Candidate[] = [];
    messages.forEach((raw, key) => {
      const parsed = MessageEntry.safeParse(raw);
      if (!parsed.success || parsed.data.id !== key || parsed.data.type === 'tombstone') return;
      const entry = parsed.data;
      live.add(entry.id);
      const own = (editsBy.get(entry.id) ?? []).filter((e) => e.author === entry.author);
      // Unchanged since the shard was written: no need to verify it again.
      const latest = own.sort((a, b) => compareEdits(b, a))[0];
      const indexed = this.index.get(docId, entry.id);
      if (indexed && indexed.body === (latest?.body ?? entry.body) && indexed.sentAt === entry.sentAt && indexed.author === entry.author) return;
      candidates.push({ entry, edits: own });
    });
    for (const message of this.index.messagesOf(docId)) if (!live.has(message.messageId)) this.index.remove(docId, message.messageId);
    await this.#apply(docId, candidates);
    this.#indexed.set(docId, vector);
    this.#markDirty(docId);
  }

  async #update(replica: DocReplica, ids: Set<string>): Promise<void> {
    if (ids.size === 0) return;
    const { docId, inner } = replica;
    await this.#load(docId);
    // Read now, in one go: what the document says at this point, whatever arrives while verifying.
    const { messages, edits } = conversationParts(inner);
    const editsBy = groupEdits(edits, ids);
    const candidates: Candidate[] = [];
    for (const id of ids) {
      const parsed = MessageEntry.safeParse(messages.get(id));
      if (!parsed.success || parsed.data.id !== id || parsed.data.type === 'tombstone') {
        this.index.remove(docId, id);
        continue;
      }
      const entry = parsed.data;
      candidates.push({ entry, edits: (editsBy.get(id) ?? []).filter((e) => e.author === entry.author) });
    }
    const vector = toBase64url(Y.encodeStateVector(inner));
    await this.#apply(docId, candidates);
    this.#indexed.set(docId, vector);
    this.#markDirty(docId);
  }

  /** Verifies as the conversation view does: the newest edit by the author that verifies wins. */
  async #apply(docId: string, candidates: Candidate[]): Promise<void> {
    const opts = { verifier: this.o.verifier };
    for (let i = 0; i < candidates.length; i += VERIFY_BATCH) {
      const batch = candidates.slice(i, i + VERIFY_BATCH);
      const indexed = await Promise.all(
        batch.map(async ({ entry, edits }): Promise<IndexedMessage> => {
          const verified = await verifyMessage(docId, entry, opts);
          let body = entry.body;
          for (const edit of [...edits].sort((a, b) => compareEdits(b, a))) {
            if (await verifyEdit(docId, edit, opts)) {
              body = edit.body;
              break;
            }
          }
          return { docId, messageId: entry.id, author: entry.author, sentAt: entry.sentAt, body, verified };
        }),
      );
      for (const message of indexed) this.index.upsert(message);
    }
  }

  #markDirty(docId: string): void {
    this.#dirty.add(docId);
    if (this.#saveTimer || this.#stopped) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = null;
      this.#save().catch((error: unknown) => this.o.report?.('search index save', error));
    }, this.o.saveDelayMs ?? 500);
  }

  async #save(): Promise<void> {
    const dirty = [...this.#dirty];
    this.#dirty.clear();
    for (const docId of dirty) {
      const shard: Shard = {
        v: SHARD_VERSION,
        sv: this.#indexed.get(docId) ?? '',
        m: this.index.messagesOf(docId).map((m) => [m.messageId, m.author, m.sentAt, m.body, m.verified]),
      };
      await this.o.store.seal(shardName(docId), text.encode(JSON.stringify(shard)));
    }
  }
}

/** Edits per message id (all of them, or only for `ids`), parsed; the key names the message (layout.ts). */
function groupEdits(edits: Y.Map<unknown>, ids: ReadonlySet<string> | null): Map<string, EditRecord[]> {
  const out = new Map<string, EditRecord[]>();
  edits.forEach((raw, key) => {
    const messageId = key.slice(0, key.indexOf(':'));
    if (ids && !ids.has(messageId)) return;
    const parsed = EditRecord.safeParse(raw);
    if (!parsed.success || parsed.data.messageId !== messageId) return;
    const list = out.get(messageId);
    if (list) list.push(parsed.data);
    else out.set(messageId, [parsed.data]);
  });
  return out;
}
