// Communities on this device: the list (cached sealed, so it shows offline), creating one, invite links, threads,
// removal with rotation. A thread is a conversation-layout document read and written with its community's
// epoch keys, so one EpochKeys per community serves the community document and all its threads.
import { z } from 'zod';
import { createAsyncSigner, type AsyncSigner, type Identity, type RandomBytes, type Verifier } from '../../crypto';
import {
  addThreadEntry,
  appendMessage,
  appendRoleRecord,
  communityParts,
  CommunityName,
  everModerators,
  foldRoles,
  initCommunity,
  listThreads,
  memberKeyOf,
  readChannels,
  readHistorySetting,
  setThreadStatus,
  ThreadIndexEntry,
  verifiedChannels,
  type Channel,
  type CommunityRoleName,
  type HistoryVisibility,
  type CommunityRoster,
  type MemberKey,
  type ThreadKind,
  type ThreadStatus,
  type VerificationCache,
} from '../../docs';
import { CommunityView, type CommunityMemberView, type InviteView } from '../../protocol/api-communities';
import { fromBase64url, toBase64url } from '../../protocol/base64url';
import { fail, ok } from '../../protocol/errors';
import { deriveInviteKeys, inviteFragment, inviteProofHash, openInviteKey, parseInviteFragment, sealInviteKey } from '../../protocol/invite';
import { sealKeyEnvelope, sealKeyEnvelopeAsync } from '../../protocol/key-envelope';
import type { ClientResult } from '../client-errors';
import type { CommunitiesApi } from './communities-api';
import { DocReplica } from './doc-replica';
import type { EngineStore } from './engine-store';
import { createEntryCodec } from './entry-codec';
import { EpochKeys } from './epoch-keys';
import { LocalChanges } from './local-changes';
import { emptyThreadUnread, ThreadUnread, ThreadUnreadCache } from './thread-unread';

export interface CommunitiesDeps {
  api: CommunitiesApi;
  store: EngineStore;
  identity: Identity;
  account: { id: string };
  verifier: Verifier;
  /** Remembers verdicts on signed thread statuses and history settings between listings. */
  cache?: VerificationCache;
  random: RandomBytes;
  now: () => number;
  scheduleSync(docId: string): void;
  /** A community this account no longer belongs to (removed, left): the engine wipes its documents from the device. */
  onGone?(docIds: string[]): void;
  /** An account's signing key as the server lists it (the founder's, once they left the member list). */
  signingKeyOf?(accountId: string): Promise<string | null>;
  compactAt?: number;
  outerDbPrefix?: string;
}

export interface CommunitySummary {
  id: string;
  /** From the community document, once this device has read it; null before. */
  name: string | null;
  myRole: CommunityRoleName;
  memberCount: number;
  threadCount: number;
  /** Unread posts across its threads, from the sealed list (no thread is opened to count). */
  unread: number;
}

export interface CommunityMember extends CommunityMemberView {
  /** The role the signed role records give this member (foldRoles), or null when they do not make them a member. */
  verifiedRole: CommunityRoleName | null;
}

export interface CommunityState {
  id: string;
  name: string;
  description: string;
  channels: Channel[];
  /** Most recently active first; without a signed status from the author or an owner or moderator, open. */
  threads: ThreadIndexEntry[];
  members: CommunityMember[];
  myRole: CommunityRoleName;
  /** The server's member list and the signed role records disagree (a member or role the records do not grant). */
  rolesDisagree: boolean;
  /**
   * Whether newcomers see earlier posts, as a current owner or moderator signed it; without such a setting it
   * reads as 'joined', the stricter of the two.
   */
  history: HistoryVisibility;
  /** What the owner published in the public directory, or null. */
  listing: { name: string; description: string } | null;
  /** I was invited directly and have not answered yet. */
  invited: boolean;
}

export interface ThreadFilter {
  channel?: string;
  kind?: ThreadKind;
  status?: ThreadStatus;
}

const ListCache = z.object({
  communities: z.array(CommunityView),
  /** Every signing key ever seen as a member, per community: old entries by past members stay readable. */
  memberKeys: z.record(z.string(), z.array(z.string())).default({}),
  /** Names from the community documents, so the list shows them without loading each replica. */
  names: z.record(z.string(), z.string()).default({}),
  /** Invite links redeemed whose signed join record waits for the inviter's invite record to arrive. */
  pendingJoins: z.record(z.string(), z.string()).default({}),
  /** The founder's signing key per community: the role records anchor on it even after the founder leaves. */
  founders: z.record(z.string(), z.string()).default({}),
  /** Unread posts per thread and read positions kept on this device (engine/thread-unread.ts). */
  threadUnread: ThreadUnreadCache.default(emptyThreadUnread),
});
type ListCache = z.infer<typeof ListCache>;

