// "Export my data": one JSON file with everything about the person, built on this device from the server's
// metadata export and the conversations and community threads this device decrypts, one document at a time.
import { z } from 'zod';
import { Account, Id } from '../protocol/api';
import { DocId } from '../protocol/api-docs';
import { BlockView, MetadataExport, PrivacySettings } from '../protocol/api-privacy';
import { ok } from '../protocol/errors';
import type { Api } from './api';
import type { ClientResult } from './client-errors';
import type { ConversationResult } from './engine/conversation-actions';
import type { Conversations } from './engine/conversations';
import type { ConversationReader } from './engine/engine';
import type { ThreadReader } from './engine/open-thread';
import { exportCommunity, ExportCommunity, ExportInvitation, exportInvitations, type CommunityExportDeps } from './export-communities';
import { ExportMessage, ExportPerson, exportHistory, nameInFile, problemOf } from './export-messages';

export { ExportCommunity, ExportInvitation, ExportThread } from './export-communities';
export { ExportMessage, ExportPerson } from './export-messages';

/**
 * The file's layout, format `hasneeds-data-export`, version 2 (README.md, "Data export"; version 1 had no
 * communities). Times are milliseconds since 1970-01-01 UTC; keys and ids are base64url.
 *
 *   format, version          "hasneeds-data-export", 2 (a reader checks both before anything else)
 *   exportedAt               when this device made the file
 *   profile                  my account: id, handle, displayName, signingPublicKey, boxPublicKey, createdAt
 *   settings.privacy         who can contact me, read receipts, typing (as the server keeps them)
 *   contacts                 people I accepted: accountId, handle, displayName, acceptedAt
 *   blocks                   people I blocked: accountId, handle, displayName, blockedAt
 *   conversations[]          every conversation I belong to, message requests included (newest activity first):
 *     id, kind, title, request (true while it is a request I have not accepted), createdAt
 *     members[]              current members: accountId, handle, displayName, memberKey (null fields: a deleted account)
 *     membershipHistory[]    signed records: at, action, actor, subjects, verified, accepted
 *     messages[]             oldest first: id, author, sentAt, body (null once deleted), deleted, edited, editedAt,
 *                            replyTo (a message id or null), verified (the author's signature checks), reactions[]
 *                            ({ emoji, by[] })
 *     complete, problem      false and a code when this device could not read the conversation
 *   communities[]            every community I belong to, in the order the app lists them, as its document says:
 *     id, name, description, myRole, createdAt, history ('all' | 'joined': whether newcomers see earlier posts)
 *     channels[]             id, name
 *     members[]              accountId, handle, displayName, memberKey, role (as the server lists it), verifiedRole
 *                            (as the signed role records give it, or null), invited (asked directly, not answered)
 *     threads[]              most recently active first: id, channel (a channel id), kind (need | offer |
 *                            discussion), status (open | resolved, as signed), title, author, createdAt, lastActivity,
 *       posts[]              oldest first, each as a conversation's messages[] entry
 *       complete, problem    as for a conversation, per thread
 *     complete, problem      false and a code when this device could not read the community document
 *   communityInvitations[]   communities I was invited to and have not answered: id, name (null until read)
 *   server                   GET /api/account/export-metadata as it came: sessions, memberships with epochs and
 *                            sequence numbers, declined requests, and the fields above as the server holds them
 *
 * A person (author, actor, reaction) is { memberKey, accountId, name }: the signing key that signed, the account it
 * belonged to when this device knows it, and the name this device shows for it ("Deleted account", "Former member").
 * Messages are those this device holds: a conversation or thread still syncing may lack its newest ones.
 */
export const EXPORT_FORMAT = 'hasneeds-data-export';
export const EXPORT_VERSION = 2;

export const ExportConversation = z.strictObject({
  id: DocId,
  kind: z.enum(['direct', 'group']),
  title: z.string(),
  request: z.boolean(),
  createdAt: z.number().int(),
  members: z.array(
    z.strictObject({ accountId: Id, handle: z.string().nullable(), displayName: z.string().nullable(), memberKey: z.string().nullable() }),
  ),
  membershipHistory: z.array(
    z.strictObject({
      at: z.number().int(),
      action: z.string(),
      actor: ExportPerson,
      subjects: z.array(ExportPerson),
      verified: z.boolean(),
      accepted: z.boolean(),
    }),
  ),
  messages: z.array(ExportMessage),
  complete: z.boolean(),
  problem: z.string().nullable(),
});
export type ExportConversation = z.infer<typeof ExportConversation>;

const PAGE_SIZE = 500;

export const DataExport = z.strictObject({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  exportedAt: z.number().int(),
  profile: Account,
  settings: z.strictObject({ privacy: PrivacySettings }),
  contacts: MetadataExport.shape.contacts,
  blocks: z.array(BlockView),
  conversations: z.array(ExportConversation),
  communities: z.array(ExportCommunity),
  communityInvitations: z.array(ExportInvitation),
  server: MetadataExport,
});
export type DataExport = z.infer<typeof DataExport>;

