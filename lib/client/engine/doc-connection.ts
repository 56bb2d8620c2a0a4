// A document socket: a stock y-websocket WebsocketProvider on the replica's outer document, opened with a
// fresh single-use ticket on every (re)connect, plus our `stored` frame from which `Pending` is derived.
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import { STREAM_PARAM } from '../../protocol/api-docs';
import { MESSAGE_AUTH, MESSAGE_STORED, MESSAGE_SYNC, SYNC_STEP1 } from '../../protocol/sync-frames';
import type { DocReplica } from './doc-replica';

export interface SocketTransport {
  /** e.g. `ws://localhost:3000/sync`; the room name (document id) is appended by y-websocket. */
  syncUrl: string;
  WebSocket: typeof WebSocket;
  /** A fresh single-use ticket, or null when offline / signed out. */
  getTicket(): Promise<string | null>;
  /** This engine's stream name (StreamName), sent with the event stream and every document socket. */
  stream?: string;
}

export type ConnectionState = 'connecting' | 'connected' | 'synced' | 'offline' | 'refused' | 'stopped';

/**
 * Close codes after which retrying cannot help (the server said so). Rate limits and restarts do retry; a full
 * request cap (4429 too) does not, until the others accept (sync-manager `retry`).
 */
const PERMANENT = (code: number, reason: string | null) =>
  code >= 4400 &&
  code < 4500 &&
  code !== 4401 &&
  (code !== 4429 || reason === 'request.cap_reached') &&
  // A write that reached the server before what it builds on: a new socket's first exchange sends both.
  reason !== 'update.missing_dependencies';

export class DocConnection {
  readonly provider: WebsocketProvider;
  readonly awareness: Awareness;
  state: ConnectionState = 'connecting';
  /** The last refusal code the server sent (y-protocols auth "permission denied"). */
  refusal: string | null = null;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;
  /** This socket has answered the server's sync step 1: from now on a local write goes out on its own. */
  #answered = false;
  /** The document's update listener that sends local writes (in place of the provider's own). */
  readonly #sendUpdate: (update: Uint8Array, origin: unknown) => void;
  #listeners = new Set<(state: ConnectionState) => void>();

  constructor(
    readonly replica: DocReplica,
    private readonly transport: SocketTransport,
    private readonly hooks: { onRefused?(code: string): void; onSignedOut?(reason: string): void } = {},
  ) {
    this.awareness = new Awareness(replica.outer);
    // Awareness starts as `{}` and would be announced in the clear on connect: nothing is said until
    // presence.ts has an encrypted state to set.
    this.awareness.setLocalState(null);
    this.provider = new WebsocketProvider(transport.syncUrl, replica.docId, replica.outer, {
      connect: false,
      awareness: this.awareness,
      WebSocketPolyfill: transport.WebSocket,
      disableBc: true,
      // The server answers a state vector with a (usually empty) diff: it keeps the idle socket alive.
      resyncInterval: 20_000,
      // We reconnect ourselves, with a new ticket each time.
      shouldReconnect: () => false,
    });
    this.#sendOwnAwarenessOnly();
    this.#sendUpdate = this.#sendWritesOnceAnswered();
    const handlers = this.provider.messageHandlers;
    const sync = handlers[MESSAGE_SYNC]!;
    handlers[MESSAGE_SYNC] = (encoder, decoder, provider, emitSynced, type) => {
      // The server's sync step 1 is its stored state vector: own entries inside it are not pending.
      const peek = decoding.clone(decoder);
      const step1 = decoding.readVarUint(peek) === SYNC_STEP1;
      if (step1) replica.markStored(Y.decodeStateVector(decoding.readVarUint8Array(peek)));
      sync(encoder, decoder, provider, emitSynced, type);
      // The answer (sync step 2: all the server lacks, written above) is sent as soon as this returns, before any
      // later write can run.
      if (step1) this.#answered = true;
    };
    handlers[MESSAGE_STORED] = (_encoder, decoder) => {
      replica.markStored(Y.decodeStateVector(decoding.readVarUint8Array(decoder)));
    };
    handlers[MESSAGE_AUTH] = (_encoder, decoder) => {
      if (decoding.readVarUint(decoder) === 0) this.refusal = decoding.readVarString(decoder);
    };
    this.provider.on('sync', (synced: boolean) => {
      if (synced) {
        this.#attempt = 0;
        this.#setState('synced');
      }
    });
    this.provider.on('status', ({ status }: { status: string }) => {
      if (status === 'connected') this.#setState('connected');
    });
    this.provider.on('connection-close', (event: CloseEvent | null) => this.#closed(event));
  }

  /**
   * The stock provider re-broadcasts every awareness change, other clients' included; the server refuses a
   * socket that speaks for a client id another socket owns (awareness.client_id_taken) and closes it. Only
   * changes of our own state go out.
   */
  #sendOwnAwarenessOnly(): void {
    type Changes = { added: number[]; updated: number[]; removed: number[] };
    const provider = this.provider as unknown as { _awarenessUpdateHandler: (changes: Changes, origin: unknown) => void };
    const relay = provider._awarenessUpdateHandler;
    if (typeof relay !== 'function') throw new Error('y-websocket no longer exposes _awarenessUpdateHandler: revisit doc-connection.ts');
    this.awareness.off('update', relay);
    this.awareness.on('update', (changes: Changes, origin: unknown) => {
      const own = (ids: number[]) => ids.filter((id) => id === this.awareness.clientID);
      const mine = { added: own(changes.added), updated: own(changes.updated), removed: own(changes.removed) };
      if (mine.added.length + mine.updated.length + mine.removed.length > 0) relay(mine, origin);
    });
  }