const LIST = 'list:communities';
const GENERAL: Channel = { id: 'general', name: 'General' };
const text = new TextEncoder();
const untext = new TextDecoder();
/** Sealing key envelopes gives the page a turn after this much work. */
const SEAL_SLICE_MS = 12;

/** A macrotask turn without setTimeout's 4 ms clamp: input and paint get in between. */
const yieldToPage = (): Promise<void> =>
  new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });

interface Loaded {
  replica: DocReplica;
  keys: EpochKeys;
}

export class Communities {
  #cache: ListCache = { communities: [], memberKeys: {}, names: {}, pendingJoins: {}, founders: {}, threadUnread: emptyThreadUnread() };
  #replicas = new Map<string, { loading: Promise<Loaded>; holds: number }>();
  #keys = new Map<string, Promise<EpochKeys>>();
  /** Changes made here, so a list refresh answered after them does not undo them. */
  readonly #changes = new LocalChanges();
  #listeners = new Set<() => void>();
  #destroying = new Set<Promise<void>>();
  #saveTimer: ReturnType<typeof setTimeout> | null = null;
  /** Every community and thread id -> its community's view; null until asked after a change of the list. */
  #byDoc: Map<string, CommunityView> | null = null;
  /** Signs rotations' key envelopes (WebCrypto Ed25519 where it exists), made once. */
  #signer: Promise<AsyncSigner> | null = null;

  /** Unread posts per thread, channel and community; changes have their own subscription (they are frequent). */
  readonly unread: ThreadUnread;

  constructor(private readonly deps: CommunitiesDeps) {
    this.unread = new ThreadUnread({
      data: () => this.#cache.threadUnread,
      communityOf: (threadId) => {
        const community = this.#communityOf(threadId);
        return community && community.id !== threadId && community.invited !== true ? community.id : undefined;
      },
      save: () => this.#save(),
    });
  }

  async loadCache(): Promise<void> {
    const sealed = await this.deps.store.open(LIST);
    if (!sealed) return;
    try {
      const parsed = ListCache.safeParse(JSON.parse(untext.decode(sealed)));
      if (parsed.success) {
        this.#cache = parsed.data;
        this.#byDoc = null;
      }
    } catch {
      // An unreadable cache is rebuilt from the server on the next refresh.
    }
    this.#notify();
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  list(): CommunitySummary[] {
    return this.#cache.communities
      .filter((c) => c.invited !== true)
      .map((c) => ({
        id: c.id,
        name: this.#cache.names[c.id] ?? null,
        myRole: c.myRole,
        memberCount: c.members.length,
        threadCount: c.threads.length,
        unread: this.unread.total(c.id),
      }));
  }

  /**
   * Community and thread documents this device keeps in sync. Of a community I was only invited to, just its own
   * document (its name and description, to decide on the invitation), not its threads.
   */
  ids(): string[] {
    return this.#cache.communities.flatMap((c) => (c.invited === true ? [c.id] : [c.id, ...c.threads.map((t) => t.id)]));
  }

  /** Whether the document is a listed community or one of its threads; of an invitation, only its community document. */
  has(docId: string): boolean {
    const community = this.#communityOf(docId);
    return community !== undefined && (community.invited !== true || community.id === docId);
  }

  /**
   * The community a document belongs to: itself, or the community of a thread. Asked for every document the sync
   * manager hears of, so it is a map (thousands of threads), rebuilt after the list changes.
   */
  #communityOf(docId: string): CommunityView | undefined {
    if (!this.#byDoc) {
      this.#byDoc = new Map();
      for (const c of this.#cache.communities) {
        this.#byDoc.set(c.id, c);
        for (const t of c.threads) this.#byDoc.set(t.id, c);
      }
    }
    return this.#byDoc.get(docId);
  }

  /** The community's server view, for a community or one of its threads. */
  view(docId: string): CommunityView | undefined {
    return this.#communityOf(docId);
  }

