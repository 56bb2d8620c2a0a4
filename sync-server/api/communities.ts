// Communities: create, view, threads, roles, removal and leaving, rotation. A community is a document like a
// conversation (same members table, key envelopes and epochs); the server adds roles and enforces them.
// Its threads are documents with no members of their own: whoever is in the community is in its threads.
import { DocId } from '../../lib/protocol/api-docs';
import {
  CreateCommunityRequest,
  CreateThreadRequest,
  RemoveCommunityMemberRequest,
  RotateCommunityRequest,
  ROTATION_BODY_BYTES,
  SetRoleRequest,
  TransferOwnershipRequest,
  type CommunityRole,
  type CommunityView,
} from '../../lib/protocol/api-communities';
import { toBase64url } from '../../lib/protocol/base64url';
import type { Auth } from '../auth/authenticate';
import { parse } from '../http/parse';
import { coversExactly, decodeEnvelopes, envelopesVerify } from './conversations';
import type { ApiDeps } from './deps';
import { refuse, reply, sessionRoute, type ApiReply } from './route';

export const COMMUNITY_KIND = 'community';

export function communityView(deps: ApiDeps, communityId: string, viewerId: string): CommunityView | undefined {
  const { documents, privacy, communities } = deps.repos;
  const doc = documents.find(communityId);
  const roles = communities.roles(communityId);
  const myRole = roles.get(viewerId);
  if (!doc || doc.kind !== COMMUNITY_KIND || myRole === undefined) return undefined;
  const listing = communities.listing(communityId);
  const rows = privacy.memberRows(communityId);
  const invited = rows.some((m) => m.accountId === viewerId && m.status === 'request');
  const members = rows
    .sort((x, y) => x.joinedAt - y.joinedAt || (x.accountId < y.accountId ? -1 : x.accountId > y.accountId ? 1 : 0));
  return {
    id: doc.id,
    createdBy: doc.createdBy,
    createdAt: doc.createdAt,
    epoch: doc.epoch,
    rotationNeeded: doc.rotationNeeded,
    seq: doc.seq,
    updatedAt: doc.updatedAt,
    myRole,
    members: members.map((m) => ({
      accountId: m.accountId,
      handle: m.deleted ? null : m.handle,
      displayName: m.deleted ? null : m.displayName,
      signingPublicKey: m.deleted ? null : toBase64url(m.signingPublicKey),
      boxPublicKey: m.deleted ? null : toBase64url(m.boxPublicKey),
      joinedEpoch: m.joinedEpoch,
      role: roles.get(m.accountId) ?? 'member',
      ...(m.status === 'request' ? { invited: true as const } : {}),
    })),
    keyEnvelopes: documents
      .keyEnvelopesFor(communityId, viewerId)
      .map((e) => ({ epoch: e.epoch, senderId: e.senderId, envelope: toBase64url(e.envelope) })),
    threads: communities.threads(communityId).map((t) => ({ id: t.id, createdBy: t.createdBy, createdAt: t.createdAt, seq: t.seq })),
    listing: listing ? { name: listing.name, description: listing.description } : null,
    ...(invited ? { invited: true as const } : {}),
  };
}

/**
 * A community the caller belongs to, with the caller's role; anyone else learns nothing, not even that it exists.
 * Someone invited directly who has not answered yet may look at it and answer (`invited`), nothing more.
 */
export function communityOf(
  deps: ApiDeps,
  rawId: string | undefined,
  auth: Auth,
  options: { invited?: boolean } = {},
): { ok: true; communityId: string; role: CommunityRole; invited: boolean } | { ok: false; reply: ApiReply } {
  const id = parse(DocId, rawId);
  if (!id.ok) return { ok: false, reply: refuse('doc.not_found') };
  const doc = deps.repos.documents.find(id.value);
  const role = deps.repos.communities.roleOf(id.value, auth.account.id);
  const row = deps.repos.privacy.membership(id.value, auth.account.id);
  if (!doc || doc.kind !== COMMUNITY_KIND || role === undefined || !row) return { ok: false, reply: refuse('doc.not_found') };
  const invited = row.status === 'request';
  if (invited && !options.invited) return { ok: false, reply: refuse('community.invitation_pending') };
  return { ok: true, communityId: id.value, role, invited };
}

