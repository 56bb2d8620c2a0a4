// Finding communities and being asked into them: the public directory (publish, unpublish, search), direct
// invitations by handle (the key sealed to the invitee's X25519 key), answering them, and the history setting.
// Acts on the Communities list and keys through their sibling hooks; holds no state of its own.
import nacl from 'tweetnacl';
import { concatBytes, utf8, type Identity, type RandomBytes } from '../../crypto';
import { appendRoleRecord, HistoryVisibility, memberKeyOf, setHistoryVisibility, type MemberKey } from '../../docs';
import { Handle, type PublicProfile } from '../../protocol/api';
import type { DirectoryEntry } from '../../protocol/api-communities';
import { fromBase64url, toBase64url } from '../../protocol/base64url';
import { fail, ok } from '../../protocol/errors';
import { normalizeHandle } from '../account';
import type { ClientResult } from '../client-errors';
import type { Communities } from './communities';
import type { CommunitiesApi } from './communities-api';
import type { EngineStore } from './engine-store';

export interface CommunityDiscoveryDeps {
  api: CommunitiesApi;
  communities: Communities;
  /** The public profile (and keys) behind a handle: the users API a new conversation uses. */
  lookup(handle: string): Promise<ClientResult<PublicProfile>>;
  identity: Identity;
  account: { id: string; handle: string };
  random: RandomBytes;
  now: () => number;
  scheduleSync(docId: string): void;
  /** Where this device notes up to which epoch it sealed snapshots of a community's threads. */
  store: Pick<EngineStore, 'getMeta' | 'putMeta'>;
}

export interface Invitation {
  communityId: string;
  /** From the community document once this device has read it, else what the directory lists, else null. */
  name: string | null;
  description: string | null;
  memberCount: number;
  /** Display name of the community's founder, as the server lists it. */
  founder: string | null;
}

export interface DirectoryResult extends DirectoryEntry {
  /** I am in it already (or invited): the screen opens it rather than asking for an invite. */
  mine: boolean;
}

const DIRECT_INVITE_CONTEXT = utf8('hasneeds/direct-invite/v1');

/**
 * The invite id a direct invitation's signed records share: the inviter's `invite` record and the invitee's `join`
 * record name it, so the invitee counts as a member on every device once they accept (and only then). Both sides
 * derive it from the community and the invitee; it is no secret, as no invite id in a community document is.
 */
export function directInviteId(communityId: string, accountId: string): string {
  return toBase64url(nacl.hash(concatBytes(DIRECT_INVITE_CONTEXT, utf8(`${communityId}/${accountId}`))).slice(0, 16));
}

export class CommunityDiscovery {
  constructor(private readonly deps: CommunityDiscoveryDeps) {}

  /** Finds listed communities by name (an empty query lists the first ones by name). */
  async search(query: string): Promise<ClientResult<DirectoryResult[]>> {
    const found = await this.deps.api.searchDirectory(query.trim().slice(0, 100));
    if (!found.ok) return found;
    return ok(found.value.communities.map((c) => ({ ...c, mine: this.deps.communities.view(c.communityId) !== undefined })));
  }

  /** Lists the community publicly (owner only) with its current name and description. */
  async publish(communityId: string): Promise<ClientResult<void>> {
    const state = await this.deps.communities.state(communityId);
    if (!state.ok) return state;
    if (state.value.myRole !== 'owner') return fail('community.not_allowed');
    if (state.value.name.trim() === '') return fail('request.invalid');
    const published = await this.deps.api.publish(communityId, { name: state.value.name.trim(), description: state.value.description.trim() });
    if (!published.ok) return published;
    await this.deps.communities.absorb(published.value);
    return ok(undefined);
  }

  async unpublish(communityId: string): Promise<ClientResult<void>> {
    const done = await this.deps.api.unpublish(communityId);
    if (!done.ok) return done;
    await this.deps.communities.absorb(done.value);
    return ok(undefined);
  }

