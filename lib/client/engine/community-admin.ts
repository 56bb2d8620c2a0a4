// Running a community from this device: moderators, handing ownership over, channels, deleting it. Each role
// change goes to the server (which enforces roles) and then into the community document as a signed role record
// (which every member's device folds, believing only what the signer was allowed to do); a channel is signed
// by the moderator who adds it, since the server never sees channels.
import type { z } from 'zod';
import type { Identity, RandomBytes } from '../../crypto';
import { addSignedChannel, appendRoleRecord, memberKeyOf, type Channel, type MemberKey, type RoleAction } from '../../docs';
import { OkResponse } from '../../protocol/api';
import { CommunityView, SetRoleRequest, TransferOwnershipRequest } from '../../protocol/api-communities';
import { toBase64url } from '../../protocol/base64url';
import { fail, ok } from '../../protocol/errors';
import type { ClientResult } from '../client-errors';
import type { Communities, CommunityMember } from './communities';
import type { Request } from './docs-api';

export function createCommunityAdminApi(request: Request) {
  const at = (communityId: string, rest = '') => `/api/communities/${encodeURIComponent(communityId)}${rest}`;
  return {
    setRole: (communityId: string, body: z.infer<typeof SetRoleRequest>) => request('POST', at(communityId, '/roles'), CommunityView, body),
    transfer: (communityId: string, body: z.infer<typeof TransferOwnershipRequest>) => request('POST', at(communityId, '/owner'), CommunityView, body),
    remove: (communityId: string) => request('DELETE', at(communityId), OkResponse),
  };
}
export type CommunityAdminApi = ReturnType<typeof createCommunityAdminApi>;

export interface CommunityAdminDeps {
  communities: Communities;
  api: CommunityAdminApi;
  identity: Identity;
  random: RandomBytes;
  now: () => number;
}

export class CommunityAdmin {
  constructor(private readonly deps: CommunityAdminDeps) {}

  /** The owner makes a member a moderator (`moderator`) or a moderator a member again (`member`). */
  setRole(communityId: string, accountId: string, role: 'moderator' | 'member'): Promise<ClientResult<void>> {
    return this.#change(communityId, accountId, role === 'moderator' ? 'promote' : 'demote', () => this.deps.api.setRole(communityId, { accountId, role }));
  }

  /** The owner hands ownership to another member and becomes a moderator. */
  transferOwnership(communityId: string, accountId: string): Promise<ClientResult<void>> {
    return this.#change(communityId, accountId, 'transfer', () => this.deps.api.transfer(communityId, { accountId }));
  }

  /** An owner or moderator adds a channel; its id is random, its name is what people see. */
  async addChannel(communityId: string, name: string): Promise<ClientResult<Channel>> {
    const view = this.deps.communities.view(communityId);
    if (!view || view.id !== communityId) return fail('doc.not_found');
    if (view.myRole === 'member') return fail('community.not_allowed');
    let added: Channel | null = null;
    const written = await this.deps.communities.writeIn(communityId, (replica) => {
      const channel = { id: toBase64url(this.deps.random(9)), name };
      const result = addSignedChannel(replica.inner, { docId: communityId, channel, identity: this.deps.identity, now: this.deps.now(), origin: {} });
      if (!result.ok) return fail('input.title_invalid');
      added = result.value;
      return ok(undefined);
    });
    if (!written.ok) return written;
    return added ? ok(added) : fail('input.title_invalid');
  }

  /** The owner deletes the community for everyone; this device forgets it at once, the others on their event. */
  async deleteCommunity(communityId: string): Promise<ClientResult<void>> {
    const view = this.deps.communities.view(communityId);
    if (!view || view.id !== communityId) return fail('doc.not_found');
    if (view.myRole !== 'owner') return fail('community.not_allowed');
    const deleted = await this.deps.api.remove(communityId);
    if (!deleted.ok && deleted.code !== 'doc.not_found') return deleted;
    this.deps.communities.forget(communityId);
    return ok(undefined);
  }

  /**
   * A role change: refused here unless the signed records already show the member in the role it changes from
   * (a record written before their join arrived could fold ahead of it and not count), then the server, then
   * the signed record.
   */
  async #change(communityId: string, accountId: string, action: Extract<RoleAction, 'promote' | 'demote' | 'transfer'>, tell: () => ReturnType<CommunityAdminApi['setRole']>): Promise<ClientResult<void>> {
    const view = this.deps.communities.view(communityId);
    if (!view || view.id !== communityId) return fail('doc.not_found');
    if (view.myRole !== 'owner') return fail('community.not_allowed');
    const state = await this.deps.communities.state(communityId);
    if (!state.ok) return state;
    const member = state.value.members.find((m) => m.accountId === accountId);
    if (!member || !member.signingPublicKey) return fail('account.not_found');
    // My own role changes only by handing ownership to someone else.
    if (member.signingPublicKey === memberKeyOf(this.deps.identity.signing.publicKey)) return fail('request.invalid');
    if (!mayChange(action, member)) return fail('community.roles_pending');
    const told = await tell();
    if (!told.ok) return told;
    await this.deps.communities.absorb(told.value);
    const subject = { user: accountId, key: member.signingPublicKey as MemberKey };
    return this.deps.communities.writeIn(communityId, (replica) => {
      appendRoleRecord(replica.inner, this.deps.identity, { docId: communityId, action, subject, at: this.deps.now() }, {});
      return ok(undefined);
    });
  }
}

/** Whether the signed records already put the member where the change starts from (the server agrees too). */
export function mayChange(action: 'promote' | 'demote' | 'transfer', m: Pick<CommunityMember, 'role' | 'verifiedRole'>): boolean {
  switch (action) {
    case 'promote':
      return m.role === 'member' && m.verifiedRole === 'member';
    case 'demote':
      return m.role === 'moderator' && m.verifiedRole === 'moderator';
    case 'transfer':
      return m.role !== 'owner' && (m.verifiedRole === 'member' || m.verifiedRole === 'moderator');
  }
}
