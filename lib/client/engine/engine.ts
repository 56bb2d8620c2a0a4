// The local-first engine of a signed-in device, wired in one place: engine store, conversations, sync.
// Runs in the browser and, for tests and benchmarks, in Node (fake-indexeddb and the `ws` WebSocket).
import type { Identity, RandomBytes, Verifier } from '../../crypto';
import { appendMessage, createVerificationCache, listMessages, memberKeyOf, type MessageView, type VerificationCache } from '../../docs';
import type { Account } from '../../protocol/api';
import { fail, ok } from '../../protocol/errors';
import type { ClientResult } from '../client-errors';
import { Conversations } from './conversations';
import type { ConnectionState, SocketTransport } from './doc-connection';
import type { DocReplica } from './doc-replica';
import { createDocsApi, type Request } from './docs-api';
import { openEngineStore, type EngineStore } from './engine-store';
import { SyncManager } from './sync-manager';

export interface EngineDeps {
  request: Request;
  identity: Identity;
  account: Account;
  verifier: Verifier;
  random: RandomBytes;
  now: () => number;
  indexedDB: IDBFactory;
  subtle: SubtleCrypto;
  /** syncUrl and WebSocket; getTicket is supplied by the engine from `request`. */
  socket: Omit<SocketTransport, 'getTicket'>;
  onSignedOut(): void;
  dbName?: string;
  compactAt?: number;
  maxShortSyncs?: number;
}

export interface ShownMessage extends MessageView {
  authorName: string;
  mine: boolean;
  pending: boolean;
}

export interface OpenConversation {
  readonly docId: string;
  readonly replica: DocReplica;
  connectionState(): ConnectionState | 'closed';
  messages(): Promise<ShownMessage[]>;
  send(body: string): Promise<ClientResult<string>>;
  /** Called on any change: new entries, pending state, connection state. */
  subscribe(listener: () => void): () => void;
  close(): Promise<void>;
}

export interface Engine {
  readonly conversations: Conversations;
  readonly sync: SyncManager;
  readonly store: EngineStore;
  start(): Promise<void>;
  open(docId: string): Promise<OpenConversation>;
  stop(): Promise<void>;
}

export async function createEngine(deps: EngineDeps): Promise<Engine> {
  const store = await openEngineStore({ indexedDB: deps.indexedDB, subtle: deps.subtle, random: deps.random, ...(deps.dbName ? { dbName: deps.dbName } : {}) });
  const api = createDocsApi(deps.request);
  const verification: VerificationCache = createVerificationCache();
  const getTicket = async () => {
    const ticket = await api.ticket();
    return ticket.ok ? ticket.value.ticket : null;
  };

  // The two need each other: conversations ask for syncs, sync asks for replicas.
  let sync: SyncManager;
  const conversations = new Conversations({
    api,
    store,
    identity: deps.identity,
    account: deps.account,
    verifier: deps.verifier,
    random: deps.random,
    now: deps.now,
    scheduleSync: (docId) => sync.schedule(docId),
    ...(deps.compactAt ? { compactAt: deps.compactAt } : {}),
    ...(deps.dbName ? { outerDbPrefix: `${deps.dbName}-outer-` } : {}),
  });
  sync = new SyncManager({
    transport: { ...deps.socket, getTicket },
    store,
    replica: async (docId) => (await conversations.acquire(docId)).replica,
    release: (docId) => conversations.release(docId),
    knownDocs: () => conversations.ids(),
    onMembership: (docId) => void conversations.refreshOne(docId),
    onSignedOut: deps.onSignedOut,
    ...(deps.maxShortSyncs ? { maxShortSyncs: deps.maxShortSyncs } : {}),
  });

  return {
    conversations,
    sync,
    store,
    async start() {
      await conversations.loadCache();
      sync.start();
      await conversations.refresh();
    },
    async open(docId) {
      const { replica } = await conversations.acquire(docId);
      const connection = await sync.setOpen(docId);
      const listeners = new Set<() => void>();
      const notify = () => listeners.forEach((l) => l());
      const stops = [replica.subscribe(notify), connection?.onState(notify) ?? (() => {})];
      let closed = false;
      return {
        docId,
        replica,
        connectionState: () => (closed ? 'closed' : (connection?.state ?? 'offline')),
        async messages() {
          const pending = replica.pendingMessageIds();
          const listed = await listMessages(replica.inner, { docId, verifier: deps.verifier, cache: verification });
          const myKey = memberKeyOf(deps.identity.signing.publicKey);
          return listed.map((m) => ({
            ...m,
            authorName: conversations.nameOf(docId, m.author),
            mine: m.author === myKey,
            pending: pending.has(m.id),
          }));
        },
        async send(body) {
          if (closed) return fail('request.invalid');
          await conversations.rotateIfNeeded(docId).catch(() => undefined);
          const preview = body.length > 140 ? `${body.slice(0, 139)}…` : body;
          const sent = appendMessage(replica.inner, {
            identity: deps.identity,
            docId,
            body,
            now: deps.now(),
            random: deps.random,
            origin: { preview },
          });
          if (!sent.ok) return fail('request.invalid');
          await store.putMeta(`dirty:${docId}`, true);
          return ok(sent.value);
        },
        subscribe(listener) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        async close() {
          if (closed) return;
          closed = true;
          stops.forEach((s) => s());
          await sync.setOpen(null);
          conversations.release(docId);
        },
      };
    },
    async stop() {
      sync.stop();
      await conversations.closeAll();
      await conversations.flushCache();
      store.close();
    },
  };
}
