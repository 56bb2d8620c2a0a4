// The inner document of a conversation: a plain Y.Doc the engine encrypts. This file fixes its layout.
//
//   meta        Y.Map   format (number), kind ('direct' | 'group'), title (groups)
//   messages    Y.Map   MessageId -> MessageRecord | Tombstone
//   edits       Y.Map   `${messageId}:${signature prefix}` -> EditRecord      (several may coexist; latest wins)
//   reactions   Y.Map   `${messageId}:${member}:${emoji}` -> ReactionRecord
//   reads       Y.Map   `${member}:${messageId}` -> ReadRecord               (several may coexist; greatest wins)
//   membership  Y.Array MembershipRecord                                     (append-only; the fold orders it)
//
// Flat maps with composite keys rather than nested Y types: two members creating the same nested map
// concurrently would make one of them lose its content. Keys that one member's several devices can write
// concurrently are unique per record, and readers pick the winner by value rather than by Yjs' arbitrary
// choice: that is what keeps edits last-writer-wins and read positions monotonic under any merge order.
// New kinds of record get new root names; readers ignore what they do not know, so older clients keep working.
import type * as Y from 'yjs';

export const FORMAT_VERSION = 1;

export interface ConversationParts {
  meta: Y.Map<unknown>;
  messages: Y.Map<unknown>;
  edits: Y.Map<unknown>;
  reactions: Y.Map<unknown>;
  reads: Y.Map<unknown>;
  membership: Y.Array<unknown>;
}

export function conversationParts(doc: Y.Doc): ConversationParts {
  return {
    meta: doc.getMap('meta'),
    messages: doc.getMap('messages'),
    edits: doc.getMap('edits'),
    reactions: doc.getMap('reactions'),
    reads: doc.getMap('reads'),
    membership: doc.getArray('membership'),
  };
}

export const editKey = (messageId: string, signatureKey: string): string => `${messageId}:${signatureKey.slice(0, 16)}`;
export const editKeyPrefix = (messageId: string): string => `${messageId}:`;
export const reactionKey = (messageId: string, member: string, emoji: string): string => `${messageId}:${member}:${emoji}`;
export const readKey = (member: string, messageId: string): string => `${member}:${messageId}`;