  async refresh(): Promise<ClientResult<void>> {
    const round = this.#changes.begin();
    try {
      const listed = await this.deps.api.list();
      if (!listed.ok) return listed;
      const previous = new Map(this.#cache.communities.map((c) => [c.id, c]));
      for (const view of listed.value.communities) {
        const before = previous.get(view.id);
        previous.delete(view.id);
        // Created, joined, left or re-read here while the list was on its way: this device's version is newer.
        if (round.changedSince(view.id)) continue;
        await this.#upsert(view, { listed: true });
        if (!before || before.seq !== view.seq) this.deps.scheduleSync(view.id);
        for (const thread of view.threads) {
          if (before?.threads.find((t) => t.id === thread.id)?.seq !== thread.seq) this.deps.scheduleSync(thread.id);
        }
      }
      for (const gone of previous.keys()) if (!round.changedSince(gone)) this.#drop(gone, { listed: true });
      return ok(undefined);
    } finally {
      round.end();
    }
  }

  /** Re-reads one community after a membership event; false when the server does not know it as a community. */
  async refreshOne(docId: string): Promise<boolean> {
    const communityId = this.#communityOf(docId)?.id ?? docId;
    const got = await this.deps.api.get(communityId);
    if (!got.ok) {
      if (got.code === 'doc.not_found' && this.#cache.communities.some((c) => c.id === communityId)) {
        this.#drop(communityId);
        return true;
      }
      return false;
    }
    await this.#upsert(got.value);
    for (const id of [got.value.id, ...got.value.threads.map((t) => t.id)]) this.deps.scheduleSync(id);
    return true;
  }

  /** Creates a community with me as its owner; its name and description exist only in the encrypted document. */
  async create(o: { name: string; description?: string; history?: HistoryVisibility }): Promise<ClientResult<string>> {
    const name = CommunityName.safeParse(o.name);
    if (!name.success) return fail('input.title_invalid');
    const communityId = toBase64url(this.deps.random(16));
    const key = this.deps.random(32);
    const created = await this.deps.api.create({
      id: communityId,
      keyEnvelopes: [{ recipientId: this.deps.account.id, envelope: toBase64url(this.#sealKey(communityId, 0, key, this.#me())) }],
    });
    if (!created.ok) return created;
    await this.#upsert(created.value);
    await (await this.#keysOf(communityId)).remember(0, key);
    const written = await this.#write(communityId, (replica) => {
      const init = initCommunity(replica.inner, {
        identity: this.deps.identity,
        user: this.deps.account.id,
        docId: communityId,
        name: name.data,
        description: o.description ?? '',
        channel: GENERAL,
        ...(o.history ? { history: o.history } : {}),
        now: this.deps.now(),
      });
      return init.ok ? ok(undefined) : fail('request.invalid');
    });
    return written.ok ? ok(communityId) : written;
  }

  /** What the community document says, with members checked against the signed role records. */
  async state(communityId: string, filter: ThreadFilter = {}): Promise<ClientResult<CommunityState>> {
    const view = this.#cache.communities.find((c) => c.id === communityId);
    if (!view) return fail('doc.not_found');
    const { replica } = await this.acquire(communityId);
    try {
      const folded = await this.#fold(view, replica);
      const roster = folded.members;
      const meta = communityParts(replica.inner).meta;
      const members: CommunityMember[] = view.members.map((m) => ({
        ...m,
        verifiedRole: m.signingPublicKey ? (roster.get(m.signingPublicKey as MemberKey)?.role ?? null) : null,
      }));
      const listed = new Set(view.members.map((m) => m.signingPublicKey));
      // Someone invited directly has no signed join record until they accept.
      const rolesDisagree = members.some((m) => m.invited !== true && m.verifiedRole !== m.role) || [...roster.keys()].some((k) => !listed.has(k));
      const signed = { docId: communityId, verifier: this.deps.verifier, roles: roster, ...(this.deps.cache ? { cache: this.deps.cache } : {}) };
      const history = (await readHistorySetting(replica.inner, signed)).value;
      return ok({
        id: communityId,
        name: typeof meta.get('name') === 'string' ? (meta.get('name') as string) : '',
        description: typeof meta.get('description') === 'string' ? (meta.get('description') as string) : '',
        channels: await verifiedChannels(replica.inner, { docId: communityId, verifier: this.deps.verifier, allowed: everModerators(folded) }),
        threads: await listThreads(replica.inner, { ...filter, ...signed }),
        members,
        myRole: view.myRole,
        rolesDisagree,
        history,
        listing: view.listing,
        invited: view.invited === true,
      });
    } finally {
      this.release(communityId);
    }
  }

  /** Starts a thread: its document on the server, the signed first post, and its entry in the community's index. */
  async createThread(
    communityId: string,
    o: { kind: ThreadKind; title: string; body: string; channel?: string },
  ): Promise<ClientResult<string>> {
    if (!this.#cache.communities.some((c) => c.id === communityId)) return fail('doc.not_found');
    await this.rotateIfNeeded(communityId);
    const threadId = toBase64url(this.deps.random(16));
    const channel = o.channel ?? GENERAL.id;
    // Checked on this device's copy before the server hears of the thread.
    const { replica: community } = await this.acquire(communityId);
    try {
      if (!readChannels(community.inner).some((c) => c.id === channel)) return fail('request.invalid');
      const created = await this.deps.api.createThread(communityId, { id: threadId });
      if (!created.ok) return created;
      await this.#upsert(created.value);
      const posted = await this.#write(threadId, (thread) => {
        const sent = appendMessage(thread.inner, { identity: this.deps.identity, docId: threadId, body: o.body, now: this.deps.now(), random: this.deps.random, origin: {} });
        return sent.ok ? ok(undefined) : fail('request.invalid');
      });
      if (!posted.ok) return posted;
      const listed = addThreadEntry(community.inner, { id: threadId, channel, kind: o.kind, title: o.title, author: this.deps.identity, now: this.deps.now(), origin: {} });
      if (!listed.ok) return fail('request.invalid');
      await this.markDirty(communityId);
      return ok(threadId);
    } finally {
      this.release(communityId);
    }
  }

  /** Mark resolved (or reopen), signed: the thread's author or a moderator; others' changes would not be believed. */
  async setThreadStatus(communityId: string, threadId: string, status: ThreadStatus): Promise<ClientResult<void>> {
    const view = this.#cache.communities.find((c) => c.id === communityId);
    if (!view) return fail('doc.not_found');
    const me = memberKeyOf(this.deps.identity.signing.publicKey);
    return this.#write(communityId, (replica) => {
      const entry = ThreadIndexEntry.safeParse(communityParts(replica.inner).threads.get(threadId));
      if (!entry.success) return fail('doc.not_found');
      if (entry.data.author !== me && view.myRole === 'member') return fail('community.not_allowed');
      const set = setThreadStatus(replica.inner, { docId: communityId, id: threadId, status, identity: this.deps.identity, now: this.deps.now(), origin: {} });
      return set.ok ? ok(undefined) : fail('request.invalid');
    });
  }

