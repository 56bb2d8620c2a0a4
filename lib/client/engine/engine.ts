// The local-first engine of a signed-in device, wired in one place: engine store, conversations, sync.
// Runs in the browser and, for tests and benchmarks, in Node (fake-indexeddb and the `ws` WebSocket).
import type { Identity, RandomBytes, Verifier } from '../../crypto';
import {
  appendMessage,
  countMessages,
  createVerificationCache,
  getMessage,
  listMessages,
  memberKeyOf,
  type MessageView,
  type Position,
  type VerificationCache,
} from '../../docs';
import type { Account } from '../../protocol/api';
import { toBase64url } from '../../protocol/base64url';
import { fail, ok } from '../../protocol/errors';
import type { ClientResult } from '../client-errors';
import { conversationActions, type ConversationActions, type ConversationResult } from './conversation-actions';
import { Communities } from './communities';
import { createCommunitiesApi } from './communities-api';
import { CommunityDiscovery } from './community-discovery';
import { CommunityAdmin, createCommunityAdminApi } from './community-admin';
import { Conversations } from './conversations';
import type { ConnectionState, SocketTransport } from './doc-connection';
import { OUTER_DB_PREFIX, type DocReplica } from './doc-replica';
import { createDocsApi, type Request } from './docs-api';
import { openEngineStore, type EngineStore } from './engine-store';
import type { MembershipEvent } from './group-history';
import { Presence, type TypingMember } from './presence';
import { PrivacyState } from './privacy-state';
import { RECENT_COUNT, recentName, RecentViews, type RecentView } from './recent-view';
import { createReplicaHooks } from './replica-hooks';
import { Safety, type KeyWarning, type VerificationStatus } from './safety';
import { SearchStore, type SearchResult } from './search-store';
import { SyncManager } from './sync-manager';
import { openThread, readThread, type OpenThread, type ThreadReader } from './open-thread';
import { UnreadTracker } from './unread';

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
  /** A socket closed because the session ended; `reason` is the server's code (`account.deleted`). */
  onSignedOut(reason: string): void;
  dbName?: string;
  compactAt?: number;
  maxShortSyncs?: number;
  /** Failures no caller waits for (background indexing); never message content. */
  report?(what: string, error: unknown): void;
}

export interface ShownMessage extends MessageView {
  authorName: string;
  mine: boolean;
  pending: boolean;
  /** Written by someone I blocked: hidden on this device unless I choose to show it. */
  blockedAuthor: boolean;
}

/** What a conversation showed when this device last listed it, sealed: on screen while its replica loads. */
export interface RecentMessages {
  /** Oldest first: the newest messages (at most RECENT_COUNT) as they were listed then. */
  messages: ShownMessage[];
  /** How many messages the whole conversation had then. */
  total: number;
}

export interface OpenConversation extends ConversationActions {
  readonly docId: string;
  readonly replica: DocReplica;
  connectionState(): ConnectionState | 'closed';
  /** Oldest first; a window (the newest `limit` before `before`) for long histories loaded on demand. */
  messages(window?: { limit?: number; before?: Position }): Promise<ShownMessage[]>;
  /** One message, e.g. the original a reply quotes when it is outside the loaded window. */
  message(messageId: string): Promise<ShownMessage | null>;
  /** How many messages `messages()` lists with no window: the length of the whole conversation. */
  count(): number;
  send(body: string): Promise<ClientResult<string>>;
  /** Called on any change: new entries, pending state, connection state, who is typing. */
  subscribe(listener: () => void): () => void;
  close(): Promise<void>;
  /** Messages by others after my read marker, as counted for the list. */
  unread(): number;
  /** true on every keystroke, false when the draft is sent or cleared; throttled, encrypted awareness. */
  setTyping(typing: boolean): void;
  /** Other members typing now (empty while the document has no socket). */
  typing(): TypingMember[];
  /** Members whose identity key changed since I verified them; persistent until verified again. */
  keyWarnings(): KeyWarning[];
  /** Why the server refuses my writes here now ('request.cap_reached', 'entry.blocked'), or null. */
  refusal(): string | null;
  /** A message request to me (accept, decline or block it), or one I sent that nobody accepted yet. */
  consent(): { request: boolean; awaiting: boolean };
}

/** A conversation read from this device's copy, without a socket (the data export); pair with `close`. */
export interface ConversationReader {
  readonly docId: string;
  /** As OpenConversation.messages: oldest first, a window of the newest `limit` before `before`. */
  messages(window?: { limit?: number; before?: Position }): Promise<ShownMessage[]>;
  /** Who added or removed whom, from the signed records. */
  history(): Promise<MembershipEvent[]>;
  close(): void;
}

