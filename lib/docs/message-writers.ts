// Local actions on a conversation. Each runs exactly one Yjs transaction, so the engine, listening to
// doc.on('update'), turns one action into exactly one inner update (one envelope).
import type * as Y from 'yjs';
import type { Identity, RandomBytes } from '../crypto/index';
import { assert, fail, ok, type Result } from '../protocol/errors';
import type { DocsErrorCode } from './docs-errors';
import { isWellFormedText, MessageId, memberKeyOf, newMessageId, type MemberKey } from './ids';
import { conversationParts, editKey, editKeyPrefix, reactionKey, readKey, type ConversationParts } from './layout';
import {
  compareEdits,
  comparePositions,
  compareSignatures,
  EditRecord,
  Emoji,
  MAX_BODY_LENGTH,
  MessageEntry,
  ReactionRecord,
  ReadRecord,
  type MessageRecord,
  type Position,
  type Tombstone,
} from './records';
import { signEdit, signMessage, signReaction, signRead, signTombstone } from './signatures';
import { signatureKey } from './verification-cache';

/**
 * How far ahead of our clock an earlier record's timestamp may be and still be stepped over. Our own devices'
 * clocks disagree a little; a record claiming to be from next week is someone else's forgery (the reader
 * ignores it anyway) and must not drag our timestamps along.
 */
const MAX_CLOCK_SKEW_MS = 24 * 3600 * 1000;

interface Actor {
  identity: Identity;
  docId: string;
  now: number;
  origin?: unknown;
}

function checkNow(now: number): void {
  assert(Number.isSafeInteger(now) && now >= 0, 'now must be a non-negative integer of milliseconds');
}

/** Later than `now` only to stay after `previous`, a record of ours that a slightly fast clock wrote. */
function after(now: number, previous: number | undefined): number {
  if (previous === undefined || previous < now || previous - now > MAX_CLOCK_SKEW_MS) return now;
  return previous + 1;
}

function checkBody(body: string): DocsErrorCode | null {
  if (body.length === 0) return 'message.empty';
  if (body.length > MAX_BODY_LENGTH) return 'message.too_long';
  if (!isWellFormedText(body)) return 'message.invalid_text';
  return null;
}

function entryOf(parts: ConversationParts, id: string): MessageEntry | null {
  const parsed = MessageEntry.safeParse(parts.messages.get(id));
  return parsed.success && parsed.data.id === id ? parsed.data : null;
}

/** The message the actor may change: theirs, present and not deleted. */
function ownMessage(parts: ConversationParts, id: string, me: MemberKey): Result<MessageRecord, DocsErrorCode> {
  const entry = entryOf(parts, id);
  if (!entry) return fail('message.not_found');
  if (entry.type === 'tombstone') return fail('message.deleted');
  if (entry.author !== me) return fail('message.not_author');
  return ok(entry);
}

export interface AppendMessageOptions extends Actor {
  body: string;
  replyTo?: string;
  random: RandomBytes;
}

export function appendMessage(doc: Y.Doc, o: AppendMessageOptions): Result<MessageId, DocsErrorCode> {
  checkNow(o.now);
  const parts = conversationParts(doc);
  const bad = checkBody(o.body);
  if (bad) return fail(bad);
  let replyTo: MessageId | undefined;
  if (o.replyTo !== undefined) {
    const target = entryOf(parts, o.replyTo);
    if (!target) return fail('message.not_found');
    if (target.type === 'tombstone') return fail('message.deleted');
    replyTo = target.id;
  }
  const id = newMessageId(o.random);
  assert(!parts.messages.has(id), 'message id collision: the random source repeats');
  const record = signMessage(
    o.docId,
    { id, author: memberKeyOf(o.identity.signing.publicKey), body: o.body, sentAt: o.now, replyTo },
    o.identity.signing.secretKey,
  );
  doc.transact(() => parts.messages.set(id, record), o.origin);
  return ok(id);
}

export interface EditMessageOptions extends Actor {
  messageId: string;
  body: string;
}

export function editMessage(doc: Y.Doc, o: EditMessageOptions): Result<EditRecord, DocsErrorCode> {
  checkNow(o.now);
  const parts = conversationParts(doc);
  const me = memberKeyOf(o.identity.signing.publicKey);
  const message = ownMessage(parts, o.messageId, me);
  if (!message.ok) return message;
  const bad = checkBody(o.body);
  if (bad) return fail(bad);
  const existing = editsOf(parts, message.value.id);
  const latestOwn = existing.reduce<number | undefined>(
    (max, e) => (e.record && e.record.author === me && (max === undefined || e.record.editedAt > max) ? e.record.editedAt : max),
    undefined,
  );
  const record = signEdit(
    o.docId,
    { messageId: message.value.id, author: me, body: o.body, editedAt: after(o.now, latestOwn) },
    o.identity.signing.secretKey,
  );
  doc.transact(() => {
    parts.edits.set(editKey(record.messageId, signatureKey(record.signature)), record);
    // Edits this one supersedes are deleted, so their text leaves the document; a concurrent later edit from
    // another device is not ours to judge yet and stays for the reader's last-writer-wins.
    for (const e of existing) {
      if (!e.record || compareEdits(e.record, record) < 0) parts.edits.delete(e.key);
    }
  }, o.origin);
  return ok(record);
}

