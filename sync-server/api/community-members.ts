// Direct invitations: an owner or moderator invites someone by account, within that person's contact settings
// and blocks (contact-decision). The invitee holds the current key from the start, so it can look before
// answering; accepting makes it a member, declining removes it and the next writer rotates.
import { InviteMemberRequest, MAX_COMMUNITY_MEMBERS } from '../../lib/protocol/api-communities';
import { communityOf, communityView, evictFromCommunity } from './communities';
import { decideContact } from './contact-decision';
import { decodeEnvelopes, envelopesVerify } from './conversations';
import type { ApiDeps } from './deps';
import { refuse, reply, sessionRoute } from './route';

export function communityMembersRoutes(deps: ApiDeps) {
  const { documents, communities, privacy, accounts } = deps.repos;
  const notifyAll = (communityId: string, extra: string[] = []) => {
    for (const id of new Set([...documents.memberIds(communityId), ...extra])) deps.events.membershipChanged(id, communityId);
  };

  return [
    sessionRoute({
      method: 'POST',
      pattern: '/api/communities/:id/members',
      body: InviteMemberRequest,
      handle: async ({ params, body }, auth) => {
        const c = communityOf(deps, params.id, auth);
        if (!c.ok) return c.reply;
        if (c.role === 'member') return refuse('community.not_allowed');
        const { communityId } = c;
        const invitee = body.accountId;
        if (accounts.findById(invitee) === undefined) return refuse('account.not_found');
        if (documents.isMember(communityId, invitee)) return refuse('community.already_member');
        const epoch = documents.currentEpoch(communityId)!;
        const upload = [{ recipientId: invitee, envelope: body.keyEnvelope }];
        if (!(await envelopesVerify(deps, communityId, epoch, auth.account.signingPublicKey, upload))) return refuse('doc.bad_key_envelope');
        const now = deps.clock.now();
        const done = deps.repos.transaction(() => {
          // Decided inside the transaction, so a block or a setting changed meanwhile is seen.
          const decided = decideContact(privacy, invitee, auth.account.id);
          if (!decided.ok) return { ok: false as const, code: decided.code === 'conversation.cannot_start' ? ('community.cannot_invite' as const) : decided.code };
          if (documents.currentEpoch(communityId) !== epoch) return { ok: false as const, code: 'doc.wrong_epoch' as const };
          if (documents.isMember(communityId, invitee)) return { ok: false as const, code: 'community.already_member' as const };
          if (documents.memberCount(communityId) >= MAX_COMMUNITY_MEMBERS) return { ok: false as const, code: 'community.too_many_members' as const };
          documents.addMembers(communityId, [invitee], auth.account.id, epoch, now);
          // Joining a community is always the invitee's choice, whoever invites them.
          privacy.setStatus(communityId, [invitee], 'request');
          communities.setRole(communityId, invitee, 'member', now);
          documents.putKeyEnvelopes(communityId, epoch, auth.account.id, decodeEnvelopes(upload), now);
          documents.touch(communityId, now);
          return { ok: true as const };
        });
        if (!done.ok) return refuse(done.code);
        notifyAll(communityId);
        return reply(200, communityView(deps, communityId, auth.account.id));
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/communities/:id/accept',
      body: null,
      handle: ({ params }, auth) => {
        const c = communityOf(deps, params.id, auth, { invited: true });
        if (!c.ok) return c.reply;
        if (!c.invited) return refuse('community.not_invited');
        privacy.setStatus(c.communityId, [auth.account.id], 'accepted');
        notifyAll(c.communityId);
        return reply(200, communityView(deps, c.communityId, auth.account.id));
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/communities/:id/decline',
      body: null,
      handle: ({ params }, auth) => {
        const c = communityOf(deps, params.id, auth, { invited: true });
        if (!c.ok) return c.reply;
        if (!c.invited) return refuse('community.not_invited');
        const now = deps.clock.now();
        deps.repos.transaction(() => {
          documents.removeMember(c.communityId, auth.account.id);
          communities.dropRole(c.communityId, auth.account.id);
          // It held the current key: the next writer rotates, as after someone leaves.
          documents.markRotationNeeded(c.communityId, now);
        });
        evictFromCommunity(deps, auth.account.id, c.communityId);
        notifyAll(c.communityId, [auth.account.id]);
        return reply(200, { ok: true });
      },
    }),
  ];
}
