// One document on this device: the outer Y.Doc (signed ciphertext entries, persisted by y-indexeddb and
// synced by y-websocket) and the inner Y.Doc built from it by verifying and decrypting each entry.
// The outer document is the outbox: a local edit is sealed into an entry and appended at once, so nothing
// typed is lost across reloads or while offline.
import * as Y from 'yjs';
import { IndexeddbPersistence, storeState } from 'y-indexeddb';
import { toBase64url } from '../../protocol/base64url';
import { decodeEnvelope } from '../../protocol/envelope';
import { scanUpdate, type ContentKind, type ScanLimits } from '../../protocol/yjs-update-scan';
import type { EngineStore } from './engine-store';
import { entryItems, insertedEntries, isStored, type EntryItem } from './entry-items';
import { decodeInnerCache, encodeInnerCache } from './inner-cache';


/** Each document's outer log lives in its own IndexedDB database, named by this prefix and the document id. */
export const OUTER_DB_PREFIX = 'hasneeds-outer-';
export type EntryKind = 'update' | 'snapshot';

export type OpenedEntry =
  | { ok: true; kind: EntryKind; epoch: number; author: Uint8Array; update: Uint8Array; preview: string | null }
  | { ok: false; code: string };

/** Seals and opens entries of one document: knows its id, its epoch keys, this user's identity and a verifier. */
export interface EntryCodec {
  seal(input: { epoch: number; kind: EntryKind; update: Uint8Array; preview: string | null }): Uint8Array;
  open(bytes: Uint8Array): Promise<OpenedEntry>;
  /** The epoch new entries are written with. */
  writeEpoch(): number;
}

/** Transaction origin of updates that came from entries (never sealed again). */
export const FROM_ENTRIES = Symbol('from-entries');
const SEALING = Symbol('sealing');

/** What a local write may carry besides its inner update: the notification preview. */
export interface WriteOrigin {
  preview?: string;
}

/** Inner updates are written by other members: checked before Yjs sees them. */
export const INNER_LIMITS: ScanLimits = {
  maxBytes: 8 * 1024 * 1024,
  maxStructs: 2_000_000,
  maxLength: 10_000_000,
  maxDepth: 16,
  allowed: new Set<ContentKind>(['deleted', 'json', 'binary', 'string', 'embed', 'format', 'type', 'any']),
};

/** Codes for which an entry may open later (its epoch key has not reached this device yet). */
const RETRYABLE = new Set(['envelope.unknown_epoch']);

export interface ReplicaOptions {
  docId: string;
  codec: EntryCodec;
  store: EngineStore;
  /** This user's Ed25519 public key: own entries are the ones that can be `Pending`. */
  myKey: Uint8Array;
  /** Lets the page breathe between batches while a long history is verified. */
  yieldToEventLoop?: () => Promise<void>;
  /** Entries past this count make the next writer compact into one snapshot. */
  compactAt?: number;
  /** y-indexeddb database name prefix (tests run several devices in one process). */
  outerDbPrefix?: string;
}

export interface FlaggedEntry {
  key: string;
  code: string;
}

const BATCH = 256;
const entryKey = (bytes: Uint8Array): string => toBase64url(bytes.subarray(Math.max(0, bytes.length - 32)));
const sameKey = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

export class DocReplica {
  readonly outer = new Y.Doc();
  readonly entries = this.outer.getArray<Uint8Array>('entries');
  readonly inner = new Y.Doc();
  readonly flagged: FlaggedEntry[] = [];
  /** What the server reported as durably stored (its state vector). */
  readonly stored = new Map<number, number>();

  #processed = new Set<string>();
  /** Own entries the server has not confirmed: entry key -> item id and the message ids it carries. */
  #own = new Map<string, { client: number; clock: number; messageIds: string[] }>();
  #waiting: EntryItem[] = [];
  #queue: EntryItem[] = [];
  #draining: Promise<void> | null = null;
  #persistence: IndexeddbPersistence | null = null;
  #listeners = new Set<() => void>();
  #saveTimer: ReturnType<typeof setTimeout> | null = null;
  #destroyed = false;

  constructor(private readonly options: ReplicaOptions) {}

  get docId(): string {
    return this.options.docId;
  }