  /**
   * An invite link for the current epoch (owner or moderator): the secret lives only in the fragment, the server
   * gets the proof's hash and the epoch key sealed with a key derived from the secret. Returns `/join#<id>.<secret>`.
   */
  async createInvite(communityId: string, o: { ttlMs?: number; maxUses?: number } = {}): Promise<ClientResult<{ inviteId: string; link: string }>> {
    const view = this.#cache.communities.find((c) => c.id === communityId);
    if (!view) return fail('doc.not_found');
    if (view.myRole === 'member') return fail('community.not_allowed');
    const keys = await this.#keysOf(communityId);
    const epoch = keys.newest();
    const key = keys.get(epoch);
    if (!key) return fail('envelope.unknown_epoch');
    const secret = this.deps.random(32);
    const { proofKey, sealKey } = await deriveInviteKeys(secret);
    const inviteId = toBase64url(this.deps.random(16));
    const created = await this.deps.api.createInvite(communityId, {
      id: inviteId,
      proofHash: toBase64url(await inviteProofHash(proofKey)),
      sealedKey: toBase64url(sealInviteKey(key, sealKey, this.deps.random)),
      epoch,
      expiresAt: this.deps.now() + (o.ttlMs ?? 7 * 24 * 3600 * 1000),
      maxUses: o.maxUses ?? 50,
    });
    sealKey.fill(0);
    if (!created.ok) return created;
    // The signed record that lets whoever redeems this link count as a member on every device.
    const recorded = await this.#write(communityId, (replica) => {
      appendRoleRecord(replica.inner, this.deps.identity, { docId: communityId, action: 'invite', subject: this.#meMember(), inviteId, at: this.deps.now() }, {});
      return ok(undefined);
    });
    if (!recorded.ok) return recorded;
    return ok({ inviteId, link: `/join#${inviteFragment(inviteId, secret)}` });
  }

