// Keeps every document current with a handful of sockets: one per-device event stream (`{id, seq}` only),
// one socket for the document on screen, and a few short-lived syncs for documents that changed or hold
// unsent writes. A person in 500 conversations never holds 500 sockets.
import { EVENTS_ROOM, STREAM_PARAM, StreamEvent } from '../../protocol/api-docs';
import { DocConnection, type SocketTransport } from './doc-connection';
import type { DocReplica } from './doc-replica';
import type { EngineStore } from './engine-store';

export interface SyncManagerOptions {
  transport: SocketTransport;
  store: EngineStore;
  /** Loads (or returns the loaded) replica of a document. */
  replica(docId: string): Promise<DocReplica>;
  /** A replica no longer needed in memory (not on screen, synced). */
  release(docId: string): void;
  /** Documents this device knows it belongs to (from the cached list). */
  knownDocs(): string[];
  onMembership(docId: string): void;
  /** The server refused this device's writes (request cap, block, no longer a member). */
  onRefused?(docId: string, code: string): void;
  /** Whether the document is kept in sync at all (a conversation hidden by "Delete my copy" is not). */
  wanted?(docId: string): boolean;
  onDocSynced?(docId: string): void;
  /** A socket closed with 4401; `reason` is the server's code (`account.deleted`, `auth.session_revoked`). */
  onSignedOut(reason: string): void;
  maxShortSyncs?: number;
  shortSyncTimeoutMs?: number;
}

interface Short {
  /** Null while the replica loads: the slot is taken before any await, so the cap holds. */
  connection: DocConnection | null;
  seq: number;
}

export class SyncManager {
  #events: WebSocket | null = null;
  #eventsAttempt = 0;
  #eventsTimer: ReturnType<typeof setTimeout> | null = null;
  /** The document on screen; `connection` is null while its replica loads. */
  #open: { docId: string; connection: DocConnection | null } | null = null;
  #short = new Map<string, Short>();
  #queue = new Set<string>();
  /** Latest sequence number the server announced per document. */
  #announced = new Map<string, number>();
  /** Sequence number this device is known to be current with, per document. */
  #synced = new Map<string, number>();
  #stopped = true;

  constructor(private readonly options: SyncManagerOptions) {}

