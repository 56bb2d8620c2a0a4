// Conversations on this device: the list (cached sealed, so it shows offline), starting one, membership
// changes with key rotation, and the replicas the screens open. Screens call this; they never touch
// envelopes, keys or sockets.
import { z } from 'zod';
import { type Identity, type RandomBytes, type Verifier } from '../../crypto';
import {
  addMembershipRecord,
  initConversation,
  lastMessagePreview,
  memberKeyOf,
  readMeta,
  type Member,
  type VerificationCache,
} from '../../docs';
import type { Account, PublicProfile } from '../../protocol/api';
import { ConversationView, MAX_GROUP_MEMBERS, type MemberView } from '../../protocol/api-docs';
import { fromBase64url, toBase64url } from '../../protocol/base64url';
import { sealKeyEnvelope } from '../../protocol/key-envelope';
import { fail, ok } from '../../protocol/errors';
import type { ClientResult } from '../client-errors';
import type { DocsApi } from './docs-api';
import { DocReplica } from './doc-replica';
import type { EngineStore } from './engine-store';
import { createEntryCodec } from './entry-codec';
import { EpochKeys } from './epoch-keys';
import { LocalChanges } from './local-changes';
import type { RecentViews } from './recent-view';
import { DevicePosition } from './unread';

export interface ConversationSummary {
  id: string;
  kind: 'direct' | 'group';
  /** A message request to me: shown under Message requests until I accept, decline or block. */
  request: boolean;
  /** I started it and nobody accepted yet: I may send only a few messages (REQUEST_ENTRY_CAP). */
  awaiting: boolean;
  /** This device's choices: a muted conversation adds nothing to the total; an archived one sits apart. */
  muted: boolean;
  archived: boolean;
  title: string;
  members: MemberView[];
  lastMessage: { author: string; body: string | null; sentAt: number; deleted: boolean } | null;
  /** Last activity: the newest message, or the conversation's own change. */
  activeAt: number;
  /** Messages by others after my read position, as last counted on this device. */
  unread: number;
}

export interface ConversationsDeps {
  api: DocsApi;
  store: EngineStore;
  identity: Identity;
  account: Account;
  verifier: Verifier;
  random: RandomBytes;
  now: () => number;
  /** Asks the sync manager to sync a document soon (it changed or has writes to send). */
  scheduleSync(docId: string): void;
  /** Like scheduleSync, and also reconnects the document on screen after a refusal that no longer holds. */
  retrySync?(docId: string): void;
  yieldToEventLoop?: () => Promise<void>;
  compactAt?: number;
  outerDbPrefix?: string;
  /** A conversation this account no longer belongs to: the engine wipes its local data. */
  onGone?(docId: string): void;
  /** Keeps each loaded replica's sealed recent view current (shown at once on the next cold open). */
  recent?: RecentViews;
  /** The engine's parse and verification cache: the list preview then parses no record the screen parsed. */
  cache?: VerificationCache;
}

const Summary = z.object({
  author: z.string(),
  body: z.string().nullable(),
  sentAt: z.number(),
  deleted: z.boolean(),
});
const LocalPrefs = z.object({
  muted: z.boolean().optional(),
  archived: z.boolean().optional(),
  /** "Delete my copy": messages sent up to then stay hidden on this device, */
  clearedAt: z.number().optional(),
  /** and the conversation stays out of the list until its sequence number moves past this one. */
  hiddenUntilSeq: z.number().optional(),
  /** My read position kept on this device only (read receipts off, or a request not yet accepted). */
  read: DevicePosition.optional(),
});
export type LocalPrefs = z.infer<typeof LocalPrefs>;

const ListCache = z.object({
  conversations: z.array(ConversationView),
  summaries: z.record(z.string(), Summary),
  /** Every signing key ever seen as a member, per document: old entries by past members stay readable. */
  memberKeys: z.record(z.string(), z.array(z.string())),
  /** Group names from the inner meta, so the list shows them without loading each replica. */
  titles: z.record(z.string(), z.string()).default({}),
  /** Unread counts per document (engine/unread.ts), so the list shows them without opening each replica. */
  unread: z.record(z.string(), z.int().min(0)).default({}),
  /** Display names of everyone seen as a member, per document: the membership history names people who left. */
  names: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  /** This device's own choices per document (never sent anywhere). */
  local: z.record(z.string(), LocalPrefs).default({}),
  /** The account behind each signing key seen as a member, per document: authors who are gone can still be named. */
  keyAccounts: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  /** Accounts the server said were deleted: what they wrote shows as "Deleted account". */
  deleted: z.array(z.string()).default([]),
});
type ListCache = z.infer<typeof ListCache>;

