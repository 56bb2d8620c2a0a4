// The document sync service: rooms, frame handling, validation, durable commit, relay.
// The socket layer hands it authenticated peers; it never sees plaintext and holds no keys.
import { decodeAwarenessUpdate, decodeFrame, encodeAwarenessUpdate, encodeFrame, type Frame } from '../../lib/protocol/sync-frames';
import { ERRORS, isErrorCode, unreachable } from '../../lib/protocol/errors';
import type { AccessChanges } from '../db/access-changes';
import { CommitBatcher } from './commit-batcher';
import type { ConsentRefusal, DocConsent } from './consent';
import type { DocAccess, DocStore, VerifyEntry } from './doc-store';
import { streamKey, type EventStreams } from './event-streams';
import { Room, type SyncPeer } from './room';
import { RoomAccess } from './room-access';
import { claimOuterUpdate, signatureKey, verifyOuterUpdate, type AcceptedUpdate, type UpdateRefusal } from './validate-update';

export interface SyncServiceOptions {
  store: DocStore;
  access: DocAccess;
  verifyEntry: VerifyEntry;
  /** Message requests and blocks; without it every member may write and be seen (tests of the bare protocol). */
  consent?: DocConsent;
  /** The per-device event streams: told `{docId, seq}` after the commits of each batch. */
  events?: Pick<EventStreams, 'docChanged' | 'docChangedFor'>;
  /** Told when a peer is refused, with the code (for logs and tests, never content). */
  onRefused?: (docId: string, accountId: string, code: string) => void;
  /**
   * Told of a failure that must not end the process: after a commit (which stands; a `stored` or `changed` may be
   * missing), or as a socket leaves.
   */
  onError?: (error: unknown, docId: string) => void;
}

/** Close codes come from the one registry (44xx mirrors HTTP); an unregistered code is a plain 4400. */
export const closeCodeFor = (code: string): number => (isErrorCode(code) ? ERRORS[code].close : 4400);

interface PeerState {
  room: Room;
  /** Frames of one socket are checked in order; an accepted update's commit is not waited for here. */
  chain: Promise<void>;
  closed: boolean;
}

export class SyncService implements AccessChanges {
  readonly rooms = new Map<string, Room>();
  readonly #peers = new Map<SyncPeer, PeerState>();
  readonly #batcher: CommitBatcher;
  /** Writers owed one `stored` frame at the end of this commit batch (the latest state vector covers them all). */
  readonly #storedDue = new Map<SyncPeer, PeerState>();
  /** Open rooms by the document that governs their access (a community -> its threads' rooms). */
  readonly #governed = new Map<string, Set<Room>>();
  /** Rooms with commits in this batch, announced once each on the event streams. */
  readonly #changed = new Set<Room>();

