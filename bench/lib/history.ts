// A conversation history of N chat messages made the way the engine makes them: each message one lib/docs record
// in the inner Y.Doc (one inner update), sealed into one envelope, appended to the outer document as one update.
// Signatures by node:crypto (byte-identical to tweetnacl's, see fast-keys.ts). Bodies come from a seeded generator.
import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import { conversationParts, newMessageId } from '../../lib/docs';
import type { CommitItem } from '../../sync-server/sync/doc-store';
import { sealEnvelopeFast, signMessageFast, type FastSigner } from './fast-keys';
import { OuterWriter } from './lean-client';

const WORDS = (
  'the a to and of I you it for is in on that we can have need this with my be at do tomorrow today help ' +
  'bike tools garden food car ride books laptop chairs table paint ladder move weekend morning evening thanks ' +
  'great sure maybe how about when where could would should offer spare extra borrow lend pick drop meet'
).split(' ');

/** Deterministic chat-like text: mostly short lines, some long ones (mean about 70 characters). */
export function bodies(count: number, seed = 1): string[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: count }, () => {
    const words = rand() < 0.85 ? 2 + Math.floor(rand() * 14) : 20 + Math.floor(rand() * 40);
    const out: string[] = [];
    for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]!);
    return out.join(' ');
  });
}

export interface History {
  inner: Y.Doc;
  writer: OuterWriter;
  /** The outer updates with what the sync service commits for each. */
  commits: CommitItem[];
  bodyBytes: number;
  count: number;
}

export function buildHistory(o: {
  docId: string;
  key: Uint8Array;
  signer: FastSigner;
  accountId: string;
  count: number;
  startAt: number;
  /** A first inner change (e.g. initConversation), sealed as the first entry. */
  prelude?: (inner: Y.Doc) => void;
}): History {
  const inner = new Y.Doc();
  const parts = conversationParts(inner);
  const writer = new OuterWriter();
  const commits: CommitItem[] = [];
  let innerUpdate: Uint8Array | null = null;
  inner.on('update', (u: Uint8Array) => {
    innerUpdate = u;
  });
  const seal = (update: Uint8Array, preview: string | undefined) => {
    const envelope = sealEnvelopeFast({
      docId: o.docId,
      epoch: 0,
      kind: 'update',
      plaintext: preview === undefined ? { update } : { update, preview },
      key: o.key,
      signer: o.signer,
      nonce: new Uint8Array(randomBytes(24)),
    });
    const { update: outer } = writer.append(envelope);
    commits.push({
      docId: o.docId,
      accountId: o.accountId,
      update: outer,
      signatures: [envelope.subarray(envelope.length - 64)],
      newClients: commits.length === 0 ? [writer.doc.clientID] : [],
    });
  };
  if (o.prelude) {
    o.prelude(inner);
    seal(innerUpdate!, undefined);
  }
  const texts = bodies(o.count);
  const encoder = new TextEncoder();
  let bodyBytes = 0;
  texts.forEach((body, i) => {
    bodyBytes += encoder.encode(body).length;
    const id = newMessageId((n) => new Uint8Array(randomBytes(n)));
    const record = signMessageFast(o.docId, { id, body, sentAt: o.startAt + i * 1000 }, o.signer);
    inner.transact(() => parts.messages.set(id, record));
    seal(innerUpdate!, body.length > 140 ? `${body.slice(0, 139)}…` : body);
  });
  return { inner, writer, commits, bodyBytes, count: o.count };
}