const LIST = 'list:conversations';
const text = new TextEncoder();
const untext = new TextDecoder();

interface Loaded {
  replica: DocReplica;
  keys: EpochKeys;
}

export class Conversations {
  #cache: ListCache = { conversations: [], summaries: {}, memberKeys: {}, titles: {}, unread: {}, names: {}, local: {}, keyAccounts: {}, deleted: [] };
  /** Why the server refused this device's writes in a document (request cap, block), until it changes. */
  #refusals = new Map<string, string>();
  /** Changes made here, so a list refresh answered after them does not undo them. */
  readonly #changes = new LocalChanges();
  #replicas = new Map<string, { loading: Promise<Loaded>; holds: number }>();
  #listeners = new Set<() => void>();
  #nameListeners = new Set<() => void>();
  #saveTimer: ReturnType<typeof setTimeout> | null = null;
  #destroying = new Set<Promise<void>>();

  constructor(private readonly deps: ConversationsDeps) {}

  async loadCache(): Promise<void> {
    const sealed = await this.deps.store.open(LIST);
    if (!sealed) return;
    try {
      const parsed = ListCache.safeParse(JSON.parse(untext.decode(sealed)));
      if (parsed.success) this.#cache = parsed.data;
    } catch {
      // An unreadable cache is rebuilt from the server on the next refresh.
    }
    this.#notify();
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Told when a name shown for an author changes (an account was deleted), so open conversations re-read. */
  subscribeNames(listener: () => void): () => void {
    this.#nameListeners.add(listener);
    return () => this.#nameListeners.delete(listener);
  }

  ids(): string[] {
    return this.#cache.conversations.map((c) => c.id);
  }

  view(docId: string): ConversationView | undefined {
    return this.#cache.conversations.find((c) => c.id === docId);
  }

  /** Every conversation this device shows (requests and archived ones too), last activity first. */
  all(): ConversationSummary[] {
    return this.#cache.conversations
      .filter((view) => !this.#hidden(view))
      .map((view) => {
        const local = this.#cache.local[view.id] ?? {};
        const cached = this.#cache.summaries[view.id] ?? null;
        // A message from before "Delete my copy" is not a preview either.
        const last = cached && local.clearedAt !== undefined && cached.sentAt <= local.clearedAt ? null : cached;
        return {
          id: view.id,
          kind: view.kind,
          request: view.request === true,
          awaiting: view.awaiting === true,
          muted: local.muted === true,
          archived: local.archived === true,
          title: this.#cache.titles[view.id] ?? this.titleOf(view),
          members: view.members,
          lastMessage: last,
          activeAt: Math.max(view.updatedAt, last?.sentAt ?? 0),
          unread: this.#cache.unread[view.id] ?? 0,
        };
      })
      .sort((a, b) => b.activeAt - a.activeAt);
  }

  /** The Conversations list: neither requests nor archived. */
  list(): ConversationSummary[] {
    return this.all().filter((c) => !c.request && !c.archived);
  }

  /** Message requests waiting for me. */
  requests(): ConversationSummary[] {
    return this.all().filter((c) => c.request);
  }

  archived(): ConversationSummary[] {
    return this.all().filter((c) => !c.request && c.archived);
  }

  unread(docId: string): number {
    return this.#cache.unread[docId] ?? 0;
  }

  /** The number in the main navigation: unread in the list, muted ones aside. Requests count on their own link. */
  totalUnread(): number {
    return this.list().reduce((sum, c) => sum + (c.muted ? 0 : c.unread), 0);
  }

  local(docId: string): LocalPrefs {
    return this.#cache.local[docId] ?? {};
  }

  setLocal(docId: string, change: Partial<LocalPrefs>): void {
    const next: LocalPrefs = { ...this.#cache.local[docId], ...change };
    for (const key of Object.keys(next) as Array<keyof LocalPrefs>) if (next[key] === undefined) delete next[key];
    this.#cache.local[docId] = next;
    this.#save();
    this.#notify();
  }

  refusal(docId: string): string | null {
    return this.#refusals.get(docId) ?? null;
  }

  setRefusal(docId: string, code: string | null): void {
    if ((this.#refusals.get(docId) ?? null) === code) return;
    if (code === null) this.#refusals.delete(docId);
    else this.#refusals.set(docId, code);
    this.#notify();
  }

  #hidden(view: ConversationView): boolean {
    const until = this.#cache.local[view.id]?.hiddenUntilSeq;
    return until !== undefined && view.seq <= until;
  }

  /** Accepting a request moves it to my conversations; its sender may write freely from now on. */
  async accept(docId: string): Promise<ClientResult<void>> {
    const accepted = await this.deps.api.accept(docId);
    if (!accepted.ok) return accepted;
    this.#upsert(accepted.value);
    this.deps.scheduleSync(docId);
    return ok(undefined);
  }

  /** Declines (the sender is told nothing) or blocks its sender as well; the request leaves this device. */
  async decline(docId: string, options: { block?: boolean } = {}): Promise<ClientResult<void>> {
    const declined = options.block ? await this.deps.api.blockRequest(docId) : await this.deps.api.decline(docId);
    if (!declined.ok) return declined;
    this.drop(docId);
    return ok(undefined);
  }

  /** Takes a conversation off this device's list (its stored data is the engine's to wipe). */
  drop(docId: string): void {
    this.#changes.touch(docId);
    this.#cache.conversations = this.#cache.conversations.filter((c) => c.id !== docId);
    this.#forgetCached(docId);
    this.#save();
    this.#notify();
  }

  /** "Delete my copy": hidden until something new arrives; what came before stays hidden on this device. */
  hideUntilNew(docId: string, clearedAt: number): void {
    const view = this.view(docId);
    if (!view) return;
    this.#forgetCached(docId);
    this.#cache.local[docId] = { ...this.#cache.local[docId], clearedAt, hiddenUntilSeq: view.seq };
    delete this.#cache.local[docId]!.read;
    this.#save();
    this.#notify();
  }

  #forgetCached(docId: string): void {
    delete this.#cache.summaries[docId];
    delete this.#cache.unread[docId];
    delete this.#cache.titles[docId];
    this.#refusals.delete(docId);
  }

  /** Resolves once no screen or sync holds the replica (at most `timeoutMs`), so its storage can go. */
  async released(docId: string, timeoutMs = 5_000): Promise<boolean> {
    const deadline = this.deps.now() + timeoutMs;
    while (this.#replicas.has(docId)) {
      if (this.deps.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    while (this.#destroying.size > 0) await Promise.all([...this.#destroying]);
    return true;
  }

  setUnread(docId: string, count: number): void {
    if ((this.#cache.unread[docId] ?? 0) === count) return;
    this.#cache.unread[docId] = count;
    this.#save();
    this.#notify();
  }

  titleOf(view: ConversationView): string {
    const others = view.members.filter((m) => m.accountId !== this.deps.account.id);
    const names = others.map((m) => m.displayName ?? 'Deleted account');
    if (names.length > 0) return names.join(', ');
    // A one-to-one conversation whose other person deleted the account is still theirs, by name.
    return this.#formerAccounts(view.id).some((id) => this.#isDeleted(id)) ? 'Deleted account' : 'Only you';
  }

  /** Display name of a member key (base64url signing key), for message authors. */
  nameOf(docId: string, memberKey: string): string {
    const member = this.view(docId)?.members.find((m) => m.signingPublicKey === memberKey);
    if (member) return member.accountId === this.deps.account.id ? 'You' : (member.displayName ?? 'Deleted account');
    const accountId = this.#cache.keyAccounts[docId]?.[memberKey];
    return accountId !== undefined && this.#isDeleted(accountId) ? 'Deleted account' : 'Former member';
  }

  #isDeleted(accountId: string): boolean {
    return this.#cache.deleted.includes(accountId);
  }

  /** Accounts once members of this document and members no longer. */
  #formerAccounts(docId: string): string[] {
    const current = new Set(this.view(docId)?.members.map((m) => m.accountId) ?? []);
    return [...new Set(Object.values(this.#cache.keyAccounts[docId] ?? {}))].filter((id) => !current.has(id) && id !== this.deps.account.id);
  }

  /** Someone left the member list: if the account itself is gone, its messages say "Deleted account" from now on. */
  #noticeDeparted(before: ConversationView | undefined, after: ConversationView): void {
    if (!before) return;
    const staying = new Set(after.members.map((m) => m.accountId));
    for (const m of before.members) {
      if (staying.has(m.accountId) || m.accountId === this.deps.account.id || this.#isDeleted(m.accountId)) continue;
      // A list cached before keys were mapped to accounts learns this one now, while the old view still says it.
      if (m.signingPublicKey) (this.#cache.keyAccounts[after.id] ??= {})[m.signingPublicKey] = m.accountId;
      void this.#checkDeleted(m.accountId);
    }
  }

  async #checkDeleted(accountId: string): Promise<void> {
    const summary = await this.deps.api.userById(accountId);
    // Offline or refused: the person stays a "Former member" until the next refresh notices again.
    if (!summary.ok || !summary.value.deleted || this.#isDeleted(accountId)) return;
    this.#cache.deleted.push(accountId);
    // The name the account went by leaves this device too.
    for (const names of Object.values(this.#cache.names)) delete names[accountId];
    this.#save();
    this.#notify();
    for (const listener of [...this.#nameListeners]) listener();
  }

  /** Fetches the list from the server; offline, the cached list stays. */
  async refresh(): Promise<ClientResult<void>> {
    const round = this.#changes.begin();
    try {
      const listed = await this.deps.api.list();
      if (!listed.ok) return listed;
      const previous = new Map(this.#cache.conversations.map((c) => [c.id, c]));
      // What this device started, accepted, left or re-read while the list was on its way is newer than the list.
      const listedIds = new Set(listed.value.conversations.map((c) => c.id));
      const added = this.#cache.conversations.filter((c) => !listedIds.has(c.id) && round.changedSince(c.id));
      const fresh = listed.value.conversations.filter((view) => !round.changedSince(view.id));
      this.#cache.conversations = [
        ...added,
        ...listed.value.conversations.flatMap((view) => (round.changedSince(view.id) ? (previous.get(view.id) ?? []) : [view])),
      ];
      for (const view of fresh) {
        this.#rememberMembers(view);
        this.#settleRefusal(view);
        const before = previous.get(view.id);
        this.#noticeDeparted(before, view);
        const loaded = this.#replicas.get(view.id);
        if (loaded) void loaded.loading.then((l) => this.#acceptKeys(view, l));
        if (!before || before.seq !== view.seq) this.deps.scheduleSync(view.id);
      }
      for (const view of this.#cache.conversations) previous.delete(view.id);
      this.#save();
      this.#notify();
      // Left, removed or declined while this device was away.
      for (const gone of previous.keys()) {
        this.#forgetCached(gone);
        this.deps.onGone?.(gone);
      }
      return ok(undefined);
    } finally {
      round.end();
    }
  }

  /** Re-reads one conversation after a membership event. */
  async refreshOne(docId: string): Promise<void> {
    const got = await this.deps.api.get(docId);
    if (!got.ok) {
      if (got.code === 'doc.not_found') {
        // Removed, left or declined: it leaves the list, and the engine wipes what the device kept of it.
        this.drop(docId);
        this.deps.onGone?.(docId);
      }
      return;
    }
    this.#noticeDeparted(this.view(docId), got.value);
    this.#upsert(got.value);
    const loaded = this.#replicas.get(docId);
    if (loaded) await this.#acceptKeys(got.value, await loaded.loading);
    this.deps.scheduleSync(docId);
  }

  /** Starts a conversation with one or more handles (a group when more than one, or when titled). */
  async start(handles: string[], options: { title?: string } = {}): Promise<ClientResult<string>> {
    const wanted = [...new Set(handles.map((h) => h.trim().toLowerCase()).filter(Boolean))].filter((h) => h !== this.deps.account.handle);
    if (wanted.length === 0 || wanted.length > MAX_GROUP_MEMBERS - 1) return fail('request.invalid');
    const profiles: PublicProfile[] = [];
    for (const handle of wanted) {
      const profile = await this.deps.api.user(handle);
      if (!profile.ok) return profile;
      profiles.push(profile.value);
    }
    const kind = profiles.length === 1 && options.title === undefined ? 'direct' : 'group';
    if (kind === 'direct') {
      const existing = this.#cache.conversations.find(
        (c) => c.kind === 'direct' && c.members.some((m) => m.accountId === profiles[0]!.id),
      );
      if (existing) return ok(existing.id);
    }
    const docId = toBase64url(this.deps.random(16));
    const key = this.deps.random(32);
    const recipients = [this.#me(), ...profiles.map(profileKeys)];
    const created = await this.deps.api.create({
      id: docId,
      kind,
      memberIds: profiles.map((p) => p.id),
      keyEnvelopes: recipients.map((r) => ({ recipientId: r.id, envelope: toBase64url(this.#sealKey(docId, 0, key, r)) })),
    });
    if (!created.ok) return created;
    this.#upsert(created.value);
    const { replica, keys } = await this.acquire(docId);
    try {
      await keys.remember(0, key);
      const others: Member[] = profiles.map((p) => ({ user: p.id, key: memberKeyOf(fromBase64url(p.signingPublicKey)!) }));
      const init = initConversation(replica.inner, {
        identity: this.deps.identity,
        user: this.deps.account.id,
        docId,
        kind,
        ...(options.title === undefined ? {} : { title: options.title }),
        others,
        epoch: 0,
        now: this.deps.now(),
      });
      if (!init.ok) return fail('request.invalid');
      await this.markDirty(docId);
    } finally {
      this.release(docId);
    }
    return ok(docId);
  }

  async addMember(docId: string, handle: string): Promise<ClientResult<void>> {
    const view = this.view(docId);
    if (!view) return fail('doc.not_found');
    const profile = await this.deps.api.user(handle.trim().toLowerCase());
    if (!profile.ok) return profile;
    const { replica, keys } = await this.acquire(docId);
    try {
      const epoch = keys.newest();
      const key = keys.get(epoch);
      if (!key) return fail('envelope.unknown_epoch');
      const added = await this.deps.api.addMembers(docId, {
        memberIds: [profile.value.id],
        keyEnvelopes: [{ recipientId: profile.value.id, envelope: toBase64url(this.#sealKey(docId, epoch, key, profileKeys(profile.value))) }],
      });
      if (!added.ok) return added;
      this.#upsert(added.value);
      this.#membershipRecord(replica, docId, 'add', [{ user: profile.value.id, key: memberKeyOf(fromBase64url(profile.value.signingPublicKey)!) }], epoch);
      // Past a rotation, the entries of this epoch build on older ones the newcomer holds no key to, and Yjs would
      // hold every one of them back: the conversation as it stands, sealed in this epoch, lets them read it. They
      // see its history, as anyone added before the first rotation does.
      if (epoch > 0) replica.appendSnapshot();
      await this.markDirty(docId);
      return ok(undefined);
    } finally {
      this.release(docId);
    }
  }

  /** Removes a member and rotates in the same step: the removed member reads nothing written after. */
  async removeMember(docId: string, accountId: string): Promise<ClientResult<void>> {
    const view = this.view(docId);
    const member = view?.members.find((m) => m.accountId === accountId);
    if (!view || !member) return fail('doc.not_found');
    const { replica, keys } = await this.acquire(docId);
    try {
      const remaining = view.members.filter((m) => m.accountId !== accountId);
      const epoch = view.epoch + 1;
      const key = this.deps.random(32);
      const removed = await this.deps.api.remove(docId, {
        accountId,
        rotation: { epoch, keyEnvelopes: this.#sealForMembers(docId, epoch, key, remaining) },
      });
      if (!removed.ok) return removed;
      await keys.remember(epoch, key);
      this.#upsert(removed.value);
      if (member.signingPublicKey) {
        this.#membershipRecord(replica, docId, 'remove', [{ user: accountId, key: member.signingPublicKey as Member['key'] }], epoch);
      }
      await this.markDirty(docId);
      return ok(undefined);
    } finally {
      this.release(docId);
    }
  }

  /** Leaves: the signed record goes out first, then the server forgets us and the next writer rotates. */
  async leave(docId: string, flush: (replica: DocReplica) => Promise<boolean>): Promise<ClientResult<void>> {
    const { replica, keys } = await this.acquire(docId);
    try {
      this.#membershipRecord(replica, docId, 'leave', [{ user: this.deps.account.id, key: memberKeyOf(this.deps.identity.signing.publicKey) }], keys.newest());
      await flush(replica);
      const left = await this.deps.api.leave(docId);
      if (!left.ok) return left;
      this.#cache.conversations = this.#cache.conversations.filter((c) => c.id !== docId);
      this.#save();
      this.#notify();
      return ok(undefined);
    } finally {
      this.release(docId);
    }
  }

  /** When someone left, the next writer makes a new epoch for the remaining members. */
  async rotateIfNeeded(docId: string): Promise<void> {
    const view = this.view(docId);
    if (!view?.rotationNeeded) return;
    const loaded = this.#replicas.get(docId);
    if (!loaded) return;
    const { keys } = await loaded.loading;
    const epoch = view.epoch + 1;
    const key = this.deps.random(32);
    const rotated = await this.deps.api.rotate(docId, { epoch, keyEnvelopes: this.#sealForMembers(docId, epoch, key, view.members) });
    if (rotated.ok) {
      await keys.remember(epoch, key);
      this.#upsert(rotated.value);
    } else if (rotated.code === 'doc.wrong_epoch') {
      await this.refreshOne(docId);
    }
  }

  async markDirty(docId: string): Promise<void> {
    await this.deps.store.putMeta(`dirty:${docId}`, true);
    this.deps.scheduleSync(docId);
  }

  /** Loads (once) and holds a replica; pair every call with `release`. */
  acquire(docId: string): Promise<Loaded> {
    let entry = this.#replicas.get(docId);
    if (!entry) {
      entry = { loading: this.#load(docId), holds: 0 };
      this.#replicas.set(docId, entry);
    }
    entry.holds++;
    return entry.loading;
  }

  release(docId: string): void {
    const entry = this.#replicas.get(docId);
    if (!entry) return;
    entry.holds--;
    if (entry.holds > 0) return;
    this.#replicas.delete(docId);
    this.#destroy(entry.loading);
  }

  #destroy(loading: Promise<Loaded>): void {
    const done = loading
      .then(async ({ replica }) => {
        this.#summarize(replica);
        await this.deps.recent?.unwatch(replica);
        return replica.destroy();
      })
      .catch(() => undefined)
      .finally(() => this.#destroying.delete(done));
    this.#destroying.add(done);
  }

  /** Saves and closes every replica, held or not (the engine is stopping). */
  async closeAll(): Promise<void> {
    for (const entry of this.#replicas.values()) this.#destroy(entry.loading);
    this.#replicas.clear();
    while (this.#destroying.size > 0) await Promise.all([...this.#destroying]);
  }

  async #load(docId: string): Promise<Loaded> {
    const keys = new EpochKeys(docId, this.deps.store);
    await keys.load();
    const memberKeys = () => new Set(this.#cache.memberKeys[docId] ?? []);
    const codec = createEntryCodec({
      docId,
      identity: this.deps.identity,
      verifier: this.deps.verifier,
      keys,
      random: this.deps.random,
      isMemberKey: (key) => memberKeys().has(toBase64url(key)),
    });
    const view = this.view(docId);
    if (view) await this.#acceptKeys(view, { keys, replica: null });
    const replica = new DocReplica({
      docId,
      codec,
      store: this.deps.store,
      myKey: this.deps.identity.signing.publicKey,
      ...(this.deps.yieldToEventLoop ? { yieldToEventLoop: this.deps.yieldToEventLoop } : {}),
      ...(this.deps.compactAt ? { compactAt: this.deps.compactAt } : {}),
      ...(this.deps.outerDbPrefix ? { outerDbPrefix: this.deps.outerDbPrefix } : {}),
    });
    await replica.load();
    replica.subscribe(() => this.#summarize(replica));
    this.#summarize(replica);
    this.deps.recent?.watch(replica);
    return { replica, keys };
  }

  async #acceptKeys(view: ConversationView, loaded: { keys: EpochKeys; replica: DocReplica | null }): Promise<void> {
    const memberKeys = (this.#cache.memberKeys[view.id] ?? []).map((k) => fromBase64url(k)!).filter(Boolean);
    const before = loaded.keys.newest();
    await loaded.keys.accept(view.keyEnvelopes, { identity: this.deps.identity, verifier: this.deps.verifier, memberKeys });
    if (loaded.keys.newest() !== before) loaded.replica?.retryWaiting();
  }

  #summarize(replica: DocReplica): void {
    const title = this.innerTitle(replica);
    if (title !== null && this.#cache.titles[replica.docId] !== title) {
      this.#cache.titles[replica.docId] = title;
      this.#save();
      this.#notify();
    }
    const preview = lastMessagePreview(replica.inner, this.deps.cache ? { cache: this.deps.cache } : {});
    const previous = this.#cache.summaries[replica.docId];
    if (!preview) return;
    const summary = { author: preview.author, body: preview.body, sentAt: preview.sentAt, deleted: preview.deleted };
    if (previous && previous.sentAt === summary.sentAt && previous.body === summary.body && previous.deleted === summary.deleted) return;
    this.#cache.summaries[replica.docId] = summary;
    this.#save();
    this.#notify();
  }

  /** Group title from the signed inner meta when there is one. */
  innerTitle(replica: DocReplica): string | null {
    const meta = readMeta(replica.inner);
    return meta.ok && meta.value.title ? meta.value.title : null;
  }

  #membershipRecord(replica: DocReplica, docId: string, action: 'add' | 'remove' | 'leave', subjects: Member[], epoch: number): void {
    addMembershipRecord(replica.inner, {
      identity: this.deps.identity,
      docId,
      action,
      subjects,
      epoch,
      now: this.deps.now(),
    });
  }

  #me() {
    return {
      id: this.deps.account.id,
      signingPublicKey: this.deps.identity.signing.publicKey,
      boxPublicKey: this.deps.identity.box.publicKey,
    };
  }

  #sealKey(docId: string, epoch: number, key: Uint8Array, to: { signingPublicKey: Uint8Array; boxPublicKey: Uint8Array }): Uint8Array {
    return sealKeyEnvelope({
      docId,
      epoch,
      key,
      recipient: to,
      sender: { publicKey: this.deps.identity.signing.publicKey, secretKey: this.deps.identity.signing.secretKey },
      random: this.deps.random,
    });
  }

  #sealForMembers(docId: string, epoch: number, key: Uint8Array, members: MemberView[]) {
    return members
      .filter((m) => m.signingPublicKey && m.boxPublicKey)
      .map((m) => ({
        recipientId: m.accountId,
        envelope: toBase64url(
          this.#sealKey(docId, epoch, key, { signingPublicKey: fromBase64url(m.signingPublicKey!)!, boxPublicKey: fromBase64url(m.boxPublicKey!)! }),
        ),
      }));
  }

  /** A request the others accepted lifts the cap: writes held back go out again. */
  #settleRefusal(view: ConversationView): void {
    if (this.#refusals.get(view.id) === 'request.cap_reached' && view.awaiting !== true) {
      this.#refusals.delete(view.id);
      (this.deps.retrySync ?? this.deps.scheduleSync)(view.id);
    }
  }

  /** Whether this device keeps the document in sync (not while "Delete my copy" hides it). */
  syncable(docId: string): boolean {
    const view = this.view(docId);
    return view !== undefined && !this.#hidden(view);
  }

  #upsert(view: ConversationView): void {
    this.#changes.touch(view.id);
    this.#settleRefusal(view);
    const i = this.#cache.conversations.findIndex((c) => c.id === view.id);
    if (i >= 0) this.#cache.conversations[i] = view;
    else this.#cache.conversations.unshift(view);
    this.#rememberMembers(view);
    this.#save();
    this.#notify();
  }

  #rememberMembers(view: ConversationView): void {
    const known = new Set(this.#cache.memberKeys[view.id] ?? []);
    for (const m of view.members) if (m.signingPublicKey) known.add(m.signingPublicKey);
    this.#cache.memberKeys[view.id] = [...known];
    const names = (this.#cache.names[view.id] ??= {});
    for (const m of view.members) if (m.displayName) names[m.accountId] = m.displayName;
    const accounts = (this.#cache.keyAccounts[view.id] ??= {});
    for (const m of view.members) if (m.signingPublicKey) accounts[m.signingPublicKey] = m.accountId;
  }

  /** The last display name seen for an account in this conversation, current member or not (for its history). */
  knownName(docId: string, accountId: string): string | null {
    if (accountId === this.deps.account.id) return 'You';
    if (this.#isDeleted(accountId)) return 'Deleted account';
    return this.#cache.names[docId]?.[accountId] ?? null;
  }

  #save(): void {
    if (this.#saveTimer) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = null;
      void this.deps.store.seal(LIST, text.encode(JSON.stringify(this.#cache)));
    }, 100);
  }

  async flushCache(): Promise<void> {
    if (this.#saveTimer) clearTimeout(this.#saveTimer);
    this.#saveTimer = null;
    await this.deps.store.seal(LIST, text.encode(JSON.stringify(this.#cache)));
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

function profileKeys(p: PublicProfile) {
  return { id: p.id, signingPublicKey: fromBase64url(p.signingPublicKey)!, boxPublicKey: fromBase64url(p.boxPublicKey)! };
}
