// The per-device event stream: which documents changed (`{id, seq}`), never what changed.
// A device keeps one such socket and opens a document socket only for what is on screen or changed.
import type { StreamEvent } from '../../lib/protocol/api-docs';

export interface StreamPeer {
  readonly accountId: string;
  sendText(text: string): void;
}

export class EventStreams {
  readonly #byAccount = new Map<string, Set<StreamPeer>>();

  constructor(
    private readonly lookup: {
      memberIds(docId: string): string[];
      seqsFor(accountId: string): Array<{ id: string; seq: number }>;
    },
  ) {}

  open(peer: StreamPeer): void {
    let peers = this.#byAccount.get(peer.accountId);
    if (!peers) this.#byAccount.set(peer.accountId, (peers = new Set()));
    peers.add(peer);
    send(peer, { type: 'hello', docs: this.lookup.seqsFor(peer.accountId) });
  }

  close(peer: StreamPeer): void {
    const peers = this.#byAccount.get(peer.accountId);
    if (!peers) return;
    peers.delete(peer);
    if (peers.size === 0) this.#byAccount.delete(peer.accountId);
  }

  docChanged(docId: string, seq: number): void {
    if (this.#byAccount.size === 0) return;
    const event: StreamEvent = { type: 'changed', id: docId, seq };
    for (const accountId of this.lookup.memberIds(docId)) {
      for (const peer of this.#byAccount.get(accountId) ?? []) send(peer, event);
    }
  }

  membershipChanged(accountId: string, docId: string): void {
    for (const peer of this.#byAccount.get(accountId) ?? []) send(peer, { type: 'membership', id: docId });
  }

  get size(): number {
    let n = 0;
    for (const peers of this.#byAccount.values()) n += peers.size;
    return n;
  }
}

function send(peer: StreamPeer, event: StreamEvent): void {
  peer.sendText(JSON.stringify(event));
}