export interface Engine {
  readonly conversations: Conversations;
  /** Communities I belong to, their threads, invite links and removals. */
  readonly communities: Communities;
  /** The public directory, direct invitations by handle and their answers, the history setting. */
  readonly discovery: CommunityDiscovery;
  /** Moderators, handing ownership over, channels, deleting a community. */
  readonly communityAdmin: CommunityAdmin;
  readonly sync: SyncManager;
  readonly store: EngineStore;
  /** Who may contact me, the receipt and typing switches, my blocks. */
  readonly privacy: PrivacyState;
  start(): Promise<void>;
  open(docId: string): Promise<OpenConversation>;
  /**
   * The newest messages as this device last listed them (verified and decrypted then), read from one small sealed
   * record without loading the conversation: shown at once while `open` loads it. Null when none is kept.
   */
  recent(docId: string): Promise<RecentMessages | null>;
  /** Loads one conversation to read it, no socket and no presence; `doc.not_found` when not in the list. */
  read(docId: string): Promise<ConversationResult<ConversationReader>>;
  /** A thread of one of my communities, on screen: its posts, send, reply, edit, delete. */
  openThread(threadId: string): Promise<ClientResult<OpenThread>>;
  /** Loads one thread of my communities to read it, no socket; `doc.not_found` when not listed. */
  readThread(threadId: string): Promise<ClientResult<ThreadReader>>;
  stop(): Promise<void>;
  /** Every conversation on this device, offline too; newest first. */
  search(query: string, options?: { limit?: number }): Promise<SearchResult[]>;
  /** Unread messages across the list (the number in the main navigation); per conversation in list(). */
  totalUnread(): number;
  /** 60 digits for me and this account, from the key the server lists now. */
  safetyNumber(accountId: string, docId?: string): Promise<ClientResult<string>>;
  /** Stores the account's current key as verified; with `safetyNumber`, only if that is still the number. */
  markVerified(accountId: string, options?: { safetyNumber?: string; docId?: string }): Promise<ClientResult<void>>;
  verificationStatus(accountId: string, docId?: string): VerificationStatus;
  keyWarnings(docId: string): KeyWarning[];
  /** Who added or removed whom, from the signed membership records of the conversation. */
  history(docId: string): Promise<ConversationResult<MembershipEvent[]>>;
  /** Declines a message request (or blocks its sender too); what this device kept of it is wiped. */
  decline(docId: string, options?: { block?: boolean }): Promise<ClientResult<void>>;
  /**
   * "Delete my copy": wipes what this device keeps of the conversation (close it first); it stays a member, and
   * the conversation comes back, without the older messages, when someone writes again.
   */
  deleteLocalCopy(docId: string): Promise<ClientResult<void>>;
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
  // Lists with the helpers below, once a replica has loaded.
  const recent = new RecentViews({
    store,
    async list(replica): Promise<RecentView> {
      const { listed, pending } = await listVisible(replica.docId, replica, { limit: RECENT_COUNT });
      return { total: countMessages(replica.inner, { cache: verification }), messages: listed.map((m) => ({ ...m, pending: pending.has(m.id) })) };
    },
    ...(deps.report ? { report: deps.report } : {}),
  });
  const conversations = new Conversations({
    api,
    store,
    identity: deps.identity,
    account: deps.account,
    verifier: deps.verifier,
    random: deps.random,
    now: deps.now,
    scheduleSync: (docId) => sync.schedule(docId),
    retrySync: (docId) => sync.retry(docId),
    onGone: (docId) => void wipe(docId).catch((error: unknown) => deps.report?.('wiping a conversation', error)),
    recent,
    cache: verification,
    ...(deps.compactAt ? { compactAt: deps.compactAt } : {}),
    ...(deps.dbName ? { outerDbPrefix: `${deps.dbName}-outer-` } : {}),
  });
  const communitiesApi = createCommunitiesApi(deps.request);
  const communities = new Communities({
    api: communitiesApi,
    store,
    identity: deps.identity,
    account: deps.account,
    verifier: deps.verifier,
    cache: verification,
    random: deps.random,
    now: deps.now,
    scheduleSync: (docId) => sync.schedule(docId),
    onGone: (docIds) => void Promise.all(docIds.map(wipe)).catch((error: unknown) => deps.report?.('wiping a community', error)),
    signingKeyOf: async (accountId) => {
      const user = await api.userById(accountId);
      return user.ok ? user.value.signingPublicKey : null;
    },
    ...(deps.compactAt ? { compactAt: deps.compactAt } : {}),
    ...(deps.dbName ? { outerDbPrefix: `${deps.dbName}-outer-` } : {}),
  });
  const discovery = new CommunityDiscovery({
    api: communitiesApi,
    communities,
    lookup: (handle) => api.user(handle),
    identity: deps.identity,
    account: deps.account,
    random: deps.random,
    now: deps.now,
    scheduleSync: (docId) => sync.schedule(docId),
    store,
  });
  const communityAdmin = new CommunityAdmin({
    communities,
    api: createCommunityAdminApi(deps.request),
    identity: deps.identity,
    random: deps.random,
    now: deps.now,
  });
  const myKey = memberKeyOf(deps.identity.signing.publicKey);
  const search = new SearchStore({
    store,
    verifier: deps.verifier,
    knownDocs: () => conversations.ids(),
    nameOf: (docId, key) => conversations.nameOf(docId, key),
    ...(deps.report ? { report: deps.report } : {}),
  });
  const privacy = new PrivacyState({ api, store, ...(deps.report ? { report: deps.report } : {}) });
  await privacy.load();
  const unread = new UnreadTracker({
    self: myKey,
    verifier: deps.verifier,
    report: (docId, n) => conversations.setUnread(docId, n),
    local: (docId) => {
      const { read, clearedAt } = conversations.local(docId);
      return { ...(read ? { read } : {}), ...(clearedAt !== undefined ? { clearedAt } : {}) };
    },
  });
  // Threads have the conversation layout: the same count, kept in the communities' list.
  const threadUnread = new UnreadTracker({
    self: myKey,
    verifier: deps.verifier,
    report: (docId, n) => communities.unread.set(docId, n),
    local: (docId) => {
      const read = communities.unread.localRead(docId);
      return read ? { read } : {};
    },
  });
  const watchThread = (replica: DocReplica): DocReplica => {
    const community = communities.view(replica.docId);
    if (community && community.id !== replica.docId) threadUnread.watch(replica);
    return replica;
  };
  const outerPrefix = deps.dbName ? `${deps.dbName}-outer-` : OUTER_DB_PREFIX;
  /** Removes everything this device stored for a document: replica, keys, sync marks, search shard. */
  async function wipe(docId: string): Promise<void> {
    await Promise.all([conversations.released(docId), communities.released(docId)]);
    await search.forget(docId);
    recent.forget(docId);
    for (const name of [`inner:${docId}`, recentName(docId), `keys:${docId}`, `stored:${docId}`, `seq:${docId}`, `dirty:${docId}`]) await store.remove(name);
    await new Promise<void>((resolve) => {
      const request = deps.indexedDB.deleteDatabase(`${outerPrefix}${docId}`);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
  }
  const watch = createReplicaHooks({
    search,
    unread,
    markDirty: (docId) => void conversations.markDirty(docId).catch((error: unknown) => deps.report?.('marking a document for sync', error)),
  });
  const safety = new Safety({ store, identity: deps.identity, account: deps.account, conversations });
  await safety.load();
  /** The device keeps my read position to itself with receipts off, and while a request waits either way. */
  const receipts = (docId: string) => {
    const view = conversations.view(docId);
    const on = privacy.settings().readReceipts;
    // Someone I blocked gets no receipts from me (in a group the others still do: the position is one for all).
    const blockedPeer = view?.kind === 'direct' && view.members.some((m) => m.accountId !== deps.account.id && privacy.isBlocked(m.accountId));
    return { share: on && view?.request !== true && view?.awaiting !== true && !blockedPeer, show: on };
  };
  const actionsFor = (docId: string, replica: DocReplica, closed: () => boolean) =>
    conversationActions({
      receipts: () => receipts(docId),
      localRead: {
        get: () => conversations.local(docId).read,
        set: (read) => {
          conversations.setLocal(docId, { read });
          unread.recount(docId);
        },
      },
      docId,
      replica,
      conversations,
      identity: deps.identity,
      accountId: deps.account.id,
      verifier: deps.verifier,
      random: deps.random,
      now: deps.now,
      closed,
    });

  sync = new SyncManager({
    // One name for this engine's event stream and its document sockets: the server then skips `changed` for
    // documents this engine has open (their socket carries the update).
    transport: { ...deps.socket, getTicket, stream: toBase64url(deps.random(12)) },
    store,
    // Community and thread documents are the communities' to load; their keys are the community's.
    replica: async (docId) => (communities.has(docId) ? watchThread((await communities.acquire(docId)).replica) : watch((await conversations.acquire(docId)).replica)),
    // By who holds it: a community dropped from the list meanwhile still has its replica to release.
    release: (docId) => (communities.holding(docId) ? communities.release(docId) : conversations.release(docId)),
    knownDocs: () => [...conversations.ids(), ...communities.ids()],
    // A membership event names a conversation or a community; one this device does not list yet may be either.
    onMembership: (docId) => {
      if (communities.has(docId)) void communities.refreshOne(docId);
      else if (conversations.view(docId)) void conversations.refreshOne(docId);
      else void communities.refreshOne(docId).then((found) => (found ? undefined : conversations.refreshOne(docId)));
    },
    onRefused: (docId, code) => {
      if (code === 'request.cap_reached' || code === 'entry.blocked') conversations.setRefusal(docId, code);
    },
    // Only documents this device lists (a new one is listed by its membership event or the list refresh,
    // which then ask for a sync): conversations, and the community and thread documents of my communities.
    wanted: (docId) => conversations.syncable(docId) || communities.has(docId),
    onSignedOut: deps.onSignedOut,
    ...(deps.maxShortSyncs ? { maxShortSyncs: deps.maxShortSyncs } : {}),
  });

  const authorAccount = (docId: string, key: string) => conversations.view(docId)?.members.find((m) => m.signingPublicKey === key)?.accountId;
  const show = (docId: string, m: MessageView, pending: boolean): ShownMessage => {
    const account = authorAccount(docId, m.author);
    return {
      ...m,
      authorName: conversations.nameOf(docId, m.author),
      mine: m.author === myKey,
      pending,
      blockedAuthor: account !== undefined && privacy.isBlocked(account),
    };
  };
  // "Delete my copy" hides what was there before, on this device.
  const visible = (docId: string, m: MessageView) => m.sentAt > (conversations.local(docId).clearedAt ?? -1);
  /** What the screen lists, before the names and blocks of the moment are added (the recent view keeps this). */
  const listVisible = async (docId: string, replica: DocReplica, window: { limit?: number; before?: Position }) => {
    const pending = replica.pendingMessageIds();
    const listed = await listMessages(replica.inner, { docId, verifier: deps.verifier, cache: verification, ...window });
    return { listed: listed.filter((m) => visible(docId, m)), pending };
  };
  const listShown = async (docId: string, replica: DocReplica, window: { limit?: number; before?: Position }) => {
    const { listed, pending } = await listVisible(docId, replica, window);
    return listed.map((m) => show(docId, m, pending.has(m.id)));
  };

  let stopping: Promise<void> | null = null;
  return {
    conversations,
    communities,
    discovery,
    communityAdmin,
    sync,
    store,
    privacy,
    async start() {
      await Promise.all([conversations.loadCache(), communities.loadCache()]);
      sync.start();
      await Promise.all([conversations.refresh(), communities.refresh(), privacy.refresh()]);
    },
    async open(docId) {
      const { replica, keys } = await conversations.acquire(docId);
      watch(replica);
      const connection = await sync.setOpen(docId);
      const listeners = new Set<() => void>();
      const notify = () => listeners.forEach((l) => l());
      const stops = [
        replica.subscribe(notify),
        connection?.onState(notify) ?? (() => {}),
        conversations.subscribe(notify),
        conversations.subscribeNames(notify),
        privacy.subscribe(notify),
      ];
      let closed = false;
      const presence = new Presence({
        docId,
        awareness: connection?.awareness ?? null,
        keys,
        identity: deps.identity,
        verifier: deps.verifier,
        random: deps.random,
        now: deps.now,
        setTimer: (run, ms) => setTimeout(run, ms),
        clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
        memberName: (key) => {
          const member = conversations.view(docId)?.members.find((m) => m.signingPublicKey === key);
          return member ? conversations.nameOf(docId, key) : null;
        },
        onChange: notify,
      });
      const actions = actionsFor(docId, replica, () => closed);
      // Typing is shown and sent only with the switch on (reciprocal), and not while a request to me waits.
      const typingOn = () => privacy.settings().typing;
      return {
        ...actions,
        async reply(body, replyTo) {
          const sent = await actions.reply(body, replyTo);
          if (sent.ok) presence.setTyping(false);
          return sent;
        },
        unread: () => conversations.unread(docId),
        setTyping: (typing) => {
          if (!closed && typingOn() && conversations.view(docId)?.request !== true) presence.setTyping(typing);
        },
        typing: () => (closed || !typingOn() ? [] : presence.typing()),
        keyWarnings: () => safety.keyWarnings(docId),
        refusal: () => conversations.refusal(docId),
        consent: () => {
          const view = conversations.view(docId);
          return { request: view?.request === true, awaiting: view?.awaiting === true };
        },
        docId,
        replica,
        connectionState: () => (closed ? 'closed' : (connection?.state ?? 'offline')),
        messages: (window = {}) => listShown(docId, replica, window),
        count: () => countMessages(replica.inner, { cache: verification }),
        async message(messageId) {
          const found = await getMessage(replica.inner, messageId, { docId, verifier: deps.verifier, cache: verification });
          return found && visible(docId, found) ? show(docId, found, replica.pendingMessageIds().has(found.id)) : null;
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
          presence.setTyping(false);
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
          presence.dispose();
          stops.forEach((s) => s());
          await sync.setOpen(null);
          conversations.release(docId);
        },
      };
    },
    openThread: (threadId) =>
      openThread(
        {
          communities,
          identity: deps.identity,
          accountId: deps.account.id,
          verifier: deps.verifier,
          random: deps.random,
          now: deps.now,
          cache: verification,
          blockedAuthor: (id, key) => {
            const account = communities.view(id)?.members.find((m) => m.signingPublicKey === key)?.accountId;
            return account !== undefined && privacy.isBlocked(account);
          },
          setOpen: (docId) => sync.setOpen(docId),
          // A thread has no requests and no one-to-one blocks: the receipts switch alone decides.
          receipts: () => {
            const on = privacy.settings().readReceipts;
            return { share: on, show: on };
          },
          localRead: (id) => ({
            get: () => communities.unread.localRead(id),
            set: (read) => {
              communities.unread.setLocalRead(id, read);
              threadUnread.recount(id);
            },
          }),
          watch: watchThread,
        },
        threadId,
      ),
    readThread: (threadId) => readThread({ communities, verifier: deps.verifier, cache: verification }, threadId),
    async recent(docId) {
      // Hidden by "Delete my copy" (its record is wiped with the rest) or not in the list: nothing to show.
      if (!conversations.syncable(docId)) return null;
      const kept = await recent.read(docId);
      if (!kept) return null;
      // From here on the messages are as this device verified them when it sealed the record.
      return {
        total: kept.total,
        messages: kept.messages.filter((m) => visible(docId, m)).map(({ pending, ...m }) => show(docId, m, pending)),
      };
    },
    async read(docId) {
      if (!conversations.view(docId)) return fail('doc.not_found');
      const { replica } = await conversations.acquire(docId);
      watch(replica);
      let released = false;
      return ok({
        docId,
        messages: (window = {}) => listShown(docId, replica, window),
        history: () => actionsFor(docId, replica, () => true).history(),
        close() {
          if (released) return;
          released = true;
          conversations.release(docId);
        },
      });
    },
    stop() {
      // Once: a second stop (sign-out racing a page close) must not write to the closed store.
      stopping ??= (async () => {
        unread.stop();
        threadUnread.stop();
        sync.stop();
        await conversations.closeAll();
        await communities.closeAll();
        await search.stop();
        await conversations.flushCache();
        await communities.flushCache();
        store.close();
      })();
      return stopping;
    },
    async search(query, options) {
      const found = await search.search(query, options);
      return found.filter((r) => r.sentAt > (conversations.local(r.docId).clearedAt ?? -1));
    },
    async decline(docId, options = {}) {
      const declined = await conversations.decline(docId, options);
      if (!declined.ok) return declined;
      if (options.block) await privacy.refreshBlocks();
      await wipe(docId);
      return ok(undefined);
    },
    async deleteLocalCopy(docId) {
      if (!conversations.view(docId)) return fail('doc.not_found');
      conversations.hideUntilNew(docId, deps.now());
      await wipe(docId);
      return ok(undefined);
    },
    totalUnread: () => conversations.totalUnread(),
    safetyNumber: (accountId, docId) => safety.safetyNumber(accountId, docId),
    markVerified: (accountId, options) => safety.markVerified(accountId, options),
    verificationStatus: (accountId, docId) => safety.status(accountId, docId),
    keyWarnings: (docId) => safety.keyWarnings(docId),
    async history(docId) {
      if (!conversations.view(docId)) return fail('doc.not_found');
      const { replica } = await conversations.acquire(docId);
      try {
        watch(replica);
        return ok(await actionsFor(docId, replica, () => false).history());
      } finally {
        conversations.release(docId);
      }
    },
  };
}