/** Who may remove whom: the owner anyone else, a moderator plain members only. */
export function mayRemove(actor: CommunityRole, target: CommunityRole): boolean {
  return actor === 'owner' ? target !== 'owner' : actor === 'moderator' && target === 'member';
}

/** Closes an account's sockets on a community and on every one of its threads. */
export function evictFromCommunity(deps: ApiDeps, accountId: string, communityId: string): void {
  // One pass over the sockets for the community and all its threads (thousands of threads are no thousand passes).
  const docIds = new Set([communityId, ...deps.repos.communities.threads(communityId).map((t) => t.id)]);
  deps.sync.evict(accountId, docIds, 4403, 'doc.not_member');
}

export function communitiesRoutes(deps: ApiDeps) {
  const { documents, communities } = deps.repos;
  const notifyMembership = (communityId: string, accountIds: Iterable<string>) => {
    for (const accountId of accountIds) deps.events.membershipChanged(accountId, communityId);
  };
  const viewFor = (communityId: string, auth: Auth) => communityView(deps, communityId, auth.account.id);

  return [
    sessionRoute({
      method: 'GET',
      pattern: '/api/communities',
      body: null,
      handle: (_req, auth) => {
        const list = documents
          .listFor(auth.account.id, [COMMUNITY_KIND])
          .map((doc) => viewFor(doc.id, auth))
          .filter((c): c is CommunityView => c !== undefined);
        return reply(200, { communities: list });
      },
    }),

    sessionRoute({
      method: 'GET',
      pattern: '/api/communities/:id',
      body: null,
      handle: ({ params }, auth) => {
        const c = communityOf(deps, params.id, auth, { invited: true });
        return c.ok ? reply(200, viewFor(c.communityId, auth)) : c.reply;
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/communities',
      body: CreateCommunityRequest,
      handle: async ({ body }, auth) => {
        const me = auth.account.id;
        if (!coversExactly(body.keyEnvelopes, [me])) return refuse('doc.key_envelopes_mismatch');
        if (!(await envelopesVerify(deps, body.id, 0, auth.account.signingPublicKey, body.keyEnvelopes))) return refuse('doc.bad_key_envelope');
        const now = deps.clock.now();
        const created = deps.repos.transaction(() => {
          if (!documents.create({ id: body.id, kind: COMMUNITY_KIND, createdBy: me, now }, [me], decodeEnvelopes(body.keyEnvelopes))) return false;
          communities.setRole(body.id, me, 'owner', now);
          return true;
        });
        if (!created) return refuse('doc.exists');
        notifyMembership(body.id, [me]);
        return reply(201, viewFor(body.id, auth));
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/communities/:id/threads',
      body: CreateThreadRequest,
      handle: ({ params, body }, auth) => {
        const c = communityOf(deps, params.id, auth);
        if (!c.ok) return c.reply;
        const now = deps.clock.now();
        const added = deps.repos.transaction(() => {
          if (!communities.addThread(body.id, c.communityId, auth.account.id, now)) return false;
          documents.touch(c.communityId, now);
          return true;
        });
        if (!added) return refuse('thread.exists');
        notifyMembership(c.communityId, documents.memberIds(c.communityId));
        return reply(201, viewFor(c.communityId, auth));
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/communities/:id/roles',
      body: SetRoleRequest,
      handle: ({ params, body }, auth) => {
        const c = communityOf(deps, params.id, auth);
        if (!c.ok) return c.reply;
        if (c.role !== 'owner') return refuse('community.not_allowed');
        const target = communities.roleOf(c.communityId, body.accountId);
        if (target === undefined) return refuse('account.not_found');
        // The owner's own role changes only by handing ownership over.
        if (target === 'owner') return refuse('request.invalid');
        communities.setRole(c.communityId, body.accountId, body.role, deps.clock.now());
        notifyMembership(c.communityId, documents.memberIds(c.communityId));
        return reply(200, viewFor(c.communityId, auth));
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/communities/:id/owner',
      body: TransferOwnershipRequest,
      handle: ({ params, body }, auth) => {
        const c = communityOf(deps, params.id, auth);
        if (!c.ok) return c.reply;
        if (c.role !== 'owner') return refuse('community.not_allowed');
        if (body.accountId === auth.account.id) return refuse('request.invalid');
        if (communities.roleOf(c.communityId, body.accountId) === undefined) return refuse('account.not_found');
        const now = deps.clock.now();
        deps.repos.transaction(() => {
          communities.setRole(c.communityId, body.accountId, 'owner', now);
          communities.setRole(c.communityId, auth.account.id, 'moderator', now);
        });
        notifyMembership(c.communityId, documents.memberIds(c.communityId));
        return reply(200, viewFor(c.communityId, auth));
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/communities/:id/remove',
      body: RemoveCommunityMemberRequest,
      bodyBytes: ROTATION_BODY_BYTES,
      handle: async ({ params, body }, auth) => {
        const c = communityOf(deps, params.id, auth);
        if (!c.ok) return c.reply;
        const { communityId } = c;
        if (body.accountId === auth.account.id) return refuse('request.invalid');
        const target = communities.roleOf(communityId, body.accountId);
        if (target === undefined) return refuse('account.not_found');
        if (!mayRemove(c.role, target)) return refuse('community.not_allowed');
        const doc = documents.find(communityId)!;
        if (body.rotation.epoch !== doc.epoch + 1) return refuse('doc.wrong_epoch');
        const current = documents.memberIds(communityId);
        const remaining = current.filter((id) => id !== body.accountId);
        if (!coversExactly(body.rotation.keyEnvelopes, remaining)) return refuse('doc.key_envelopes_mismatch');
        if (!(await envelopesVerify(deps, communityId, body.rotation.epoch, auth.account.signingPublicKey, body.rotation.keyEnvelopes))) {
          return refuse('doc.bad_key_envelope');
        }
        const now = deps.clock.now();
        const done = deps.repos.transaction(() => {
          // Re-read inside the transaction: a concurrent rotation or removal wins, this one is retried.
          if (documents.currentEpoch(communityId) !== doc.epoch) return false;
          documents.removeMember(communityId, body.accountId);
          communities.dropRole(communityId, body.accountId);
          documents.putKeyEnvelopes(communityId, body.rotation.epoch, auth.account.id, decodeEnvelopes(body.rotation.keyEnvelopes), now);
          documents.setEpoch(communityId, body.rotation.epoch, false, now);
          return true;
        });
        if (!done) return refuse('doc.wrong_epoch');
        // Its sockets on the community and its threads end now; it reads nothing written after.
        evictFromCommunity(deps, body.accountId, communityId);
        notifyMembership(communityId, current);
        return reply(200, viewFor(communityId, auth));
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/communities/:id/leave',
      body: null,
      handle: ({ params }, auth) => {
        const c = communityOf(deps, params.id, auth);
        if (!c.ok) return c.reply;
        if (c.role === 'owner') return refuse('community.owner_cannot_leave');
        const current = documents.memberIds(c.communityId);
        const now = deps.clock.now();
        deps.repos.transaction(() => {
          documents.removeMember(c.communityId, auth.account.id);
          communities.dropRole(c.communityId, auth.account.id);
          documents.markRotationNeeded(c.communityId, now);
        });
        evictFromCommunity(deps, auth.account.id, c.communityId);
        notifyMembership(c.communityId, current);
        return reply(200, { ok: true });
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/communities/:id/epochs',
      body: RotateCommunityRequest,
      bodyBytes: ROTATION_BODY_BYTES,
      handle: async ({ params, body }, auth) => {
        const c = communityOf(deps, params.id, auth);
        if (!c.ok) return c.reply;
        const { communityId } = c;
        const doc = documents.find(communityId)!;
        if (body.epoch !== doc.epoch + 1) return refuse('doc.wrong_epoch');
        const current = documents.memberIds(communityId);
        if (!coversExactly(body.keyEnvelopes, current)) return refuse('doc.key_envelopes_mismatch');
        if (!(await envelopesVerify(deps, communityId, body.epoch, auth.account.signingPublicKey, body.keyEnvelopes))) return refuse('doc.bad_key_envelope');
        const now = deps.clock.now();
        const done = deps.repos.transaction(() => {
          if (documents.currentEpoch(communityId) !== doc.epoch) return false;
          documents.putKeyEnvelopes(communityId, body.epoch, auth.account.id, decodeEnvelopes(body.keyEnvelopes), now);
          documents.setEpoch(communityId, body.epoch, false, now);
          return true;
        });
        if (!done) return refuse('doc.wrong_epoch');
        notifyMembership(communityId, current);
        return reply(200, viewFor(communityId, auth));
      },
    }),
  ];
}
