// The document sync service: rooms, frame handling, validation, durable commit, relay.
// The socket layer hands it authenticated peers; it never sees plaintext and holds no keys.
import { decodeAwarenessUpdate, decodeFrame, encodeAwarenessUpdate, encodeFrame, type Frame } from '../../lib/protocol/sync-frames';
import { ERRORS, isErrorCode, unreachable } from '../../lib/protocol/errors';
import { CommitBatcher } from './commit-batcher';
import type { ConsentRefusal, DocConsent } from './consent';
import type { DocAccess, DocStore, VerifyEntry } from './doc-store';
import { Room, type SyncPeer } from './room';
import { signatureKey, validateOuterUpdate, type UpdateRefusal } from './validate-update';

export interface SyncServiceOptions {
  store: DocStore;
  access: DocAccess;
  verifyEntry: VerifyEntry;
  /** Message requests and blocks; without it every member may write and be seen (tests of the bare protocol). */
  consent?: DocConsent;
  /** Told after each durable commit: the per-device event streams carry `{docId, seq}` from here. */
  onCommitted?: (docId: string, seq: number) => void;
  /** Told when a peer is refused, with the code (for logs and tests, never content). */
  onRefused?: (docId: string, accountId: string, code: string) => void;
}

/** Close codes come from the one registry (44xx mirrors HTTP); an unregistered code is a plain 4400. */
export const closeCodeFor = (code: string): number => (isErrorCode(code) ? ERRORS[code].close : 4400);

const NOBODY: ReadonlySet<string> = new Set();

interface PeerState {
  room: Room;
  /** Frames of one socket are handled in order. */
  chain: Promise<void>;
  closed: boolean;
}

export class SyncService {
  readonly rooms = new Map<string, Room>();
  readonly #peers = new Map<SyncPeer, PeerState>();
  readonly #batcher: CommitBatcher;

  constructor(private readonly options: SyncServiceOptions) {
    this.#batcher = new CommitBatcher((batch) => options.store.commit(batch));
  }

  /** Admits an authenticated peer to a document, or refuses it with a named code. */
  join(docId: string, peer: SyncPeer): { ok: true } | { ok: false; code: 'doc.not_member' } {
    const { access } = this.options;
    if (access.currentEpoch(docId) === undefined || !access.isMember(docId, peer.accountId)) {
      return { ok: false, code: 'doc.not_member' };
    }
    let room = this.rooms.get(docId);
    if (!room) {
      room = new Room(docId, this.options.store);
      this.rooms.set(docId, room);
    }
    room.peers.add(peer);
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
        // A bug or a failed commit: this socket ends, the process goes on, nothing was relayed.
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

  /** Closes every peer of an account in a document (removed from it) or everywhere (signed out). */
  evict(accountId: string, docId: string | null, code: number, reason: string): void {
    for (const [peer, state] of this.#peers) {
      if (peer.accountId !== accountId || (docId !== null && state.room.docId !== docId)) continue;
      // Same as any other refusal: a stock client learns why from the auth frame, not only from the close.
      if (isErrorCode(reason)) peer.send(encodeFrame({ type: 'auth-denied', reason }));
      this.#close(peer, state, code, reason);
    }
  }

  flush(): void {
    this.#batcher.flushNow();
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

  async #acceptUpdate(peer: SyncPeer, state: PeerState, update: Uint8Array): Promise<void> {
    // A room with an update in flight stays in memory even if its last socket leaves meanwhile: a room
    // rebuilt from disk before the commit would miss the update and could merge it away.
    state.room.inflight++;
    try {
      await this.#acceptUpdateInRoom(peer, state, update);
    } finally {
      state.room.inflight--;
      this.#forgetIfIdle(state.room);
    }
  }

  #forgetIfIdle(room: Room): void {
    if (room.peers.size === 0 && room.inflight === 0 && this.rooms.get(room.docId) === room) this.rooms.delete(room.docId);
  }

