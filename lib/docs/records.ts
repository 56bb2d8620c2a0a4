// The records stored in a conversation document. Everything read back from the document is untrusted (any
// member can write any bytes into it), so each record is parsed with these schemas before use.
import { z } from 'zod';
import { Id } from '../protocol/api';
import { MemberKey, MessageId, isWellFormedText } from './ids';

export const MAX_BODY_LENGTH = 4000;
export const MAX_EMOJI_LENGTH = 32;
export const MAX_GROUP_MEMBERS = 50;
export const MAX_TITLE_LENGTH = 100;

export const ConversationKind = z.enum(['direct', 'group']);
export type ConversationKind = z.infer<typeof ConversationKind>;

export const DocId = Id;
export type DocId = z.infer<typeof DocId>;

/** Milliseconds since the epoch (or any non-negative safe integer: sequence numbers, epochs). */
export const Millis = z.int().min(0);
export const Signature = z.custom<Uint8Array>((v) => v instanceof Uint8Array && v.length === 64, { message: 'must be 64 bytes' });
export const Body = z.string().min(1).max(MAX_BODY_LENGTH).refine(isWellFormedText, { message: 'must be well-formed text' });
export type Body = z.infer<typeof Body>;
export const Emoji = z.string().min(1).max(MAX_EMOJI_LENGTH).refine(isWellFormedText, { message: 'must be well-formed text' });
export const Title = z.string().trim().min(1).max(MAX_TITLE_LENGTH).refine(isWellFormedText, { message: 'must be well-formed text' });

/** A message as its author wrote it. Immutable: edits live beside it, a deletion replaces it with a Tombstone. */
export const MessageRecord = z.object({
  type: z.literal('message'),
  id: MessageId,
  author: MemberKey,
  body: Body,
  sentAt: Millis,
  replyTo: MessageId.optional(),
  signature: Signature,
});
export type MessageRecord = z.infer<typeof MessageRecord>;

/** What is left of a deleted message: enough to keep its place in the list, none of its text. */
export const Tombstone = z.object({
  type: z.literal('tombstone'),
  id: MessageId,
  author: MemberKey,
  sentAt: Millis,
  deletedAt: Millis,
  signature: Signature,
});
export type Tombstone = z.infer<typeof Tombstone>;

export const MessageEntry = z.discriminatedUnion('type', [MessageRecord, Tombstone]);
export type MessageEntry = z.infer<typeof MessageEntry>;

/** A new text for a message, by its author. The latest by (editedAt, signature) wins. */
export const EditRecord = z.object({
  type: z.literal('edit'),
  messageId: MessageId,
  author: MemberKey,
  body: Body,
  editedAt: Millis,
  signature: Signature,
});
export type EditRecord = z.infer<typeof EditRecord>;

/** One member's one emoji on one message; `on: false` is a signed withdrawal, so removal is authored too. */
export const ReactionRecord = z.object({
  type: z.literal('reaction'),
  messageId: MessageId,
  member: MemberKey,
  emoji: Emoji,
  on: z.boolean(),
  at: Millis,
  signature: Signature,
});
export type ReactionRecord = z.infer<typeof ReactionRecord>;

/** "member has read up to and including this message". Many may exist per member; the greatest counts. */
export const ReadRecord = z.object({
  type: z.literal('read'),
  member: MemberKey,
  sentAt: Millis,
  messageId: MessageId,
  signature: Signature,
});
export type ReadRecord = z.infer<typeof ReadRecord>;

/** A conversation member: the account (what the server knows) and the signing key (what signatures name). */
export const Member = z.object({ user: Id, key: MemberKey });
export type Member = z.infer<typeof Member>;

export const MembershipAction = z.enum(['create', 'add', 'remove', 'leave']);
export type MembershipAction = z.infer<typeof MembershipAction>;

export const MembershipRecord = z.object({
  type: z.literal('membership'),
  docId: DocId,
  /** Position in the membership history: 0 for create, then one past the greatest the writer had seen. */
  seq: Millis,
  /** The document key epoch the actor wrote under; lets the engine tie key rotation to the change. */
  epoch: Millis,
  action: MembershipAction,
  subjects: z.array(Member).min(1).max(MAX_GROUP_MEMBERS),
  actor: MemberKey,
  at: Millis,
  signature: Signature,
});
export type MembershipRecord = z.infer<typeof MembershipRecord>;

/** (sentAt, id): the order of the message list and of read positions. */
export interface Position {
  sentAt: number;
  messageId: MessageId;
}

export function comparePositions(a: Position, b: Position): number {
  if (a.sentAt !== b.sentAt) return a.sentAt < b.sentAt ? -1 : 1;
  return a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0;
}

/** Byte-wise order of signatures: the last tie-break wherever two records claim the same time. */
export function compareSignatures(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length;
}

/** Last-writer-wins order of edits: (editedAt, signature). */
export function compareEdits(a: EditRecord, b: EditRecord): number {
  if (a.editedAt !== b.editedAt) return a.editedAt - b.editedAt;
  return compareSignatures(a.signature, b.signature);
}