  /**
   * The stock provider sends each local write the moment its socket is open. Until this socket has answered the
   * server's sync step 1, a write sent alone can build on content the server does not have yet (a conversation's
   * first entries, written before any socket), which the server refuses. Those writes wait instead: the answer,
   * computed from the whole document, carries them.
   */
  #sendWritesOnceAnswered(): (update: Uint8Array, origin: unknown) => void {
    const provider = this.provider as unknown as { _updateHandler: (update: Uint8Array, origin: unknown) => void };
    const send = provider._updateHandler;
    if (typeof send !== 'function') throw new Error('y-websocket no longer exposes _updateHandler: revisit doc-connection.ts');
    this.replica.outer.off('update', send);
    const sendWhenAnswered = (update: Uint8Array, origin: unknown) => {
      if (this.#answered) send(update, origin);
    };
    this.replica.outer.on('update', sendWhenAnswered);
    return sendWhenAnswered;
  }

  start(): void {
    this.#stopped = false;
    void this.#connect();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.replica.outer.off('update', this.#sendUpdate);
    this.provider.destroy();
    this.awareness.destroy();
    this.#setState('stopped');
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once synced and the server stored every own entry, or false after `timeoutMs`. */
  settled(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const check = () => this.state === 'synced' && !this.replica.hasPending();
      if (check()) return resolve(true);
      const stopReplica = this.replica.subscribe(() => check() && done(true));
      const stopState = this.onState((state) => (check() ? done(true) : (state === 'refused' || state === 'stopped') && done(false)));
      const timer = setTimeout(() => done(false), timeoutMs);
      function done(value: boolean) {
        clearTimeout(timer);
        stopReplica();
        stopState();
        resolve(value);
      }
    });
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    this.#setState('connecting');
    this.refusal = null;
    this.#answered = false;
    const ticket = await this.transport.getTicket().catch(() => null);
    if (this.#stopped) return;
    if (ticket === null) {
      this.#setState('offline');
      this.#retry();
      return;
    }
    this.provider.params = this.transport.stream === undefined ? { ticket } : { ticket, [STREAM_PARAM]: this.transport.stream };
    this.provider.connect();
  }

  #closed(event: CloseEvent | null): void {
    this.#answered = false;
    if (this.#stopped || event === null) return;
    this.provider.disconnect();
    if (event.code === 4401) {
      this.#setState('refused');
      this.hooks.onSignedOut?.(event.reason);
      return;
    }
    if (PERMANENT(event.code, this.refusal ?? event.reason)) {
      this.#setState('refused');
      this.hooks.onRefused?.(this.refusal ?? event.reason ?? String(event.code));
      return;
    }
    this.#setState('offline');
    this.#retry();
  }

  #retry(): void {
    if (this.#stopped || this.#timer) return;
    // Exponential backoff with jitter-free bounds: 0.5 s, 1 s, 2 s ... 15 s.
    const delay = Math.min(15_000, 500 * 2 ** this.#attempt++);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#connect();
    }, delay);
  }

  #setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of [...this.#listeners]) listener(state);
  }
}