  constructor(private readonly options: SyncServiceOptions) {
    this.#batcher = new CommitBatcher(
      (batch) => options.store.commit(batch),
      () => this.#afterBatch(),
    );
  }

  /** Admits an authenticated peer to a document, or refuses it with a named code. */
  join(docId: string, peer: SyncPeer): { ok: true } | { ok: false; code: 'doc.not_member' } {
    const { access } = this.options;
    let room = this.rooms.get(docId);
    // An open room answers from its cache; otherwise the tables, before any stored update is loaded.
    const allowed = room
      ? room.access.epoch() !== undefined && room.access.isMember(peer.accountId)
      : access.currentEpoch(docId) !== undefined && access.isMember(docId, peer.accountId);
    if (!allowed) return { ok: false, code: 'doc.not_member' };
    if (!room) {
      room = new Room(docId, this.options.store, new RoomAccess(docId, this.options));
      this.rooms.set(docId, room);
      this.#govern(room, true);
    }
    room.peers.add(peer);
    if (peer.stream !== null) {
      const key = streamKey(peer.accountId, peer.stream);
      room.streams.set(key, (room.streams.get(key) ?? 0) + 1);
      room.relayedSeq.set(peer, 0);
    }
    this.#peers.set(peer, { room, chain: Promise.resolve(), closed: false });
    // Our state vector asks the client for what we lack; awareness of others shows who is here.
    peer.send(encodeFrame({ type: 'sync-step1', stateVector: room.encodedStateVector(room.committedVector) }));
    const entries = this.#awarenessFor(room, peer);
    if (entries.length > 0) peer.send(encodeFrame({ type: 'awareness', update: encodeAwarenessUpdate(entries) }));
    return { ok: true };
  }

  receive(peer: SyncPeer, data: Uint8Array): void {
    const state = this.#peers.get(peer);
    if (!state || state.closed) return;
    const decoded = decodeFrame(data);
    if (!decoded.ok) {
      this.#refuse(peer, state, 'socket.bad_frame');
      return;
    }
    state.chain = state.chain
      .then(() => (state.closed ? undefined : this.#handle(peer, state, decoded.frame)))
      .catch((error: unknown) => {
        // A bug: this socket ends, the process goes on, nothing was relayed.
        this.options.onRefused?.(state.room.docId, peer.accountId, 'internal');
        this.#close(peer, state, 1011, 'internal');
        void error;
      });
  }

  leave(peer: SyncPeer): void {
    const state = this.#peers.get(peer);
    if (!state) return;
    state.closed = true;
    this.#peers.delete(peer);
    const { room } = state;
    room.peers.delete(peer);
    if (peer.stream !== null) this.#streamLeft(peer, peer.stream, room);
    const gone: Array<{ clientId: number; clock: number; state: string }> = [];
    for (const [clientId, owner] of room.awarenessOwners) {
      if (owner !== peer) continue;
      room.awarenessOwners.delete(clientId);
      const a = room.awareness.get(clientId);
      if (a) {
        room.awareness.delete(clientId);
        gone.push({ clientId, clock: a.clock + 1, state: 'null' });
      }
    }
    if (gone.length > 0) this.#broadcastAwareness(room, peer, encodeFrame({ type: 'awareness', update: encodeAwarenessUpdate(gone) }));
    this.#forgetIfIdle(room);
  }

  /** Closes every peer of an account in some documents (removed from them) or everywhere (null: signed out). */
  evict(accountId: string, docId: string | ReadonlySet<string> | null, code: number, reason: string): void {
    const inScope = (room: string) => docId === null || (typeof docId === 'string' ? room === docId : docId.has(room));
    for (const [peer, state] of this.#peers) {
      if (peer.accountId !== accountId || !inScope(state.room.docId)) continue;
      // Same as any other refusal: a stock client learns why from the auth frame, not only from the close.
      if (isErrorCode(reason)) peer.send(encodeFrame({ type: 'auth-denied', reason }));
      this.#close(peer, state, code, reason);
    }
  }

  /** Closes every socket on one document (it is being deleted): only that room's peers are visited. */
  closeRoom(docId: string, code: number, reason: string): void {
    const room = this.rooms.get(docId);
    if (!room) return;
    for (const peer of [...room.peers]) {
      const state = this.#peers.get(peer);
      if (!state) continue;
      if (isErrorCode(reason)) peer.send(encodeFrame({ type: 'auth-denied', reason }));
      this.#close(peer, state, code, reason);
    }
  }

  flush(): void {
    this.#batcher.flushNow();
  }

  /**
   * A write changed who may do what in a document: its open room, and the open rooms it governs (a community's
   * threads), ask the tables again from the next frame on.
   */
  doc(docId: string): void {
    this.rooms.get(docId)?.access.reset();
    for (const room of this.#governed.get(docId) ?? []) room.access.reset();
  }

  /** Keeps `#governed` in step with the open rooms whose access another document decides. */
  #govern(room: Room, open: boolean): void {
    const { governing } = room.access;
    if (governing === room.docId) return;
    let rooms = this.#governed.get(governing);
    if (open) {
      if (!rooms) this.#governed.set(governing, (rooms = new Set()));
      rooms.add(room);
    } else if (rooms) {
      rooms.delete(room);
      if (rooms.size === 0) this.#governed.delete(governing);
    }
  }

  /** A block or a deletion: every open room whose answers involve the account asks again. */
  account(accountId: string): void {
    for (const room of this.rooms.values()) if (room.access.concerns(accountId)) room.access.reset();
  }

  /**
   * Others' commits relayed to this socket skipped its engine's stream (the socket carried them). An engine that
   * closed it before reading them all learns only from the stream: it hears the latest seq now. (Its own writes
   * need no word: it has them.)
   */
  #streamLeft(peer: SyncPeer, stream: string, room: Room): void {
    const key = streamKey(peer.accountId, stream);
    const count = (room.streams.get(key) ?? 0) - 1;
    if (count > 0) room.streams.set(key, count);
    else room.streams.delete(key);
    const relayed = room.relayedSeq.get(peer) ?? 0;
    room.relayedSeq.delete(peer);
    if (relayed === 0) return;
    try {
      // A removed member hears nothing more of the document, not even its seq.
      if (room.access.isMember(peer.accountId)) this.options.events?.docChangedFor(peer.accountId, stream, room.docId, room.seq);
    } catch (error) {
      // Called from a socket's close: a failing read is reported, and the stream catches up at its next hello.
      this.options.onError?.(error, room.docId);
    }
  }

  async #handle(peer: SyncPeer, state: PeerState, frame: Frame): Promise<void> {
    const { room } = state;
    switch (frame.type) {
      case 'sync-step1':
        peer.send(encodeFrame({ type: 'sync-step2', update: room.diffFor(frame.stateVector) }));
        return;
      case 'sync-step2':
      case 'sync-update':
        await this.#acceptUpdate(peer, state, frame.update);
        return;
      case 'awareness':
        this.#relayAwareness(peer, state, frame.update);
        return;
      case 'query-awareness':
        peer.send(encodeFrame({ type: 'awareness', update: encodeAwarenessUpdate(this.#awarenessFor(room, peer)) }));
        return;
      case 'auth-denied':
      case 'stored':
        // Server-to-client frames: a client has no business sending them.
        this.#refuse(peer, state, 'socket.bad_frame');
        return;
    }
  }

  /** Resolves once the update is refused, or accepted and queued for commit (the socket's next frame may follow). */
  async #acceptUpdate(peer: SyncPeer, state: PeerState, update: Uint8Array): Promise<void> {
    // A room with an update in flight stays in memory even if its last socket leaves meanwhile: a room
    // rebuilt from disk before the commit would miss the update and could merge it away.
    const { room } = state;
    room.inflight++;
    let queued = false;
    try {
      queued = await this.#acceptUpdateInRoom(peer, state, update);
    } finally {
      if (!queued) this.#settled(room);
    }
  }

  #settled(room: Room): void {
    room.inflight--;
    this.#forgetIfIdle(room);
  }

  #forgetIfIdle(room: Room): void {
    if (room.peers.size === 0 && room.inflight === 0 && this.rooms.get(room.docId) === room) {
      this.rooms.delete(room.docId);
      this.#govern(room, false);
      room.close();
    }
  }

  /** True when the update was accepted and queued for commit: its commit settles the room's inflight count. */
  async #acceptUpdateInRoom(peer: SyncPeer, state: PeerState, update: Uint8Array): Promise<boolean> {
    const { room } = state;
    const { access } = room;
    // Membership is checked on every update (a removal resets the room's cached answers at once): a member
    // removed a moment ago writes nothing more.
    const epoch = access.epoch();
    const authorKey = access.signingKey(peer.accountId);
    if (epoch === undefined || !access.isMember(peer.accountId) || !authorKey) {
      this.#refuse(peer, state, 'doc.not_member');
      return false;
    }
    const { verifyEntry } = this.options;
    const verified = await verifyOuterUpdate(update, { room, accountId: peer.accountId, authorKey, currentEpoch: epoch, verifyEntry });
    if (state.closed) return false;
    if (!verified.ok) {
      this.#refuse(peer, state, verified.code);
      return false;
    }
    // From here to the reservation below there is no await: what this update claims is decided against the room as
    // it is now, with whatever other sockets reserved while its signatures were checked.
    const claimed = claimOuterUpdate(verified.value, { room, accountId: peer.accountId, store: this.options.store });
    if (!claimed.ok) {
      this.#refuse(peer, state, claimed.code);
      return false;
    }
    const accepted = claimed.value;
    if (!accepted.changed) {
      peer.send(encodeFrame({ type: 'stored', stateVector: room.encodedStateVector(room.committedVector) }));
      return false;
    }
    // Checked after the awaits and before the reservation below, with no await between: a block or an
    // accept is seen by the very next update, and two sockets of one writer cannot both slip under the cap.
    const refusal = this.#consentRefusal(room, peer.accountId, accepted.signatures.length);
    if (refusal !== null) {
      this.#refuse(peer, state, refusal);
      return false;
    }
    // Reserve what this update claims so later frames (from any socket, this one's included) see it before it is
    // on disk: they are checked against it while it waits for its batch.
    for (const [client, end] of accepted.advances) room.stateVector.set(client, end);
    const keys = accepted.signatures.map(signatureKey);
    for (const key of keys) room.pendingSignatures.add(key);
    for (const client of accepted.newClients) room.pendingClients.set(client, peer.accountId);
    for (const d of accepted.newDeletes) room.deleted.add(d.client, d.clock, d.length);
    const generation = access.generation;

    // Commits happen in the order updates are queued, and a batch is one transaction: a later update of this
    // socket that builds on this one is never on disk without it.
    this.#batcher
      .enqueue({ docId: room.docId, accountId: peer.accountId, update, signatures: accepted.signatures, newClients: accepted.newClients })
      .then(
        (seq) => this.#committed(peer, state, update, accepted, keys, generation, seq),
        (error: unknown) => {
          // Not on disk, yet reserved above: left as is, the room would answer this client's resend with
          // "already have it" and lose the entry. Drop the room; its sockets resync against what is stored.
          this.options.onRefused?.(room.docId, peer.accountId, 'internal');
          this.#drop(room);
          void error;
        },
      )
      .catch((error: unknown) => {
        // A bug after the commit: this socket ends, the process goes on.
        this.options.onRefused?.(room.docId, peer.accountId, 'internal');
        this.#close(peer, state, 1011, 'internal');
        void error;
      })
      .finally(() => this.#settled(room));
    return true;
  }

  /** Durable now: relay to the others; the writer's `stored` and the streams' `changed` go at the end of the batch. */
  #committed(peer: SyncPeer, state: PeerState, update: Uint8Array, accepted: AcceptedUpdate, keys: string[], generation: number, seq: number): void {
    const { room } = state;
    for (const key of keys) room.pendingSignatures.delete(key);
    for (const client of accepted.newClients) room.pendingClients.delete(client);
    room.access.bound(accepted.newClients, peer.accountId, generation);
    if (seq > room.seq) room.seq = seq;
    room.committed(update, accepted.advances, accepted.newDeletes.length > 0);
    room.broadcast(encodeFrame({ type: 'sync-update', update }), peer);
    for (const other of room.relayedSeq.keys()) if (other !== peer) room.relayedSeq.set(other, seq);
    if (!state.closed) this.#storedDue.set(peer, state);
    this.#changed.add(room);
  }

  /** Runs as a microtask of its own: whatever goes wrong here is reported, never thrown into the event loop. */
  #afterBatch(): void {
    const due = [...this.#storedDue];
    const changed = [...this.#changed];
    this.#storedDue.clear();
    this.#changed.clear();
    for (const [peer, state] of due) {
      try {
        if (!state.closed) peer.send(encodeFrame({ type: 'stored', stateVector: state.room.encodedStateVector(state.room.committedVector) }));
      } catch (error) {
        this.options.onError?.(error, state.room.docId);
      }
    }
    const events = this.options.events;
    if (!events) return;
    for (const room of changed) {
      try {
        events.docChanged(room.docId, room.seq, room.access.members(), room.streams);
      } catch (error) {
        // The streams hear of it at their next commit or hello; the update itself is stored and relayed.
        this.options.onError?.(error, room.docId);
      }
    }
  }

  #relayAwareness(peer: SyncPeer, state: PeerState, update: Uint8Array): void {
    const { room } = state;
    const entries = decodeAwarenessUpdate(update);
    if (!entries) {
      this.#refuse(peer, state, 'socket.bad_frame');
      return;
    }
    // An awareness client id belongs to the socket that first used it. Entries for ids owned by another
    // socket are dropped, not relayed: a stock y-websocket provider echoes the states it received, and
    // that echo must neither impersonate their owners nor cost the echoing socket its connection.
    const own = entries.filter((entry) => {
      const owner = room.awarenessOwners.get(entry.clientId);
      return owner === undefined || owner === peer;
    });
    if (own.length === 0) return;
    if (own.length < entries.length) update = encodeAwarenessUpdate(own);
    // Someone who has not accepted a request reveals no presence or typing yet: their states are not kept
    // and go nowhere (dropped, not refused, so a stock provider that announces itself keeps its socket).
    const hidden = room.access.awarenessHiddenFrom(peer.accountId);
    for (const entry of own) {
      room.awarenessOwners.set(entry.clientId, peer);
      if (entry.state === 'null' || hidden === 'everyone') room.awareness.delete(entry.clientId);
      else room.awareness.set(entry.clientId, { peer, clock: entry.clock, state: entry.state });
    }
    if (hidden === 'everyone') return;
    this.#broadcastAwareness(room, peer, encodeFrame({ type: 'awareness', update }), hidden);
  }

  /** Sends `from`'s awareness frame to every other peer allowed to see it (no presence across a block). */
  #broadcastAwareness(room: Room, from: SyncPeer, frame: Uint8Array, hidden = room.access.awarenessHiddenFrom(from.accountId)): void {
    if (hidden === 'everyone') return;
    for (const other of room.peers) if (other !== from && !hidden.has(other.accountId)) other.send(frame);
  }

  /** The awareness states `receiver` may see: its own, and others' unless hidden from it. */
  #awarenessFor(room: Room, receiver: SyncPeer): Array<{ clientId: number; clock: number; state: string }> {
    const hiddenByAccount = new Map<string, 'everyone' | ReadonlySet<string>>();
    const visible: Array<{ clientId: number; clock: number; state: string }> = [];
    for (const [clientId, a] of room.awareness) {
      if (a.peer !== receiver) {
        let hidden = hiddenByAccount.get(a.peer.accountId);
        if (hidden === undefined) hiddenByAccount.set(a.peer.accountId, (hidden = room.access.awarenessHiddenFrom(a.peer.accountId)));
        if (hidden === 'everyone' || hidden.has(receiver.accountId)) continue;
      }
      visible.push({ clientId, clock: a.clock, state: a.state });
    }
    return visible;
  }

  /** Message requests and blocks: who may add entries here now, and how many while a request waits. */
  #consentRefusal(room: Room, accountId: string, newEntries: number): ConsentRefusal | null {
    const policy = room.access.writePolicy(accountId);
    switch (policy.kind) {
      case 'open':
        return null;
      case 'refused':
        return policy.code;
      case 'capped': {
        // Every entry is one item of its writer's Yjs client, so the writer's clocks count its entries exactly,
        // the ones reserved but not yet committed included, and nobody else's writes use up its allowance.
        const mine = new Set(room.access.clientIdsOf(accountId));
        for (const [client, owner] of room.pendingClients) if (owner === accountId) mine.add(client);
        let used = 0;
        for (const client of mine) used += room.stateVector.get(client) ?? 0;
        return used + newEntries > room.access.requestEntryCap ? 'request.cap_reached' : null;
      }
      default:
        return unreachable(policy);
    }
  }

  #refuse(peer: SyncPeer, state: PeerState, code: UpdateRefusal | ConsentRefusal | 'socket.bad_frame' | 'doc.not_member' | 'awareness.client_id_taken'): void {
    this.options.onRefused?.(state.room.docId, peer.accountId, code);
    // y-protocols auth "permission denied" tells a stock client why, before the close.
    peer.send(encodeFrame({ type: 'auth-denied', reason: code }));
    this.#close(peer, state, closeCodeFor(code), code);
  }

  /** Forgets a room whose memory no longer matches the database; the next join rebuilds it from there. */
  #drop(room: Room): void {
    if (this.rooms.get(room.docId) === room) {
      this.rooms.delete(room.docId);
      this.#govern(room, false);
      // Its commits still in flight reach the signature memory of a room opened meanwhile through the store's commit.
      room.close();
    }
    for (const peer of [...room.peers]) {
      const state = this.#peers.get(peer);
      if (state) this.#close(peer, state, ERRORS.internal.close, 'internal');
    }
  }

  #close(peer: SyncPeer, state: PeerState, code: number, reason: string): void {
    if (state.closed) return;
    this.leave(peer);
    peer.close(code, reason);
  }
}
