// The inner document of a community: what its members see and the server never does. Thread documents need
// no model of their own: a thread is a conversation-layout document (lib/docs/layout), written and read with
// the same signed messages, edits, deletions, replies and reactions (appendMessage, listMessages...).
//
//   meta     Y.Map    format, name, description, history (who sees what was posted before they joined)
//   channels Y.Map    channelId -> Channel
//   threads  Y.Map    threadId  -> ThreadIndexEntry (the thread's own document holds its posts)
//   roles    Y.Array  RoleRecord (append-only; community-roles folds it)
import type * as Y from 'yjs';
import { z } from 'zod';
import type { Identity } from '../crypto/index';
import { fail, ok, type Result } from '../protocol/errors';
import { signRoleRecord, type CommunityRoleName, type RoleRecord, RoleRecord as RoleRecordSchema } from './community-roles';
import { isWellFormedText, MemberKey, memberKeyOf } from './ids';
import { Millis, Title } from './records';

export const COMMUNITY_FORMAT_VERSION = 1;
export const MAX_COMMUNITY_DESCRIPTION = 500;

const Text = (max: number) => z.string().trim().max(max).refine(isWellFormedText, { message: 'must be well-formed text' });
export const CommunityName = Title;
export const ChannelId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/);
export const Channel = z.object({ id: ChannelId, name: Text(60).pipe(z.string().min(1)) });
export type Channel = z.infer<typeof Channel>;

/**
 * Whether people who join later see what was posted before. 'all': they get the current epoch's key, so they
 * read everything since the last rotation. 'joined': a direct invitation first rotates to a new epoch, so the
 * newcomer holds no key to anything written earlier (an invite link carries the key of the epoch it was made in).
 */
export const HistoryVisibility = z.enum(['all', 'joined']);
export type HistoryVisibility = z.infer<typeof HistoryVisibility>;

export const ThreadKind = z.enum(['need', 'offer', 'discussion']);
export type ThreadKind = z.infer<typeof ThreadKind>;
export const ThreadStatus = z.enum(['open', 'resolved']);
export type ThreadStatus = z.infer<typeof ThreadStatus>;

export const ThreadIndexEntry = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  channel: ChannelId,
  kind: ThreadKind,
  status: ThreadStatus,
  /** Who last set the status: a status set by anyone but the author or a moderator is not believed. */
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
}

export function communityParts(doc: Y.Doc): CommunityParts {
  return { meta: doc.getMap('meta'), channels: doc.getMap('channels'), threads: doc.getMap('threads'), roles: doc.getArray('roles') };
}

export interface InitCommunityOptions {
  identity: Identity;
  user: string;
  docId: string;
  name: string;
  description: string;
  /** The first channel, e.g. { id: 'general', name: 'General' }. */
  channel: Channel;
  /** Default 'all'. */
  history?: HistoryVisibility;
  now: number;
  origin?: unknown;
}

/** Writes the layout, the first channel and the owner's signed creation record in one transaction. */
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
  doc.transact(() => {
    parts.meta.set('format', COMMUNITY_FORMAT_VERSION);
    parts.meta.set('name', name.data);
    parts.meta.set('description', description.data);
    parts.meta.set('history', history.data);
    parts.channels.set(channel.data.id, channel.data);
    parts.roles.push([record]);
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

/** The history setting; a community made before it existed, or a malformed value, reads as 'all'. */
export function readHistoryVisibility(doc: Y.Doc): HistoryVisibility {
  const parsed = HistoryVisibility.safeParse(communityParts(doc).meta.get('history'));
  return parsed.success ? parsed.data : 'all';
}

/**
 * Sets the history setting. Anyone can write the map; readers take it only when `historyBy` names the owner or a
 * moderator (checked against the folded roles by the caller). Like thread status, that name is not signed.
 */
export function setHistoryVisibility(doc: Y.Doc, o: { value: HistoryVisibility; by: Identity; origin?: unknown }): Result<HistoryVisibility, CommunityDocError> {
  const parsed = HistoryVisibility.safeParse(o.value);
  if (!parsed.success) return fail('community.invalid');
  const meta = communityParts(doc).meta;
  doc.transact(() => {
    meta.set('history', parsed.data);
    meta.set('historyBy', memberKeyOf(o.by.signing.publicKey));
  }, o.origin);
  return ok(parsed.data);
}

/** Who last set the history setting (absent when it was set at creation, by the founder). */
export function historySetBy(doc: Y.Doc): MemberKey | null {
  const parsed = MemberKey.safeParse(communityParts(doc).meta.get('historyBy'));
  return parsed.success ? parsed.data : null;
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

/** `Mark resolved` (or reopen). Anyone can write it; readers believe it only from the author or a moderator. */
export function setThreadStatus(doc: Y.Doc, o: { id: string; status: ThreadStatus; by: Identity; now: number; origin?: unknown }) {
  const by = memberKeyOf(o.by.signing.publicKey);
  return updateThread(doc, o.id, (e) => ({ ...e, status: o.status, statusBy: by, lastActivity: Math.max(e.lastActivity, o.now) }), o.origin);
}

/** A reply in the thread moves it up the list; activity never goes backwards. */
export function touchThread(doc: Y.Doc, o: { id: string; now: number; origin?: unknown }) {
  return updateThread(doc, o.id, (e) => ({ ...e, lastActivity: Math.max(e.lastActivity, o.now) }), o.origin);
}

export interface ListThreadsOptions {
  channel?: string;
  kind?: ThreadKind;
  status?: ThreadStatus;
  /** The folded roles (foldRoles), to decide whose status changes count. */
  roles: ReadonlyMap<string, { role: CommunityRoleName }>;
}

/** The thread index, most recently active first; malformed entries are skipped. */
export function listThreads(doc: Y.Doc, o: ListThreadsOptions): ThreadIndexEntry[] {
  const out: ThreadIndexEntry[] = [];
  for (const raw of communityParts(doc).threads.values()) {
    const parsed = ThreadIndexEntry.safeParse(raw);
    if (!parsed.success) continue;
    const e = parsed.data;
    const role = o.roles.get(e.statusBy)?.role;
    // A status from someone not allowed to set it reads as open.
    const status: ThreadStatus = e.statusBy === e.author || role === 'owner' || role === 'moderator' ? e.status : 'open';
    const entry = status === e.status ? e : { ...e, status };
    if (o.channel !== undefined && entry.channel !== o.channel) continue;
    if (o.kind !== undefined && entry.kind !== o.kind) continue;
    if (o.status !== undefined && entry.status !== o.status) continue;
    out.push(entry);
  }
  return out.sort((a, b) => b.lastActivity - a.lastActivity || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
