// Invite links. The link's secret stays in its URL fragment: the server checks a proof key derived from it
// against the hash it keeps, and hands out the epoch key sealed to the secret, which it cannot open itself.
import { createHash, timingSafeEqual } from 'node:crypto';
import { DocId } from '../../lib/protocol/api-docs';
import {
  CreateInviteRequest,
  MAX_COMMUNITY_MEMBERS,
  MAX_INVITE_LIFETIME_MS,
  MAX_LISTED_INVITES,
  OpenInviteRequest,
  RedeemInviteRequest,
  type InviteOpened,
  type InviteStatus,
  type InviteView,
} from '../../lib/protocol/api-communities';
import { fromBase64url, toBase64url } from '../../lib/protocol/base64url';
import type { ErrorCode } from '../../lib/protocol/errors';
import type { Auth } from '../auth/authenticate';
import type { CommunityInviteRow } from '../db/community-schema';
import { parse } from '../http/parse';
import { communityOf, communityView } from './communities';
import { envelopesVerify } from './conversations';
import type { ApiDeps } from './deps';
import { refuse, reply, sessionRoute } from './route';

/** How far ahead of this server's clock a device may be when it asks for a link of the longest life. */
const CLOCK_SLACK_MS = 10 * 60 * 1000;

const bytes = (text: string): Uint8Array => {
  const decoded = fromBase64url(text);
  if (decoded === null) throw new Error('base64url value passed validation but does not decode');
  return decoded;
};

function proofMatches(row: CommunityInviteRow, proof: Uint8Array): boolean {
  const hash = createHash('sha256').update(proof).digest();
  return hash.length === row.proofHash.length && timingSafeEqual(hash, row.proofHash);
}

/** The same order of checks for the list an owner sees as for whoever opens the link. */
function statusOf(row: CommunityInviteRow, now: number, currentEpoch: number | undefined): InviteStatus {
  if (row.revoked) return 'revoked';
  if (now >= row.expiresAt) return 'expired';
  if (row.uses >= row.maxUses) return 'used_up';
  // The sealed key opens one epoch only: after a rotation the link gives nothing useful, so it is refused.
  if (currentEpoch !== row.epoch) return 'stale';
  return 'active';
}

const REFUSAL: Record<Exclude<InviteStatus, 'active'>, ErrorCode> = {
  revoked: 'invite.revoked',
  expired: 'invite.expired',
  used_up: 'invite.used_up',
  stale: 'invite.stale',
};

/**
 * A link that may be used now by whoever holds its secret. A wrong proof gets the same answer as an unknown id;
 * only a holder of the secret learns whether the link expired, was revoked or is used up.
 */
function usableInvite(deps: ApiDeps, rawId: string | undefined, proof: Uint8Array): { ok: true; row: CommunityInviteRow } | { ok: false; code: ErrorCode } {
  const id = parse(DocId, rawId);
  const row = id.ok ? deps.repos.communities.findInvite(id.value) : undefined;
  if (!row || !proofMatches(row, proof)) return { ok: false, code: 'invite.not_found' };
  const status = statusOf(row, deps.clock.now(), deps.repos.documents.currentEpoch(row.communityId));
  return status === 'active' ? { ok: true, row } : { ok: false, code: REFUSAL[status] };
}

// Built field by field: the proof hash and the sealed key never leave the server, not even to the link's maker.
const inviteView = (row: CommunityInviteRow, now: number, currentEpoch: number | undefined): InviteView => ({
  id: row.id,
  createdBy: row.createdBy,
  createdAt: row.createdAt,
  epoch: row.epoch,
  expiresAt: row.expiresAt,
  maxUses: row.maxUses,
  uses: row.uses,
  revoked: row.revoked,
  status: statusOf(row, now, currentEpoch),
});

function moderatorOf(deps: ApiDeps, rawId: string | undefined, auth: Auth) {
  const c = communityOf(deps, rawId, auth);
  if (!c.ok) return c;
  if (c.role === 'member') return { ok: false as const, reply: refuse('community.not_allowed') };
  return c;
}