  /** Sockets this manager holds right now (for the "handful of sockets" promise and its test). */
  get socketCount(): number {
    let shorts = 0;
    for (const short of this.#short.values()) if (short.connection) shorts++;
    return (this.#events ? 1 : 0) + (this.#open?.connection ? 1 : 0) + shorts;
  }

  start(): void {
    this.#stopped = false;
    void this.#connectEvents();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#eventsTimer) clearTimeout(this.#eventsTimer);
    this.#eventsTimer = null;
    this.#events?.close(1000);
    this.#events = null;
    // Each short sync releases its own replica when it notices it was stopped.
    const shorts = [...this.#short.values()];
    this.#short.clear();
    for (const short of shorts) short.connection?.stop();
    if (this.#open?.connection) {
      this.#open.connection.stop();
      this.options.release(this.#open.docId);
    }
    this.#open = null;
  }

  /** The document on screen keeps a live socket; null closes it. */
  async setOpen(docId: string | null): Promise<DocConnection | null> {
    if (this.#open?.docId === docId) return this.#open?.connection ?? null;
    const previous = this.#open;
    this.#open = null;
    if (previous?.connection) {
      // Writes the server has not confirmed yet go out through a short sync once the screen moves on.
      const unsent = previous.connection.replica.hasPending();
      previous.connection.stop();
      this.options.release(previous.docId);
      if (unsent) this.schedule(previous.docId);
    }
    if (docId === null || this.#stopped) return null;
    // Claimed before any await: a short sync starting meanwhile sees it and stands down.
    const claim: { docId: string; connection: DocConnection | null } = { docId, connection: null };
    this.#open = claim;
    this.#queue.delete(docId);
    const replica = await this.options.replica(docId);
    // One socket per document: a short sync of it that started first ends now (and releases its own hold).
    const short = this.#short.get(docId);
    if (short) {
      this.#short.delete(docId);
      short.connection?.stop();
    }
    if (this.#open !== claim || this.#stopped) {
      this.options.release(docId);
      return null;
    }
    const connection = this.#connection(replica);
    claim.connection = connection;
    connection.onState((state) => {
      if (state === 'synced') void this.#markSynced(replica, this.#announced.get(docId) ?? 0);
    });
    connection.start();
    return connection;
  }

  /** Asks for a short sync of a document (it changed, or holds unsent writes). */
  schedule(docId: string): void {
    if (this.#stopped || this.#open?.docId === docId || this.#short.has(docId)) return;
    if (this.options.wanted && !this.options.wanted(docId)) return;
    this.#queue.add(docId);
    this.#pump();
  }

  /** Tries again after a refusal that no longer holds (the others accepted the request). */
  retry(docId: string): void {
    const open = this.#open;
    if (open?.docId === docId) {
      if (open.connection?.state === 'refused') open.connection.start();
      return;
    }
    this.schedule(docId);
  }

  #connection(replica: DocReplica): DocConnection {
    return new DocConnection(replica, this.options.transport, {
      onSignedOut: (reason) => this.options.onSignedOut(reason),
      onRefused: (code) => {
        this.options.onRefused?.(replica.docId, code);
        this.options.onMembership(replica.docId);
      },
    });
  }

  #pump(): void {
    const max = this.options.maxShortSyncs ?? 2;
    for (const docId of [...this.#queue]) {
      if (this.#stopped || this.#short.size >= max) return;
      // Already on screen, or already syncing (queued again by a sync that ended meanwhile): never a second socket for
      // one document. It stays queued; the running sync queues it again if it changed after that sync began.
      if (this.#open?.docId === docId) {
        this.#queue.delete(docId);
        continue;
      }
      if (this.#short.has(docId)) continue;
      this.#queue.delete(docId);
      const slot: Short = { connection: null, seq: this.#announced.get(docId) ?? 0 };
      this.#short.set(docId, slot);
      void this.#shortSync(docId, slot);
    }
  }

  async #shortSync(docId: string, slot: Short): Promise<void> {
    const { seq } = slot;
    const replica = await this.options.replica(docId);
    if (this.#stopped || this.#short.get(docId) !== slot) {
      this.options.release(docId);
      this.#pumpLater();
      return;
    }
    const connection = this.#connection(replica);
    slot.connection = connection;
    connection.start();
    const ok = await connection.settled(this.options.shortSyncTimeoutMs ?? 15_000);
    await replica.idle();
    // Pre-empted: the document went on screen (its own socket took over) or the manager stopped.
    const preempted = this.#short.get(docId) !== slot;
    // Stopped either way (a no-op when the document's own socket took over and stopped it already): a socket left
    // open would keep receiving for a replica nobody holds, and the server would count the document as open here.
    connection.stop();
    if (!preempted) this.#short.delete(docId);
    this.options.release(docId);
    // Stopped meanwhile (signed out, engine closing): the store may already be closed.
    if (this.#stopped) return;
    if (ok) await this.#markSynced(replica, seq);
    const changedMeanwhile = (this.#announced.get(docId) ?? 0) > seq;
    if (!preempted && !this.#stopped && connection.state !== 'refused' && (!ok || changedMeanwhile)) this.#queue.add(docId);
    this.#pumpLater();
  }

  #pumpLater(): void {
    // A failed sync is queued again; wait a moment so an offline device does not spin.
    setTimeout(() => this.#pump(), 0);
  }

  async #markSynced(replica: DocReplica, seq: number): Promise<void> {
    try {
      await this.#recordSynced(replica, seq);
    } catch (error) {
      // Bookkeeping only: if the engine closed its store meanwhile, the next start syncs again.
      if (!this.#stopped) throw error;
    }
  }

  async #recordSynced(replica: DocReplica, seq: number): Promise<void> {
    const { docId } = replica;
    const { store } = this.options;
    const previous = (await store.getMeta<number>(`seq:${docId}`)) ?? 0;
    if (seq > (this.#synced.get(docId) ?? 0)) this.#synced.set(docId, seq);
    if (seq > previous) await store.putMeta(`seq:${docId}`, seq);
    if (!replica.hasPending()) await store.putMeta(`dirty:${docId}`, false);
    this.options.onDocSynced?.(docId);
  }

  async #onEvent(event: StreamEvent): Promise<void> {
    switch (event.type) {
      case 'hello': {
        for (const { id, seq } of event.docs) {
          this.#announced.set(id, seq);
          const synced = (await this.options.store.getMeta<number>(`seq:${id}`)) ?? 0;
          if (synced > (this.#synced.get(id) ?? 0)) this.#synced.set(id, synced);
          if (seq > synced) this.schedule(id);
        }
        // Documents with writes made offline sync too, even if no one else changed them.
        for (const id of this.options.knownDocs()) {
          if ((await this.options.store.getMeta<boolean>(`dirty:${id}`)) === true) this.schedule(id);
        }
        return;
      }
      case 'changed':
        this.#announced.set(event.id, Math.max(event.seq, this.#announced.get(event.id) ?? 0));
        // Already current (e.g. our own write, stored over the socket that sent it): nothing to fetch.
        if (event.seq > (this.#synced.get(event.id) ?? 0)) this.schedule(event.id);
        return;
      case 'membership':
        this.options.onMembership(event.id);
        return;
    }
  }

  async #connectEvents(): Promise<void> {
    if (this.#stopped || this.#events) return;
    const ticket = await this.options.transport.getTicket().catch(() => null);
    if (this.#stopped) return;
    if (ticket === null) return this.#retryEvents();
    const { stream } = this.options.transport;
    const named = stream === undefined ? '' : `&${STREAM_PARAM}=${encodeURIComponent(stream)}`;
    const socket = new this.options.transport.WebSocket(`${this.options.transport.syncUrl}/${EVENTS_ROOM}?ticket=${encodeURIComponent(ticket)}${named}`);
    this.#events = socket;
    socket.onopen = () => {
      this.#eventsAttempt = 0;
    };
    socket.onmessage = (message: MessageEvent) => {
      if (typeof message.data !== 'string') return;
      let json: unknown;
      try {
        json = JSON.parse(message.data);
      } catch {
        return;
      }
      const parsed = StreamEvent.safeParse(json);
      if (parsed.success) void this.#onEvent(parsed.data);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.#events !== socket) return;
      this.#events = null;
      if (event.code === 4401) return this.options.onSignedOut(event.reason);
      this.#retryEvents();
    };
    socket.onerror = () => {
      /* onclose follows and retries */
    };
  }

  #retryEvents(): void {
    if (this.#stopped || this.#eventsTimer) return;
    const delay = Math.min(15_000, 500 * 2 ** this.#eventsAttempt++);
    this.#eventsTimer = setTimeout(() => {
      this.#eventsTimer = null;
      void this.#connectEvents();
    }, delay);
  }
}
