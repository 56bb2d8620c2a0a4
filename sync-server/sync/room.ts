// One open document: the sockets on it and what is needed to answer sync without a Y.Doc.
// A room exists only while a socket has it open; closing the last socket frees everything.
import * as Y from 'yjs';
import { scanUpdate, type ContentKind } from '../../lib/protocol/yjs-update-scan';
import type { DocStore } from './doc-store';
import { RangeSet } from './range-set';
import type { RoomAccess } from './room-access';
import type { RoomView } from './validate-update';

export interface SyncPeer {
  readonly accountId: string;
  /** The event stream of the engine that opened this socket (`?stream=`), when it named one. */
  readonly stream: string | null;
  send(frame: Uint8Array): void;
  close(code: number, reason: string): void;
}

/** Stored updates are our own, already validated: generous limits, still bounded. */
const STORED_LIMITS = {
  maxBytes: 512 * 1024 * 1024,
  maxStructs: 50_000_000,
  maxLength: Number.MAX_SAFE_INTEGER,
  maxDepth: 0,
  allowed: new Set<ContentKind>(['binary', 'deleted']),
};

/** Merge the stored rows of a document into one once there are this many. */
const MERGE_ROWS_AT = 256;

export class Room implements RoomView {
  readonly peers = new Set<SyncPeer>();
  /** Updates being validated or committed right now. */
  inflight = 0;
  readonly stateVector = new Map<number, number>();
  /** State vector of what is durably committed: what `stored` frames report. */
  readonly committedVector = new Map<number, number>();
  readonly pendingSignatures = new Set<string>();
  /** Client ids bound by updates being committed (the committed ones are in `access`). */
  readonly pendingClients = new Map<number, string>();
  /** Sockets here per named event stream (`accountId stream`): those streams need no `changed` for this room. */
  readonly streams = new Map<string, number>();
  /** Each socket with a named stream -> seq of the last others' commit relayed to it (0: none), told to its stream as it leaves. */
  readonly relayedSeq = new Map<SyncPeer, number>();
  /** The document's sequence number after the last commit seen by this room (0 before any). */
  seq = 0;
  readonly deleted = new RangeSet();
  /** Awareness client id -> its last state (relayed, never stored; encrypted by the clients). */
  readonly awareness = new Map<number, { peer: SyncPeer; clock: number; state: string }>();
  /** Awareness client id -> the peer that first used it, for as long as that peer is here. */
  readonly awarenessOwners = new Map<number, SyncPeer>();
  #updates: Uint8Array[];
  /** Rows this document has in the database; the in-memory list is merged more often than they are. */
  #rows: number;
  /** Lets go of the document's entry signatures held in memory for the replay check. */
  readonly #releaseSignatures: () => void;

  constructor(
    readonly docId: string,
    private readonly store: DocStore,
    readonly access: RoomAccess,
  ) {
    this.#updates = store.loadUpdates(docId);
    this.#rows = this.#updates.length;
    if (this.#updates.length > 0) {
      const merged = this.#merged();
      const scanned = scanUpdate(merged, STORED_LIMITS);
      if (!scanned.ok) throw new Error(`stored updates of a document do not scan: ${scanned.code}`);
      for (const item of [...scanned.value.items, ...scanned.value.placeholders]) {
        const end = item.clock + item.length;
        if (end > (this.stateVector.get(item.client) ?? 0)) this.stateVector.set(item.client, end);
        if (!('kind' in item) || item.kind === 'deleted') this.deleted.add(item.client, item.clock, item.length);
      }
      for (const d of scanned.value.deletes) this.deleted.add(d.client, d.clock, d.length);
      for (const [client, clock] of this.stateVector) this.committedVector.set(client, clock);
    }
    // Last: a constructor that throws above holds nothing.
    this.#releaseSignatures = store.holdSignatures(docId);
  }

  /** The service forgot this room (no socket, nothing in flight, or dropped): what it held in memory goes. */
  close(): void {
    this.#releaseSignatures();
  }

  /** Everything stored, as one update; collapses the in-memory list so the next call is cheap. */
  #merged(): Uint8Array {
    if (this.#updates.length === 0) return Y.mergeUpdates([]);
    if (this.#updates.length > 1) this.#updates = [Y.mergeUpdates(this.#updates)];
    // Count rows, not list entries: a reader joining now and then empties the list long before 256.
    if (this.#rows >= MERGE_ROWS_AT) {
      this.store.replaceUpdates(this.docId, this.#updates[0]!, this.#rows);
      this.#rows = 1;
    }
    return this.#updates[0]!;
  }

  clientOwner(clientId: number): string | undefined {
    return this.pendingClients.get(clientId) ?? this.access.clientOwner(clientId);
  }

  /** Sync step 2 for a client that sent its state vector. */
  diffFor(stateVector: Uint8Array): Uint8Array {
    return Y.diffUpdate(this.#merged(), stateVector);
  }

  encodedStateVector(map: Map<number, number> = this.stateVector): Uint8Array {
    return Y.encodeStateVector(map);
  }

  /** Called once an accepted update is on disk; `removed` when it deleted entries (a compaction). */
  committed(update: Uint8Array, advances: Map<number, number>, removed = false): void {
    this.#updates.push(update);
    this.#rows++;
    for (const [client, end] of advances) {
      if (end > (this.committedVector.get(client) ?? 0)) this.committedVector.set(client, end);
    }
    if (removed && !this.#collectScheduled) {
      this.#collectScheduled = true;
      // After the relays of this turn went out: the compaction's point is that the server forgets.
      setImmediate(() => this.#collect());
    }
  }

  #collectScheduled = false;

  /**
   * Rewrites the stored rows without the content of removed entries. Yjs merges keep deleted content;
   * a garbage-collecting Y.Doc replaces it with placeholders. Our own validated data, once per compaction.
   */
  #collect(): void {
    this.#collectScheduled = false;
    const doc = new Y.Doc({ gc: true });
    try {
      Y.applyUpdate(doc, this.#merged());
      const collected = Y.encodeStateAsUpdate(doc);
      this.store.replaceUpdates(this.docId, collected, this.#rows);
      this.#updates = [collected];
      this.#rows = 1;
    } finally {
      doc.destroy();
    }
  }

  broadcast(frame: Uint8Array, except?: SyncPeer): void {
    for (const peer of this.peers) if (peer !== except) peer.send(frame);
  }
}
