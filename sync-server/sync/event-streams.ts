// The per-device event stream: which documents changed (`{id, seq}`), never what changed.
// A device keeps one such socket and opens a document socket only for what is on screen or changed.
import type { StreamEvent } from '../../lib/protocol/api-docs';

export interface StreamPeer {
  readonly accountId: string;
  /** The name its engine gave this stream (`?stream=`), also given on that engine's document sockets. */
  readonly stream: string | null;
  sendText(text: string): void;
}

/** How a room counts the named streams whose engine has it open on a socket. */
export const streamKey = (accountId: string, stream: string): string => `${accountId} ${stream}`;

export class EventStreams {
  readonly #byAccount = new Map<string, Set<StreamPeer>>();
  /** `changed` events of this turn per stream: one per document, the highest seq (the client only wants the latest). */
  readonly #pending = new Map<StreamPeer, Map<string, number>>();
  #scheduled = false;

  constructor(private readonly lookup: { seqsFor(accountId: string): Array<{ id: string; seq: number }> }) {}

  open(peer: StreamPeer): void {
    let peers = this.#byAccount.get(peer.accountId);
    if (!peers) this.#byAccount.set(peer.accountId, (peers = new Set()));
    peers.add(peer);
    send(peer, { type: 'hello', docs: this.lookup.seqsFor(peer.accountId) });
  }

  close(peer: StreamPeer): void {
    this.#pending.delete(peer);
    const peers = this.#byAccount.get(peer.accountId);
    if (!peers) return;
    peers.delete(peer);
    if (peers.size === 0) this.#byAccount.delete(peer.accountId);
  }

  /**
   * A commit: every member's streams hear of it, except the streams whose engine has the document open on a socket
   * here (`openOn`, by streamKey): that socket just carried the update itself.
   */
  docChanged(docId: string, seq: number, members: ReadonlySet<string>, openOn: ReadonlyMap<string, number>): void {
    if (this.#byAccount.size === 0) return;
    const tell = (accountId: string, peers: Set<StreamPeer>) => {
      for (const peer of peers) {
        if (peer.stream !== null && openOn.has(streamKey(accountId, peer.stream))) continue;
        this.#queue(peer, docId, seq);
      }
    };
    // Whichever is smaller: a thousand-member room with few devices online, or a busy server and a small room.
    if (members.size <= this.#byAccount.size) {
      for (const accountId of members) {
        const peers = this.#byAccount.get(accountId);
        if (peers) tell(accountId, peers);
      }
    } else {
      for (const [accountId, peers] of this.#byAccount) if (members.has(accountId)) tell(accountId, peers);
    }
  }

  /** One engine's stream only (the caller checked that the account is still a member). */
  docChangedFor(accountId: string, stream: string, docId: string, seq: number): void {
    for (const peer of this.#byAccount.get(accountId) ?? []) if (peer.stream === stream) this.#queue(peer, docId, seq);
  }

  membershipChanged(accountId: string, docId: string): void {
    for (const peer of this.#byAccount.get(accountId) ?? []) {
      // What changed before this membership event is said before it.
      this.#flushPeer(peer);
      send(peer, { type: 'membership', id: docId });
    }
  }

  get size(): number {
    let n = 0;
    for (const peers of this.#byAccount.values()) n += peers.size;
    return n;
  }

  #queue(peer: StreamPeer, docId: string, seq: number): void {
    let docs = this.#pending.get(peer);
    if (!docs) this.#pending.set(peer, (docs = new Map()));
    if (seq > (docs.get(docId) ?? -1)) docs.set(docId, seq);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    this.#scheduled = false;
    // The same event goes to many streams: serialised once.
    const texts = new Map<string, string>();
    for (const [peer, docs] of this.#pending) {
      for (const [docId, seq] of docs) {
        const key = `${docId} ${seq}`;
        let text = texts.get(key);
        if (text === undefined) texts.set(key, (text = JSON.stringify({ type: 'changed', id: docId, seq } satisfies StreamEvent)));
        peer.sendText(text);
      }
    }
    this.#pending.clear();
  }

  #flushPeer(peer: StreamPeer): void {
    const docs = this.#pending.get(peer);
    if (!docs) return;
    this.#pending.delete(peer);
    for (const [docId, seq] of docs) send(peer, { type: 'changed', id: docId, seq });
  }
}

function send(peer: StreamPeer, event: StreamEvent): void {
  peer.sendText(JSON.stringify(event));
}
