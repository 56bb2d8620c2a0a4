// API shapes for documents: conversations now, the same membership and key machinery for communities later.
import { z } from 'zod';
import { b64, DisplayName, Handle, Id } from './api';

/** A document id: 16 random bytes, base64url (22 characters). */
export const DocId = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'must be 16 bytes of base64url');
export type DocId = z.infer<typeof DocId>;

export const MAX_GROUP_MEMBERS = 50;
export const MAX_KEY_ENVELOPE_BYTES = 512;

export const KeyEnvelopeUpload = z.strictObject({ recipientId: Id, envelope: b64(1, MAX_KEY_ENVELOPE_BYTES) });
export type KeyEnvelopeUpload = z.infer<typeof KeyEnvelopeUpload>;

// POST /api/conversations
export const CreateConversationRequest = z.strictObject({
  id: DocId,
  kind: z.enum(['direct', 'group']),
  /** The other members (the creator is added by the server from the session). */
  memberIds: z.array(Id).min(1).max(MAX_GROUP_MEMBERS - 1),
  /** Epoch 0 key for every member, the creator included. */
  keyEnvelopes: z.array(KeyEnvelopeUpload).min(2).max(MAX_GROUP_MEMBERS),
});
export type CreateConversationRequest = z.infer<typeof CreateConversationRequest>;

// POST /api/conversations/:id/members
export const AddMembersRequest = z.strictObject({
  memberIds: z.array(Id).min(1).max(MAX_GROUP_MEMBERS - 1),
  /** The current epoch's key for each new member. */
  keyEnvelopes: z.array(KeyEnvelopeUpload).min(1).max(MAX_GROUP_MEMBERS),
});

/** A new epoch's key for every remaining member. */
export const Rotation = z.strictObject({
  epoch: z.number().int().min(1),
  keyEnvelopes: z.array(KeyEnvelopeUpload).min(1).max(MAX_GROUP_MEMBERS),
});
export type Rotation = z.infer<typeof Rotation>;

// POST /api/conversations/:id/remove — removing someone rotates in the same step.
// The signed membership records themselves live in the encrypted inner document (lib/docs).
export const RemoveMemberRequest = z.strictObject({ accountId: Id, rotation: Rotation });
// POST /api/conversations/:id/leave (no body) — the next writer rotates.
// POST /api/conversations/:id/epochs
export const RotateRequest = Rotation;

export const MemberView = z.strictObject({
  accountId: Id,
  handle: Handle.nullable(),
  displayName: DisplayName.nullable(),
  signingPublicKey: b64(32).nullable(),
  boxPublicKey: b64(32).nullable(),
  joinedEpoch: z.number().int(),
});
export type MemberView = z.infer<typeof MemberView>;

export const KeyEnvelopeView = z.strictObject({ epoch: z.number().int(), senderId: Id, envelope: b64(1, MAX_KEY_ENVELOPE_BYTES) });
export type KeyEnvelopeView = z.infer<typeof KeyEnvelopeView>;

export const ConversationView = z.strictObject({
  id: DocId,
  kind: z.enum(['direct', 'group']),
  createdBy: Id.nullable(),
  createdAt: z.number().int(),
  epoch: z.number().int(),
  rotationNeeded: z.boolean(),
  seq: z.number().int(),
  updatedAt: z.number().int(),
  members: z.array(MemberView),
  /** Only the envelopes addressed to the caller. */
  keyEnvelopes: z.array(KeyEnvelopeView),
  /** Present when this is a message request for the caller: accept, decline or block it (api-privacy). */
  request: z.literal(true).optional(),
  /**
   * Present when the caller is waiting for the others to accept (a request the caller sent, unanswered or
   * declined — the two look the same): the caller may add only REQUEST_ENTRY_CAP entries until someone accepts.
   */
  awaiting: z.literal(true).optional(),
});
export type ConversationView = z.infer<typeof ConversationView>;

export const ConversationList = z.strictObject({ conversations: z.array(ConversationView) });

/** The per-device event stream (`/sync/~events`): ids and sequence numbers, never content. */
export const StreamEvent = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hello'), docs: z.array(z.strictObject({ id: DocId, seq: z.number().int() })) }),
  z.strictObject({ type: z.literal('changed'), id: DocId, seq: z.number().int() }),
  /** Membership or keys of a document changed for this account: refresh it through the API. */
  z.strictObject({ type: z.literal('membership'), id: DocId }),
]);
export type StreamEvent = z.infer<typeof StreamEvent>;

export const EVENTS_ROOM = '~events';

/**
 * `?stream=` on `/sync/~events` and on the same engine's document sockets: a random name per engine. A commit in a
 * document that engine has open on a socket is not announced on its stream (the socket carried the update); when
 * that socket closes, the stream hears the latest seq it skipped.
 */
export const StreamName = z.string().regex(/^[A-Za-z0-9_-]{16}$/, 'must be 12 bytes of base64url');
export type StreamName = z.infer<typeof StreamName>;
export const STREAM_PARAM = 'stream';