  /** The community's newest invite links, newest first (owner or moderator): when and by whom, uses, status; no secrets. */
  async invites(communityId: string): Promise<ClientResult<InviteView[]>> {
    const listed = await this.deps.api.listInvites(communityId);
    return listed.ok ? ok(listed.value.invites) : listed;
  }

  async revokeInvite(communityId: string, inviteId: string): Promise<ClientResult<void>> {
    const revoked = await this.deps.api.revokeInvite(communityId, inviteId);
    return revoked.ok ? ok(undefined) : revoked;
  }

  /** Joins by a link (or its fragment): opens the sealed key with the secret, redeems with my own key envelope. */
  async joinByLink(link: string): Promise<ClientResult<string>> {
    const parsed = parseInviteFragment(link.slice(link.indexOf('#') + 1));
    if (!parsed) return fail('request.invalid');
    const { proofKey, sealKey } = await deriveInviteKeys(parsed.secret);
    const proof = toBase64url(proofKey);
    const opened = await this.deps.api.openInvite(parsed.inviteId, proof);
    if (!opened.ok) return opened;
    const key = openInviteKey(fromBase64url(opened.value.sealedKey)!, sealKey);
    sealKey.fill(0);
    if (!key.ok) return fail('request.invalid');
    const { communityId, epoch } = opened.value;
    const redeemed = await this.deps.api.redeemInvite(parsed.inviteId, {
      proof,
      keyEnvelope: toBase64url(this.#sealKey(communityId, epoch, key.value, this.#me())),
    });
    if (!redeemed.ok) return redeemed;
    this.#cache.pendingJoins[communityId] = parsed.inviteId;
    await this.#upsert(redeemed.value);
    await (await this.#keysOf(communityId)).remember(epoch, key.value);
    for (const id of [communityId, ...redeemed.value.threads.map((t) => t.id)]) this.deps.scheduleSync(id);
    return ok(communityId);
  }

  /** Removes a member (owner, or a moderator removing a plain member) and rotates: they read nothing written after. */
  async removeMember(communityId: string, accountId: string): Promise<ClientResult<void>> {
    const view = this.#cache.communities.find((c) => c.id === communityId);
    const member = view?.members.find((m) => m.accountId === accountId);
    if (!view || !member) return fail('doc.not_found');
    const epoch = view.epoch + 1;
    const key = this.deps.random(32);
    const remaining = view.members.filter((m) => m.accountId !== accountId);
    const removed = await this.deps.api.remove(communityId, { accountId, rotation: { epoch, keyEnvelopes: await this.#sealForMembers(communityId, epoch, key, remaining) } });
    if (!removed.ok) return removed;
    await (await this.#keysOf(communityId)).remember(epoch, key);
    await this.#upsert(removed.value);
    if (!member.signingPublicKey) return ok(undefined);
    const subject = { user: accountId, key: member.signingPublicKey as MemberKey };
    return this.#write(communityId, (replica) => {
      appendRoleRecord(replica.inner, this.deps.identity, { docId: communityId, action: 'remove', subject, at: this.deps.now() }, {});
      return ok(undefined);
    });
  }

  /** Leaves: the signed record goes out first, then the server forgets me and the next writer rotates. */
  async leave(communityId: string, flush: (replica: DocReplica) => Promise<boolean>): Promise<ClientResult<void>> {
    if (!this.#cache.communities.some((c) => c.id === communityId)) return fail('doc.not_found');
    const { replica } = await this.acquire(communityId);
    try {
      appendRoleRecord(replica.inner, this.deps.identity, { docId: communityId, action: 'leave', subject: this.#meMember(), at: this.deps.now() }, {});
      await this.markDirty(communityId);
      await flush(replica);
      const left = await this.deps.api.leave(communityId);
      if (!left.ok) return left;
    } finally {
      this.release(communityId);
    }
    this.#drop(communityId);
    return ok(undefined);
  }

  /** After someone left, the next writer makes a new epoch for the remaining members. */
  async rotateIfNeeded(docId: string): Promise<void> {
    const view = this.#communityOf(docId);
    if (!view?.rotationNeeded) return;
    const epoch = view.epoch + 1;
    const key = this.deps.random(32);
    const rotated = await this.deps.api.rotate(view.id, { epoch, keyEnvelopes: await this.#sealForMembers(view.id, epoch, key, view.members) });
    if (rotated.ok) {
      await (await this.#keysOf(view.id)).remember(epoch, key);
      await this.#upsert(rotated.value);
    } else if (rotated.code === 'doc.wrong_epoch') {
      await this.refreshOne(view.id);
    }
  }

  // For the sibling modules (community-discovery, community-admin): the list, keys and writes they act on.

  /** Communities I was invited to directly and have not answered, with the name once the document was read. */
  invitations(): Array<{ view: CommunityView; name: string | null }> {
    return this.#cache.communities.filter((c) => c.invited === true).map((view) => ({ view, name: this.#cache.names[view.id] ?? null }));
  }

  /** Takes in a server view of a community (after an API call that returned one). */
  absorb(view: CommunityView): Promise<void> {
    return this.#upsert(view);
  }

  /** Drops a community from the list and wipes its documents from the device. */
  forget(communityId: string): void {
    if (this.#cache.communities.some((c) => c.id === communityId)) this.#drop(communityId);
  }

  /** The newest epoch key this device holds for the community, or null. */
  async currentKey(communityId: string): Promise<{ epoch: number; key: Uint8Array } | null> {
    const keys = await this.#keysOf(communityId);
    const epoch = keys.newest();
    const key = keys.get(epoch);
    return key ? { epoch, key } : null;
  }

  async rememberKey(communityId: string, epoch: number, key: Uint8Array): Promise<void> {
    await (await this.#keysOf(communityId)).remember(epoch, key);
  }

  /** The key boxed to one person's X25519 key and signed by me (a key envelope). */
  sealTo(communityId: string, epoch: number, key: Uint8Array, to: { signingPublicKey: Uint8Array; boxPublicKey: Uint8Array }): Uint8Array {
    return this.#sealKey(communityId, epoch, key, to);
  }

  /** Key envelopes of a new epoch for everyone the server lists as a member (invitees waiting included). */
  sealForEveryone(communityId: string, epoch: number, key: Uint8Array) {
    const view = this.#cache.communities.find((c) => c.id === communityId);
    return this.#sealForMembers(communityId, epoch, key, view?.members ?? []);
  }

  /** Runs one writer on the community or thread document; the entry it makes is marked for sync. */
  writeIn(docId: string, run: (replica: DocReplica) => ClientResult<void>): Promise<ClientResult<void>> {
    return this.#write(docId, run);
  }

  /** My join record waits for this invite record to arrive in the community document, then is written. */
  expectJoin(communityId: string, inviteId: string): void {
    this.#cache.pendingJoins[communityId] = inviteId;
    this.#save();
    // Already read while invited: the invite record may be here, and no change would bring the replica back to it.
    const loaded = this.#replicas.get(communityId);
    if (loaded) void loaded.loading.then(({ replica }) => this.#summarize(communityId, replica)).catch(() => undefined);
  }

  async markDirty(docId: string): Promise<void> {
    await this.deps.store.putMeta(`dirty:${docId}`, true);
    this.deps.scheduleSync(docId);
  }

  knownName(docId: string, accountId: string): string | null {
    if (accountId === this.deps.account.id) return 'You';
    return this.#communityOf(docId)?.members.find((m) => m.accountId === accountId)?.displayName ?? null;
  }

  nameOf(docId: string, memberKey: string): string {
    const member = this.#communityOf(docId)?.members.find((m) => m.signingPublicKey === memberKey);
    if (!member) return 'Former member';
    return member.accountId === this.deps.account.id ? 'You' : (member.displayName ?? 'Deleted account');
  }

  /** Loads (once) and holds the replica of a community or thread document; pair every call with `release`. */
  acquire(docId: string): Promise<Loaded> {
    let entry = this.#replicas.get(docId);
    if (!entry) {
      entry = { loading: this.#load(docId), holds: 0 };
      this.#replicas.set(docId, entry);
    }
    entry.holds++;
    return entry.loading;
  }

  /** Whether a replica of this document is loaded here (it may outlive the community's place in the list). */
  holding(docId: string): boolean {
    return this.#replicas.has(docId);
  }

  release(docId: string): void {
    const entry = this.#replicas.get(docId);
    if (!entry) return;
    entry.holds--;
    if (entry.holds > 0) return;
    this.#replicas.delete(docId);
    const done = entry.loading
      .then(({ replica }) => replica.destroy())
      .catch(() => undefined)
      .finally(() => this.#destroying.delete(done));
    this.#destroying.add(done);
  }

  /** Resolves once nothing holds the replica (at most `timeoutMs`), so its storage can go. */
  async released(docId: string, timeoutMs = 5_000): Promise<boolean> {
    const deadline = this.deps.now() + timeoutMs;
    while (this.#replicas.has(docId)) {
      if (this.deps.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    while (this.#destroying.size > 0) await Promise.all([...this.#destroying]);
    return true;
  }

  async closeAll(): Promise<void> {
    for (const docId of [...this.#replicas.keys()]) {
      const entry = this.#replicas.get(docId)!;
      entry.holds = 1;
      this.release(docId);
    }
    while (this.#destroying.size > 0) await Promise.all([...this.#destroying]);
  }

  async flushCache(): Promise<void> {
    if (this.#saveTimer) clearTimeout(this.#saveTimer);
    this.#saveTimer = null;
    await this.deps.store.seal(LIST, text.encode(JSON.stringify(this.#cache)));
  }

  /** Runs one writer on a held replica; on success the entry it made is marked for sync. */
  async #write(docId: string, run: (replica: DocReplica) => ClientResult<void>): Promise<ClientResult<void>> {
    const { replica } = await this.acquire(docId);
    try {
      const result = run(replica);
      if (result.ok) await this.markDirty(docId);
      return result;
    } finally {
      this.release(docId);
    }
  }

  async #fold(view: CommunityView, replica: DocReplica): Promise<Pick<CommunityRoster, 'members' | 'history'>> {
    const ownerKey = await this.#founderKey(view);
    if (!ownerKey) return { members: new Map<MemberKey, { user: string; role: CommunityRoleName }>(), history: [] };
    return foldRoles(communityParts(replica.inner).roles.toArray(), { docId: view.id, owner: ownerKey as MemberKey, verifier: this.deps.verifier });
  }

  /**
   * The founder's key, which the role records anchor on: as kept here (first seen in the member list), else from
   * the member list, else (I joined after they left) as the server lists their account.
   */
  async #founderKey(view: CommunityView): Promise<string | null> {
    const kept = this.#cache.founders[view.id];
    if (kept) return kept;
    let key = view.members.find((m) => m.accountId === view.createdBy)?.signingPublicKey ?? null;
    if (!key && view.createdBy !== null && this.deps.signingKeyOf) key = await this.deps.signingKeyOf(view.createdBy);
    if (key && this.#cache.communities.some((c) => c.id === view.id)) this.#cache.founders[view.id] = key;
    return key;
  }

  #keysOf(communityId: string): Promise<EpochKeys> {
    let keys = this.#keys.get(communityId);
    if (!keys) {
      keys = (async () => {
        const k = new EpochKeys(communityId, this.deps.store);
        await k.load();
        return k;
      })();
      this.#keys.set(communityId, keys);
    }
    return keys;
  }

  async #acceptKeys(view: CommunityView): Promise<void> {
    const keys = await this.#keysOf(view.id);
    const before = keys.newest();
    const memberKeys = (this.#cache.memberKeys[view.id] ?? []).map((k) => fromBase64url(k)).filter((k): k is Uint8Array => k !== null);
    await keys.accept(view.keyEnvelopes, { identity: this.deps.identity, verifier: this.deps.verifier, memberKeys });
    if (keys.newest() === before) return;
    for (const id of [view.id, ...view.threads.map((t) => t.id)]) {
      const loaded = this.#replicas.get(id);
      if (loaded) void loaded.loading.then(({ replica }) => replica.retryWaiting());
    }
  }

  async #load(docId: string): Promise<Loaded> {
    const community = this.#communityOf(docId);
    if (!community) throw new Error('acquire of a document that is in no listed community');
    const communityId = community.id;
    const keys = await this.#keysOf(communityId);
    const codec = createEntryCodec({
      docId,
      identity: this.deps.identity,
      verifier: this.deps.verifier,
      keys,
      random: this.deps.random,
      isMemberKey: (key) => (this.#cache.memberKeys[communityId] ?? []).includes(toBase64url(key)),
    });
    const replica = new DocReplica({
      docId,
      codec,
      store: this.deps.store,
      myKey: this.deps.identity.signing.publicKey,
      ...(this.deps.compactAt ? { compactAt: this.deps.compactAt } : {}),
      ...(this.deps.outerDbPrefix ? { outerDbPrefix: this.deps.outerDbPrefix } : {}),
    });
    await replica.load();
    if (docId === communityId) {
      replica.subscribe(() => this.#summarize(communityId, replica));
      this.#summarize(communityId, replica);
    }
    return { replica, keys };
  }

  /** Keeps the name for the list, and writes my join record once the invite record it rests on has arrived. */
  #summarize(communityId: string, replica: DocReplica): void {
    const name = CommunityName.safeParse(communityParts(replica.inner).meta.get('name'));
    if (name.success && this.#cache.names[communityId] !== name.data) {
      this.#cache.names[communityId] = name.data;
      this.#save();
      this.#notify();
    }
    const inviteId = this.#cache.pendingJoins[communityId];
    if (inviteId === undefined) return;
    const roles = communityParts(replica.inner).roles.toArray() as Array<{ action?: unknown; inviteId?: unknown }>;
    if (!roles.some((r) => r.action === 'invite' && r.inviteId === inviteId)) return;
    delete this.#cache.pendingJoins[communityId];
    this.#save();
    // Not inside the notification: the replica may be in the middle of applying entries.
    queueMicrotask(() => {
      appendRoleRecord(replica.inner, this.deps.identity, { docId: communityId, action: 'join', subject: this.#meMember(), inviteId, at: this.deps.now() }, {});
      void this.markDirty(communityId);
    });
  }

  /** `listed`: from a list refresh, which is no change made on this device. */
  async #upsert(view: CommunityView, o: { listed?: boolean } = {}): Promise<void> {
    if (!o.listed) this.#changes.touch(view.id);
    const i = this.#cache.communities.findIndex((c) => c.id === view.id);
    if (i >= 0) this.#cache.communities[i] = view;
    else this.#cache.communities.unshift(view);
    this.#byDoc = null;
    const known = new Set(this.#cache.memberKeys[view.id] ?? []);
    for (const m of view.members) if (m.signingPublicKey) known.add(m.signingPublicKey);
    // The founder's entries (the name, the first channel, the creation record) stay readable after they leave.
    const founder = await this.#founderKey(view);
    if (founder) known.add(founder);
    this.#cache.memberKeys[view.id] = [...known];
    await this.#acceptKeys(view);
    this.#save();
    this.#notify();
  }

  #drop(communityId: string, o: { listed?: boolean } = {}): void {
    if (!o.listed) this.#changes.touch(communityId);
    const docIds = [communityId, ...(this.#cache.communities.find((c) => c.id === communityId)?.threads.map((t) => t.id) ?? [])];
    this.#cache.communities = this.#cache.communities.filter((c) => c.id !== communityId);
    this.#byDoc = null;
    delete this.#cache.memberKeys[communityId];
    this.#keys.delete(communityId);
    delete this.#cache.names[communityId];
    delete this.#cache.pendingJoins[communityId];
    delete this.#cache.founders[communityId];
    this.unread.forget(communityId, docIds);
    this.#save();
    this.#notify();
    this.deps.onGone?.(docIds);
  }

  #me() {
    return { signingPublicKey: this.deps.identity.signing.publicKey, boxPublicKey: this.deps.identity.box.publicKey };
  }

  #meMember() {
    return { user: this.deps.account.id, key: memberKeyOf(this.deps.identity.signing.publicKey) };
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

  /**
   * One key envelope per member. Each costs milliseconds (an X25519 box in tweetnacl, and the Ed25519 signature,
   * through WebCrypto where it exists): for a community of a thousand the page gets a turn every few milliseconds
   * instead of freezing.
   */
  async #sealForMembers(communityId: string, epoch: number, key: Uint8Array, members: CommunityMemberView[]) {
    const out: Array<{ recipientId: string; envelope: string }> = [];
    this.#signer ??= createAsyncSigner(this.deps.identity.signing.secretKey);
    const signer = await this.#signer;
    const sender = { publicKey: this.deps.identity.signing.publicKey };
    let slice = performance.now();
    for (const m of members) {
      if (!m.signingPublicKey || !m.boxPublicKey) continue;
      const recipient = { signingPublicKey: fromBase64url(m.signingPublicKey)!, boxPublicKey: fromBase64url(m.boxPublicKey)! };
      const sealed = await sealKeyEnvelopeAsync({ docId: communityId, epoch, key, recipient, sender, random: this.deps.random }, signer);
      out.push({ recipientId: m.accountId, envelope: toBase64url(sealed) });
      if (performance.now() - slice > SEAL_SLICE_MS) {
        await yieldToPage();
        slice = performance.now();
      }
    }
    return out;
  }

  #save(): void {
    if (this.#saveTimer) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = null;
      void this.deps.store.seal(LIST, text.encode(JSON.stringify(this.#cache)));
    }, 100);
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