function editsOf(parts: ConversationParts, messageId: string): Array<{ key: string; record: EditRecord | null }> {
  const prefix = editKeyPrefix(messageId);
  const out: Array<{ key: string; record: EditRecord | null }> = [];
  for (const [key, raw] of parts.edits) {
    if (!key.startsWith(prefix)) continue;
    const parsed = EditRecord.safeParse(raw);
    out.push({ key, record: parsed.success && parsed.data.messageId === messageId ? parsed.data : null });
  }
  return out;
}

export interface DeleteMessageOptions extends Actor {
  messageId: string;
}

/** Replaces the record by a signed tombstone and drops its edits: with Yjs gc on, the text leaves the state. */
export function deleteMessage(doc: Y.Doc, o: DeleteMessageOptions): Result<Tombstone, DocsErrorCode> {
  checkNow(o.now);
  const parts = conversationParts(doc);
  const me = memberKeyOf(o.identity.signing.publicKey);
  const message = ownMessage(parts, o.messageId, me);
  if (!message.ok) return message;
  const tombstone = signTombstone(
    o.docId,
    { id: message.value.id, author: me, sentAt: message.value.sentAt, deletedAt: o.now },
    o.identity.signing.secretKey,
  );
  doc.transact(() => {
    parts.messages.set(tombstone.id, tombstone);
    for (const e of editsOf(parts, tombstone.id)) parts.edits.delete(e.key);
  }, o.origin);
  return ok(tombstone);
}

export interface ReactOptions extends Actor {
  messageId: string;
  emoji: string;
  /** false withdraws the reaction. */
  on: boolean;
}

export function react(doc: Y.Doc, o: ReactOptions): Result<ReactionRecord, DocsErrorCode> {
  checkNow(o.now);
  const parts = conversationParts(doc);
  const entry = entryOf(parts, o.messageId);
  if (!entry) return fail('message.not_found');
  if (entry.type === 'tombstone') return fail('message.deleted');
  const emoji = Emoji.safeParse(o.emoji);
  if (!emoji.success) return fail('reaction.invalid_emoji');
  const me = memberKeyOf(o.identity.signing.publicKey);
  const key = reactionKey(entry.id, me, emoji.data);
  const previous = ReactionRecord.safeParse(parts.reactions.get(key));
  const record = signReaction(
    o.docId,
    { messageId: entry.id, member: me, emoji: emoji.data, on: o.on, at: after(o.now, previous.success ? previous.data.at : undefined) },
    o.identity.signing.secretKey,
  );
  doc.transact(() => parts.reactions.set(key, record), o.origin);
  return ok(record);
}

export interface MarkReadOptions {
  identity: Identity;
  docId: string;
  /** The newest message read, inclusive. */
  position: Position;
  origin?: unknown;
}

/**
 * Records a read position. Positions are never overwritten, only added: the reader takes the greatest
 * verified one, so the register never moves backwards whatever order devices' updates merge in. Entries
 * below the new one are deleted (they can no longer matter), which keeps a few entries per member.
 * Returns false when exactly this position was already recorded. A lower position than one already there is
 * still written (it cannot lower the marker, and a forged higher entry must not silence real progress); call
 * it when readPositions() says the member's verified marker is behind.
 */
export function markRead(doc: Y.Doc, o: MarkReadOptions): boolean {
  assert(MessageId.safeParse(o.position.messageId).success, 'markRead: position.messageId is not a message id');
  assert(Number.isSafeInteger(o.position.sentAt) && o.position.sentAt >= 0, 'markRead: position.sentAt is not a time');
  const parts = conversationParts(doc);
  const me = memberKeyOf(o.identity.signing.publicKey);
  const record = signRead(
    o.docId,
    { member: me, sentAt: o.position.sentAt, messageId: o.position.messageId },
    o.identity.signing.secretKey,
  );
  const key = readKey(me, record.messageId);
  const same = ReadRecord.safeParse(parts.reads.get(key));
  if (same.success && compareSignatures(same.data.signature, record.signature) === 0) return false;
  const prefix = `${me}:`;
  doc.transact(() => {
    parts.reads.set(key, record);
    for (const [k, raw] of parts.reads) {
      if (k === key || !k.startsWith(prefix)) continue;
      const parsed = ReadRecord.safeParse(raw);
      if (!parsed.success || comparePositions(parsed.data, o.position) < 0) parts.reads.delete(k);
    }
  }, o.origin);
  return true;
}

/**
 * Removes edits of messages that are now tombstones. An edit made concurrently with the deletion (another
 * device, offline) arrives after it and would keep the text in the document; whoever sees it removes it.
 * One transaction, and none at all when there is nothing to remove. Returns how many were removed.
 */
export function collectGarbage(doc: Y.Doc, o: { origin?: unknown } = {}): number {
  const parts = conversationParts(doc);
  const doomed: string[] = [];
  for (const key of parts.edits.keys()) {
    // The key names the message (layout.ts), whatever the value claims.
    const owner = entryOf(parts, key.slice(0, key.indexOf(':')));
    if (owner?.type === 'tombstone') doomed.push(key);
  }
  if (doomed.length > 0) doc.transact(() => doomed.forEach((k) => parts.edits.delete(k)), o.origin);
  return doomed.length;
}