  async load(): Promise<void> {
    const { store, docId } = this.options;
    const sealed = await store.open(`inner:${docId}`);
    const cache = sealed ? decodeInnerCache(sealed) : null;
    if (cache) {
      Y.applyUpdate(this.inner, cache.state, FROM_ENTRIES);
      this.#processed = new Set(cache.processed);
    }
    const stored = await store.getMeta<Array<[number, number]>>(`stored:${docId}`);
    for (const [client, clock] of stored ?? []) this.stored.set(client, clock);

    this.#persistence = new IndexeddbPersistence(`${this.options.outerDbPrefix ?? OUTER_DB_PREFIX}${docId}`, this.outer);
    await this.#persistence.whenSynced;

    this.entries.observe((event) => {
      if (event.transaction.origin === SEALING) return;
      this.#enqueue(insertedEntries(event));
    });
    this.inner.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === FROM_ENTRIES || this.#destroyed) return;
      const preview = typeof origin === 'object' && origin !== null && 'preview' in origin ? String((origin as WriteOrigin).preview) : null;
      this.#seal(update, preview);
    });
    this.#enqueue(entryItems(this.entries));
    await this.idle();
    await this.#restorePending();
  }

  /**
   * Own entries processed before a reload are skipped by the drain, yet the server may not have them yet:
   * they stay `Pending`. Only unstored entries whose envelope names this user as author are opened.
   */
  async #restorePending(): Promise<void> {
    const { codec, myKey } = this.options;
    let restored = false;
    for (const item of entryItems(this.entries)) {
      const key = entryKey(item.bytes);
      if (isStored(item, this.stored) || this.#own.has(key)) continue;
      const header = decodeEnvelope(item.bytes);
      if (!header.ok || !sameKey(header.value.author, myKey)) continue;
      const opened = await codec.open(item.bytes);
      if (!opened.ok) continue;
      this.#own.set(key, { client: item.client, clock: item.clock, messageIds: messageIdsOf(opened.update) });
      restored = true;
    }
    if (restored) this.#notify();
  }

  /** Resolves once every entry received so far is processed. */
  async idle(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  /** Runs a local change on the inner document; it becomes one signed entry in the outbox. */
  write(change: (inner: Y.Doc) => void, origin: WriteOrigin = {}): void {
    this.inner.transact(() => change(this.inner), origin);
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Message ids carried by own entries the server has not stored yet. */
  pendingMessageIds(): Set<string> {
    const ids = new Set<string>();
    for (const own of this.#own.values()) for (const id of own.messageIds) ids.add(id);
    return ids;
  }

  hasPending(): boolean {
    return this.#own.size > 0;
  }

  /** Resolves true once the server has every entry this device wrote, or false if it does not within `ms`. */
  flushed(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (!this.hasPending()) return resolve(true);
      const timer = setTimeout(() => done(false), ms);
      const stop = this.subscribe(() => {
        if (!this.hasPending()) done(true);
      });
      function done(value: boolean) {
        clearTimeout(timer);
        stop();
        resolve(value);
      }
    });
  }

  /** The server's stored state vector arrived: own entries inside it are no longer pending. */
  markStored(vector: Map<number, number>): void {
    let changed = false;
    for (const [client, clock] of vector) {
      if (clock > (this.stored.get(client) ?? 0)) {
        this.stored.set(client, clock);
        changed = true;
      }
    }
    if (!changed) return;
    for (const [key, own] of this.#own) if (isStored(own, this.stored)) this.#own.delete(key);
    void this.options.store.putMeta(`stored:${this.options.docId}`, [...this.stored]);
    this.#notify();
  }

  /** Retries entries whose epoch key was missing (call after new keys arrived). */
  retryWaiting(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    this.#enqueue(waiting);
  }

  async destroy(): Promise<void> {
    await this.idle();
    await this.#saveCache();
    this.#destroyed = true;
    if (this.#saveTimer) clearTimeout(this.#saveTimer);
    await this.#persistence?.destroy();
    this.outer.destroy();
    this.inner.destroy();
    this.#listeners.clear();
  }

  /**
   * Appends one snapshot of the whole inner state at the newest epoch, removing nothing: after a rotation that a
   * newcomer must not read past, it gives them the document as it stands without the entries that built it.
   * False when the state is past the snapshot size cap.
   */
  appendSnapshot(): boolean {
    const { codec } = this.options;
    let bytes: Uint8Array;
    try {
      bytes = codec.seal({ epoch: codec.writeEpoch(), kind: 'snapshot', update: Y.encodeStateAsUpdate(this.inner), preview: null });
    } catch {
      return false;
    }
    const key = entryKey(bytes);
    this.#processed.add(key);
    const id = { client: this.outer.clientID, clock: Y.getState(this.outer.store, this.outer.clientID) };
    this.outer.transact(() => this.entries.push([bytes]), SEALING);
    this.#own.set(key, { ...id, messageIds: [] });
    this.#scheduleSave();
    this.#notify();
    return true;
  }

  #seal(update: Uint8Array, preview: string | null): void {
    const { codec } = this.options;
    const bytes = codec.seal({ epoch: codec.writeEpoch(), kind: 'update', update, preview });
    const key = entryKey(bytes);
    this.#processed.add(key);
    // The item about to be pushed gets this id; it decides `Pending`.
    const id = { client: this.outer.clientID, clock: Y.getState(this.outer.store, this.outer.clientID) };
    this.outer.transact(() => this.entries.push([bytes]), SEALING);
    this.#own.set(key, { ...id, messageIds: messageIdsOf(update) });
    this.#scheduleSave();
    this.#maybeCompact();
    this.#notify();
  }

  #enqueue(items: EntryItem[]): void {
    if (items.length === 0) return;
    this.#queue.push(...items);
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = null;
    });
  }

  async #drain(): Promise<void> {
    const { codec, myKey } = this.options;
    let applied = false;
    while (this.#queue.length > 0 && !this.#destroyed) {
      // Entries already folded into the sealed inner state are passed over without a pause: on a cold open they
      // are the whole log, and a yield per batch of them (a clamped timer each) cost more than the rest of the load.
      const batch: EntryItem[] = [];
      let taken = 0;
      while (taken < this.#queue.length && batch.length < BATCH) {
        const entry = this.#queue[taken++]!;
        if (!this.#processed.has(entryKey(entry.bytes))) batch.push(entry);
      }
      this.#queue.splice(0, taken);
      const opened = await Promise.all(batch.map((e) => codec.open(e.bytes)));
      if (batch.length === 0) continue;
      if (this.#destroyed) return;
      this.inner.transact(() => {
        batch.forEach((entry, i) => {
          const result = opened[i]!;
          const key = entryKey(entry.bytes);
          if (!result.ok) {
            if (RETRYABLE.has(result.code)) this.#waiting.push(entry);
            else {
              this.#processed.add(key);
              this.flagged.push({ key, code: result.code });
            }
            return;
          }
          // A malformed or oversized inner update from a member is dropped and flagged, never applied blindly.
          if (!scanUpdate(result.update, INNER_LIMITS).ok) {
            this.#processed.add(key);
            this.flagged.push({ key, code: 'entry.bad_inner_update' });
            return;
          }
          Y.applyUpdate(this.inner, result.update, FROM_ENTRIES);
          this.#processed.add(key);
          applied = true;
          if (sameKey(result.author, myKey) && !isStored(entry, this.stored)) {
            this.#own.set(key, { client: entry.client, clock: entry.clock, messageIds: messageIdsOf(result.update) });
          }
        });
      }, FROM_ENTRIES);
      await (this.options.yieldToEventLoop ?? defaultYield)();
    }
    if (applied) this.#scheduleSave();
    this.#notify();
  }

  /** Past the threshold, the writer replaces the processed log by one snapshot entry in one outer update. */
  #maybeCompact(): void {
    const threshold = this.options.compactAt ?? 500;
    if (this.entries.length <= threshold || this.#queue.length > 0 || this.#waiting.length > 0) return;
    const items = entryItems(this.entries);
    if (!items.every((e) => this.#processed.has(entryKey(e.bytes)))) return;
    const { codec } = this.options;
    let snapshot: Uint8Array;
    try {
      snapshot = codec.seal({ epoch: codec.writeEpoch(), kind: 'snapshot', update: Y.encodeStateAsUpdate(this.inner), preview: null });
    } catch {
      // Past the snapshot size cap (about 10,000 short messages) the log stays as it is: nothing is lost,
      // it only loads slower. Splitting history into several snapshots is future work.
      return;
    }
    const key = entryKey(snapshot);
    const id = { client: this.outer.clientID, clock: Y.getState(this.outer.store, this.outer.clientID) };
    this.outer.transact(() => {
      this.entries.delete(0, this.entries.length);
      this.entries.push([snapshot]);
    }, SEALING);
    this.#processed = new Set([key]);
    // Rewrite the local log now, so the removed entries are not re-read on every open until y-indexeddb's own trim.
    if (this.#persistence) void storeState(this.#persistence, true);
    // Own entries compacted before the server stored them stay pending until the snapshot is stored.
    const carried = [...this.#own.values()].flatMap((o) => o.messageIds);
    this.#own.clear();
    this.#own.set(key, { ...id, messageIds: carried });
    this.#scheduleSave();
  }

  #scheduleSave(): void {
    if (this.#saveTimer || this.#destroyed) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = null;
      void this.#saveCache();
    }, 300);
  }

  async #saveCache(): Promise<void> {
    if (this.#destroyed) return;
    const state = Y.encodeStateAsUpdate(this.inner);
    await this.options.store.seal(`inner:${this.options.docId}`, encodeInnerCache({ state, processed: [...this.#processed] }));
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

/** Ids of messages an inner update creates: new keys of the root `messages` map. */
function messageIdsOf(update: Uint8Array): string[] {
  const scanned = scanUpdate(update, INNER_LIMITS);
  if (!scanned.ok) return [];
  return scanned.value.items.filter((i) => i.parentKey === 'messages' && i.parentSub !== null).map((i) => i.parentSub!);
}

const defaultYield = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
