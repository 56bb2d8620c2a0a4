// The inner document of a community: what its members see and the server never does. Thread documents need
// no model of their own: a thread is a conversation-layout document (lib/docs/layout), written and read with
// the same signed messages, edits, deletions, replies and reactions (appendMessage, listMessages...).
//
//   meta           Y.Map    format, name, description
//   channels       Y.Map    channelId -> Channel
//   threads        Y.Map    threadId  -> ThreadIndexEntry (the thread's own document holds its posts)
//   roles          Y.Array  RoleRecord (append-only; community-roles folds it)
//   threadStatus   Y.Map    `${threadId}:${signature prefix}` -> ThreadStatusRecord (several coexist; newest allowed wins)
//   historySetting Y.Map    `history:${signature prefix}`    -> HistoryRecord      (several coexist; newest allowed wins)
//
// An index entry's `status`/`statusBy` as stored are never believed: listThreads fills them in from the signed
// status records (community-settings.ts).
import type * as Y from 'yjs';
import { z } from 'zod';
import type { Identity } from '../crypto/index';
import { fail, ok, type Result } from '../protocol/errors';
import { signRoleRecord, type CommunityRoleName, type RoleRecord, RoleRecord as RoleRecordSchema } from './community-roles';
import {
  DEFAULT_HISTORY,
  HistoryRecord,
  HistoryVisibility,
  newestValid,
  settingKey,
  signHistory,
  signThreadStatus,
  ThreadId,
  ThreadStatus,
  ThreadStatusRecord,
  verifyHistory,
  verifyThreadStatus,
} from './community-settings';
import { isWellFormedText, MemberKey, memberKeyOf } from './ids';
import { Millis, Title } from './records';
import type { VerifyOptions } from './signatures';
import { parseRecord } from './verification-cache';

export { HistoryVisibility, ThreadStatus } from './community-settings';

export const COMMUNITY_FORMAT_VERSION = 1;
export const MAX_COMMUNITY_DESCRIPTION = 500;

const Text = (max: number) => z.string().trim().max(max).refine(isWellFormedText, { message: 'must be well-formed text' });
export const CommunityName = Title;
export const ChannelId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/);
export const Channel = z.object({ id: ChannelId, name: Text(60).pipe(z.string().min(1)) });
export type Channel = z.infer<typeof Channel>;

export const ThreadKind = z.enum(['need', 'offer', 'discussion']);
export type ThreadKind = z.infer<typeof ThreadKind>;

export const ThreadIndexEntry = z.object({
  id: ThreadId,
  channel: ChannelId,
  kind: ThreadKind,
  /**
   * As listed (listThreads): the newest signed status from the author or an owner or moderator, else 'open' set by
   * the author. As stored it is only what its writer claimed, and is not read.
   */
  status: ThreadStatus,
  statusBy: MemberKey,
  title: Title,
  author: MemberKey,
  lastActivity: Millis,
});
export type ThreadIndexEntry = z.infer<typeof ThreadIndexEntry>;

export type CommunityDocError = 'community.already_initialised' | 'community.invalid' | 'thread.unknown_channel' | 'thread.not_found' | 'thread.exists';

export interface CommunityParts {
  meta: Y.Map<unknown>;
  channels: Y.Map<unknown>;
  threads: Y.Map<unknown>;
  roles: Y.Array<unknown>;
  threadStatus: Y.Map<unknown>;
  historySetting: Y.Map<unknown>;
}

export function communityParts(doc: Y.Doc): CommunityParts {
  return {
    meta: doc.getMap('meta'),
    channels: doc.getMap('channels'),
    threads: doc.getMap('threads'),
    roles: doc.getArray('roles'),
    threadStatus: doc.getMap('threadStatus'),
    historySetting: doc.getMap('historySetting'),
  };
}

/** The folded roles (foldRoles), to decide whose settings count. */
export type FoldedRoles = ReadonlyMap<string, { role: CommunityRoleName }>;

const moderates = (roles: FoldedRoles, key: string): boolean => {
  const role = roles.get(key)?.role;
  return role === 'owner' || role === 'moderator';
};

export interface InitCommunityOptions {
  identity: Identity;
  user: string;
  docId: string;
  name: string;
  description: string;
  /** The first channel, e.g. { id: 'general', name: 'General' }. */
  channel: Channel;
  /** Default 'all'; signed by the founder like any later change. */
  history?: HistoryVisibility;
  now: number;
  origin?: unknown;
}