  /** Invitations waiting for my answer, newest first as the server lists them. */
  invitations(): Invitation[] {
    return this.deps.communities.invitations().map(({ view, name }) => ({
      communityId: view.id,
      name: name ?? view.listing?.name ?? null,
      description: view.listing?.description ?? null,
      memberCount: view.members.length,
      founder: view.members.find((m) => m.accountId === view.createdBy)?.displayName ?? null,
    }));
  }

  /**
   * Invites someone by handle (owner or moderator). The current key is sealed to their box key; with the history
   * setting 'joined' the community first moves to a new epoch (with a snapshot of the community document in it),
   * so they hold no key to anything posted before.
   */
  async inviteByHandle(communityId: string, handleText: string): Promise<ClientResult<void>> {
    const handle = normalizeHandle(handleText);
    if (!Handle.safeParse(handle).success) return fail('input.handle_invalid');
    if (handle === this.deps.account.handle) return fail('input.only_own_handle');
    const { communities } = this.deps;
    const view = communities.view(communityId);
    if (!view || view.id !== communityId) return fail('doc.not_found');
    if (view.myRole === 'member') return fail('community.not_allowed');
    const profile = await this.deps.lookup(handle);
    if (!profile.ok) return profile;
    const invitee = profile.value;
    if (view.members.some((m) => m.accountId === invitee.id)) return fail('community.already_member');
    const signingPublicKey = fromBase64url(invitee.signingPublicKey);
    const boxPublicKey = fromBase64url(invitee.boxPublicKey);
    if (!signingPublicKey || !boxPublicKey) return fail('response.invalid');

    await communities.rotateIfNeeded(communityId);
    const state = await communities.state(communityId);
    if (!state.ok) return state;
    const readable = state.value.history === 'joined' ? await this.#rotateWithSnapshot(communityId) : await this.#snapshotPastRotation(communityId);
    if (!readable.ok) return readable;
    const current = await communities.currentKey(communityId);
    if (!current) return fail('envelope.unknown_epoch');
    const invited = await this.deps.api.invite(communityId, {
      accountId: invitee.id,
      keyEnvelope: toBase64url(communities.sealTo(communityId, current.epoch, current.key, { signingPublicKey, boxPublicKey })),
    });
    if (!invited.ok) return invited;
    await communities.absorb(invited.value);
    // The record their join will rest on once they accept; until then the signed roster does not count them.
    return communities.writeIn(communityId, (replica) => {
      appendRoleRecord(
        replica.inner,
        this.deps.identity,
        { docId: communityId, action: 'invite', subject: this.#me(), inviteId: directInviteId(communityId, invitee.id), at: this.deps.now() },
        {},
      );
      return ok(undefined);
    });
  }

  /**
   * An invite link (owner or moderator). With the history setting 'joined' the community first moves to a new
   * epoch, so the link opens nothing posted before it was made (what is posted between then and a join, it does).
   */
  async createInvite(communityId: string, o: { ttlMs?: number; maxUses?: number } = {}): Promise<ClientResult<{ inviteId: string; link: string }>> {
    const { communities } = this.deps;
    const view = communities.view(communityId);
    if (!view || view.id !== communityId) return fail('doc.not_found');
    if (view.myRole === 'member') return fail('community.not_allowed');
    await communities.rotateIfNeeded(communityId);
    const state = await communities.state(communityId);
    if (!state.ok) return state;
    const readable = state.value.history === 'joined' ? await this.#rotateWithSnapshot(communityId) : await this.#snapshotPastRotation(communityId);
    if (!readable.ok) return readable;
    return communities.createInvite(communityId, o);
  }

  /** Accepts a direct invitation: the community becomes one of mine, and my signed join record follows. */
  async accept(communityId: string): Promise<ClientResult<void>> {
    const accepted = await this.deps.api.accept(communityId);
    if (!accepted.ok) return accepted;
    this.deps.communities.expectJoin(communityId, directInviteId(communityId, this.deps.account.id));
    await this.deps.communities.absorb(accepted.value);
    for (const id of [communityId, ...accepted.value.threads.map((t) => t.id)]) this.deps.scheduleSync(id);
    return ok(undefined);
  }

  /** Declines: the server forgets me there (the next writer rotates) and this device wipes what it read. */
  async decline(communityId: string): Promise<ClientResult<void>> {
    const declined = await this.deps.api.decline(communityId);
    if (!declined.ok && declined.code !== 'doc.not_found') return declined;
    this.deps.communities.forget(communityId);
    return ok(undefined);
  }

  /** Sets whether newcomers see earlier posts, signed (owner or moderator; anyone else's setting is not believed). */
  async setHistory(communityId: string, value: HistoryVisibility): Promise<ClientResult<void>> {
    const parsed = HistoryVisibility.safeParse(value);
    if (!parsed.success) return fail('request.invalid');
    const view = this.deps.communities.view(communityId);
    if (!view || view.id !== communityId) return fail('doc.not_found');
    if (view.myRole === 'member') return fail('community.not_allowed');
    return this.deps.communities.writeIn(communityId, (replica) => {
      const set = setHistoryVisibility(replica.inner, { docId: communityId, value: parsed.data, identity: this.deps.identity, now: this.deps.now(), origin: {} });
      return set.ok ? ok(undefined) : fail('request.invalid');
    });
  }

  /**
   * After a rotation the document's newer entries build on older ones that a newcomer holds no key to, and Yjs
   * would hold them all back: the community document's state, sealed in the current epoch, lets them read it.
   * Nothing to do while the community is still in its first epoch.
   */
  async #snapshotPastRotation(communityId: string): Promise<ClientResult<void>> {
    const { communities } = this.deps;
    const current = await communities.currentKey(communityId);
    if (!current) return fail('envelope.unknown_epoch');
    if (current.epoch === 0) return ok(undefined);
    const sealed = await this.#snapshot(communityId);
    if (!sealed) return fail('request.invalid');
    // The threads too ('earlier posts too' is this setting), once per epoch: a later invite finds them done.
    const marker = `threads-snapshot:${communityId}`;
    if (((await this.deps.store.getMeta<number>(marker)) ?? 0) >= current.epoch) return ok(undefined);
    for (const thread of communities.view(communityId)?.threads ?? []) await this.#snapshot(thread.id);
    await this.deps.store.putMeta(marker, current.epoch);
    return ok(undefined);
  }

