// API shapes for communities: the same documents, key envelopes and rotations as conversations (api-docs),
// plus roles, threads, invite links and the public directory. Names and posts never reach the server, except
// the name and description an owner chooses to publish in the directory.
import { z } from 'zod';
import { b64, Id } from './api';
import { DocId, KeyEnvelopeUpload, KeyEnvelopeView, MAX_KEY_ENVELOPE_BYTES, MemberView } from './api-docs';
import { SEALED_INVITE_KEY_BYTES } from './invite';

export const MAX_COMMUNITY_MEMBERS = 1000;
export const MAX_INVITE_USES = 1000;
/** A link lives at most 30 days. */
export const MAX_INVITE_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
export const MAX_DIRECTORY_RESULTS = 50;
/**
 * GET /api/communities/:id/invites lists this many of the newest links. Every link ends within
 * MAX_INVITE_LIFETIME_MS, so only a flood of newer ones could push a working link off the list.
 */
export const MAX_LISTED_INVITES = 100;

export const CommunityRole = z.enum(['owner', 'moderator', 'member']);
export type CommunityRole = z.infer<typeof CommunityRole>;

// POST /api/communities — the creator is its only member and owner.
export const CreateCommunityRequest = z.strictObject({
  id: DocId,
  /** The epoch 0 key boxed to the creator (their other devices read it from here). */
  keyEnvelopes: z.array(KeyEnvelopeUpload).length(1),
});

/**
 * The body limit of the requests that carry a rotation: one key envelope per member (about 400 bytes of JSON each)
 * is past the server's default limit from about 160 members on.
 */
export const ROTATION_BODY_BYTES = MAX_COMMUNITY_MEMBERS * 512 + 16 * 1024;

/** A new epoch's key for every remaining member (Rotation of api-docs, sized for a community). */
export const CommunityRotation = z.strictObject({
  epoch: z.number().int().min(1),
  keyEnvelopes: z.array(KeyEnvelopeUpload).min(1).max(MAX_COMMUNITY_MEMBERS),
});
// POST /api/communities/:id/epochs
export const RotateCommunityRequest = CommunityRotation;
// POST /api/communities/:id/remove — owner, or a moderator removing a plain member; rotates in the same step.
export const RemoveCommunityMemberRequest = z.strictObject({ accountId: Id, rotation: CommunityRotation });
// POST /api/communities/:id/roles — the owner makes a member a moderator or a moderator a member.
export const SetRoleRequest = z.strictObject({ accountId: Id, role: z.enum(['moderator', 'member']) });
// POST /api/communities/:id/owner — the owner hands ownership over and becomes a moderator.
export const TransferOwnershipRequest = z.strictObject({ accountId: Id });
// POST /api/communities/:id/threads — any member; the thread shares the community's members and keys.
export const CreateThreadRequest = z.strictObject({ id: DocId });

// POST /api/communities/:id/members — an owner or moderator invites someone directly, subject to their contact
// settings and blocks. They become a member once they accept (POST .../accept) or are gone if they decline.
export const InviteMemberRequest = z.strictObject({ accountId: Id, keyEnvelope: b64(1, MAX_KEY_ENVELOPE_BYTES) });

// POST /api/communities/:id/invites — owner or moderator.
export const CreateInviteRequest = z.strictObject({
  id: DocId,
  /** SHA-256 of the proof key derived from the link's secret (lib/protocol/invite). */
  proofHash: b64(32),
  /** The current epoch key sealed with the seal key derived from the secret. */
  sealedKey: b64(SEALED_INVITE_KEY_BYTES),
  epoch: z.number().int().min(0),
  expiresAt: z.number().int().min(0),
  maxUses: z.number().int().min(1).max(MAX_INVITE_USES),
});
// POST /api/invites/:id/open — shows what the link gives, without using it up.
export const OpenInviteRequest = z.strictObject({ proof: b64(32) });
// POST /api/invites/:id/redeem — joins, with the newcomer's own key envelope for the epoch it opened.
export const RedeemInviteRequest = z.strictObject({ proof: b64(32), keyEnvelope: b64(1, MAX_KEY_ENVELOPE_BYTES) });

export const InviteOpened = z.strictObject({ communityId: DocId, epoch: z.number().int(), sealedKey: b64(SEALED_INVITE_KEY_BYTES) });
export type InviteOpened = z.infer<typeof InviteOpened>;

/**
 * Whether a link lets someone in now, by the server's clock, checked in this order: revoked, expired, used up,
 * stale (made for an epoch key that has since been replaced, so it opens nothing current).
 */
export const InviteStatus = z.enum(['active', 'revoked', 'expired', 'used_up', 'stale']);
export type InviteStatus = z.infer<typeof InviteStatus>;

/** What owners and moderators see of a link: never its proof hash or sealed key, which the secret alone opens. */
export const InviteView = z.strictObject({
  id: DocId,
  /** Null once the account that made it is deleted. */
  createdBy: Id.nullable(),
  createdAt: z.number().int(),
  epoch: z.number().int(),
  expiresAt: z.number().int(),
  maxUses: z.number().int(),
  uses: z.number().int(),
  revoked: z.boolean(),
  status: InviteStatus,
});
export type InviteView = z.infer<typeof InviteView>;
// GET /api/communities/:id/invites — owner or moderator: the newest MAX_LISTED_INVITES links, newest first.
export const InviteList = z.strictObject({ invites: z.array(InviteView).max(MAX_LISTED_INVITES) });
export type InviteList = z.infer<typeof InviteList>;

// PUT /api/communities/:id/directory (owner) publishes exactly this; DELETE unpublishes.
export const DirectoryEntryInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(500),
});
// POST /api/directory/search
export const DirectorySearchRequest = z.strictObject({ query: z.string().trim().max(100) });
export const DirectoryEntry = z.strictObject({ communityId: DocId, name: z.string(), description: z.string(), memberCount: z.number().int() });
export type DirectoryEntry = z.infer<typeof DirectoryEntry>;
export const DirectoryResults = z.strictObject({ communities: z.array(DirectoryEntry) });

export const CommunityMemberView = z.strictObject({
  ...MemberView.shape,
  role: CommunityRole,
  /** Invited directly and not answered yet: holds the key, has not joined. */
  invited: z.literal(true).optional(),
});
export type CommunityMemberView = z.infer<typeof CommunityMemberView>;

export const ThreadDocView = z.strictObject({ id: DocId, createdBy: Id.nullable(), createdAt: z.number().int(), seq: z.number().int() });

export const CommunityView = z.strictObject({
  id: DocId,
  createdBy: Id.nullable(),
  createdAt: z.number().int(),
  epoch: z.number().int(),
  rotationNeeded: z.boolean(),
  seq: z.number().int(),
  updatedAt: z.number().int(),
  myRole: CommunityRole,
  members: z.array(CommunityMemberView),
  /** Only the envelopes addressed to the caller. */
  keyEnvelopes: z.array(KeyEnvelopeView),
  /** Thread documents: read and written with this community's epoch keys. */
  threads: z.array(ThreadDocView),
  /** What the owner published in the directory, or null when the community is private. */
  listing: z.strictObject({ name: z.string(), description: z.string() }).nullable(),
  /** Present while the caller was invited directly and has not accepted: accept or decline it. */
  invited: z.literal(true).optional(),
});
export type CommunityView = z.infer<typeof CommunityView>;

export const CommunityList = z.strictObject({ communities: z.array(CommunityView) });
