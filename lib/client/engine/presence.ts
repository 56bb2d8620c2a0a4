// Typing indicators over the document socket's awareness, encrypted with the document's epoch key. The local
// state stays null (nothing is sent) until there is something to say; others' states are shown only when they
// open with one of our keys and carry the signature of a current member.
import type { Awareness } from 'y-protocols/awareness';
import type { Identity, RandomBytes, Verifier } from '../../crypto';
import { memberKeyOf, type MemberKey } from '../../docs';
import type { EpochKeys } from './epoch-keys';
import { openPresence, sealPresence } from './presence-state';
import { TYPING_STALE_MS, TypingThrottle, type Timers } from './typing-throttle';

export interface TypingMember {
  memberKey: MemberKey;
  name: string;
}

export interface PresenceOptions extends Timers {
  docId: string;
  /** The socket's awareness; null while the document has no socket (offline): nothing is sent or shown. */
  awareness: Awareness | null;
  keys: EpochKeys;
  identity: Identity;
  verifier: Verifier;
  random: RandomBytes;
  /** Display name of a current member's key, or null for anyone who is not a current member. */
  memberName(memberKey: string): string | null;
  onChange(): void;
}

interface Peer {
  memberKey: MemberKey;
  typing: boolean;
  /** Our clock when the state arrived: staleness is judged without trusting the sender's clock. */
  receivedAt: number;
}

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

export class Presence {
  readonly #peers = new Map<number, Peer>();
  /** Per client id, the newest state being opened: an older one that finishes later is dropped. */
  readonly #opening = new Map<number, number>();
  readonly #throttle: TypingThrottle;
  readonly #me: MemberKey;
  #expiry: unknown = null;
  #disposed = false;
  #generation = 0;

  constructor(private readonly o: PresenceOptions) {
    this.#me = memberKeyOf(o.identity.signing.publicKey);
    this.#throttle = new TypingThrottle({ ...o, send: (typing) => this.#publish(typing) });
    o.awareness?.on('change', this.#onChange);
    // States already present (others were here before this socket opened).
    if (o.awareness) this.#onChange({ added: [...o.awareness.getStates().keys()], updated: [], removed: [] });
  }

  /** Call with true on every keystroke and false once the text is sent or cleared; throttled. */
  setTyping(typing: boolean): void {
    if (this.#disposed || !this.o.awareness) return;
    this.#throttle.set(typing);
  }

  /** Other members typing now, one entry per member however many devices they type on. */
  typing(): TypingMember[] {
    const now = this.o.now();
    const out = new Map<MemberKey, TypingMember>();
    for (const peer of this.#peers.values()) {
      if (!peer.typing || now - peer.receivedAt > TYPING_STALE_MS || peer.memberKey === this.#me) continue;
      const name = this.o.memberName(peer.memberKey);
      if (name !== null) out.set(peer.memberKey, { memberKey: peer.memberKey, name });
    }
    return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#throttle.dispose();
    if (this.#expiry !== null) this.o.clearTimer(this.#expiry);
    const { awareness } = this.o;
    if (awareness) {
      awareness.off('change', this.#onChange);
      if (awareness.getLocalState() !== null) awareness.setLocalState(null);
    }
    this.#peers.clear();
  }

  #publish(typing: boolean): void {
    const { o } = this;
    const epoch = o.keys.newest();
    const key = o.keys.get(epoch);
    if (this.#disposed || !o.awareness || !key) return;
    const sealed = sealPresence(
      { typing, at: o.now() },
      { docId: o.docId, epoch, key, clientId: o.awareness.clientID, identity: o.identity, random: o.random },
    );
    o.awareness.setLocalState(sealed);
  }

  readonly #onChange = ({ added, updated, removed }: AwarenessChange): void => {
    const { awareness } = this.o;
    if (!awareness || this.#disposed) return;
    let changed = false;
    for (const clientId of removed) {
      this.#opening.delete(clientId);
      changed = this.#peers.delete(clientId) || changed;
    }
    for (const clientId of [...added, ...updated]) {
      if (clientId === awareness.clientID) continue;
      const raw: unknown = awareness.getStates().get(clientId);
      const ticket = ++this.#generation;
      this.#opening.set(clientId, ticket);
      void openPresence(raw, {
        docId: this.o.docId,
        clientId,
        keyForEpoch: (e) => this.o.keys.get(e),
        verifier: this.o.verifier,
      }).then((state) => {
        if (this.#disposed || this.#opening.get(clientId) !== ticket) return;
        this.#opening.delete(clientId);
        // Anything that does not open is ignored, as if the client were not there.
        if (state === null || this.o.memberName(state.memberKey) === null) this.#peers.delete(clientId);
        else this.#peers.set(clientId, { memberKey: state.memberKey, typing: state.typing, receivedAt: this.o.now() });
        this.#changed();
      });
    }
    if (changed) this.#changed();
  };

  #changed(): void {
    this.#scheduleExpiry();
    this.o.onChange();
  }

  /** Wakes the screen when the oldest "typing" goes stale, so it disappears without another event. */
  #scheduleExpiry(): void {
    if (this.#expiry !== null) this.o.clearTimer(this.#expiry);
    this.#expiry = null;
    const now = this.o.now();
    let next = Infinity;
    for (const peer of this.#peers.values()) {
      const staleAt = peer.receivedAt + TYPING_STALE_MS;
      if (peer.typing && staleAt >= now) next = Math.min(next, staleAt);
    }
    if (next === Infinity) return;
    this.#expiry = this.o.setTimer(() => {
      this.#expiry = null;
      this.#changed();
    }, Math.max(0, next - now) + 1);
  }
}