  async #acceptUpdateInRoom(peer: SyncPeer, state: PeerState, update: Uint8Array): Promise<void> {
    const { room } = state;
    const { access, store } = this.options;
    const epoch = access.currentEpoch(room.docId);
    const authorKey = access.signingKey(peer.accountId);
    // Membership is checked on every update: a member removed a moment ago writes nothing more.
    if (epoch === undefined || !authorKey || !access.isMember(room.docId, peer.accountId)) {
      this.#refuse(peer, state, 'doc.not_member');
      return;
    }
    const result = await validateOuterUpdate(update, {
      room,
      accountId: peer.accountId,
      authorKey,
      currentEpoch: epoch,
      store,
      verifyEntry: this.options.verifyEntry,
    });
    if (state.closed) return;
    if (!result.ok) {
      this.#refuse(peer, state, result.code);
      return;
    }
    const accepted = result.value;
    if (!accepted.changed) {
      peer.send(encodeFrame({ type: 'stored', stateVector: room.encodedStateVector(room.committedVector) }));
      return;
    }
    // Checked after the awaits and before the reservation below, with no await between: a block or an
    // accept is seen by the very next update, and two sockets of one writer cannot both slip under the cap.
    const refusal = this.#consentRefusal(room, peer.accountId, accepted.signatures.length);
    if (refusal !== null) {
      this.#refuse(peer, state, refusal);
      return;
    }
    // Reserve what this update claims so later frames (from any socket) see it before it is on disk.
    for (const [client, end] of accepted.advances) room.stateVector.set(client, end);
    const keys = accepted.signatures.map(signatureKey);
    for (const key of keys) room.pendingSignatures.add(key);
    for (const client of accepted.newClients) room.pendingClients.set(client, peer.accountId);
    for (const d of accepted.newDeletes) room.deleted.add(d.client, d.clock, d.length);

    let seq: number;
    try {
      seq = await this.#batcher.enqueue({
        docId: room.docId,
        accountId: peer.accountId,
        update,
        signatures: accepted.signatures,
        newClients: accepted.newClients,
      });
    } catch (error) {
      // Not on disk, yet reserved above: left as is, the room would answer this client's resend with
      // "already have it" and lose the entry. Drop the room; its sockets resync against what is stored.
      this.#drop(room);
      throw error;
    }
    for (const key of keys) room.pendingSignatures.delete(key);
    for (const client of accepted.newClients) room.pendingClients.delete(client);
    // Durable now: relay to the others, tell the writer what is stored.
    room.committed(update, accepted.advances, accepted.newDeletes.length > 0);
    room.broadcast(encodeFrame({ type: 'sync-update', update }), peer);
    if (!state.closed) peer.send(encodeFrame({ type: 'stored', stateVector: room.encodedStateVector(room.committedVector) }));
    this.options.onCommitted?.(room.docId, seq);
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
    const hidden = this.#awarenessHidden(room.docId, peer.accountId);
    for (const entry of own) {
      room.awarenessOwners.set(entry.clientId, peer);
      if (entry.state === 'null' || hidden === 'everyone') room.awareness.delete(entry.clientId);
      else room.awareness.set(entry.clientId, { peer, clock: entry.clock, state: entry.state });
    }
    if (hidden === 'everyone') return;
    this.#broadcastAwareness(room, peer, encodeFrame({ type: 'awareness', update }), hidden);
  }

  #awarenessHidden(docId: string, accountId: string): 'everyone' | ReadonlySet<string> {
    return this.options.consent?.awarenessHiddenFrom(docId, accountId) ?? NOBODY;
  }

  /** Sends `from`'s awareness frame to every other peer allowed to see it (no presence across a block). */
  #broadcastAwareness(room: Room, from: SyncPeer, frame: Uint8Array, hidden = this.#awarenessHidden(room.docId, from.accountId)): void {
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
        if (hidden === undefined) hiddenByAccount.set(a.peer.accountId, (hidden = this.#awarenessHidden(room.docId, a.peer.accountId)));
        if (hidden === 'everyone' || hidden.has(receiver.accountId)) continue;
      }
      visible.push({ clientId, clock: a.clock, state: a.state });
    }
    return visible;
  }

  /** Message requests and blocks: who may add entries here now, and how many while a request waits. */
  #consentRefusal(room: Room, accountId: string, newEntries: number): ConsentRefusal | null {
    const consent = this.options.consent;
    if (!consent) return null;
    const policy = consent.writePolicy(room.docId, accountId);
    switch (policy.kind) {
      case 'open':
        return null;
      case 'refused':
        return policy.code;
      case 'capped': {
        // Every entry is one item of its writer's Yjs client, so the writer's clocks count its entries exactly,
        // the ones reserved but not yet committed included, and nobody else's writes use up its allowance.
        const mine = new Set(consent.clientIdsOf(room.docId, accountId));
        for (const [client, owner] of room.pendingClients) if (owner === accountId) mine.add(client);
        let used = 0;
        for (const client of mine) used += room.stateVector.get(client) ?? 0;
        return used + newEntries > consent.requestEntryCap ? 'request.cap_reached' : null;
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
    if (this.rooms.get(room.docId) === room) this.rooms.delete(room.docId);
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
