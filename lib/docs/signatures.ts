// What each record's signature covers, and signing/verifying it. Message-level records (messages, edits,
// deletions, reactions, read positions) are signed under 'hasneeds/message/v1' with a per-kind tag first in the
// payload; membership records under 'hasneeds/membership/v1'. The docId is in every payload, so a record
// copied into another conversation does not verify there.
import { sign, type SignatureContext, type Verifier } from '../crypto/index';
import { CanonicalWriter } from './canonical';
import { memberKeyBytes, type MemberKey } from './ids';
import type { EditRecord, MembershipRecord, MessageRecord, ReactionRecord, ReadRecord, Tombstone } from './records';
import type { CacheScope, VerificationCache } from './verification-cache';

export const MESSAGE_CONTEXT = 'hasneeds/message/v1' satisfies SignatureContext;
export const MEMBERSHIP_CONTEXT = 'hasneeds/membership/v1' satisfies SignatureContext;

type Unsigned<T> = Omit<T, 'signature' | 'type'>;
export type UnsignedMessage = Unsigned<MessageRecord>;
export type UnsignedTombstone = Unsigned<Tombstone>;
export type UnsignedEdit = Unsigned<EditRecord>;
export type UnsignedReaction = Unsigned<ReactionRecord>;
export type UnsignedRead = Unsigned<ReadRecord>;
export type UnsignedMembership = Unsigned<MembershipRecord>;

function keyBytes(key: MemberKey): Uint8Array {
  const bytes = memberKeyBytes(key);
  if (!bytes) throw new Error('a MemberKey that did not come through its schema');
  return bytes;
}

/** design.md section 4: (docId, messageId, author, body, sentAt), plus the optional replyTo. */
export function messagePayload(docId: string, m: UnsignedMessage): Uint8Array {
  return new CanonicalWriter('message').string(docId).string(m.id).bytes(keyBytes(m.author)).string(m.body).uint(m.sentAt).option(m.replyTo).finish();
}

export function tombstonePayload(docId: string, t: UnsignedTombstone): Uint8Array {
  return new CanonicalWriter('delete').string(docId).string(t.id).bytes(keyBytes(t.author)).uint(t.sentAt).uint(t.deletedAt).finish();
}

export function editPayload(docId: string, e: UnsignedEdit): Uint8Array {
  return new CanonicalWriter('edit').string(docId).string(e.messageId).bytes(keyBytes(e.author)).string(e.body).uint(e.editedAt).finish();
}

export function reactionPayload(docId: string, r: UnsignedReaction): Uint8Array {
  return new CanonicalWriter('reaction').string(docId).string(r.messageId).bytes(keyBytes(r.member)).string(r.emoji).bool(r.on).uint(r.at).finish();
}

export function readPayload(docId: string, r: UnsignedRead): Uint8Array {
  return new CanonicalWriter('read').string(docId).bytes(keyBytes(r.member)).uint(r.sentAt).string(r.messageId).finish();
}

/** The record carries its own docId; verifiers compare it with the document they expect. */
export function membershipPayload(m: UnsignedMembership): Uint8Array {
  const w = new CanonicalWriter('membership').string(m.docId).uint(m.seq).uint(m.epoch).string(m.action).count(m.subjects.length);
  for (const s of m.subjects) w.string(s.user).bytes(keyBytes(s.key));
  return w.bytes(keyBytes(m.actor)).uint(m.at).finish();
}

/** Signing as someone else is a bug in the caller, not an expected failure. */
function signAs(context: SignatureContext, payload: Uint8Array, signer: MemberKey, secretKey: Uint8Array): Uint8Array {
  const publicHalf = secretKey.subarray(32);
  const expected = keyBytes(signer);
  if (secretKey.length !== 64 || publicHalf.some((b, i) => b !== expected[i])) {
    throw new Error('signing key does not belong to the named author');
  }
  return sign(context, payload, secretKey);
}

