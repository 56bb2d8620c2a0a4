// A thread on screen: its posts read and written like a conversation's (the same actions), with the keys and
// members of its community, and a live socket while it is open. Also a thread read without a socket (the export).
import type { Identity, RandomBytes, Verifier } from '../../crypto';
import { appendMessage, listMessages, memberKeyOf, type MessageView, type Position, type VerificationCache } from '../../docs';
import { fail, ok } from '../../protocol/errors';
import type { ClientResult } from '../client-errors';
import type { Communities } from './communities';
import { conversationActions, previewOf, type ActionsContext, type ConversationActions } from './conversation-actions';
import type { ConnectionState, DocConnection } from './doc-connection';
import type { DocReplica } from './doc-replica';

export interface ThreadPost extends MessageView {
  authorName: string;
  mine: boolean;
  pending: boolean;
  /** Written by someone I blocked: hidden on this device unless I choose to show it. */
  blockedAuthor: boolean;
}

export interface OpenThread extends ConversationActions {
  readonly docId: string;
  readonly communityId: string;
  readonly replica: DocReplica;
  connectionState(): ConnectionState | 'closed';
  /** Oldest first, the first post included; a window (the newest `limit` before `before`) for long threads. */
  messages(window?: { limit?: number; before?: Position }): Promise<ThreadPost[]>;
  send(body: string): Promise<ClientResult<string>>;
  subscribe(listener: () => void): () => void;
  close(): Promise<void>;
  /** Posts by others after my read position, as counted for the community home. */
  unread(): number;
}

export interface OpenThreadDeps {
  communities: Communities;
  identity: Identity;
  accountId: string;
  verifier: Verifier;
  random: RandomBytes;
  now: () => number;
  cache: VerificationCache;
  /** Whether the member with this key in the thread's community is someone I blocked. */
  blockedAuthor(threadId: string, author: string): boolean;
  /** The sync manager's live socket for the document on screen (null closes it). */
  setOpen(docId: string | null): Promise<DocConnection | null>;
  /** As for conversations: whether my read position is shared (read receipts) and whether I see others'. */
  receipts?: ActionsContext['receipts'];
  /** My read position in this thread kept on this device only, for when it is not shared. */
  localRead?(threadId: string): NonNullable<ActionsContext['localRead']>;
  /** Keeps the thread's unread count current while it is open. */
  watch?(replica: DocReplica): void;
}

export async function openThread(deps: OpenThreadDeps, threadId: string): Promise<ClientResult<OpenThread>> {
  const { communities } = deps;
  const community = communities.view(threadId);
  if (!community || community.id === threadId) return fail('doc.not_found');
  const { replica } = await communities.acquire(threadId);
  deps.watch?.(replica);
  const connection = await deps.setOpen(threadId);
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  const stops = [replica.subscribe(notify), connection?.onState(notify) ?? (() => {}), communities.subscribe(notify)];
  let closed = false;
  const me = memberKeyOf(deps.identity.signing.publicKey);
  const actions = conversationActions({
    docId: threadId,
    replica,
    conversations: communities,
    identity: deps.identity,
    accountId: deps.accountId,
    verifier: deps.verifier,
    random: deps.random,
    now: deps.now,
    closed: () => closed,
    ...(deps.receipts ? { receipts: deps.receipts } : {}),
    ...(deps.localRead ? { localRead: deps.localRead(threadId) } : {}),
  });
  return ok({
    ...actions,
    docId: threadId,
    communityId: community.id,
    replica,
    connectionState: () => (closed ? 'closed' : (connection?.state ?? 'offline')),
    async messages(window = {}) {
      const pending = replica.pendingMessageIds();
      const listed = await listMessages(replica.inner, { docId: threadId, verifier: deps.verifier, cache: deps.cache, ...window });
      return listed.map((m) => ({
        ...m,
        authorName: communities.nameOf(threadId, m.author),
        mine: m.author === me,
        pending: pending.has(m.id),
        blockedAuthor: m.author !== me && deps.blockedAuthor(threadId, m.author),
      }));
    },
    async send(body) {
      if (closed) return fail('request.invalid');
      await communities.rotateIfNeeded(threadId).catch(() => undefined);
      const sent = appendMessage(replica.inner, { identity: deps.identity, docId: threadId, body, now: deps.now(), random: deps.random, origin: { preview: previewOf(body) } });
      if (!sent.ok) return fail('request.invalid');
      await communities.markDirty(threadId);
      return ok(sent.value);
    },
    unread: () => communities.unread.count(community.id, threadId),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      stops.forEach((s) => s());
      await deps.setOpen(null);
      communities.release(threadId);
    },
  });
}

/** A thread read from this device's copy, without a socket (the data export); pair with `close`. */
export interface ThreadReader {
  readonly docId: string;
  /** As OpenThread.messages, without the names and marks a screen adds. */
  messages(window?: { limit?: number; before?: Position }): Promise<MessageView[]>;
  close(): void;
}

/** Loads one thread of a community I belong to; `doc.not_found` for any other document. */
export async function readThread(deps: Pick<OpenThreadDeps, 'communities' | 'verifier' | 'cache'>, threadId: string): Promise<ClientResult<ThreadReader>> {
  const { communities } = deps;
  const community = communities.view(threadId);
  if (!community || community.id === threadId || community.invited === true) return fail('doc.not_found');
  let replica: DocReplica;
  try {
    ({ replica } = await communities.acquire(threadId));
  } catch (error) {
    // The hold was taken before the load failed.
    communities.release(threadId);
    throw error;
  }
  let released = false;
  return ok({
    docId: threadId,
    messages: (window = {}) => listMessages(replica.inner, { docId: threadId, verifier: deps.verifier, cache: deps.cache, ...window }),
    close() {
      if (released) return;
      released = true;
      communities.release(threadId);
    },
  });
}
