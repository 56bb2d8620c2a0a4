// The communities part of "Export my data": each community this device belongs to as its document says, and each
// of its threads with the decrypted posts, one thread document loaded at a time.
import { z } from 'zod';
import { HistoryVisibility, ThreadKind, ThreadStatus, type ThreadIndexEntry } from '../docs';
import { Id, type Account } from '../protocol/api';
import { CommunityRole, type CommunityMemberView } from '../protocol/api-communities';
import { DocId } from '../protocol/api-docs';
import type { ClientResult } from './client-errors';
import type { Communities, CommunitySummary } from './engine/communities';
import type { ThreadReader } from './engine/open-thread';
import { ExportMessage, ExportPerson, exportHistory, nameInFile, problemOf, type PersonOf } from './export-messages';

export const ExportThread = z.strictObject({
  id: DocId,
  channel: z.string(),
  kind: ThreadKind,
  status: ThreadStatus,
  title: z.string(),
  author: ExportPerson,
  /** When the server made the thread's document; null when this device's list does not have it yet. */
  createdAt: z.number().int().nullable(),
  lastActivity: z.number().int(),
  posts: z.array(ExportMessage),
  complete: z.boolean(),
  problem: z.string().nullable(),
});
export type ExportThread = z.infer<typeof ExportThread>;

export const ExportCommunity = z.strictObject({
  id: DocId,
  name: z.string(),
  description: z.string(),
  myRole: CommunityRole,
  createdAt: z.number().int(),
  /** Whether newcomers see earlier posts; null only when the community could not be read. */
  history: HistoryVisibility.nullable(),
  channels: z.array(z.strictObject({ id: z.string(), name: z.string() })),
  members: z.array(
    z.strictObject({
      accountId: Id,
      handle: z.string().nullable(),
      displayName: z.string().nullable(),
      memberKey: z.string().nullable(),
      role: CommunityRole,
      verifiedRole: CommunityRole.nullable(),
      invited: z.boolean(),
    }),
  ),
  threads: z.array(ExportThread),
  complete: z.boolean(),
  problem: z.string().nullable(),
});
export type ExportCommunity = z.infer<typeof ExportCommunity>;

export const ExportInvitation = z.strictObject({ id: DocId, name: z.string().nullable() });
export type ExportInvitation = z.infer<typeof ExportInvitation>;

export interface CommunityExportDeps {
  communities: Pick<Communities, 'list' | 'state' | 'view' | 'nameOf' | 'invitations'>;
  readThread(threadId: string): Promise<ClientResult<ThreadReader>>;
  me: Account;
  pageSize: number;
  /** The community's index lists `delta` more threads than the list counted (fewer when negative). */
  recount(delta: number): void;
  /** One thread is in the file, with this many posts. */
  threadDone(posts: number): void;
}

export function exportInvitations(communities: CommunityExportDeps['communities']): ExportInvitation[] {
  return communities.invitations().map(({ view, name }) => ({ id: view.id, name }));
}

export async function exportCommunity(deps: CommunityExportDeps, summary: CommunitySummary): Promise<ExportCommunity | null> {
  const view = deps.communities.view(summary.id);
  if (!view) {
    // Left or removed since the export started: its threads are no longer part of it.
    deps.recount(-summary.threadCount);
    return null;
  }
  const base = { id: view.id, myRole: view.myRole, createdAt: view.createdAt };
  const incomplete = (problem: string): ExportCommunity => {
    deps.recount(-summary.threadCount);
    const members = view.members.map((m) => exportMember(m, null));
    return { ...base, name: summary.name ?? '', description: '', history: null, channels: [], members, threads: [], complete: false, problem };
  };
  const state = await deps.communities.state(summary.id).catch((error: unknown) => ({ ok: false as const, code: problemOf(error) }));
  if (!state.ok) return incomplete(state.code);
  const community = state.value;
  deps.recount(community.threads.length - summary.threadCount);

  const accounts = new Map<string, string>();
  for (const m of view.members) if (m.signingPublicKey) accounts.set(m.signingPublicKey, m.accountId);
  const person: PersonOf = (memberKey) => ({
    memberKey,
    accountId: accounts.get(memberKey) ?? null,
    name: nameInFile(deps.communities.nameOf(summary.id, memberKey), deps.me),
  });
  const created = new Map(view.threads.map((t) => [t.id, t.createdAt]));
  const threads: ExportThread[] = [];
  // One thread document at a time: a community with thousands of threads never has them all in memory.
  for (const entry of community.threads) {
    const thread = await exportThread(deps, entry, created.get(entry.id) ?? null, person);
    threads.push(thread);
    deps.threadDone(thread.posts.length);
  }
  return {
    ...base,
    name: community.name,
    description: community.description,
    history: community.history,
    channels: community.channels.map((c) => ({ id: c.id, name: c.name })),
    members: community.members.map((m) => exportMember(m, m.verifiedRole)),
    threads,
    complete: true,
    problem: null,
  };
}

/** A member as the server lists them, with the role the signed role records give them (null: none, or unread). */
function exportMember(m: CommunityMemberView, verifiedRole: CommunityRole | null): ExportCommunity['members'][number] {
  return {
    accountId: m.accountId,
    handle: m.handle,
    displayName: m.displayName,
    memberKey: m.signingPublicKey,
    role: m.role,
    verifiedRole,
    invited: m.invited === true,
  };
}

async function exportThread(deps: CommunityExportDeps, entry: ThreadIndexEntry, createdAt: number | null, person: PersonOf): Promise<ExportThread> {
  const base = {
    id: entry.id,
    channel: entry.channel,
    kind: entry.kind,
    status: entry.status,
    title: entry.title,
    author: person(entry.author),
    createdAt,
    lastActivity: entry.lastActivity,
  };
  let reader: ThreadReader | null = null;
  try {
    const opened = await deps.readThread(entry.id);
    if (!opened.ok) return { ...base, posts: [], complete: false, problem: opened.code };
    reader = opened.value;
    return { ...base, posts: await exportHistory(reader.messages, deps.pageSize, person), complete: true, problem: null };
  } catch (error) {
    // A local store that fails for one thread should not cost the person the rest of the export.
    return { ...base, posts: [], complete: false, problem: problemOf(error) };
  } finally {
    reader?.close();
  }
}