/** What the export reads: a running engine (the device's or a test's) and the API. */
export interface ExportEngine {
  readonly conversations: Pick<Conversations, 'all' | 'view' | 'nameOf'>;
  readonly communities: CommunityExportDeps['communities'];
  read(docId: string): Promise<ConversationResult<ConversationReader>>;
  readThread(threadId: string): Promise<ClientResult<ThreadReader>>;
}

export interface ExportProgress {
  /** Conversations and community threads finished, of `total`. */
  done: number;
  /**
   * Every conversation, and every community's threads as the community list counts them until the community's own
   * index is read (then as it lists them; a community this device cannot read takes its threads out).
   */
  total: number;
  /** Of `total`, community threads. */
  threads: number;
  /** Messages and posts exported so far. */
  messages: number;
}

export interface ExportDeps {
  api: Pick<Api, 'exportMetadata'>;
  engine: ExportEngine;
  now: () => number;
  onProgress?(progress: ExportProgress): void;
  /** Messages read per step of a conversation's or thread's history. */
  pageSize?: number;
}

/** Fails only when the server's metadata cannot be fetched; a conversation this device cannot read is marked incomplete. */
export async function buildExport(deps: ExportDeps): Promise<ClientResult<DataExport>> {
  const metadata = await deps.api.exportMetadata();
  if (!metadata.ok) return metadata;
  const server = metadata.value;
  // Requests and archived ones too: everything this device shows anywhere.
  const listed = deps.engine.conversations.all();
  const joined = deps.engine.communities.list();
  const threads = joined.reduce((sum, c) => sum + c.threadCount, 0);
  const progress: ExportProgress = { done: 0, total: listed.length + threads, threads, messages: 0 };
  const report = () => deps.onProgress?.({ ...progress });
  report();
  const conversations: ExportConversation[] = [];
  // One at a time: a person in hundreds of conversations never has them all in memory at once.
  for (const summary of listed) {
    const exported = await exportConversation(deps, summary.id, summary.title, server.account);
    if (exported) conversations.push(exported);
    progress.done++;
    progress.messages += exported?.messages.length ?? 0;
    report();
  }
  const communityDeps: CommunityExportDeps = {
    communities: deps.engine.communities,
    readThread: (threadId) => deps.engine.readThread(threadId),
    me: server.account,
    pageSize: deps.pageSize ?? PAGE_SIZE,
    recount(delta) {
      progress.total += delta;
      progress.threads += delta;
      if (delta !== 0) report();
    },
    threadDone(posts) {
      progress.done++;
      progress.messages += posts;
      report();
    },
  };
  const communities: ExportCommunity[] = [];
  for (const summary of joined) {
    const exported = await exportCommunity(communityDeps, summary);
    if (exported) communities.push(exported);
  }
  return ok({
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: deps.now(),
    profile: server.account,
    settings: { privacy: server.privacy },
    contacts: server.contacts,
    blocks: server.blocks,
    conversations,
    communities,
    communityInvitations: exportInvitations(deps.engine.communities),
    server,
  });
}

async function exportConversation(deps: ExportDeps, docId: string, title: string, me: Account): Promise<ExportConversation | null> {
  const { conversations } = deps.engine;
  const view = conversations.view(docId);
  if (!view) return null;
  const base = {
    id: view.id,
    kind: view.kind,
    title,
    request: view.request === true,
    createdAt: view.createdAt,
    members: view.members.map((m) => ({ accountId: m.accountId, handle: m.handle, displayName: m.displayName, memberKey: m.signingPublicKey })),
  };
  const incomplete = (problem: string): ExportConversation => ({ ...base, membershipHistory: [], messages: [], complete: false, problem });
  const opened = await deps.engine.read(docId);
  if (!opened.ok) return incomplete(opened.code);
  const reader = opened.value;
  try {
    const history = await reader.history();
    // Authors are known by signing key; the account behind a key comes from the members or the signed history.
    const accounts = new Map<string, string>();
    for (const m of view.members) if (m.signingPublicKey) accounts.set(m.signingPublicKey, m.accountId);
    for (const event of history) {
      for (const p of [event.actor, ...event.subjects]) if (p.accountId !== null && !accounts.has(p.memberKey)) accounts.set(p.memberKey, p.accountId);
    }
    const ownName = (name: string) => nameInFile(name, me);
    const person = (memberKey: string): ExportPerson => ({
      memberKey,
      accountId: accounts.get(memberKey) ?? null,
      name: ownName(conversations.nameOf(docId, memberKey)),
    });
    const messages = await exportHistory(reader.messages, deps.pageSize ?? PAGE_SIZE, person);
    return {
      ...base,
      membershipHistory: history.map((e) => ({
        at: e.at,
        action: e.action,
        actor: { memberKey: e.actor.memberKey, accountId: e.actor.accountId, name: ownName(e.actor.name) },
        subjects: e.subjects.map((s) => ({ memberKey: s.memberKey, accountId: s.accountId, name: ownName(s.name) })),
        verified: e.verified,
        accepted: e.accepted,
      })),
      messages,
      complete: true,
      problem: null,
    };
  } catch (error) {
    // A local store that fails for one conversation should not cost the person the rest of the export.
    return incomplete(problemOf(error));
  } finally {
    reader.close();
  }
}