/** Writes the layout, the first channel, the owner's signed creation record and history setting in one transaction. */
export function initCommunity(doc: Y.Doc, o: InitCommunityOptions): Result<RoleRecord, CommunityDocError> {
  const parts = communityParts(doc);
  if (parts.meta.has('format')) return fail('community.already_initialised');
  const name = CommunityName.safeParse(o.name);
  const description = Text(MAX_COMMUNITY_DESCRIPTION).safeParse(o.description);
  const channel = Channel.safeParse(o.channel);
  const history = HistoryVisibility.safeParse(o.history ?? 'all');
  if (!name.success || !description.success || !channel.success || !history.success) return fail('community.invalid');
  const record = signRoleRecord(
    { docId: o.docId, seq: 0, action: 'create', subject: { user: o.user, key: memberKeyOf(o.identity.signing.publicKey) }, at: o.now },
    o.identity,
  );
  const setting = signHistory(o.docId, { value: history.data, at: o.now }, o.identity);
  doc.transact(() => {
    parts.meta.set('format', COMMUNITY_FORMAT_VERSION);
    parts.meta.set('name', name.data);
    parts.meta.set('description', description.data);
    parts.channels.set(channel.data.id, channel.data);
    parts.roles.push([record]);
    parts.historySetting.set(settingKey('history', setting.signature), setting);
  }, o.origin);
  return ok(record);
}

/** Appends a role change signed by `identity`; whether it counts is the fold's decision (foldRoles). */
export function appendRoleRecord(doc: Y.Doc, identity: Identity, r: Omit<Parameters<typeof signRoleRecord>[0], 'seq'>, origin?: unknown): RoleRecord {
  const parts = communityParts(doc);
  let maxSeq = -1;
  for (const raw of parts.roles) {
    const parsed = RoleRecordSchema.safeParse(raw);
    if (parsed.success) maxSeq = Math.max(maxSeq, parsed.data.seq);
  }
  const record = signRoleRecord({ ...r, seq: maxSeq + 1 }, identity);
  doc.transact(() => parts.roles.push([record]), origin);
  return record;
}

export interface HistorySetting {
  value: HistoryVisibility;
  /** Who set what counts, and when; null when nothing counts and the value is the default. */
  by: MemberKey | null;
  at: number | null;
}

export interface ReadSettingsOptions extends VerifyOptions {
  docId: string;
  roles: FoldedRoles;
}

/**
 * The history setting: the newest signed record from a current owner or moderator (the founder signs one at
 * creation). Without one that verifies it is 'joined', the stricter setting: a community from before signed
 * settings, or whose only setters have stepped down, reads so until an owner or moderator sets it again.
 */
export async function readHistorySetting(doc: Y.Doc, o: ReadSettingsOptions): Promise<HistorySetting> {
  const candidates: HistoryRecord[] = [];
  for (const raw of communityParts(doc).historySetting.values()) {
    const r = parseRecord(o.cache, HistoryRecord, raw);
    if (r && moderates(o.roles, r.by)) candidates.push(r);
  }
  const newest = await newestValid(candidates, (r) => verifyHistory(o.docId, r, o));
  return newest ? { value: newest.value, by: newest.by, at: newest.at } : { value: DEFAULT_HISTORY, by: null, at: null };
}

/** Sets the history setting, signed by `identity`; readers count it only while the signer is an owner or moderator. */
export function setHistoryVisibility(
  doc: Y.Doc,
  o: { docId: string; value: HistoryVisibility; identity: Identity; now: number; origin?: unknown },
): Result<HistoryVisibility, CommunityDocError> {
  const parsed = HistoryVisibility.safeParse(o.value);
  if (!parsed.success) return fail('community.invalid');
  const record = signHistory(o.docId, { value: parsed.data, at: o.now }, o.identity);
  const parts = communityParts(doc);
  doc.transact(() => {
    dropSuperseded(parts.historySetting, HistoryRecord, record, () => true);
    parts.historySetting.set(settingKey('history', record.signature), record);
  }, o.origin);
  return ok(parsed.data);
}

/** Removes the setter's own older records of the same setting: only the newest of each setter can ever count. */
function dropSuperseded<T extends { by: MemberKey; at: number }>(map: Y.Map<unknown>, schema: z.ZodType<T>, next: T, sameSubject: (r: T) => boolean): void {
  for (const [key, raw] of [...map.entries()]) {
    const r = schema.safeParse(raw);
    if (r.success && r.data.by === next.by && r.data.at <= next.at && sameSubject(r.data)) map.delete(key);
  }
}