// Records are built field by field: nothing the caller happened to put on the input object is stored unsigned.
export function signMessage(docId: string, m: UnsignedMessage, secretKey: Uint8Array): MessageRecord {
  const fields: UnsignedMessage = { id: m.id, author: m.author, body: m.body, sentAt: m.sentAt };
  // An absent replyTo is left out rather than stored as undefined.
  if (m.replyTo !== undefined) fields.replyTo = m.replyTo;
  return { type: 'message', ...fields, signature: signAs(MESSAGE_CONTEXT, messagePayload(docId, fields), m.author, secretKey) };
}
export function signTombstone(docId: string, t: UnsignedTombstone, secretKey: Uint8Array): Tombstone {
  const fields: UnsignedTombstone = { id: t.id, author: t.author, sentAt: t.sentAt, deletedAt: t.deletedAt };
  return { type: 'tombstone', ...fields, signature: signAs(MESSAGE_CONTEXT, tombstonePayload(docId, fields), t.author, secretKey) };
}
export function signEdit(docId: string, e: UnsignedEdit, secretKey: Uint8Array): EditRecord {
  const fields: UnsignedEdit = { messageId: e.messageId, author: e.author, body: e.body, editedAt: e.editedAt };
  return { type: 'edit', ...fields, signature: signAs(MESSAGE_CONTEXT, editPayload(docId, fields), e.author, secretKey) };
}
export function signReaction(docId: string, r: UnsignedReaction, secretKey: Uint8Array): ReactionRecord {
  const fields: UnsignedReaction = { messageId: r.messageId, member: r.member, emoji: r.emoji, on: r.on, at: r.at };
  return { type: 'reaction', ...fields, signature: signAs(MESSAGE_CONTEXT, reactionPayload(docId, fields), r.member, secretKey) };
}
export function signRead(docId: string, r: UnsignedRead, secretKey: Uint8Array): ReadRecord {
  const fields: UnsignedRead = { member: r.member, sentAt: r.sentAt, messageId: r.messageId };
  return { type: 'read', ...fields, signature: signAs(MESSAGE_CONTEXT, readPayload(docId, fields), r.member, secretKey) };
}
export function signMembership(m: UnsignedMembership, secretKey: Uint8Array): MembershipRecord {
  const fields: UnsignedMembership = {
    docId: m.docId,
    seq: m.seq,
    epoch: m.epoch,
    action: m.action,
    subjects: m.subjects.map((s) => ({ user: s.user, key: s.key })),
    actor: m.actor,
    at: m.at,
  };
  return { type: 'membership', ...fields, signature: signAs(MEMBERSHIP_CONTEXT, membershipPayload(fields), m.actor, secretKey) };
}

/** Optional memo of earlier answers; without one every call verifies. */
export interface VerifyOptions {
  verifier: Verifier;
  cache?: VerificationCache;
}

/** Verifies one signature by `signer`, through the cache when there is one. */
export function checkSignature(
  opts: VerifyOptions,
  scope: CacheScope,
  context: SignatureContext,
  payload: Uint8Array,
  signature: Uint8Array,
  signer: MemberKey,
): Promise<boolean> {
  const key = memberKeyBytes(signer);
  if (!key) return Promise.resolve(false);
  return opts.cache
    ? opts.cache.verify(opts.verifier, scope, context, payload, signature, key)
    : opts.verifier.verify(context, payload, signature, key);
}

// Records passed in here have been through their schema; the verdict says whether the named author signed them.
export function verifyMessage(docId: string, m: MessageRecord, opts: VerifyOptions): Promise<boolean> {
  return checkSignature(opts, 'messages', MESSAGE_CONTEXT, messagePayload(docId, m), m.signature, m.author);
}
export function verifyTombstone(docId: string, t: Tombstone, opts: VerifyOptions): Promise<boolean> {
  return checkSignature(opts, 'messages', MESSAGE_CONTEXT, tombstonePayload(docId, t), t.signature, t.author);
}
export function verifyEdit(docId: string, e: EditRecord, opts: VerifyOptions): Promise<boolean> {
  return checkSignature(opts, 'messages', MESSAGE_CONTEXT, editPayload(docId, e), e.signature, e.author);
}
export function verifyReaction(docId: string, r: ReactionRecord, opts: VerifyOptions): Promise<boolean> {
  return checkSignature(opts, 'messages', MESSAGE_CONTEXT, reactionPayload(docId, r), r.signature, r.member);
}
export function verifyRead(docId: string, r: ReadRecord, opts: VerifyOptions): Promise<boolean> {
  return checkSignature(opts, 'reads', MESSAGE_CONTEXT, readPayload(docId, r), r.signature, r.member);
}
/** Checks the signature only; whether the record names the expected document is the fold's job. */
export function verifyMembership(m: MembershipRecord, opts: VerifyOptions): Promise<boolean> {
  return checkSignature(opts, 'membership', MEMBERSHIP_CONTEXT, membershipPayload(m), m.signature, m.actor);
}
