// A thread's status and the community's history setting, as records signed by whoever set them. The server never
// sees the community document, so only the readers can decide whose setting counts: each device takes the newest
// record that verifies and whose signer is allowed when it reads (community.ts), and otherwise the safe default.
import { z } from 'zod';
import { sign, type Identity, type SignatureContext } from '../crypto/index';
import { CanonicalWriter } from './canonical';
import { MemberKey, memberKeyBytes, memberKeyOf } from './ids';
import { compareSignatures, Millis, Signature } from './records';
import { checkSignature, type VerifyOptions } from './signatures';
import { signatureKey } from './verification-cache';

export const THREAD_STATUS_CONTEXT = 'hasneeds/thread-status/v1' satisfies SignatureContext;
export const COMMUNITY_HISTORY_CONTEXT = 'hasneeds/community-history/v1' satisfies SignatureContext;

/**
 * Whether people who join later see what was posted before. 'all': they get the current epoch's key, so they
 * read everything since the last rotation. 'joined': a direct invitation first rotates to a new epoch, so the
 * newcomer holds no key to anything written earlier (an invite link carries the key of the epoch it was made in).
 */
export const HistoryVisibility = z.enum(['all', 'joined']);
export type HistoryVisibility = z.infer<typeof HistoryVisibility>;
/** What a community reads without a setting it can believe: the stricter of the two. */
export const DEFAULT_HISTORY: HistoryVisibility = 'joined';

export const ThreadStatus = z.enum(['open', 'resolved']);
export type ThreadStatus = z.infer<typeof ThreadStatus>;

export const ThreadId = z.string().regex(/^[A-Za-z0-9_-]{22}$/);

export const ThreadStatusRecord = z.object({
  type: z.literal('thread-status'),
  thread: ThreadId,
  status: ThreadStatus,
  by: MemberKey,
  at: Millis,
  signature: Signature,
});
export type ThreadStatusRecord = z.infer<typeof ThreadStatusRecord>;

export const HistoryRecord = z.object({
  type: z.literal('history'),
  value: HistoryVisibility,
  by: MemberKey,
  at: Millis,
  signature: Signature,
});
export type HistoryRecord = z.infer<typeof HistoryRecord>;

function keyBytes(key: MemberKey): Uint8Array {
  const bytes = memberKeyBytes(key);
  if (!bytes) throw new Error('a MemberKey that did not come through its schema');
  return bytes;
}

/** (docId, threadId, status, setter, time). */
export function threadStatusPayload(docId: string, r: Omit<ThreadStatusRecord, 'type' | 'signature'>): Uint8Array {
  return new CanonicalWriter('thread-status').string(docId).string(r.thread).string(r.status).bytes(keyBytes(r.by)).uint(r.at).finish();
}

/** (docId, 'history', value, setter, time). */
export function historyPayload(docId: string, r: Omit<HistoryRecord, 'type' | 'signature'>): Uint8Array {
  return new CanonicalWriter('community-history').string(docId).string('history').string(r.value).bytes(keyBytes(r.by)).uint(r.at).finish();
}

export function signThreadStatus(docId: string, r: { thread: string; status: ThreadStatus; at: number }, identity: Identity): ThreadStatusRecord {
  const fields = { thread: r.thread, status: r.status, by: memberKeyOf(identity.signing.publicKey), at: r.at };
  return { type: 'thread-status', ...fields, signature: sign(THREAD_STATUS_CONTEXT, threadStatusPayload(docId, fields), identity.signing.secretKey) };
}

export function signHistory(docId: string, r: { value: HistoryVisibility; at: number }, identity: Identity): HistoryRecord {
  const fields = { value: r.value, by: memberKeyOf(identity.signing.publicKey), at: r.at };
  return { type: 'history', ...fields, signature: sign(COMMUNITY_HISTORY_CONTEXT, historyPayload(docId, fields), identity.signing.secretKey) };
}

// Records passed in here have been through their schema; the verdict says whether the named setter signed them.
export function verifyThreadStatus(docId: string, r: ThreadStatusRecord, opts: VerifyOptions): Promise<boolean> {
  const check = () => checkSignature(opts, 'community', THREAD_STATUS_CONTEXT, threadStatusPayload(docId, r), r.signature, r.by);
  return opts.cache ? opts.cache.verifyRecord(r, docId, check) : check();
}
export function verifyHistory(docId: string, r: HistoryRecord, opts: VerifyOptions): Promise<boolean> {
  const check = () => checkSignature(opts, 'community', COMMUNITY_HISTORY_CONTEXT, historyPayload(docId, r), r.signature, r.by);
  return opts.cache ? opts.cache.verifyRecord(r, docId, check) : check();
}

/**
 * Where a record lives in its map: unique per record (like edits, layout.ts), so neither a forged record nor a
 * setter's other device writing at the same moment can push a valid record out of its slot.
 */
export const settingKey = (subject: string, signature: Uint8Array): string => `${subject}:${signatureKey(signature).slice(0, 16)}`;

/** Newest first; equal times by signature, so every device picks the same record from the same set. */
const newestFirst = (a: { at: number; signature: Uint8Array }, b: { at: number; signature: Uint8Array }): number =>
  b.at - a.at || compareSignatures(a.signature, b.signature);

/** The newest record that verifies, or null; records from setters who are not allowed are left out beforehand. */
export async function newestValid<T extends { at: number; signature: Uint8Array }>(records: readonly T[], verify: (r: T) => Promise<boolean>): Promise<T | null> {
  for (const r of [...records].sort(newestFirst)) {
    if (await verify(r)) return r;
  }
  return null;
}
