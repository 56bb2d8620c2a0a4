// "Export my data": one JSON file with everything about the person, built on this device from the server's
// metadata export and the conversations this device decrypts, one conversation at a time.
import { z } from 'zod';
import { Account, Id } from '../protocol/api';
import { DocId } from '../protocol/api-docs';
import { BlockView, MetadataExport, PrivacySettings } from '../protocol/api-privacy';
import { ok } from '../protocol/errors';
import type { Position } from '../docs';
import type { Api } from './api';
import type { ClientResult } from './client-errors';
import type { ConversationResult } from './engine/conversation-actions';
import type { Conversations } from './engine/conversations';
import type { ConversationReader } from './engine/engine';

/**
 * The file's layout, format `hasneeds-data-export`, version 1 (README.md, "Data export"). Times are milliseconds
 * since 1970-01-01 UTC; keys and ids are base64url.
 *
 *   format, version          "hasneeds-data-export", 1 (a reader checks both before anything else)
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
 *   server                   GET /api/account/export-metadata as it came: sessions, memberships with epochs and
 *                            sequence numbers, declined requests, and the fields above as the server holds them
 *
 * A person (author, actor, reaction) is { memberKey, accountId, name }: the signing key that signed, the account it
 * belonged to when this device knows it, and the name this device shows for it ("Deleted account", "Former member").
 * Messages are those this device holds: a conversation still syncing may lack its newest ones.
 */
export const EXPORT_FORMAT = 'hasneeds-data-export';
export const EXPORT_VERSION = 1;

export const ExportPerson = z.strictObject({ memberKey: z.string(), accountId: Id.nullable(), name: z.string() });
export type ExportPerson = z.infer<typeof ExportPerson>;

export const ExportMessage = z.strictObject({
  id: z.string(),
  author: ExportPerson,
  sentAt: z.number().int(),
  body: z.string().nullable(),
  deleted: z.boolean(),
  edited: z.boolean(),
  editedAt: z.number().int().nullable(),
  replyTo: z.string().nullable(),
  verified: z.boolean(),
  reactions: z.array(z.strictObject({ emoji: z.string(), by: z.array(ExportPerson) })),
});
export type ExportMessage = z.infer<typeof ExportMessage>;

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

export const DataExport = z.strictObject({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  exportedAt: z.number().int(),
  profile: Account,
  settings: z.strictObject({ privacy: PrivacySettings }),
  contacts: MetadataExport.shape.contacts,
  blocks: z.array(BlockView),
  conversations: z.array(ExportConversation),
  server: MetadataExport,
});
export type DataExport = z.infer<typeof DataExport>;

/** What the export reads: a running engine (the device's or a test's) and the API. */
export interface ExportEngine {
  readonly conversations: Pick<Conversations, 'all' | 'view' | 'nameOf'>;
  read(docId: string): Promise<ConversationResult<ConversationReader>>;
}

export interface ExportProgress {
  /** Conversations finished, of `total`. */
  done: number;
  total: number;
  /** Messages exported so far, across conversations. */
  messages: number;
}

export interface ExportDeps {
  api: Pick<Api, 'exportMetadata'>;
  engine: ExportEngine;
  now: () => number;
  onProgress?(progress: ExportProgress): void;
  /** Messages read per step of a conversation's history. */
  pageSize?: number;
}

/** Fails only when the server's metadata cannot be fetched; a conversation this device cannot read is marked incomplete. */
export async function buildExport(deps: ExportDeps): Promise<ClientResult<DataExport>> {
  const metadata = await deps.api.exportMetadata();
  if (!metadata.ok) return metadata;
  const server = metadata.value;
  // Requests and archived ones too: everything this device shows anywhere.
  const listed = deps.engine.conversations.all();
  const progress: ExportProgress = { done: 0, total: listed.length, messages: 0 };
  deps.onProgress?.({ ...progress });
  const conversations: ExportConversation[] = [];
  // One at a time: a person in hundreds of conversations never has them all in memory at once.
  for (const summary of listed) {
    const exported = await exportConversation(deps, summary.id, summary.title, server.account);
    if (exported) conversations.push(exported);
    progress.done++;
    progress.messages += exported?.messages.length ?? 0;
    deps.onProgress?.({ ...progress });
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
    const ownName = (name: string) => (name === 'You' ? me.displayName : name);
    const person = (memberKey: string): ExportPerson => ({
      memberKey,
      accountId: accounts.get(memberKey) ?? null,
      name: ownName(conversations.nameOf(docId, memberKey)),
    });

    const pageSize = deps.pageSize ?? 500;
    const pages: ExportMessage[][] = [];
    let before: Position | undefined;
    // Newest page first, each one older than the last, so no step verifies more than one page.
    for (;;) {
      const page = await reader.messages({ limit: pageSize, ...(before ? { before } : {}) });
      pages.push(
        page.map((m) => ({
          id: m.id,
          author: person(m.author),
          sentAt: m.sentAt,
          body: m.body,
          deleted: m.deleted,
          edited: m.edited,
          editedAt: m.editedAt,
          replyTo: m.replyTo,
          verified: m.verified,
          reactions: m.reactions.map((r) => ({ emoji: r.emoji, by: r.members.map(person) })),
        })),
      );
      const oldest = page[0];
      if (page.length < pageSize || !oldest) break;
      before = { sentAt: oldest.sentAt, messageId: oldest.id };
    }
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
      messages: pages.reverse().flat(),
      complete: true,
      problem: null,
    };
  } catch (error) {
    // A local store that fails for one conversation should not cost the person the rest of the export.
    return incomplete(error instanceof Error && error.name ? `device.${error.name}` : 'device.unreadable');
  } finally {
    reader.close();
  }
}