export function communityInvitesRoutes(deps: ApiDeps) {
  const { documents, communities } = deps.repos;

  return [
    sessionRoute({
      method: 'GET',
      pattern: '/api/communities/:id/invites',
      body: null,
      handle: ({ params }, auth) => {
        const c = moderatorOf(deps, params.id, auth);
        if (!c.ok) return c.reply;
        const now = deps.clock.now();
        const epoch = documents.currentEpoch(c.communityId);
        return reply(200, { invites: communities.invites(c.communityId, MAX_LISTED_INVITES).map((row) => inviteView(row, now, epoch)) });
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/communities/:id/invites',
      body: CreateInviteRequest,
      handle: ({ params, body }, auth) => {
        const c = moderatorOf(deps, params.id, auth);
        if (!c.ok) return c.reply;
        const now = deps.clock.now();
        const latest = now + MAX_INVITE_LIFETIME_MS;
        if (body.expiresAt <= now || body.expiresAt > latest + CLOCK_SLACK_MS) return refuse('request.invalid');
        const epoch = documents.currentEpoch(c.communityId);
        if (body.epoch !== epoch) return refuse('doc.wrong_epoch');
        const made = communities.createInvite({
          id: body.id,
          communityId: c.communityId,
          createdBy: auth.account.id,
          proofHash: bytes(body.proofHash),
          sealedKey: bytes(body.sealedKey),
          epoch: body.epoch,
          // A device clock a little ahead asking for the longest life gets the longest life by this clock.
          expiresAt: Math.min(body.expiresAt, latest),
          maxUses: body.maxUses,
          now,
        });
        if (!made) return refuse('invite.exists');
        return reply(201, inviteView(communities.findInvite(body.id)!, now, epoch));
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/communities/:id/invites/:inviteId/revoke',
      body: null,
      handle: ({ params }, auth) => {
        const c = moderatorOf(deps, params.id, auth);
        if (!c.ok) return c.reply;
        const row = parse(DocId, params.inviteId).ok ? communities.findInvite(params.inviteId!) : undefined;
        if (!row || row.communityId !== c.communityId) return refuse('invite.not_found');
        communities.revokeInvite(row.id);
        return reply(200, inviteView(communities.findInvite(row.id)!, deps.clock.now(), documents.currentEpoch(c.communityId)));
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/invites/:inviteId/open',
      body: OpenInviteRequest,
      handle: ({ params, body }) => {
        const usable = usableInvite(deps, params.inviteId, bytes(body.proof));
        if (!usable.ok) return refuse(usable.code);
        const opened: InviteOpened = { communityId: usable.row.communityId, epoch: usable.row.epoch, sealedKey: toBase64url(usable.row.sealedKey) };
        return reply(200, opened);
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/invites/:inviteId/redeem',
      body: RedeemInviteRequest,
      handle: async ({ params, body }, auth) => {
        const me = auth.account.id;
        const proof = bytes(body.proof);
        const first = usableInvite(deps, params.inviteId, proof);
        if (!first.ok) return refuse(first.code);
        const { communityId, epoch } = first.row;
        if (documents.isMember(communityId, me)) return refuse('community.already_member');
        // The newcomer boxes the key it opened to itself, so its other devices find it like any member's.
        const upload = [{ recipientId: me, envelope: body.keyEnvelope }];
        if (!(await envelopesVerify(deps, communityId, epoch, auth.account.signingPublicKey, upload))) return refuse('doc.bad_key_envelope');
        const now = deps.clock.now();
        const joined = deps.repos.transaction((): { ok: true } | { ok: false; code: ErrorCode } => {
          // Checked again inside the transaction: two people racing for the last use cannot both get in.
          const again = usableInvite(deps, params.inviteId, proof);
          if (!again.ok) return again;
          if (documents.isMember(communityId, me)) return { ok: false, code: 'community.already_member' };
          if (documents.memberCount(communityId) >= MAX_COMMUNITY_MEMBERS) return { ok: false, code: 'community.too_many_members' };
          documents.addMembers(communityId, [me], again.row.createdBy ?? me, epoch, now);
          communities.setRole(communityId, me, 'member', now);
          documents.putKeyEnvelopes(communityId, epoch, me, [{ recipientId: me, envelope: bytes(body.keyEnvelope) }], now);
          communities.useInvite(again.row.id);
          documents.touch(communityId, now);
          return { ok: true };
        });
        if (!joined.ok) return refuse(joined.code);
        for (const id of documents.memberIds(communityId)) deps.events.membershipChanged(id, communityId);
        return reply(200, communityView(deps, communityId, me));
      },
    }),
  ];
}