  /** Seals the document as this device holds it, in the newest epoch; false past the snapshot size cap. */
  async #snapshot(docId: string): Promise<boolean> {
    const { communities } = this.deps;
    const { replica } = await communities.acquire(docId);
    try {
      if (!replica.appendSnapshot()) return false;
      await communities.markDirty(docId);
      return true;
    } finally {
      communities.release(docId);
    }
  }

  /** A new epoch for everyone listed, then the community document's state sealed in it for whoever comes next. */
  async #rotateWithSnapshot(communityId: string): Promise<ClientResult<void>> {
    const { communities } = this.deps;
    const view = communities.view(communityId);
    if (!view) return fail('doc.not_found');
    const epoch = view.epoch + 1;
    const key = this.deps.random(32);
    const rotated = await this.deps.api.rotate(communityId, { epoch, keyEnvelopes: await communities.sealForEveryone(communityId, epoch, key) });
    if (!rotated.ok) {
      if (rotated.code === 'doc.wrong_epoch') await communities.refreshOne(communityId);
      return rotated;
    }
    await communities.rememberKey(communityId, epoch, key);
    await communities.absorb(rotated.value);
    const { replica } = await communities.acquire(communityId);
    try {
      // Past the snapshot size cap the newcomer would see no name or threads: refuse rather than invite half-blind.
      if (!replica.appendSnapshot()) return fail('request.invalid');
      await communities.markDirty(communityId);
      return ok(undefined);
    } finally {
      communities.release(communityId);
    }
  }

  #me(): { user: string; key: MemberKey } {
    return { user: this.deps.account.id, key: memberKeyOf(this.deps.identity.signing.publicKey) };
  }
}