export function readChannels(doc: Y.Doc): Channel[] {
  const out: Channel[] = [];
  for (const raw of communityParts(doc).channels.values()) {
    const parsed = Channel.safeParse(raw);
    if (parsed.success) out.push(parsed.data);
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function addChannel(doc: Y.Doc, channel: Channel, origin?: unknown): Result<Channel, CommunityDocError> {
  const parsed = Channel.safeParse(channel);
  if (!parsed.success) return fail('community.invalid');
  doc.transact(() => communityParts(doc).channels.set(parsed.data.id, parsed.data), origin);
  return ok(parsed.data);
}

export interface AddThreadOptions {
  id: string;
  channel: string;
  kind: ThreadKind;
  title: string;
  author: Identity;
  now: number;
  origin?: unknown;
}

/** Lists a new thread (its document is created through the API and written with the message model). */
export function addThreadEntry(doc: Y.Doc, o: AddThreadOptions): Result<ThreadIndexEntry, CommunityDocError> {
  const parts = communityParts(doc);
  if (!parts.channels.has(o.channel)) return fail('thread.unknown_channel');
  if (parts.threads.has(o.id)) return fail('thread.exists');
  const author = memberKeyOf(o.author.signing.publicKey);
  const entry = ThreadIndexEntry.safeParse({
    id: o.id,
    channel: o.channel,
    kind: o.kind,
    status: 'open',
    statusBy: author,
    title: o.title,
    author,
    lastActivity: o.now,
  });
  if (!entry.success) return fail('community.invalid');
  doc.transact(() => parts.threads.set(o.id, entry.data), o.origin);
  return ok(entry.data);
}

function updateThread(doc: Y.Doc, id: string, change: (e: ThreadIndexEntry) => ThreadIndexEntry, origin?: unknown): Result<ThreadIndexEntry, CommunityDocError> {
  const parts = communityParts(doc);
  const current = ThreadIndexEntry.safeParse(parts.threads.get(id));
  if (!current.success) return fail('thread.not_found');
  const next = ThreadIndexEntry.safeParse(change(current.data));
  if (!next.success) return fail('community.invalid');
  doc.transact(() => parts.threads.set(id, next.data), origin);
  return ok(next.data);
}

/**
 * `Mark resolved` (or reopen): a record signed by `identity`, which readers believe only from the thread's author
 * or an owner or moderator. Moves the thread up the list, like a reply.
 */
export function setThreadStatus(
  doc: Y.Doc,
  o: { docId: string; id: string; status: ThreadStatus; identity: Identity; now: number; origin?: unknown },
): Result<ThreadIndexEntry, CommunityDocError> {
  const parts = communityParts(doc);
  const status = ThreadStatus.safeParse(o.status);
  if (!status.success) return fail('community.invalid');
  const current = ThreadIndexEntry.safeParse(parts.threads.get(o.id));
  if (!current.success) return fail('thread.not_found');
  const record = signThreadStatus(o.docId, { thread: o.id, status: status.data, at: o.now }, o.identity);
  const entry: ThreadIndexEntry = { ...current.data, status: record.status, statusBy: record.by, lastActivity: Math.max(current.data.lastActivity, o.now) };
  doc.transact(() => {
    dropSuperseded(parts.threadStatus, ThreadStatusRecord, record, (r) => r.thread === o.id);
    parts.threadStatus.set(settingKey(o.id, record.signature), record);
    parts.threads.set(o.id, entry);
  }, o.origin);
  return ok(entry);
}

/** A reply in the thread moves it up the list; activity never goes backwards. */
export function touchThread(doc: Y.Doc, o: { id: string; now: number; origin?: unknown }) {
  return updateThread(doc, o.id, (e) => ({ ...e, lastActivity: Math.max(e.lastActivity, o.now) }), o.origin);
}

export interface ListThreadsOptions extends ReadSettingsOptions {
  channel?: string;
  kind?: ThreadKind;
  status?: ThreadStatus;
}

/**
 * The thread index, most recently active first; malformed entries are skipped. Each thread's status is the newest
 * signed record from its author or a current owner or moderator that verifies; without one it reads as open.
 */
export async function listThreads(doc: Y.Doc, o: ListThreadsOptions): Promise<ThreadIndexEntry[]> {
  const parts = communityParts(doc);
  const entries = new Map<string, ThreadIndexEntry>();
  for (const raw of parts.threads.values()) {
    const parsed = ThreadIndexEntry.safeParse(raw);
    if (parsed.success) entries.set(parsed.data.id, parsed.data);
  }
  const candidates = new Map<string, ThreadStatusRecord[]>();
  for (const raw of parts.threadStatus.values()) {
    const r = parseRecord(o.cache, ThreadStatusRecord, raw);
    const entry = r && entries.get(r.thread);
    if (!r || !entry || (r.by !== entry.author && !moderates(o.roles, r.by))) continue;
    const list = candidates.get(r.thread);
    if (list) list.push(r);
    else candidates.set(r.thread, [r]);
  }
  const believed = new Map<string, ThreadStatusRecord>();
  await Promise.all(
    [...candidates].map(async ([thread, records]) => {
      const newest = await newestValid(records, (r) => verifyThreadStatus(o.docId, r, o));
      if (newest) believed.set(thread, newest);
    }),
  );

  const out: ThreadIndexEntry[] = [];
  for (const e of entries.values()) {
    const signed = believed.get(e.id);
    const entry = { ...e, status: signed?.status ?? 'open', statusBy: signed?.by ?? e.author };
    if (o.channel !== undefined && entry.channel !== o.channel) continue;
    if (o.kind !== undefined && entry.kind !== o.kind) continue;
    if (o.status !== undefined && entry.status !== o.status) continue;
    out.push(entry);
  }
  return out.sort((a, b) => b.lastActivity - a.lastActivity || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
